package report

import (
	"testing"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// TestTransparency counts a small ledger's notices and appeals by month,
// rule, measure and origin.
func TestTransparency(t *testing.T) {
	book, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	zone, _ := time.LoadLocation("Asia/Shanghai")
	clock := model.NewClock(zone)
	d := func(s string) model.Date { x, _ := model.ParseDate(s); return x }
	at := func(s string) model.Instant { return clock.Midnight(d(s)) + model.Instant(10*model.MicrosPerHour) }
	in := &Input{Book: book, AsOf: d("2025-07-31"), Clock: clock,
		Notices: []model.Notice{
			{ID: "N1", RuleID: "delivery", Measure: "warning", Origin: model.OriginComputed, IssuedOn: d("2025-06-30"), EffectiveUntil: d("2025-07-09"), Status: model.Expired, RescindedOn: model.NoDate},
			{ID: "N2", RuleID: "delivery", Measure: "warning", Origin: model.OriginComputed, IssuedOn: d("2025-07-10"), EffectiveUntil: d("2025-10-07"), Status: model.InForce, RescindedOn: model.NoDate, Continues: "N1"},
			{ID: "N3", RuleID: "spot-check", Measure: "demotion", Origin: model.OriginDecision, IssuedOn: d("2025-06-25"), EffectiveUntil: d("2025-07-24"), Status: model.Rescinded, RescindedOn: d("2025-07-02")},
		},
		Decisions: []model.Decision{{ID: "D1", RuleID: "spot-check", Measure: "demotion"}},
		Appeals: []model.Appeal{
			{ID: "A1", SubjectKind: "decision", SubjectID: "D1", FiledAt: at("2025-06-27"), DecidedAt: at("2025-07-02"), Outcome: "overturned"},
			{ID: "A2", SubjectKind: "complaint", SubjectID: "Q1", FiledAt: at("2025-07-01"), DecidedAt: at("2025-07-04"), Outcome: "upheld"},
			{ID: "A3", SubjectKind: "complaint", SubjectID: "Q2", FiledAt: at("2025-07-03"), DecidedAt: at("2025-07-08"), Outcome: "upheld"},
			{ID: "A4", SubjectKind: "complaint", SubjectID: "Q3", FiledAt: at("2025-07-20"), DecidedAt: model.NoInstant, Outcome: "pending"},
		}}
	tab := TransparencyTable(in)
	got := map[string]string{}
	for _, r := range tab.Rows {
		var line string
		for i, c := range tab.Cols[4:] {
			line += c.Name + "=" + Text(c, r[4+i]) + " "
		}
		got[r[0].S+" "+r[1].S+" "+r[2].S+" "+r[3].S] = line
	}
	want := map[string]string{
		"2025-06 delivery warning computed":    "issued=1 renewed=0 expired=0 rescinded=0 appeals_received=0 appeals_decided=0 appeals_overturned=0 median_days_to_decision= ",
		"2025-07 delivery warning computed":    "issued=0 renewed=1 expired=1 rescinded=0 appeals_received=0 appeals_decided=0 appeals_overturned=0 median_days_to_decision= ",
		"2025-06 spot-check demotion decision": "issued=1 renewed=0 expired=0 rescinded=0 appeals_received=1 appeals_decided=0 appeals_overturned=0 median_days_to_decision= ",
		"2025-07 spot-check demotion decision": "issued=0 renewed=0 expired=0 rescinded=1 appeals_received=0 appeals_decided=1 appeals_overturned=1 median_days_to_decision=5 ",
		"2025-07 complaints  computed":         "issued=0 renewed=0 expired=0 rescinded=0 appeals_received=3 appeals_decided=2 appeals_overturned=0 median_days_to_decision=4 ",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s:\n got %s\nwant %s", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d: %v", len(got), len(want), got)
	}
}
