package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func book(t *testing.T) *rulebook.Book {
	t.Helper()
	b, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) model.Instant {
	tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai)
	if err != nil {
		panic(err)
	}
	return model.Instant(tm.UnixMicro())
}

func day(s string) model.Date { d, _ := model.ParseDate(s); return d }

// evaluator returns an evaluator of the book in Shanghai time.
func evaluator(t *testing.T, b *rulebook.Book) *Evaluator {
	t.Helper()
	e, err := NewEvaluator(b, model.NewClock(shanghai))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// finish finishes an evaluation.
func finish(t *testing.T, e *Evaluator) *Result {
	t.Helper()
	res, err := e.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// newEval returns an evaluator with one provider and the given commitments,
// as of 2025-06-30.
func newEval(t *testing.T, cs ...model.Commitment) *Evaluator {
	e := evaluator(t, book(t))
	asOf := day("2025-06-30")
	e.Reference(&model.Reference{AsOf: asOf, T: model.NewClock(shanghai).Midnight(asOf + 1),
		Providers:   []model.Provider{{ID: "P1", Category: "software", Status: "active", JoinedOn: day("2020-01-01")}},
		Commitments: cs, HasGMV: true})
	return e
}

func TestDelivery(t *testing.T) {
	for _, tc := range []struct {
		name                string
		ordered, delivered  string
		status              model.OrderStatus
		wantDue, wantOnTime int64
	}{
		{"delivered to the second", "2025-06-01 10:00:00", "2025-06-11 10:00:00", "delivered", 1, 1},
		{"delivered one second late", "2025-06-01 10:00:00", "2025-06-11 10:00:01", "delivered", 1, 0},
		{"refunded never delivered", "2025-06-01 10:00:00", "", "refunded", 1, 0},
		{"cancelled is no item", "2025-06-01 10:00:00", "", "cancelled", 0, 0},
		{"due after as-of is not yet assessable", "2025-06-25 10:00:00", "2025-06-26 10:00:00", "delivered", 0, 0},
		{"due on the first day of the window", "2025-03-23 10:00:00", "", "paid", 1, 0},
		{"due the day before the window", "2025-03-22 10:00:00", "", "paid", 0, 0},
		{"due on as-of, just before midnight", "2025-06-20 23:59:59", "", "paid", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEval(t, model.Commitment{ID: "C1", ProviderID: "P1", Kind: model.KindDelivery, Target: 10,
				EffectiveFrom: day("2024-01-01"), EffectiveTo: model.NoDate})
			o := model.Order{ID: "O1", ProviderID: "P1", ServiceID: "S1", OrderedAt: at(tc.ordered), PromisedBy: model.NoInstant,
				DeliveredAt: model.NoInstant, Status: tc.status}
			if tc.delivered != "" {
				o.DeliveredAt = at(tc.delivered)
			}
			e.Order(&o)
			f := finish(t, e).Facts[0]
			if f.DeliveryDue != tc.wantDue || f.DeliveryOnTime != tc.wantOnTime {
				t.Errorf("due %d on time %d, want %d %d", f.DeliveryDue, f.DeliveryOnTime, tc.wantDue, tc.wantOnTime)
			}
		})
	}
}

func TestCommitmentLookup(t *testing.T) {
	c := func(id, svc string, target float64, from, to string) *model.Commitment {
		cm := &model.Commitment{ID: id, ProviderID: "P1", ServiceID: svc, Kind: model.KindDelivery, Target: target,
			EffectiveFrom: day(from), EffectiveTo: model.NoDate}
		if to != "" {
			cm.EffectiveTo = day(to)
		}
		return cm
	}
	p := promises{model.KindDelivery: {
		c("C1", "", 20, "2024-01-01", ""),
		c("C2", "S1", 10, "2024-01-01", ""),
		c("C3", "", 15, "2025-01-01", "2025-02-01"),
		c("C9", "", 12, "2025-03-01", ""),
		c("C10", "", 11, "2025-03-01", ""),
	}}
	for _, tc := range []struct {
		name, svc, on, want string
	}{
		{"service-specific beats provider-wide", "S1", "2025-01-10", "C2"},
		{"later effective_from wins an overlap", "S2", "2025-01-10", "C3"},
		{"effective_to is exclusive", "S2", "2025-02-01", "C1"},
		{"same start: greatest id", "S2", "2025-03-05", "C9"},
		{"before any commitment: the floor", "S2", "2023-06-01", ""},
	} {
		cs := p[model.KindDelivery]
		id := ""
		if i := pick(cs, tc.svc, day(tc.on)); i >= 0 {
			id = cs[i].ID
		}
		if id != tc.want {
			t.Errorf("%s: lookup = %q, want %q", tc.name, id, tc.want)
		}
	}
}

// TestViewPick wants a service view's stretches to answer as pick does,
// with the right target and counter, on every day around random
// commitments, provider-wide and of the service or of another service.
func TestViewPick(t *testing.T) {
	bk := book(t)
	floor := bk.Floor(model.KindDelivery).Target
	r := rand.New(rand.NewPCG(1, 2))
	base := day("2025-01-01")
	for round := range 300 {
		var cs []*model.Commitment
		for i := range r.IntN(14) {
			c := &model.Commitment{ID: fmt.Sprint("C", r.IntN(20), "-", i), ProviderID: "P1", ServiceID: []string{"", "S1", "S2"}[r.IntN(3)],
				Kind: model.KindDelivery, Target: float64(1 + r.IntN(9)), EffectiveFrom: base + model.Date(r.IntN(60)), EffectiveTo: model.NoDate}
			if r.IntN(2) == 0 {
				c.EffectiveTo = c.EffectiveFrom + model.Date(r.IntN(30)) // may be empty
			}
			cs = append(cs, c)
		}
		a := &acc{promises: promises{model.KindDelivery: cs}, tally: map[*model.Commitment]*model.Perf{}, floors: map[string]*model.Perf{}}
		v := a.view("S1", bk)
		for d := base - 3; d < base+100; d++ {
			st := v.delivery.pick(d)
			if i := pick(cs, "S1", d); i >= 0 {
				// Each commitment has a counter of its own, so the counter
				// tells which one the view picked.
				if st.perf != a.tally[cs[i]] || st.target != cs[i].Target {
					t.Fatalf("round %d, day %v: view picks another than pick's %v", round, d, cs[i].ID)
				}
			} else if st.perf != a.floors[model.KindDelivery] || st.target != floor {
				t.Fatalf("round %d, day %v: view picks a commitment, pick the floor", round, d)
			}
		}
	}
}

func TestResolutionCalendar(t *testing.T) {
	cal := calendar{day("2025-04-04"): false, day("2025-04-27"): true}
	for _, tc := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"over a weekend", "2025-04-10", 2, "2025-04-14"},
		{"over a holiday", "2025-04-03", 1, "2025-04-07"},
		{"a make-up working Sunday counts", "2025-04-25", 1, "2025-04-27"},
		{"the opening day does not count", "2025-04-14", 1, "2025-04-15"},
	} {
		if got := cal.nthWorkingDayAfter(day(tc.from), tc.n); got != day(tc.want) {
			t.Errorf("%s: %s + %d working days = %s, want %s", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestReachability(t *testing.T) {
	calls := func(times ...string) []check {
		var cs []check
		for i, s := range times {
			cs = append(cs, check{at: at(s), id: string(rune('a' + i))})
		}
		return cs
	}
	e := newEval(t)
	for _, tc := range []struct {
		name  string
		calls []check
		want  int
	}{
		{"three calls exactly 24 h apart", calls("2025-06-01 10:00:00", "2025-06-01 20:00:00", "2025-06-02 10:00:00"), 1},
		{"three calls 24 h + 1 s apart", calls("2025-06-01 10:00:00", "2025-06-01 20:00:00", "2025-06-02 10:00:01"), 0},
		{"drop the oldest and go on", calls("2025-06-01 10:00:00", "2025-06-02 09:00:00", "2025-06-02 11:00:00", "2025-06-02 12:00:00"), 1},
		{"six in a day are two incidents", calls("2025-06-01 01:00:00", "2025-06-01 02:00:00", "2025-06-01 03:00:00", "2025-06-01 04:00:00", "2025-06-01 05:00:00", "2025-06-01 06:00:00"), 2},
	} {
		if got := len(e.incidents(tc.calls)); got != tc.want {
			t.Errorf("%s: %d incidents, want %d", tc.name, got, tc.want)
		}
	}
	answered := calls("2025-06-01 10:00:00", "2025-06-01 11:00:00", "2025-06-01 12:00:00")
	answered[1].answered = true
	if got := len(e.incidents(answered)); got != 0 {
		t.Errorf("an answered call empties the run: %d incidents, want 0", got)
	}
}

func TestPointsLadder(t *testing.T) {
	for _, tc := range []struct {
		upheld  int // privacy_breach complaints, 12 points each
		measure model.Measure
	}{{0, ""}, {1, "warning"}, {2, "demotion"}, {3, "hidden"}, {4, "clearance"}} {
		e := newEval(t)
		for i := 0; i < tc.upheld; i++ {
			e.Complaint(&model.Complaint{ID: string(rune('A' + i)), ProviderID: "P1", Category: "privacy_breach",
				Status: "upheld", DecidedAt: at("2025-05-01 10:00:00")})
		}
		res := finish(t, e)
		var got model.Measure
		for _, f := range res.Findings {
			if f.RuleID == "points" {
				got = f.Measure
			}
		}
		if got != tc.measure || res.Facts[0].Points365 != int64(12*tc.upheld) {
			t.Errorf("%d points: measure %q, want %q", 12*tc.upheld, got, tc.measure)
		}
	}
}

func TestAppealOverturns(t *testing.T) {
	e := newEval(t)
	e.Complaint(&model.Complaint{ID: "Q1", ProviderID: "P1", Category: "privacy_breach", Status: "upheld", DecidedAt: at("2025-05-01 10:00:00")})
	e.Decision(&model.Decision{ID: "D1", ProviderID: "P1", RuleID: "spot-check", Measure: "hidden", Points: 6, DecidedAt: at("2025-06-01 10:00:00")})
	e.Appeal(&model.Appeal{ID: "A1", SubjectKind: "complaint", SubjectID: "Q1", Outcome: "overturned", DecidedAt: at("2025-05-10 10:00:00")})
	e.Appeal(&model.Appeal{ID: "A2", SubjectKind: "decision", SubjectID: "D1", Outcome: "overturned", DecidedAt: at("2025-06-10 10:00:00")})
	res := finish(t, e)
	if len(res.Findings) != 0 || res.Facts[0].Points365 != 0 {
		t.Errorf("overturned complaint and decision still count: %+v, %d points", res.Findings, res.Facts[0].Points365)
	}
}

func TestAppealsKeptWhateverTheOutcome(t *testing.T) {
	e := newEval(t)
	e.Complaint(&model.Complaint{ID: "Q1", ProviderID: "P1", Category: "poor_quality", Status: "upheld", DecidedAt: at("2025-05-01 10:00:00")})
	id := []byte("A3")
	for _, ap := range []*model.Appeal{
		{ID: "A2", SubjectKind: "complaint", SubjectID: "Q1", Outcome: "upheld", FiledAt: at("2025-05-03 10:00:00"), DecidedAt: at("2025-05-10 10:00:00")},
		{ID: unsafe.String(&id[0], len(id)), SubjectKind: "decision", SubjectID: "D9", Outcome: "pending", FiledAt: at("2025-05-02 10:00:00"), DecidedAt: model.NoInstant},
		{ID: "A1", SubjectKind: "complaint", SubjectID: "Q1", Outcome: "pending", FiledAt: at("2025-05-02 10:00:00"), DecidedAt: model.NoInstant},
	} {
		e.Appeal(ap)
	}
	id[1] = 'X' // the reader's buffer is reused: the evaluator keeps copies
	res := finish(t, e)
	var got []string
	for _, ap := range res.Appeals {
		got = append(got, ap.ID+" "+string(ap.Outcome))
	}
	if want := "A1 pending, A2 upheld, A3 pending"; strings.Join(got, ", ") != want {
		t.Errorf("Appeals = %q, want %q", strings.Join(got, ", "), want)
	}
	if res.Facts[0].Points365 == 0 || len(res.Overturned) != 0 {
		t.Errorf("an upheld or pending appeal changed the figures: %d points, overturned %v", res.Facts[0].Points365, res.Overturned)
	}
}

func TestInactivity(t *testing.T) {
	for _, tc := range []struct {
		name   string
		joined string
		gmv    bool
		want   bool
	}{
		{"joined exactly 90 days before as-of", "2025-04-01", false, true},
		{"joined 89 days before as-of", "2025-04-02", false, false},
	} {
		e := evaluator(t, book(t))
		asOf := day("2025-06-30")
		e.Reference(&model.Reference{AsOf: asOf, HasGMV: tc.gmv,
			Providers: []model.Provider{{ID: "P1", Category: "operations", Status: "active", JoinedOn: day(tc.joined)}}})
		got := len(finish(t, e).Findings) == 1
		if got != tc.want {
			t.Errorf("%s: cleared %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMinItems(t *testing.T) {
	for _, tc := range []struct {
		items int
		want  model.Measure
	}{{19, ""}, {20, "demotion"}} {
		e := newEval(t)
		for i := 0; i < tc.items; i++ { // every order late: rate 0
			e.Order(&model.Order{ID: "O", ProviderID: "P1", ServiceID: "S1", OrderedAt: at("2025-05-01 10:00:00"),
				PromisedBy: model.NoInstant, DeliveredAt: model.NoInstant, Status: "paid"})
		}
		var got model.Measure
		for _, f := range finish(t, e).Findings {
			if f.RuleID == "delivery" {
				got = f.Measure
			}
		}
		if got != tc.want {
			t.Errorf("%d late orders: finding %q, want %q", tc.items, got, tc.want)
		}
	}
}

func TestTicketBeforeMidnight(t *testing.T) {
	// Opened 23:59:59 local on Friday 2025-06-20: first reply due 48 h later
	// (Sunday 23:59:59, due date 06-22); resolution due the 7th working day
	// after Friday, 2025-07-01, which is after as-of: not yet assessable.
	e := newEval(t)
	o := &model.Order{ID: "O1", ProviderID: "P1", ServiceID: "S1", OrderedAt: at("2025-06-01 10:00:00")}
	e.Ticket(&model.Ticket{ID: "T1", OrderID: "O1", OpenedAt: at("2025-06-20 23:59:59"),
		FirstResponseAt: at("2025-06-22 23:59:59"), ResolvedAt: model.NoInstant}, o)
	f := finish(t, e).Facts[0]
	if f.ResponseDue != 1 || f.ResponseOnTime != 1 || f.ResolutionDue != 0 || f.TicketsAssessable != 1 {
		t.Errorf("response %d/%d, resolution due %d, tickets %d", f.ResponseOnTime, f.ResponseDue, f.ResolutionDue, f.TicketsAssessable)
	}
}

// TestServiceIndex wants a validated order's service, which points into
// the reference's services, found by its place there, and any other
// pointer not found.
func TestServiceIndex(t *testing.T) {
	e := &Evaluator{ref: &model.Reference{Services: make([]model.Service, 3)}}
	for i := range e.ref.Services {
		if got := e.serviceIndex(&e.ref.Services[i]); got != i {
			t.Errorf("service %d found at %d", i, got)
		}
	}
	other := e.ref.Services[1]
	for _, sv := range []*model.Service{nil, &other, new(model.Service)} {
		if got := e.serviceIndex(sv); got != -1 {
			t.Errorf("a service not in the reference found at %d", got)
		}
	}
	if got := (&Evaluator{ref: &model.Reference{}}).serviceIndex(&other); got != -1 {
		t.Errorf("found in no services at %d", got)
	}
}
