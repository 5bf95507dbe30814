package rules

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

type check struct {
	at       model.Instant
	id       string
	answered bool
	v        *rulebook.Version // of an incident: the reachability rule's version that judged it
}

// rateCount counts the items of a rate rule: those due since the rule
// took effect, and of those the ones on time.
type rateCount struct{ due, kept int64 }

func (c *rateCount) judge(kept bool) {
	c.due++
	if kept {
		c.kept++
	}
}

// acc is what the evaluator keeps of one provider while the tables stream.
type acc struct {
	facts      model.Facts
	rates      [nRates]rateCount // each rate rule's items, by index
	promises   promises
	tally      map[*model.Commitment]*model.Perf // items judged per commitment, copied into facts by Finish
	floors     map[string]*model.Perf            // items judged per floor, by kind
	checks     []check
	complaints []model.Complaint
	decisions  []model.Decision
}

// serviceView is what judging an order of one service needs: its
// provider's accumulator and, by kind, the commitments that can apply to
// it (its own and its provider's provider-wide ones).
type serviceView struct {
	a                                      *acc
	delivery, response, resolution, refund kindView
}

// kindView is, for one kind and one service, the stretches of days over
// which the same commitment applies (or the platform floor): which one
// applies changes only on the days a commitment starts or ends, so pick's
// answer is worked out once for each stretch. A service has a few; they
// are held in the view itself, so that judging an item reads nothing but
// the view and the counters (ten million orders make every other read a
// cache miss).
type kindView struct {
	n     int        // stretches
	first [3]stretch // the first n, when n <= 3
	all   []stretch  // every stretch, when n > 3
}

// stretch is a run of days on which one commitment applies, from its
// first day to the next stretch's.
type stretch struct {
	from   model.Date  // the first stretch has none: it starts before every day
	target float64     // the commitment's target, or the floor's
	perf   *model.Perf // where the items judged in it count: the commitment's own counter, or the floor's
}

// view works out the stretches of each kind for the service.
func (a *acc) view(service string, book *rulebook.Book) serviceView {
	only := func(kind string) kindView {
		var cs []*model.Commitment
		var days []model.Date
		for _, c := range a.promises[kind] {
			if c.ServiceID == "" || c.ServiceID == service {
				cs = append(cs, c)
				days = append(days, c.EffectiveFrom)
				if c.EffectiveTo != model.NoDate {
					days = append(days, c.EffectiveTo)
				}
			}
		}
		slices.Sort(days)
		days = slices.Compact(days)
		floor := stretch{from: math.MinInt32, target: book.Floor(kind).Target, perf: a.perf(nil, kind)}
		ss := []stretch{floor} // before every commitment's first day
		for _, d := range days {
			st := floor
			st.from = d
			if i := pick(cs, service, d); i >= 0 {
				st.target, st.perf = cs[i].Target, a.perf(cs[i], kind)
			}
			ss = append(ss, st)
		}
		kv := kindView{n: len(ss)}
		if kv.n <= len(kv.first) {
			copy(kv.first[:], ss)
		} else {
			kv.all = ss
		}
		return kv
	}
	return serviceView{a: a, delivery: only(model.KindDelivery), response: only(model.KindFirstResponse), resolution: only(model.KindResolution),
		refund: only(model.KindRefund)}
}

// pick returns the stretch of day d: the target and counter of the
// commitment that applies on d to an item of the view's service, or of
// the floor.
func (kv *kindView) pick(d model.Date) *stretch {
	if kv.all != nil {
		k, found := slices.BinarySearchFunc(kv.all, d, func(st stretch, d model.Date) int { return cmp.Compare(st.from, d) })
		if !found {
			k-- // the stretch before the first that starts after d
		}
		return &kv.all[k]
	}
	k := 0
	for k+1 < kv.n && kv.first[k+1].from <= d {
		k++
	}
	return &kv.first[k]
}

// judge counts one assessable item in the stretch's counter.
func (st *stretch) judge(kept bool) {
	st.perf.Judged++
	if kept {
		st.perf.Kept++
	}
}

// view returns the view of an order's service: prepared in Reference for a
// validated order, else made now.
func (e *Evaluator) view(o *model.Order) *serviceView {
	if i := e.serviceIndex(o); i >= 0 && e.views[i].a != nil {
		return &e.views[i]
	}
	a := e.acc(o.ProviderID)
	if a == nil {
		return nil
	}
	v := a.view(o.ServiceID, e.book)
	return &v
}

