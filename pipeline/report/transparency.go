package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// tkey is one row of the transparency figures.
type tkey struct {
	month, rule string
	measure     model.Measure
	origin      string
}

// tcounts are one row's figures.
type tcounts struct {
	issued, renewed, expired, rescinded int64
	received, decided, overturned       int64
	days                                []int64 // days from filing to decision, of the appeals decided in the month
}

// TransparencyTable is the monthly enforcement figures for regulators, in
// the layout of the EU's harmonised transparency-report templates where it
// fits: per month, rule, measure and origin, the notices issued (new
// offences), renewed, expired (in the month their period ended) and
// rescinded, and the appeals received, decided and overturned, with the
// median days from filing to decision. Appeals on a complaint count under
// the complaints rule, with no measure; appeals on a decision under the
// decision's rule and measure.
func TransparencyTable(in *Input) *Table {
	t := &Table{Name: "transparency", Cols: []Col{
		{Name: "month", Kind: KText},
		{Name: "rule_id", Kind: KEnum},
		{Name: "measure", Kind: KEnum},
		{Name: "origin", Kind: KEnum},
		{Name: "issued", Kind: KInt},
		{Name: "renewed", Kind: KInt},
		{Name: "expired", Kind: KInt},
		{Name: "rescinded", Kind: KInt},
		{Name: "appeals_received", Kind: KInt},
		{Name: "appeals_decided", Kind: KInt},
		{Name: "appeals_overturned", Kind: KInt},
		{Name: "median_days_to_decision", Kind: KDecimal},
	}}
	rows := map[tkey]*tcounts{}
	at := func(k tkey) *tcounts {
		if rows[k] == nil {
			rows[k] = &tcounts{}
		}
		return rows[k]
	}
	month := func(d model.Date) string { return d.String()[:7] }
	for i := range in.Notices {
		n := &in.Notices[i]
		k := tkey{rule: n.RuleID, measure: n.Measure, origin: n.Origin}
		k.month = month(n.IssuedOn)
		if n.Continues != "" {
			at(k).renewed++
		} else {
			at(k).issued++
		}
		switch {
		case n.Status == model.Expired && n.EffectiveUntil != model.NoDate:
			k.month = month(n.EffectiveUntil + 1) // the first day it was no longer in force
			at(k).expired++
		case n.Status == model.Rescinded && n.RescindedOn != model.NoDate:
			k.month = month(n.RescindedOn)
			at(k).rescinded++
		}
	}
	decisions := map[string]*model.Decision{}
	for i := range in.Decisions {
		decisions[in.Decisions[i].ID] = &in.Decisions[i]
	}
	if in.Clock != nil {
		for _, a := range in.Appeals {
			k := tkey{rule: in.Book.OfKind(rulebook.KindComplaints), origin: model.OriginComputed}
			if a.SubjectKind != model.SubjectComplaint {
				k.origin = model.OriginDecision
				if d := decisions[a.SubjectID]; d != nil {
					k.rule, k.measure = d.RuleID, d.Measure
				} else {
					k.rule = ""
				}
			}
			filed := in.Clock.Day(a.FiledAt)
			k.month = month(filed)
			at(k).received++
			if a.Outcome == model.AppealPending || a.DecidedAt == model.NoInstant {
				continue
			}
			decided := in.Clock.Day(a.DecidedAt)
			k.month = month(decided)
			c := at(k)
			c.decided++
			if a.Outcome == model.AppealOverturned {
				c.overturned++
			}
			c.days = append(c.days, int64(decided-filed))
		}
	}
	keys := make([]tkey, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tkey) int {
		return cmp.Or(strings.Compare(a.month, b.month), strings.Compare(a.rule, b.rule), strings.Compare(string(a.measure), string(b.measure)),
			strings.Compare(a.origin, b.origin))
	})
	for _, k := range keys {
		c := rows[k]
		med := null()
		if len(c.days) > 0 {
			slices.Sort(c.days)
			m := len(c.days) / 2
			v := float64(c.days[m])
			if len(c.days)%2 == 0 {
				v = float64(c.days[m-1]+c.days[m]) / 2
			}
			med = dec(v)
		}
		t.Rows = append(t.Rows, []Value{txt(k.month), txt(k.rule), txt(k.measure), txt(k.origin), num(c.issued), num(c.renewed),
			num(c.expired), num(c.rescinded), num(c.received), num(c.decided), num(c.overturned), med})
	}
	return t
}
