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
// Each finding is judged by the version of its rule in force on its date:
// a rate breach, the points level and inactivity on the as-of date, each
// incident and upheld complaint on its due date, and a staff decision on
// the day it was decided (by the first version of its rule when it was
// decided before that version).
func (e *Evaluator) Finish() (*Result, error) {
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
		fs, err := e.provider(a)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", a.facts.Provider.ID, err)
		}
		res.Findings = append(res.Findings, fs...)
		// The facts leave on their own: pointing into the accumulator
		// would keep it, and every contact check it holds, for the rest
		// of the build.
		f := a.facts
		res.Facts = append(res.Facts, &f)
		*a = acc{}
	}
	slices.SortFunc(res.Facts, func(a, b *model.Facts) int { return strings.Compare(a.Provider.ID, b.Provider.ID) })
	slices.SortFunc(res.Findings, func(a, b model.Finding) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(string(a.Measure), string(b.Measure)), strings.Compare(a.Key, b.Key))
	})
	slices.SortFunc(res.Decisions, func(a, b model.Decision) int { return strings.Compare(a.ID, b.ID) })
	res.Appeals = slices.Clone(e.all)
	slices.SortFunc(res.Appeals, func(a, b model.Appeal) int {
		return cmp.Or(strings.Compare(string(a.SubjectKind), string(b.SubjectKind)), strings.Compare(a.SubjectID, b.SubjectID),
			cmp.Compare(a.FiledAt, b.FiledAt), strings.Compare(a.ID, b.ID))
	})
	res.Commitments = e.ref.Commitments
	res.Services = e.ref.Services
	return res, nil
}

func (e *Evaluator) window(days int) (model.Date, model.Date) {
	return e.ref.AsOf - model.Date(days-1), e.ref.AsOf
}

// violationFacts renders the violation text of a rule version.
func (e *Evaluator) violationFacts(r *rulebook.Rule, v *rulebook.Version, args model.Args) (zh, en string, err error) {
	t, err := e.book.Render(v.Texts[rulebook.TextViolation], r, v, args)
	return t.Zh, t.En, err
}

