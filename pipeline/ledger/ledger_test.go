package ledger

import (
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func day(s string) model.Date { d, _ := model.ParseDate(s); return d }

// TestBuilds runs the ledger through several nights: the same findings keep
// their notices, an overturn rescinds, an ended period expires, and no
// notice ever disappears.
func TestBuilds(t *testing.T) {
	book, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	delivery := model.Finding{ProviderID: "P1", RuleID: "delivery", RuleVersion: "1", Measure: "demotion", Key: "P1/delivery/demotion", Issued: model.NoDate}
	decision := model.Finding{ProviderID: "P2", RuleID: "spot-check", RuleVersion: "1", Measure: "warning", Key: "P2/decision/D1",
		Issued: day("2025-06-01"), Decision: "D1", Basis: []string{"decision:D1"}}
	dir := t.TempDir()

	// Day 1: both findings get notices.
	n1, ch := Apply(nil, []model.Finding{delivery, decision}, nil, day("2025-06-30"), book)
	if len(n1) != 2 || len(ch.Issued) != 2 {
		t.Fatalf("day 1: %d notices, %d issued", len(n1), len(ch.Issued))
	}
	if err := (&Ledger{Notices: n1}).Write(dir); err != nil {
		t.Fatal(err)
	}
	l, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Day 2: same findings, same ids, nothing issued.
	n2, ch := Apply(l.Notices, []model.Finding{delivery, decision}, nil, day("2025-07-01"), book)
	if len(n2) != 2 || len(ch.Issued) != 0 || n2[0].ID != n1[0].ID || n2[1].ID != n1[1].ID {
		t.Fatalf("day 2: %d notices, issued %v", len(n2), ch.Issued)
	}
	// Day 3: the decision is overturned on appeal.
	n3, ch := Apply(n2, []model.Finding{delivery}, map[string]model.Date{"decision:D1": day("2025-07-02")}, day("2025-07-02"), book)
	if len(ch.Rescinded) != 1 || len(n3) != 2 {
		t.Fatalf("day 3: rescinded %v, %d notices", ch.Rescinded, len(n3))
	}
	for _, n := range n3 {
		if n.Key == decision.Key && (n.Status != model.Rescinded || n.RescindedOn != day("2025-07-02") || n.RescindReason == "") {
			t.Errorf("day 3: decision notice %+v", n)
		}
	}
	// After the 30-day demotion ends: expired; the still-holding finding gets a new notice.
	n4, ch := Apply(n3, []model.Finding{delivery}, nil, day("2025-07-30"), book)
	if len(ch.Expired) != 1 || len(ch.Issued) != 1 || len(n4) != 3 {
		t.Fatalf("day 31: expired %v issued %v, %d notices", ch.Expired, ch.Issued, len(n4))
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
	if err := (&Ledger{Notices: n4}).Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := Read(dir)
	if err != nil || len(back.Notices) != 3 {
		t.Fatalf("read back: %v, %d notices", err, len(back.Notices))
	}
}

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
		name, exported, grade string
		notices               []model.Notice
		want                  string
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
