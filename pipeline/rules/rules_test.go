package rules

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
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

// bookWith returns the shipped rule book with the parameters in set (by
// rulebooktest's names) given: a test states every value its cases rest on,
// so that a change of the shipped values cannot make it pass or fail.
func bookWith(t *testing.T, set map[string]any) *rulebook.Book {
	t.Helper()
	return rulebooktest.Book(t, set)
}

// newEval returns an evaluator of b with one provider and the given
// commitments, as of 2025-06-30.
func newEval(t *testing.T, b *rulebook.Book, cs ...model.Commitment) *Evaluator {
	e := evaluator(t, b)
	asOf := day("2025-06-30")
	e.Reference(&model.Reference{AsOf: asOf, T: model.NewClock(shanghai).Midnight(asOf + 1),
		Providers:   []model.Provider{{ID: "P1", Category: "software", Status: "active", JoinedOn: day("2020-01-01")}},
		Commitments: cs, HasGMV: true})
	return e
}

// findingOf returns the measure of rule's finding in res, or "".
func findingOf(res *Result, rule string) model.Measure {
	for _, f := range res.Findings {
		if f.RuleID == rule {
			return f.Measure
		}
	}
	return ""
}

// lateOrders gives e n orders of P1 placed on 2025-05-01, of which onTime
// are delivered within the 10 days of commitment C1 and the rest never.
func lateOrders(e *Evaluator, n, onTime int) {
	for i := range n {
		o := &model.Order{ID: fmt.Sprint("O", i), ProviderID: "P1", ServiceID: "S1", OrderedAt: at("2025-05-01 10:00:00"),
			PromisedBy: model.NoInstant, DeliveredAt: model.NoInstant, Status: "paid"}
		if i < onTime {
			o.DeliveredAt, o.Status = at("2025-05-02 10:00:00"), "delivered"
		}
		e.Order(o)
	}
}

var tenDays = model.Commitment{ID: "C1", ProviderID: "P1", Kind: model.KindDelivery, Target: 10,
	EffectiveFrom: day("2024-01-01"), EffectiveTo: model.NoDate}