func (e *Evaluator) provider(a *acc) ([]model.Finding, error) {
	f := &a.facts
	p := f.Provider
	var out []model.Finding
	var basis []string
	b := e.book
	asOf := e.ref.AsOf

	// Conduct: unanswered-call incidents, upheld complaints, staff decisions.
	r := e.rules.reachability
	for _, c := range e.incidents(a.checks) {
		due := e.clock.Day(c.at)
		if !e.in365(due) {
			continue
		}
		pts, ded := c.v.Int("points"), c.v.Fen("deduction")
		f.Incidents365++
		f.Points365 += pts
		f.Deduction365 += ded
		zh, en, err := e.violationFacts(r, c.v, model.Args{"due": due.String()})
		if err != nil {
			return nil, err
		}
		f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: r.ID, Due: due,
			Points: pts, Deduction: ded, Ref: c.id, FactsZh: zh, FactsEn: en})
	}
	cr := e.rules.complaints
	for _, c := range a.complaints {
		if _, over := e.Overturned(model.SubjectComplaint, c.ID); over {
			continue
		}
		due := e.clock.Day(c.DecidedAt)
		if e.in90(due) {
			f.ComplaintsUpheld90++
		}
		v := cr.At(due)
		if !e.in365(due) || v == nil {
			continue
		}
		pts := v.Int(c.Category)
		f.Points365 += pts
		basis = append(basis, model.SubjectComplaint.Key(c.ID))
		zh, en, err := e.violationFacts(cr, v, model.Args{"complaint": c.ID, "category": c.Category, "due": due.String()})
		if err != nil {
			return nil, err
		}
		f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: cr.ID, Due: due,
			Points: pts, Ref: c.ID, Category: c.Category, FactsZh: zh, FactsEn: en})
	}
	for _, d := range a.decisions {
		if _, over := e.Overturned(model.SubjectDecision, d.ID); over {
			continue
		}
		due := e.clock.Day(d.DecidedAt)
		rule := b.Rule(d.RuleID)
		v := rule.At(due)
		if v == nil {
			v = &rule.Versions[0] // decided before the book's first version of the rule
		}
		args := model.Args{"decision": d.ID, "date": due.String(), "rule": rule.ID, "measure": string(d.Measure),
			"points": "", "deduction": "", "facts": d.Facts}
		if d.Points != 0 {
			args["points"] = strconv.FormatInt(d.Points, 10)
		}
		if d.Deduction != 0 {
			args["deduction"] = d.Deduction.String()
		}
		if e.in365(due) {
			t, err := b.Render(b.Texts[rulebook.TextDecision], nil, nil, args)
			if err != nil {
				return nil, err
			}
			f.Points365 += d.Points
			f.Deduction365 += d.Deduction
			basis = append(basis, model.SubjectDecision.Key(d.ID))
			f.Violations = append(f.Violations, model.Violation{ProviderID: p.ID, RuleID: d.RuleID, Due: due,
				Points: d.Points, Deduction: d.Deduction, Ref: d.ID, FactsZh: t.Zh, FactsEn: t.En})
		}
		out = append(out, model.Finding{ProviderID: p.ID, RuleID: d.RuleID, RuleVersion: v.Version, Measure: d.Measure,
			Key: p.ID + "/decision/" + d.ID, Issued: due, Decision: d.ID, Basis: []string{model.SubjectDecision.Key(d.ID)},
			Args: args, ProviderName: p.Name, ProviderCategory: p.Category,
			Figures: model.Figures{WindowFrom: model.NoDate, WindowTo: model.NoDate, Points: ptr(d.Points), Deduction: ptr(d.Deduction)}})
	}
	slices.SortFunc(f.Violations, func(x, y model.Violation) int {
		return cmp.Or(cmp.Compare(x.Due, y.Due), strings.Compare(x.RuleID, y.RuleID), strings.Compare(x.Ref, y.Ref))
	})

	computed := func(rule *rulebook.Rule, v *rulebook.Version, measure model.Measure, args model.Args, basis []string, fig model.Figures) {
		args["measure"] = string(measure)
		out = append(out, model.Finding{ProviderID: p.ID, RuleID: rule.ID, RuleVersion: v.Version, Measure: measure,
			Key: p.ID + "/" + rule.ID + "/" + string(measure), Issued: model.NoDate, Basis: basis, Args: args,
			ProviderName: p.Name, ProviderCategory: p.Category, Figures: fig})
	}

	// Points ladder: only the highest level reached.
	from, to := e.window(b.Windows.PointsDays)
	if v := e.rules.points.At(asOf); v != nil {
		var step *rulebook.Level
		for i := range v.Levels {
			if float64(f.Points365) >= v.Levels[i].Value {
				step = &v.Levels[i]
			}
		}
		if step != nil {
			level := int64(step.Value)
			computed(e.rules.points, v, step.Measure,
				model.Args{"window_from": from.String(), "window_to": to.String(), "points": strconv.FormatInt(f.Points365, 10),
					"level": strconv.FormatInt(level, 10)},
				basis, model.Figures{WindowFrom: from, WindowTo: to, Points: ptr(f.Points365), PointsLevel: ptr(level)})
		}
	}

	// Rate breaches on raw rates over the rates window, counting the items
	// due since the rule took effect; only the most severe level reached.
	for i, rule := range e.rules.rates {
		v := rule.At(asOf)
		x, n := a.rates[i].kept, a.rates[i].due
		if v == nil || n < b.MinItems {
			continue
		}
		r := float64(x) / float64(n)
		var lvl *rulebook.Level
		for j := range v.Levels {
			if r < v.Levels[j].Value {
				lvl = &v.Levels[j]
			}
		}
		if lvl == nil {
			continue
		}
		from, to := e.rateFrom[i], asOf
		computed(rule, v, lvl.Measure,
			model.Args{"window_from": from.String(), "window_to": to.String(), "items": strconv.FormatInt(n, 10),
				"on_time": strconv.FormatInt(x, 10), "rate": percent(x, n), "threshold": rulebook.Percent(lvl.Value)},
			nil, model.Figures{WindowFrom: from, WindowTo: to, Items: ptr(n), OnTime: ptr(x), Threshold: ptr(lvl.Value)})
	}

	// Inactivity clearance.
	if v := e.rules.inactive.At(asOf); v != nil && p.Category == v.Code("category") && p.Status != model.StatusCleared &&
		p.JoinedOn <= asOf-model.Date(v.Int("joined_days")) {
		from, to = e.window(int(v.Int("window_days")))
		noGMV := e.ref.HasGMV && f.InactivityGMV == 0
		if noOrders := f.InactivityOrders == 0; noGMV || noOrders {
			fig := model.Figures{WindowFrom: from, WindowTo: to, Items: ptr(f.InactivityOrders)}
			if e.ref.HasGMV {
				fig.GMV = ptr(f.InactivityGMV)
			}
			computed(e.rules.inactive, v, v.Levels[0].Measure,
				model.Args{"window_from": from.String(), "window_to": to.String(), "gmv": f.InactivityGMV.String(),
					"orders": strconv.FormatInt(f.InactivityOrders, 10), "no_gmv": flag(noGMV), "no_orders": flag(noOrders),
					"both": flag(noGMV && noOrders)},
				nil, fig)
		}
	}
	return out, nil
}

// flag is a condition of a text: "yes" when it holds, "" when not.
func flag(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// percent formats x/n as a percentage with one decimal.
func percent(x, n int64) string {
	return strconv.FormatFloat(100*float64(x)/float64(n), 'f', 1, 64) + "%"
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
