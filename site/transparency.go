package site

import (
	"html/template"
	"slices"
	"strconv"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

// TransparencyRow is one row of the monthly enforcement figures
// (transparency.csv): one month, rule, measure and origin.
type TransparencyRow struct {
	Month, RuleID                                      string
	Measure                                            model.Measure
	Origin                                             string
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
	return fillMonths(out)
}

// fillMonths puts the months with nothing to count between the first and
// the last, so that the chart and its table run without a gap.
func fillMonths(ms []monthTotal) []monthTotal {
	if len(ms) == 0 {
		return ms
	}
	var out []monthTotal
	for i, m := range ms {
		if i > 0 {
			for next := nextMonth(out[len(out)-1].Month); next != "" && next < m.Month; next = nextMonth(next) {
				out = append(out, monthTotal{Month: next})
			}
		}
		out = append(out, m)
	}
	return out
}

// nextMonth returns the month after a YYYY-MM month, or "" when m is not one.
func nextMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
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