// serviceIndex returns the index in ref.Services of a validated order's
// service (validation numbers it), or -1.
func (e *Evaluator) serviceIndex(o *model.Order) int {
	if i := o.ServiceIndex(); i >= 0 && i < len(e.views) {
		return i
	}
	return -1
}

// Evaluator accumulates per-provider figures from the validated rows. It
// implements validate.Sink.
type Evaluator struct {
	book  *rulebook.Book
	rules boundRules
	ref   *model.Reference
	clock *model.Clock
	cal   calendar

	// Windows on local due dates: [w90, asOf] and [w365, asOf].
	w90, w365, inactiveFrom model.Date
	// rateFrom is, for each rate rule, the first due date it counts: the
	// rates window's first day, or the day the rule took effect when that
	// is later.
	rateFrom [nRates]model.Date

	index     map[string]int
	providers []*acc
	views     []serviceView           // by index in ref.Services (a nil a: a service of an unknown provider)
	appeals   map[string]model.Appeal // "complaint:id" / "decision:id" -> the overturning appeal
	all       []model.Appeal          // every appeal, whatever its outcome, for the site
}

// NewEvaluator returns an Evaluator for the rule book. clock converts in the
// snapshot's zone. A book that lacks a rule the evaluator applies, or holds
// a computed rule it does not apply, is refused.
func NewEvaluator(book *rulebook.Book, clock *model.Clock) (*Evaluator, error) {
	br, err := bind(book)
	if err != nil {
		return nil, err
	}
	return &Evaluator{book: book, rules: br, clock: clock, appeals: map[string]model.Appeal{}}, nil
}

// Reference receives the validated small tables.
func (e *Evaluator) Reference(ref *model.Reference) {
	e.ref = ref
	e.w90 = ref.AsOf - model.Date(e.book.Windows.RatesDays-1)
	e.w365 = ref.AsOf - model.Date(e.book.Windows.PointsDays-1)
	e.inactiveFrom = ref.AsOf - model.Date(e.rules.inactive.Shown(ref.AsOf).Int("window_days")-1)
	for i, r := range e.rules.rates {
		e.rateFrom[i] = max(e.w90, r.Since())
	}
	e.cal = calendar{}
	for _, d := range ref.Calendar {
		e.cal[d.Day] = d.Working
	}
	e.index = make(map[string]int, len(ref.Providers))
	e.providers = make([]*acc, len(ref.Providers))
	for i := range ref.Providers {
		p := &ref.Providers[i]
		e.index[p.ID] = i
		e.providers[i] = &acc{promises: promises{}, tally: map[*model.Commitment]*model.Perf{}, floors: map[string]*model.Perf{}, facts: model.Facts{Provider: p,
			Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}}}
	}
	cs := make([]*model.Commitment, len(ref.Commitments))
	for i := range ref.Commitments {
		cs[i] = &ref.Commitments[i]
	}
	sortCommitments(cs)
	markSuperseded(cs)
	for _, c := range cs {
		a := e.providers[e.index[c.ProviderID]]
		a.promises[c.Kind] = append(a.promises[c.Kind], c)
		a.facts.Commitments[c.ID] = model.Perf{}
	}
	e.views = make([]serviceView, len(ref.Services))
	for i, sv := range ref.Services {
		if a := e.acc(sv.ProviderID); a != nil {
			e.views[i] = a.view(sv.ID, e.book)
		}
	}
}

func (e *Evaluator) acc(providerID string) *acc {
	i, ok := e.index[providerID]
	if !ok {
		return nil
	}
	return e.providers[i]
}

func (e *Evaluator) in90(d model.Date) bool  { return d >= e.w90 && d <= e.ref.AsOf }
func (e *Evaluator) in365(d model.Date) bool { return d >= e.w365 && d <= e.ref.AsOf }

// perf returns where the items judged against a commitment (nil: the
// floor of kind) are counted.
func (a *acc) perf(c *model.Commitment, kind string) *model.Perf {
	var p *model.Perf
	if c != nil {
		if p = a.tally[c]; p == nil {
			p = &model.Perf{}
			a.tally[c] = p
		}
	} else if p = a.floors[kind]; p == nil {
		p = &model.Perf{}
		a.floors[kind] = p
	}
	return p
}