func TestDelivery(t *testing.T) {
	type tcase struct {
		name                string
		days                int // rates_days: 0 for 90
		ordered, delivered  string
		status              model.OrderStatus
		wantDue, wantOnTime int64
	}
	cases := []tcase{
		{"delivered to the second", 0, "2025-06-01 10:00:00", "2025-06-11 10:00:00", "delivered", 1, 1},
		{"delivered one second late", 0, "2025-06-01 10:00:00", "2025-06-11 10:00:01", "delivered", 1, 0},
		{"refunded never delivered", 0, "2025-06-01 10:00:00", "", "refunded", 1, 0},
		{"cancelled is no item", 0, "2025-06-01 10:00:00", "", "cancelled", 0, 0},
		{"due after as-of is not yet assessable", 0, "2025-06-25 10:00:00", "2025-06-26 10:00:00", "delivered", 0, 0},
		{"due on as-of, just before midnight", 0, "2025-06-20 23:59:59", "", "paid", 1, 0},
	}
	// The window is the last rates_days days to as-of: an order due (10
	// days after it was placed) on its first day counts, one due the day
	// before does not.
	for _, days := range []int{90, 45} {
		first := day("2025-06-30") - model.Date(days) + 1
		cases = append(cases,
			tcase{fmt.Sprintf("due on the first day of a %d-day window", days), days, (first - 10).String() + " 10:00:00", "", "paid", 1, 0},
			tcase{fmt.Sprintf("due the day before a %d-day window", days), days, (first - 11).String() + " 10:00:00", "", "paid", 0, 0})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEval(t, bookWith(t, map[string]any{"rates_days": cmp.Or(tc.days, 90)}), tenDays)
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

// TestRateThresholds wants each level of the delivery rule on both sides of
// its threshold: a rate equal to warning_below or demotion_below is not
// below it, one item fewer kept is.
func TestRateThresholds(t *testing.T) {
	for _, tc := range []struct {
		warn, demote float64
		items        int
		onTime       int
		want         model.Measure
	}{
		{0.9, 0.7, 20, 20, ""},
		{0.9, 0.7, 20, 18, ""},
		{0.9, 0.7, 20, 17, "warning"},
		{0.9, 0.7, 20, 14, "warning"},
		{0.9, 0.7, 20, 13, "demotion"},
		{0.5, 0.25, 20, 10, ""},
		{0.5, 0.25, 20, 9, "warning"},
		{0.5, 0.25, 20, 5, "warning"},
		{0.5, 0.25, 20, 4, "demotion"},
	} {
		b := bookWith(t, map[string]any{"min_items": 20, "delivery.warning_below": tc.warn, "delivery.demotion_below": tc.demote})
		e := newEval(t, b, tenDays)
		lateOrders(e, tc.items, tc.onTime)
		if got := findingOf(finish(t, e), "delivery"); got != tc.want {
			t.Errorf("%d of %d on time, warning below %v, demotion below %v: %q, want %q", tc.onTime, tc.items, tc.warn, tc.demote, got, tc.want)
		}
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
	for _, tc := range []struct {
		name     string
		runCalls int
		runHours int
		calls    []check
		want     int
	}{
		{"three calls exactly 24 h apart", 3, 24, calls("2025-06-01 10:00:00", "2025-06-01 20:00:00", "2025-06-02 10:00:00"), 1},
		{"three calls 24 h + 1 s apart", 3, 24, calls("2025-06-01 10:00:00", "2025-06-01 20:00:00", "2025-06-02 10:00:01"), 0},
		{"drop the oldest and go on", 3, 24, calls("2025-06-01 10:00:00", "2025-06-02 09:00:00", "2025-06-02 11:00:00", "2025-06-02 12:00:00"), 1},
		{"six in a day are two incidents", 3, 24, calls("2025-06-01 01:00:00", "2025-06-01 02:00:00", "2025-06-01 03:00:00", "2025-06-01 04:00:00", "2025-06-01 05:00:00", "2025-06-01 06:00:00"), 2},
		{"two calls exactly 1 h apart", 2, 1, calls("2025-06-01 10:00:00", "2025-06-01 11:00:00"), 1},
		{"two calls 1 h + 1 s apart", 2, 1, calls("2025-06-01 10:00:00", "2025-06-01 11:00:01"), 0},
		{"three calls in a day, runs of four", 4, 24, calls("2025-06-01 10:00:00", "2025-06-01 11:00:00", "2025-06-01 12:00:00"), 0},
	} {
		e := newEval(t, bookWith(t, map[string]any{"reachability.run_calls": tc.runCalls, "reachability.run_hours": tc.runHours}))
		if got := len(e.incidents(tc.calls)); got != tc.want {
			t.Errorf("%s: %d incidents, want %d", tc.name, got, tc.want)
		}
	}
	e := newEval(t, bookWith(t, map[string]any{"reachability.run_calls": 3, "reachability.run_hours": 24}))
	answered := calls("2025-06-01 10:00:00", "2025-06-01 11:00:00", "2025-06-01 12:00:00")
	answered[1].answered = true
	if got := len(e.incidents(answered)); got != 0 {
		t.Errorf("an answered call empties the run: %d incidents, want 0", got)
	}
}
func TestPointsLadder(t *testing.T) {
	for _, ladder := range []struct {
		each                      int // points of one upheld privacy_breach complaint
		warn, demote, hide, clear int
	}{{12, 12, 24, 36, 48}, {5, 10, 15, 20, 25}} {
		b := bookWith(t, map[string]any{"points_days": 365, "complaints.privacy_breach": ladder.each,
			"points.warning_points": ladder.warn, "points.demotion_points": ladder.demote,
			"points.hidden_points": ladder.hide, "points.clearance_points": ladder.clear})
		for upheld := range 6 {
			pts := ladder.each * upheld
			var want model.Measure
			switch {
			case pts >= ladder.clear:
				want = "clearance"
			case pts >= ladder.hide:
				want = "hidden"
			case pts >= ladder.demote:
				want = "demotion"
			case pts >= ladder.warn:
				want = "warning"
			}
			e := newEval(t, b)
			for i := range upheld {
				e.Complaint(&model.Complaint{ID: string(rune('A' + i)), ProviderID: "P1", Category: "privacy_breach",
					Status: "upheld", DecidedAt: at("2025-05-01 10:00:00")})
			}
			res := finish(t, e)
			if got := findingOf(res, "points"); got != want || res.Facts[0].Points365 != int64(pts) {
				t.Errorf("%d points (ladder %v): measure %q and %d points, want %q", pts, ladder, got, res.Facts[0].Points365, want)
			}
		}
	}
}
func TestAppealOverturns(t *testing.T) {
	e := newEval(t, bookWith(t, map[string]any{"complaints.privacy_breach": 12, "points.warning_points": 12}))
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
	e := newEval(t, bookWith(t, map[string]any{"complaints.poor_quality": 2}))
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
	if res.Facts[0].Points365 != 2 || len(res.Overturned) != 0 {
		t.Errorf("an upheld or pending appeal changed the figures: %d points, overturned %v", res.Facts[0].Points365, res.Overturned)
	}
}
func TestInactivity(t *testing.T) {
	asOf := day("2025-06-30")
	for _, days := range []int{90, 30} {
		for _, tc := range []struct {
			before int // days joined before as-of
			want   bool
		}{{days, true}, {days - 1, false}} {
			b := bookWith(t, map[string]any{"inactivity.category": "operations", "inactivity.joined_days": days, "inactivity.window_days": 90})
			e := evaluator(t, b)
			e.Reference(&model.Reference{AsOf: asOf,
				Providers: []model.Provider{{ID: "P1", Category: "operations", Status: "active", JoinedOn: asOf - model.Date(tc.before)}}})
			if got := len(finish(t, e).Findings) == 1; got != tc.want {
				t.Errorf("joined %d days before as-of, joined_days %d: cleared %v, want %v", tc.before, days, got, tc.want)
			}
		}
	}
}
func TestMinItems(t *testing.T) {
	for _, min := range []int{20, 5} {
		b := bookWith(t, map[string]any{"min_items": min, "delivery.demotion_below": 0.7})
		for _, tc := range []struct {
			items int
			want  model.Measure
		}{{min - 1, ""}, {min, "demotion"}} {
			e := newEval(t, b, tenDays)
			lateOrders(e, tc.items, 0) // every order late: rate 0
			if got := findingOf(finish(t, e), "delivery"); got != tc.want {
				t.Errorf("%d late orders, min_items %d: finding %q, want %q", tc.items, min, got, tc.want)
			}
		}
	}
}
func TestTicketBeforeMidnight(t *testing.T) {
	// Opened 23:59:59 local on Friday 2025-06-20: first reply due 48 h later
	// (Sunday 23:59:59, due date 06-22); resolution due the 7th working day
	// after Friday, 2025-07-01, which is after as-of: not yet assessable.
	b := bookWith(t, map[string]any{"floor_first_response_hours": 48, "floor_resolution_workdays": 7})
	e := newEval(t, b)
	o := &model.Order{ID: "O1", ProviderID: "P1", ServiceID: "S1", OrderedAt: at("2025-06-01 10:00:00")}
	e.Ticket(&model.Ticket{ID: "T1", OrderID: "O1", OpenedAt: at("2025-06-20 23:59:59"),
		FirstResponseAt: at("2025-06-22 23:59:59"), ResolvedAt: model.NoInstant}, o)
	f := finish(t, e).Facts[0]
	if f.ResponseDue != 1 || f.ResponseOnTime != 1 || f.ResolutionDue != 0 || f.TicketsAssessable != 1 {
		t.Errorf("response %d/%d, resolution due %d, tickets %d", f.ResponseOnTime, f.ResponseDue, f.ResolutionDue, f.TicketsAssessable)
	}
	// One second later the reply is late; with 6 working days the
	// resolution falls due on as-of.
	b = bookWith(t, map[string]any{"floor_first_response_hours": 48, "floor_resolution_workdays": 6})
	e = newEval(t, b)
	e.Ticket(&model.Ticket{ID: "T1", OrderID: "O1", OpenedAt: at("2025-06-20 23:59:59"),
		FirstResponseAt: at("2025-06-23 00:00:00"), ResolvedAt: model.NoInstant}, o)
	f = finish(t, e).Facts[0]
	if f.ResponseDue != 1 || f.ResponseOnTime != 0 || f.ResolutionDue != 1 || f.ResolutionOnTime != 0 {
		t.Errorf("a second late: response %d/%d, resolution %d/%d", f.ResponseOnTime, f.ResponseDue, f.ResolutionOnTime, f.ResolutionDue)
	}
}

// TestServiceIndex wants a validated order's service found by the index
// validation gave it, and an order without one, or with one past the
// reference's services, not found.
func TestServiceIndex(t *testing.T) {
	e := &Evaluator{ref: &model.Reference{Services: make([]model.Service, 3)}, views: make([]serviceView, 3)}
	for i := range e.ref.Services {
		if got := e.serviceIndex(&model.Order{Svc: int32(i) + 1}); got != i {
			t.Errorf("service %d found at %d", i, got)
		}
	}
	for _, svc := range []int32{0, 4, -7} {
		if got := e.serviceIndex(&model.Order{Svc: svc}); got != -1 {
			t.Errorf("Svc %d: found at %d", svc, got)
		}
	}
	if got := (&Evaluator{ref: &model.Reference{}}).serviceIndex(&model.Order{Svc: 1}); got != -1 {
		t.Errorf("found in no services at %d", got)
	}
}

// TestCompareIDsIsATotalOrder wants compareIDs to be a total order on ids:
// equal only for equal ids, antisymmetric and transitive, with whole
// numbers in numeric order.
func TestCompareIDsIsATotalOrder(t *testing.T) {
	ids := []string{"", "0", "00", "007", "7", "8", "10", "010", "9a", "1a", "C9", "C10", "c1", "99999999999999999999", "100000000000000000000", "-1", "٣", "a"}
	for _, a := range ids {
		for _, b := range ids {
			ab, ba := compareIDs(a, b), compareIDs(b, a)
			if (ab == 0) != (a == b) || ab != -ba {
				t.Errorf("compareIDs(%q, %q) = %d, compareIDs(%q, %q) = %d", a, b, ab, b, a, ba)
			}
			for _, c := range ids {
				if ab < 0 && compareIDs(b, c) < 0 && compareIDs(a, c) >= 0 {
					t.Errorf("%q < %q < %q but not %q < %q", a, b, c, a, c)
				}
			}
		}
	}
	for _, tc := range []struct{ a, b string }{{"7", "8"}, {"9", "10"}, {"007", "7"}, {"99999999999999999999", "100000000000000000000"}, {"10", "1a"}, {"C10", "C9"}} {
		if compareIDs(tc.a, tc.b) >= 0 {
			t.Errorf("compareIDs(%q, %q) >= 0, want %q before %q", tc.a, tc.b, tc.a, tc.b)
		}
	}
}

// TestFinishLetsGoOfTheTables: the facts Finish returns must not point
// into the accumulators, which hold every contact check, complaint and
// decision of a provider; else they stay in memory while the site is
// written (at 50,000 providers, some 300 MB of contact checks).
func TestFinishLetsGoOfTheTables(t *testing.T) {
	e := newEval(t, bookWith(t, map[string]any{"reachability.run_calls": 3, "reachability.run_hours": 24}))
	for i, s := range []string{"2025-06-01 10:00:00", "2025-06-01 11:00:00", "2025-06-01 12:00:00"} {
		e.Check(&model.Check{ID: fmt.Sprint("K", i), ProviderID: "P1", CalledAt: at(s)})
	}
	res := finish(t, e)
	if len(res.Facts) != 1 || res.Facts[0].Incidents365 != 1 {
		t.Fatalf("facts %+v, want one provider with one incident", res.Facts)
	}
	for _, a := range e.providers {
		if res.Facts[0] == &a.facts {
			t.Error("the facts point into the accumulator")
		}
		if a.checks != nil || a.complaints != nil || a.decisions != nil || a.tally != nil {
			t.Error("the accumulator still holds the provider's rows after Finish")
		}
	}
}
