package site

import (
	"html/template"
	"slices"
	"strconv"
)

// TransparencyRow is one row of the monthly enforcement figures
// (transparency.csv): one month, rule, measure and origin.
type TransparencyRow struct {
	Month, RuleID, Measure, Origin                     string
	Issued, Renewed, Expired, Rescinded                int64
	AppealsReceived, AppealsDecided, AppealsOverturned int64
	MedianDays                                         string
}

// monthTotal is one month of the figures, over every rule.
type monthTotal struct {
	Month                               string
	Issued, Renewed, Expired, Rescinded int64
	Received, Decided, Overturned       int64
}

// TransparencyMonths totals the figures by month, oldest first.
func (w *world) TransparencyMonths() []monthTotal {
	var out []monthTotal
	for _, r := range w.in.Transparency {
		if len(out) == 0 || out[len(out)-1].Month != r.Month {
			out = append(out, monthTotal{Month: r.Month})
		}
		m := &out[len(out)-1]
		m.Issued += r.Issued
		m.Renewed += r.Renewed
		m.Expired += r.Expired
		m.Rescinded += r.Rescinded
		m.Received += r.AppealsReceived
		m.Decided += r.AppealsDecided
		m.Overturned += r.AppealsOverturned
	}
	return out
}

// Transparency is every row of the figures, newest month first.
func (w *world) Transparency() []TransparencyRow {
	rows := slices.Clone(w.in.Transparency)
	slices.SortStableFunc(rows, func(a, b TransparencyRow) int {
		if a.Month != b.Month {
			if a.Month > b.Month {
				return -1
			}
			return 1
		}
		return 0
	})
	return rows
}

// transparencyChart draws the notices issued and renewed in each of the
// last twelve months.
func (w *world) transparencyChart(lang string) template.HTML {
	t := func(k string) string { return w.ui.get(lang, k) }
	months := w.TransparencyMonths()
	if len(months) > 12 {
		months = months[len(months)-12:]
	}
	max := 0.0
	var bs []bar
	for _, m := range months {
		v := float64(m.Issued + m.Renewed)
		if v > max {
			max = v
		}
		// The bar's figure is the total; the table under the chart splits it.
		bs = append(bs, bar{Label: m.Month, Value: v, Class: "b-delivery", Text: strconv.FormatInt(m.Issued+m.Renewed, 10)})
	}
	return bars("transparency-chart", t("transparency_chart"), t("transparency_chart_desc"), max, bs)
}