// settle copies the tallies into the facts: those of the commitments and
// floors that items were judged against (views make a tally for every
// one that may apply).
func (a *acc) settle() {
	for c, p := range a.tally {
		if p.Judged > 0 {
			a.facts.Commitments[c.ID] = *p
		}
	}
	for kind, p := range a.floors {
		if p.Judged > 0 {
			a.facts.Floors[kind] = *p
		}
	}
}

// Order judges an order's delivery and counts it for activity.
func (e *Evaluator) Order(o *model.Order) {
	if o.Status == model.OrderCancelled {
		return
	}
	v := e.view(o)
	if v == nil {
		return
	}
	a := v.a
	od := e.clock.Day(o.OrderedAt)
	if e.in90(od) {
		a.facts.Orders90++
	}
	if od >= e.inactiveFrom && od <= e.ref.AsOf {
		a.facts.InactivityOrders++
	}
	st := v.delivery.pick(od)
	deadline := o.PromisedBy
	if deadline == model.NoInstant {
		deadline = o.OrderedAt + model.Instant(math.Round(st.target*float64(model.MicrosPerDay)))
	}
	due := e.clock.Day(deadline)
	if !e.in90(due) {
		return
	}
	kept := o.DeliveredAt != model.NoInstant && o.DeliveredAt <= deadline
	a.facts.DeliveryDue++
	if kept {
		a.facts.DeliveryOnTime++
	}
	if due >= e.rateFrom[rateDelivery] {
		a.rates[rateDelivery].judge(kept)
	}
	st.judge(kept)
}

// Ticket judges a ticket's first response and resolution against the
// commitments that applied to its order.
func (e *Evaluator) Ticket(t *model.Ticket, o *model.Order) {
	v := e.view(o)
	if v == nil {
		return
	}
	a := v.a
	od := e.clock.Day(o.OrderedAt)
	assessable := false

	st := v.response.pick(od)
	deadline := t.OpenedAt + model.Instant(math.Round(st.target*float64(model.MicrosPerHour)))
	if due := e.clock.Day(deadline); e.in90(due) {
		assessable = true
		kept := t.FirstResponseAt != model.NoInstant && t.FirstResponseAt <= deadline
		a.facts.ResponseDue++
		if kept {
			a.facts.ResponseOnTime++
		}
		if due >= e.rateFrom[rateFirstResponse] {
			a.rates[rateFirstResponse].judge(kept)
		}
		st.judge(kept)
	}

	st = v.resolution.pick(od)
	n := int(math.Ceil(st.target))
	due := e.cal.nthWorkingDayAfter(e.clock.Day(t.OpenedAt), n)
	if e.in90(due) {
		assessable = true
		kept := t.ResolvedAt != model.NoInstant && e.clock.Day(t.ResolvedAt) <= due
		a.facts.ResolutionDue++
		if kept {
			a.facts.ResolutionOnTime++
		}
		if due >= e.rateFrom[rateResolution] {
			a.rates[rateResolution].judge(kept)
		}
		st.judge(kept)
	}

	// A no-reason refund request: a refund ticket opened within the
	// refund period promised for its order (refund_days × 24 h from the
	// order time) is accepted on time when the order ends refunded and the
	// ticket was resolved by its resolution deadline, which is also its due
	// date. A request opened after that period was not promised and is not
	// judged. Counted from the day the refund rule took effect.
	if t.Kind == model.TicketRefund && due >= e.rateFrom[rateRefund] && e.in90(due) {
		rst := v.refund.pick(od)
		if t.OpenedAt <= o.OrderedAt+model.Instant(math.Round(rst.target*float64(model.MicrosPerDay))) {
			kept := o.Status == model.OrderRefunded && t.ResolvedAt != model.NoInstant && e.clock.Day(t.ResolvedAt) <= due
			a.rates[rateRefund].judge(kept)
			rst.judge(kept)
		}
	}
	if assessable {
		a.facts.TicketsAssessable++
	}
}

