package ledger

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func day(s string) model.Date { d, _ := model.ParseDate(s); return d }

// apply is Apply, failing the test on an error.
func apply(t *testing.T, prev []model.Notice, night Night, book *rulebook.Book) ([]model.Notice, Changes) {
	t.Helper()
	ns, ch, err := Apply(prev, night, book)
	if err != nil {
		t.Fatal(err)
	}
	return ns, ch
}

// TestBuilds runs the ledger through several nights: the same findings keep
// their notices, an overturn rescinds, an ended period expires and the
// breach going on is renewed, naming the notice it continues, and no
// notice ever disappears.
func TestBuilds(t *testing.T) {
	book, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	items, onTime, line := int64(40), int64(20), 0.7
	delivery := model.Finding{ProviderID: "P1", RuleID: "delivery", RuleVersion: "1", Measure: "demotion", Key: "P1/delivery/demotion",
		Issued: model.NoDate, ProviderName: "甲", ProviderCategory: "software",
		Args: model.Args{"window_from": "2025-04-02", "window_to": "2025-06-30", "items": "40", "on_time": "20", "rate": "50.0%",
			"threshold": "70%", "measure": "demotion"},
		Figures: model.Figures{WindowFrom: day("2025-04-02"), WindowTo: day("2025-06-30"), Items: &items, OnTime: &onTime, Threshold: &line}}
	decision := model.Finding{ProviderID: "P2", RuleID: "spot-check", RuleVersion: "1", Measure: "warning", Key: "P2/decision/D1",
		Issued: day("2025-06-01"), Decision: "D1", Basis: []string{"decision:D1"}, ProviderName: "乙",
		Args: model.Args{"decision": "D1", "date": "2025-06-01", "rule": "spot-check", "measure": "warning", "points": "", "deduction": "",
			"facts": "抽检 <b>不合格</b>"}}
	night := func(d string, overturned map[string]model.Date, fs ...model.Finding) Night {
		return Night{AsOf: day(d), Findings: fs, Overturned: overturned}
	}

	// Day 1: both findings get notices, as new offences.
	n1, ch := apply(t, nil, night("2025-06-30", nil, delivery, decision), book)
	if len(n1) != 2 || len(ch.Issued) != 2 || len(ch.Renewed) != 0 {
		t.Fatalf("day 1: %d notices, %d issued, %d renewed", len(n1), len(ch.Issued), len(ch.Renewed))
	}
	for _, n := range n1 {
		wantOrigin := map[string]string{"P1": model.OriginComputed, "P2": model.OriginDecision}[n.ProviderID]
		if n.Origin != wantOrigin || n.ProviderName == "" || n.Continues != "" {
			t.Errorf("day 1: notice %s: origin %q, name %q, continues %q", n.ID, n.Origin, n.ProviderName, n.Continues)
		}
		// The facts are the rule book's texts, filled in as the notice is issued.
		want := map[string][2]string{
			"P1": {"2025-04-02至2025-06-30到期的订单交付共40项，按时20项，按时率50.0%，低于70%（降权线）。",
				"Of 40 orders due from 2025-04-02 to 2025-06-30, 20 were on time (50.0%), below the 70% threshold for demotion in search."},
			"P2": {"平台于2025-06-01作出处罚决定D1（抽检不合格）：警告。事实：抽检 <b>不合格</b>",
				"Staff decision D1 of 2025-06-01 under Failed spot check: warning. Facts (as stated by the platform): 抽检 <b>不合格</b>"},
		}[n.ProviderID]
		if n.FactsZh != want[0] || n.FactsEn != want[1] {
			t.Errorf("day 1: notice %s states\n%q\n%q\nwant\n%q\n%q", n.ID, n.FactsZh, n.FactsEn, want[0], want[1])
		}
	}
	// Day 2: same findings, same ids, nothing issued.
	n2, ch := apply(t, n1, night("2025-07-01", nil, delivery, decision), book)
	if len(n2) != 2 || len(ch.Issued) != 0 || n2[0].ID != n1[0].ID || n2[1].ID != n1[1].ID {
		t.Fatalf("day 2: %d notices, issued %v", len(n2), ch.Issued)
	}
	// Day 3: the decision is overturned on appeal.
	n3, ch := apply(t, n2, night("2025-07-02", map[string]model.Date{"decision:D1": day("2025-07-02")}, delivery), book)
	if len(ch.Rescinded) != 1 || len(n3) != 2 {
		t.Fatalf("day 3: rescinded %v, %d notices", ch.Rescinded, len(n3))
	}
	for _, n := range n3 {
		if n.Key == decision.Key && (n.Status != model.Rescinded || n.RescindedOn != day("2025-07-02") ||
			n.RescindReason != "处罚决定D1经申诉被撤销 / decision D1 overturned on appeal") {
			t.Errorf("day 3: decision notice %+v", n)
		}
	}
	// After the 30-day demotion ends: expired; the finding still holds,
	// so a renewal continues it (not a new offence).
	n4, ch := apply(t, n3, night("2025-07-30", nil, delivery), book)
	if len(ch.Expired) != 1 || len(ch.Issued) != 0 || len(ch.Renewed) != 1 || len(n4) != 3 {
		t.Fatalf("day 31: expired %v issued %v renewed %v, %d notices", ch.Expired, ch.Issued, ch.Renewed, len(n4))
	}
	var first, renewal *model.Notice
	for i := range n4 {
		switch n4[i].ID {
		case ch.Expired[0]:
			first = &n4[i]
		case ch.Renewed[0]:
			renewal = &n4[i]
		}
	}
	if first == nil || renewal == nil || renewal.Continues != first.ID || first.Key != renewal.Key {
		t.Fatalf("day 31: renewal %+v does not continue %+v", renewal, first)
	}
	ids := map[string]bool{}
	for _, n := range n4 {
		ids[n.ID] = true
	}
	for _, n := range n1 {
		if !ids[n.ID] {
			t.Errorf("notice %s disappeared", n.ID)
		}
	}
	// A finding that comes back after a night without it is a new
	// offence: its old notice ended at an earlier build.
	n5, ch := apply(t, n4, night("2025-09-01", nil), book)
	n6, ch6 := apply(t, n5, night("2025-09-02", nil, delivery), book)
	if len(ch.Expired) != 1 || len(ch6.Issued) != 1 || len(ch6.Renewed) != 0 || len(n6) != 4 {
		t.Errorf("after a gap: expired %v, then issued %v renewed %v", ch.Expired, ch6.Issued, ch6.Renewed)
	}
}

