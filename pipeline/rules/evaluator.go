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
}

// acc is what the evaluator keeps of one provider while the tables stream.
type acc struct {
	facts      model.Facts
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
	a                              *acc
	delivery, response, resolution kindView
}

// kindView is the commitments of one kind that can apply to a service,
// with where to count the items judged against each, and against the
// platform floor when none applies. Which one applies changes only on the
// days a commitment starts or ends, so pick's answer is worked out once
// for each stretch between those days: from[k] is the first day of
// stretch k+1, at[k] pick's answer in stretch k (at[0] before from[0]).
type kindView struct {
	cs    []*model.Commitment
	perf  []*model.Perf // perf[i] counts for cs[i]
	floor *model.Perf
	from  []model.Date
	at    []int32
}

func (a *acc) view(service string) *serviceView {
	only := func(kind string) kindView {
		kv := kindView{floor: a.perf(nil, kind)}
		for _, c := range a.promises[kind] {
			if c.ServiceID == "" || c.ServiceID == service {
				kv.cs = append(kv.cs, c)
				kv.perf = append(kv.perf, a.perf(c, kind))
				kv.from = append(kv.from, c.EffectiveFrom)
				if c.EffectiveTo != model.NoDate {
					kv.from = append(kv.from, c.EffectiveTo)
				}
			}
		}
		slices.Sort(kv.from)
		kv.from = slices.Compact(kv.from)
		kv.at = make([]int32, len(kv.from)+1)
		kv.at[0] = -1 // before every commitment's first day
		for k, d := range kv.from {
			kv.at[k+1] = int32(pick(kv.cs, service, d))
		}
		return kv
	}
	return &serviceView{a: a, delivery: only(model.KindDelivery), response: only(model.KindFirstResponse), resolution: only(model.KindResolution)}
}

// pick returns the commitment that applies on day d to an item of the
// view's service, and its index in kv.cs (-1 and nil: the floor).
func (kv *kindView) pick(d model.Date) (int, *model.Commitment) {
	k := 0 // how many of kv.from are d or before
	if len(kv.from) > 8 {
		var found bool
		if k, found = slices.BinarySearch(kv.from, d); found {
			k++
		}
	} else {
		for k < len(kv.from) && kv.from[k] <= d {
			k++
		}
	}
	i := int(kv.at[k])
	if i < 0 {
		return -1, nil
	}
	return i, kv.cs[i]
}

// judge counts one assessable item against the commitment at index i of
// kv.cs (-1: the floor).
func (kv *kindView) judge(i int, kept bool) {
	p := kv.floor
	if i >= 0 {
		p = kv.perf[i]
	}
	p.Judged++
	if kept {
		p.Kept++
	}
}

// view returns the view of an order's service: prepared in Reference for a
// validated order, else made now.
func (e *Evaluator) view(o *model.Order) *serviceView {
	if v, ok := e.services[o.Service]; ok && o.Service != nil {
		return v
	}
	a := e.acc(o.ProviderID)
	if a == nil {
		return nil
	}
	return a.view(o.ServiceID)
}

// Evaluator accumulates per-provider figures from the validated rows. It
// implements validate.Sink.
type Evaluator struct {
	book  *rulebook.Book
	ref   *model.Reference
	clock *model.Clock
	cal   calendar

	// Windows on local due dates: [w90, asOf] and [w365, asOf].
	w90, w365, inactiveFrom model.Date

	index     map[string]int
	providers []*acc
	services  map[*model.Service]*serviceView
	appeals   map[string]model.Appeal // "complaint:id" / "decision:id" -> the overturning appeal
}

// NewEvaluator returns an Evaluator for the rule book. clock converts in the
// snapshot's zone.
func NewEvaluator(book *rulebook.Book, clock *model.Clock) *Evaluator {
	return &Evaluator{book: book, clock: clock, appeals: map[string]model.Appeal{}}
}

