package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// Result is what evaluation yields.
type Result struct {
	AsOf        model.Date
	Facts       []*model.Facts     // one per provider, by provider id
	Findings    []model.Finding    // by provider, rule, measure, key
	Commitments []model.Commitment // the valid commitments, with Superseded filled in
	Services    []model.Service    // the valid services
	// Overturned lists the complaints and decisions overturned on appeal
	// ("complaint:Q1", "decision:D1") with the appeal's local decision date.
	Overturned map[string]model.Date
	// Appeals are every valid appeal, whatever its outcome, by subject
	// (kind, id), then filing time and id.
	Appeals []model.Appeal
	// Decisions are every valid staff decision, overturned or not, by id:
	// what an appeal on a decision was about.
	Decisions []model.Decision
}

// Finish computes every provider's findings once all rows have been seen.
func (e *Evaluator) Finish() *Result {
	res := &Result{AsOf: e.ref.AsOf, Overturned: map[string]model.Date{}}
	for key, ap := range e.appeals {
		d := e.ref.AsOf
		if ap.DecidedAt != model.NoInstant {
			d = e.clock.Day(ap.DecidedAt)
		}
		res.Overturned[key] = d
	}
	for _, a := range e.providers {
		res.Decisions = append(res.Decisions, a.decisions...)
		a.settle()
		res.Findings = append(res.Findings, e.provider(a)...)
		res.Facts = append(res.Facts, &a.facts)
	}
	slices.SortFunc(res.Facts, func(a, b *model.Facts) int { return strings.Compare(a.Provider.ID, b.Provider.ID) })
	slices.SortFunc(res.Findings, func(a, b model.Finding) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.Measure, b.Measure), strings.Compare(a.Key, b.Key))
	})
	slices.SortFunc(res.Decisions, func(a, b model.Decision) int { return strings.Compare(a.ID, b.ID) })
	res.Appeals = slices.Clone(e.all)
	slices.SortFunc(res.Appeals, func(a, b model.Appeal) int {
		return cmp.Or(strings.Compare(a.SubjectKind, b.SubjectKind), strings.Compare(a.SubjectID, b.SubjectID),
			cmp.Compare(a.FiledAt, b.FiledAt), strings.Compare(a.ID, b.ID))
	})
	res.Commitments = e.ref.Commitments
	res.Services = e.ref.Services
	return res
}

func (e *Evaluator) window(days int) (model.Date, model.Date) {
	return e.ref.AsOf - model.Date(days-1), e.ref.AsOf
}