// TestRoundTrip writes notices, scores and builds as the state directory
// keeps them and reads them back field by field.
func TestRoundTrip(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	fen := func(v model.Fen) *model.Fen { return &v }
	notices := []model.Notice{
		{ID: "N20250630-aaaaaaaaaa", Key: "P1/delivery/demotion", ProviderID: "P1", RuleID: "delivery", RuleVersion: "1",
			Measure: "demotion", IssuedOn: day("2025-06-30"), EffectiveUntil: day("2025-07-29"), AppealBy: day("2025-07-15"),
			Status: model.Expired, RescindedOn: model.NoDate, FactsZh: "事实\n第二行", FactsEn: "facts, \"quoted\"",
			ProviderName: "甲 <b>", ProviderCategory: "software", Origin: model.OriginComputed, Continues: "N20250531-bbbbbbbbbb",
			Figures: model.Figures{WindowFrom: day("2025-04-02"), WindowTo: day("2025-06-30"), Items: i64(40), OnTime: i64(0), Threshold: f64(0.7)}},
		{ID: "N20250601-cccccccccc", Key: "P2/decision/D1", ProviderID: "P2", RuleID: "spot-check", RuleVersion: "2",
			Measure: "clearance", IssuedOn: day("2025-06-01"), EffectiveUntil: model.NoDate, AppealBy: day("2025-06-16"),
			Status: model.Rescinded, RescindedOn: day("2025-06-20"), RescindReason: "撤销 / overturned", Basis: []string{"decision:D1", "complaint:Q9"},
			Origin: model.OriginDecision, Figures: model.Figures{WindowFrom: model.NoDate, WindowTo: model.NoDate,
				Points: i64(12), PointsLevel: i64(0), Deduction: fen(30000), GMV: fen(0)}},
	}
	scores := []Score{{AsOf: day("2025-06-30"), ProviderID: "P1", Grade: "B", ScoreTenths: 855, Scored: true, Status: "active"},
		{AsOf: day("2025-06-30"), ProviderID: "P2", Grade: model.Cleared, Status: "cleared"}}
	builds := []Build{{AsOf: day("2025-06-29"), ToolVersion: "0.1.0", RulebookVersion: "2024.11", ManifestSHA256: "ab12"},
		{AsOf: day("2025-06-30"), ToolVersion: "0.2.0", RulebookVersion: "2024.11"}}
	// Every field is set in some fixture, so that one the files drop
	// cannot compare equal as a zero value.
	everyFieldSet(t, notices)
	everyFieldSet(t, scores)
	everyFieldSet(t, builds)
	var nb, sb bytes.Buffer
	if err := WriteNotices(&nb, notices); err != nil {
		t.Fatal(err)
	}
	if err := WriteScores(&sb, scores); err != nil {
		t.Fatal(err)
	}
	gotN, err := ReadNotices(bytes.NewReader(nb.Bytes()), "notices.parquet")
	if err != nil {
		t.Fatal(err)
	}
	gotS, err := ReadScores(bytes.NewReader(sb.Bytes()), "scores.parquet")
	if err != nil {
		t.Fatal(err)
	}
	gotB, err := ReadBuilds(EncodeBuilds(builds), "builds.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotN, notices) {
		t.Errorf("notices read back differ:\n got %+v\nwant %+v", gotN, notices)
	}
	if !reflect.DeepEqual(gotS, scores) {
		t.Errorf("scores read back differ:\n got %+v\nwant %+v", gotS, scores)
	}
	if !reflect.DeepEqual(gotB, builds) {
		t.Errorf("builds read back differ:\n got %+v\nwant %+v", gotB, builds)
	}
	for _, n := range notices {
		if k := KeyOf(&n); k != n.Key {
			t.Errorf("KeyOf(%s) = %q, want %q", n.ID, k, n.Key)
		}
	}
}