// Reference receives the validated small tables.
func (e *Evaluator) Reference(ref *model.Reference) {
	e.ref = ref
	e.w90 = ref.AsOf - model.Date(e.book.Windows.RatesDays-1)
	e.w365 = ref.AsOf - model.Date(e.book.Windows.PointsDays-1)
	e.inactiveFrom = ref.AsOf - model.Date(e.book.Inactivity.WindowDays-1)
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
	e.services = make(map[*model.Service]*serviceView, len(ref.Services))
	for i := range ref.Services {
		sv := &ref.Services[i]
		if a := e.acc(sv.ProviderID); a != nil {
			e.services[sv] = a.view(sv.ID)
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

// target returns the commitment's target, or the floor's.
func (e *Evaluator) target(c *model.Commitment, kind string) float64 {
	if c != nil {
		return c.Target
	}
	return e.book.Floor(kind).Target
}

// Order judges an order's delivery and counts it for activity.
func (e *Evaluator) Order(o *model.Order) {
	if o.Status == "cancelled" {
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
	ci, c := v.delivery.pick(od)
	deadline := o.PromisedBy
	if deadline == model.NoInstant {
		deadline = o.OrderedAt + model.Instant(math.Round(e.target(c, model.KindDelivery)*float64(model.MicrosPerDay)))
	}
	if !e.in90(e.clock.Day(deadline)) {
		return
	}
	kept := o.DeliveredAt != model.NoInstant && o.DeliveredAt <= deadline
	a.facts.DeliveryDue++
	if kept {
		a.facts.DeliveryOnTime++
	}
	v.delivery.judge(ci, kept)
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

	ci, c := v.response.pick(od)
	deadline := t.OpenedAt + model.Instant(math.Round(e.target(c, model.KindFirstResponse)*float64(model.MicrosPerHour)))
	if e.in90(e.clock.Day(deadline)) {
		assessable = true
		kept := t.FirstResponseAt != model.NoInstant && t.FirstResponseAt <= deadline
		a.facts.ResponseDue++
		if kept {
			a.facts.ResponseOnTime++
		}
		v.response.judge(ci, kept)
	}

	ci, c = v.resolution.pick(od)
	n := int(math.Ceil(e.target(c, model.KindResolution)))
	due := e.cal.nthWorkingDayAfter(e.clock.Day(t.OpenedAt), n)
	if e.in90(due) {
		assessable = true
		kept := t.ResolvedAt != model.NoInstant && e.clock.Day(t.ResolvedAt) <= due
		a.facts.ResolutionDue++
		if kept {
			a.facts.ResolutionOnTime++
		}
		v.resolution.judge(ci, kept)
	}
	if assessable {
		a.facts.TicketsAssessable++
	}
}

// Complaint keeps a complaint; whether it counts depends on appeals.
func (e *Evaluator) Complaint(c *model.Complaint) {
	if a := e.acc(c.ProviderID); a != nil && c.Status == "upheld" {
		a.complaints = append(a.complaints, *c)
	}
}

// Decision keeps a staff decision; whether it counts depends on appeals.
func (e *Evaluator) Decision(d *model.Decision) {
	if a := e.acc(d.ProviderID); a != nil {
		a.decisions = append(a.decisions, *d)
	}
}

// Appeal notes an appeal that overturned its subject.
func (e *Evaluator) Appeal(ap *model.Appeal) {
	if ap.Outcome != "overturned" {
		return
	}
	key := ap.SubjectKind + ":" + ap.SubjectID
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
func (e *Evaluator) Overturned(kind, id string) (model.Appeal, bool) {
	a, ok := e.appeals[kind+":"+id]
	return a, ok
}

// incidents walks a provider's contact checks in (called_at, check_id)
// order and returns the times of the unanswered-call incidents.
func (e *Evaluator) incidents(checks []check) []check {
	slices.SortFunc(checks, func(a, b check) int {
		return cmp.Or(cmp.Compare(a.at, b.at), compareIDs(a.id, b.id))
	})
	r := &e.book.Reachability
	span := model.Instant(int64(r.RunHours) * model.MicrosPerHour)
	var run []check
	var out []check
	for _, c := range checks {
		if c.answered {
			run = run[:0]
			continue
		}
		run = append(run, c)
		if len(run) < r.RunCalls {
			continue
		}
		if run[len(run)-1].at-run[0].at <= span {
			out = append(out, c)
			run = run[:0]
		} else {
			run = append(run[:0], run[1:]...)
		}
	}
	return out
}