// Complaint keeps a complaint; whether it counts depends on appeals.
func (e *Evaluator) Complaint(c *model.Complaint) {
	if a := e.acc(c.ProviderID); a != nil && c.Status == model.ComplaintUpheld {
		a.complaints = append(a.complaints, *c)
	}
}

// Decision keeps a staff decision; whether it counts depends on appeals.
func (e *Evaluator) Decision(d *model.Decision) {
	if a := e.acc(d.ProviderID); a != nil {
		// Clone: a string read from Parquet may share its batch's buffer.
		a.decisions = append(a.decisions, model.Decision{ID: strings.Clone(d.ID), ProviderID: strings.Clone(d.ProviderID),
			RuleID: strings.Clone(d.RuleID), DecidedAt: d.DecidedAt, Measure: model.Measure(strings.Clone(string(d.Measure))), Points: d.Points,
			Deduction: d.Deduction, Facts: strings.Clone(d.Facts)})
	}
}

// Appeal keeps every appeal (a small table: the site shows those pending
// and decided beside the notices resting on their subjects) and notes one
// that overturned its subject.
func (e *Evaluator) Appeal(ap *model.Appeal) {
	// Clone: a string read from Parquet shares the whole batch's buffer.
	kept := model.Appeal{ID: strings.Clone(ap.ID), ProviderID: strings.Clone(ap.ProviderID),
		SubjectKind: model.SubjectKind(strings.Clone(string(ap.SubjectKind))), SubjectID: strings.Clone(ap.SubjectID),
		FiledAt: ap.FiledAt, DecidedAt: ap.DecidedAt, Outcome: model.AppealOutcome(strings.Clone(string(ap.Outcome)))}
	e.all = append(e.all, kept)
	ap = &kept
	if ap.Outcome != model.AppealOverturned {
		return
	}
	key := ap.SubjectKind.Key(ap.SubjectID)
	if old, ok := e.appeals[key]; !ok || ap.DecidedAt < old.DecidedAt || (ap.DecidedAt == old.DecidedAt && ap.ID < old.ID) {
		e.appeals[key] = *ap
	}
}

// Check keeps a contact check for the reachability walk and counts it for
// the rating.
func (e *Evaluator) Check(c *model.Check) {
	a := e.acc(c.ProviderID)
	if a == nil {
		return
	}
	// Clone: a string read from Parquet shares the whole batch's buffer.
	a.checks = append(a.checks, check{at: c.CalledAt, id: strings.Clone(c.ID), answered: c.Answered})
	if e.in90(e.clock.Day(c.CalledAt)) {
		a.facts.Checks++
		if c.Answered {
			a.facts.ChecksAnswered++
		}
	}
}

// GMV adds a day of shop GMV to the inactivity window's sum.
func (e *Evaluator) GMV(g *model.GMV) {
	if a := e.acc(g.ProviderID); a != nil && g.Day >= e.inactiveFrom && g.Day <= e.ref.AsOf {
		a.facts.InactivityGMV += g.GMV
	}
}

// Overturned returns the appeal that overturned a complaint or decision.
func (e *Evaluator) Overturned(kind model.SubjectKind, id string) (model.Appeal, bool) {
	a, ok := e.appeals[kind.Key(id)]
	return a, ok
}

// incidents walks a provider's contact checks in (called_at, check_id)
// order and returns the unanswered-call incidents, each at its last call
// and with the version of the rule that judged it: the one in force on
// that call's local date (a call before the rule's first version breaks
// the run, as it is judged by no rule).
func (e *Evaluator) incidents(checks []check) []check {
	slices.SortFunc(checks, func(a, b check) int {
		return cmp.Or(cmp.Compare(a.at, b.at), compareIDs(a.id, b.id))
	})
	r := e.rules.reachability
	var run []check
	var out []check
	for _, c := range checks {
		v := r.At(e.clock.Day(c.at))
		if c.answered || v == nil {
			run = run[:0]
			continue
		}
		run = append(run, c)
		calls := int(v.Int("run_calls"))
		if len(run) < calls {
			continue
		}
		run = run[len(run)-calls:] // a later version may ask for fewer calls
		if run[len(run)-1].at-run[0].at <= model.Instant(v.Int("run_hours")*model.MicrosPerHour) {
			c.v = v
			out = append(out, c)
			run = run[:0]
		} else {
			run = append(run[:0], run[1:]...)
		}
	}
	return out
}