// everyFieldSet fails the test unless each field of the struct elements of
// list (and of the structs within them) is non-zero in at least one.
func everyFieldSet[T any](t *testing.T, list []T) {
	t.Helper()
	var walk func(prefix string, vs []reflect.Value)
	walk = func(prefix string, vs []reflect.Value) {
		typ := vs[0].Type()
		for i := range typ.NumField() {
			f := typ.Field(i)
			var fs []reflect.Value
			set := false
			for _, v := range vs {
				fv := v.Field(i)
				set = set || !fv.IsZero()
				fs = append(fs, fv)
			}
			if f.Type.Kind() == reflect.Struct {
				walk(prefix+f.Name+".", fs)
			} else if !set {
				t.Errorf("no fixture sets %s%s: a round trip that drops it would pass", prefix, f.Name)
			}
		}
	}
	var vs []reflect.Value
	for _, x := range list {
		vs = append(vs, reflect.ValueOf(x))
	}
	walk(typeName[T]()+".", vs)
}

func typeName[T any]() string { return reflect.TypeFor[T]().Name() }

// TestPublish gives each provider one published status, reconciled with
// the measures in force.
func TestPublish(t *testing.T) {
	book, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	asOf := day("2025-06-30")
	suspension := func(p string, issued model.Date, status string) model.Notice {
		return model.Notice{ID: "N-" + p, ProviderID: p, Measure: "suspension", IssuedOn: issued,
			EffectiveUntil: issued + 89, Status: status, RescindedOn: model.NoDate}
	}
	tests := []struct {
		name     string
		exported model.ProviderStatus
		grade    string
		notices  []model.Notice
		want     model.ProviderStatus
	}{
		{"active in the export, nothing in force", "active", "A", nil, "active"},
		{"suspended in the export", "suspended", "A", nil, "suspended"},
		{"cleared in the export", "cleared", model.Cleared, nil, "cleared"},
		{"cleared by a clearance notice, active in the export", "active", model.Cleared, nil, "cleared"},
		{"cleared beats suspended", "suspended", model.Cleared, nil, "cleared"},
		{"a suspension in force", "active", "B", []model.Notice{suspension("P", asOf-10, model.InForce)}, "suspended"},
		{"a suspension that ended yesterday", "active", "B", []model.Notice{suspension("P", asOf-90, model.Expired)}, "active"},
		{"a suspension rescinded on appeal", "active", "B", []model.Notice{suspension("P", asOf-10, model.Rescinded)}, "active"},
		{"another provider's suspension", "active", "B", []model.Notice{suspension("Q", asOf-10, model.InForce)}, "active"},
	}
	for _, tt := range tests {
		facts := []*model.Facts{{Provider: &model.Provider{ID: "P", Status: tt.exported}}}
		ratings := []model.Rating{{ProviderID: "P", Grade: tt.grade}}
		Publish(facts, ratings, tt.notices, asOf, book)
		if ratings[0].Status != tt.want {
			t.Errorf("%s: status %q, want %q", tt.name, ratings[0].Status, tt.want)
		}
	}
}