func (e *Evaluator) provider(a *acc) []model.Finding {
	f := &a.facts
	p := f.Provider
	var out []model.Finding
	var basis []string
	b := e.book

	// Conduct: unanswered-call incidents, upheld complaints, staff decisions.
	r := &b.Reachability
	for _, c := range e.incidents(a.checks) {
		due := e.clock.Day(c.at)
		if !e.in365(due) {
			continue
		}
		f.Incidents365++
		f.Points365 += r.Points
		f.Deduction365 += r.DeductionFen
		f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: r.Rule.ID, Due: due,
			Points: r.Points, Deduction: r.DeductionFen, Ref: c.id,
			FactsZh: fmt.Sprintf("%d次抽查电话连续无人接听（%d小时内），第%d次于%s。", r.RunCalls, r.RunHours, r.RunCalls, due),
			FactsEn: fmt.Sprintf("%d test calls in a row went unanswered within %d hours; the last on %s.", r.RunCalls, r.RunHours, due)})
	}
	for _, c := range a.complaints {
		if _, over := e.Overturned("complaint", c.ID); over {
			continue
		}
		due := e.clock.Day(c.DecidedAt)
		if e.in90(due) {
			f.ComplaintsUpheld90++
		}
		if !e.in365(due) {
			continue
		}
		pts := b.Complaints.Points[c.Category]
		f.Points365 += pts
		basis = append(basis, "complaint:"+c.ID)
		f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: b.Complaints.Rule.ID, Due: due,
			Points: pts, Ref: c.ID, Category: c.Category,
			FactsZh: fmt.Sprintf("投诉%s（%s）经核实成立，%s认定。", c.ID, model.ComplaintCategoryEnum.Label(c.Category), due),
			FactsEn: fmt.Sprintf("Complaint %s (%s) upheld on %s.", c.ID, strings.ToLower(model.ComplaintCategoryEnum.LabelEn(c.Category)), due)})
	}
	for _, d := range a.decisions {
		if _, over := e.Overturned("decision", d.ID); over {
			continue
		}
		due := e.clock.Day(d.DecidedAt)
		rule := b.Rule(d.RuleID)
		m := b.Measure(d.Measure)
		zh := fmt.Sprintf("平台于%s作出处罚决定%s（%s）：%s", due, d.ID, rule.Zh.Name, m.Zh)
		en := fmt.Sprintf("Staff decision %s of %s under %s: %s", d.ID, due, rule.En.Name, strings.ToLower(m.En))
		if d.Points != 0 {
			zh += fmt.Sprintf("，记%d分", d.Points)
			en += fmt.Sprintf(", %d points", d.Points)
		}
		if d.Deduction != 0 {
			zh += fmt.Sprintf("，扣除保证金%s元", d.Deduction)
			en += fmt.Sprintf(", deposit deduction of %s CNY", d.Deduction)
		}
		zh += "。"
		en += "."
		if d.Facts != "" {
			zh += "事实：" + d.Facts
			en += " Facts (as stated by the platform): " + d.Facts
		}
		if e.in365(due) {
			f.Points365 += d.Points
			f.Deduction365 += d.Deduction
			basis = append(basis, "decision:"+d.ID)
			f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: d.RuleID, Due: due,
				Points: d.Points, Deduction: d.Deduction, Ref: d.ID, FactsZh: zh, FactsEn: en})
		}
		out = append(out, model.Finding{ProviderID: p.ID, RuleID: d.RuleID, RuleVersion: rule.Version, Measure: d.Measure,
			Key: p.ID + "/decision/" + d.ID, Issued: due, Decision: d.ID, Basis: []string{"decision:" + d.ID},
			FactsZh: zh, FactsEn: en, ProviderName: p.Name, ProviderCategory: p.Category,
			Figures: model.Figures{WindowFrom: model.NoDate, WindowTo: model.NoDate, Points: ptr(d.Points), Deduction: ptr(d.Deduction)}})
	}
	slices.SortFunc(f.Violations, func(x, y model.Violation) int {
		return cmp.Or(cmp.Compare(x.Due, y.Due), strings.Compare(x.RuleID, y.RuleID), strings.Compare(x.Ref, y.Ref))
	})

	computed := func(rule *rulebook.Rule, measure, zh, en string, basis []string, fig model.Figures) {
		out = append(out, model.Finding{ProviderID: p.ID, RuleID: rule.ID, RuleVersion: rule.Version, Measure: measure,
			Key: p.ID + "/" + rule.ID + "/" + measure, Issued: model.NoDate, Basis: basis, FactsZh: zh, FactsEn: en,
			ProviderName: p.Name, ProviderCategory: p.Category, Figures: fig})
	}

	// Points ladder: only the highest level reached.
	from, to := e.window(b.Windows.PointsDays)
	var step *rulebook.Step
	for i := range b.Points.Ladder {
		if f.Points365 >= b.Points.Ladder[i].MinPoints {
			step = &b.Points.Ladder[i]
		}
	}
	if step != nil {
		m := b.Measure(step.Measure)
		computed(&b.Points.Rule, step.Measure,
			fmt.Sprintf("%s至%s累计违规积分%d分，达到%d分档：%s。", from, to, f.Points365, step.MinPoints, m.Zh),
			fmt.Sprintf("From %s to %s the provider accrued %d violation points, reaching the %d-point level: %s.", from, to, f.Points365, step.MinPoints, strings.ToLower(m.En)),
			basis, model.Figures{WindowFrom: from, WindowTo: to, Points: ptr(f.Points365), PointsLevel: ptr(step.MinPoints)})
	}

	// Rate breaches on raw W90 rates.
	from, to = e.window(b.Windows.RatesDays)
	rate := func(rr *rulebook.RateRule, x, n int64, zhItem, enItem string) {
		if n < b.MinItems {
			return
		}
		r := float64(x) / float64(n)
		measure, line := "", 0.0
		switch {
		case rr.DemotionBelow != nil && r < *rr.DemotionBelow:
			measure, line = "demotion", *rr.DemotionBelow
		case r < rr.WarningBelow:
			measure, line = "warning", rr.WarningBelow
		default:
			return
		}
		m := b.Measure(measure)
		computed(&rr.Rule, measure,
			fmt.Sprintf("%s至%s到期的%s共%d项，按时%d项，按时率%s，低于%s（%s线）。", from, to, zhItem, n, x, percent(x, n), percentOf(line), m.Zh),
			fmt.Sprintf("Of %d %s due from %s to %s, %d were on time (%s), below the %s threshold for %s.", n, enItem, from, to, x, percent(x, n), percentOf(line), strings.ToLower(m.En)),
			nil, model.Figures{WindowFrom: from, WindowTo: to, Items: ptr(n), OnTime: ptr(x), Threshold: ptr(line)})
	}
	rate(&b.Delivery, f.DeliveryOnTime, f.DeliveryDue, "订单交付", "orders")
	rate(&b.FirstResponse, f.ResponseOnTime, f.ResponseDue, "售后工单首次响应", "tickets (first reply)")
	rate(&b.Resolution, f.ResolutionOnTime, f.ResolutionDue, "售后工单处理", "tickets (resolution)")

	// Inactivity clearance.
	in := &b.Inactivity
	if p.Category == in.Category && p.Status != "cleared" && p.JoinedOn <= e.ref.AsOf-model.Date(in.JoinedDays) {
		from, to = e.window(in.WindowDays)
		noGMV := e.ref.HasGMV && f.InactivityGMV == 0
		if noGMV || f.InactivityOrders == 0 {
			var zh, en []string
			if noGMV {
				zh = append(zh, fmt.Sprintf("店铺成交额合计%s元", f.InactivityGMV))
				en = append(en, fmt.Sprintf("shop GMV totalled %s CNY", f.InactivityGMV))
			}
			if f.InactivityOrders == 0 {
				zh = append(zh, "有效订单0单")
				en = append(en, "there were no orders (not cancelled)")
			}
			m := b.Measure(in.Measure)
			fig := model.Figures{WindowFrom: from, WindowTo: to, Items: ptr(f.InactivityOrders)}
			if e.ref.HasGMV {
				fig.GMV = ptr(f.InactivityGMV)
			}
			computed(&in.Rule, in.Measure,
				fmt.Sprintf("%s至%s，%s。", from, to, strings.Join(zh, "，")),
				fmt.Sprintf("From %s to %s %s: %s.", from, to, strings.Join(en, " and "), strings.ToLower(m.En)),
				nil, fig)
		}
	}
	return out
}

// percent formats x/n as a percentage with one decimal.
func percent(x, n int64) string {
	return strconv.FormatFloat(100*float64(x)/float64(n), 'f', 1, 64) + "%"
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

func percentOf(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }
