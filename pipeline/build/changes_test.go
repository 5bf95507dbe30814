package build

import (
	"testing"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rules"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// TestTableMoves lists a table whose row count moved by more than
// TableMove against the previous build, either way, and no other.
func TestTableMoves(t *testing.T) {
	tests := []struct {
		name      string
		prev, now int64
		listed    bool
	}{
		{"down by a fifth", 1000, 800, true},
		{"up by a fifth", 1000, 1200, true},
		{"down by exactly a tenth", 1000, 900, false},
		{"down by a tenth and one row", 1000, 899, true},
		{"up by a twentieth", 1000, 1050, false},
		{"a table new tonight", 0, 500, false},
	}
	for _, tt := range tests {
		ev := &Evaluation{Snap: &snapshot.Snapshot{AsOf: model.DateOf(2025, 6, 30)}, Result: &rules.Result{},
			Stats:      &validate.Stats{Tables: map[string]*validate.TableStats{"orders": {Read: tt.now}}},
			prevCounts: validate.PreviousCounts{"orders": tt.prev}}
		c := newChanges()
		c.record(ev, &ledger.Ledger{})
		if got := len(c.Tables) == 1; got != tt.listed {
			t.Errorf("%s (%d → %d): listed %v, want %v", tt.name, tt.prev, tt.now, got, tt.listed)
		}
	}
}

// TestDeparted lists the providers of the previous build that tonight's
// export lacks, named by their notices.
func TestDeparted(t *testing.T) {
	asOf := model.DateOf(2025, 6, 30)
	prev := &ledger.Ledger{Builds: []ledger.Build{{AsOf: asOf - 1}},
		Scores: []ledger.Score{{AsOf: asOf - 1, ProviderID: "P1", Grade: "A"}, {AsOf: asOf - 1, ProviderID: "P2", Grade: "B"}}}
	ev := &Evaluation{Snap: &snapshot.Snapshot{AsOf: asOf}, Result: &rules.Result{}, Stats: &validate.Stats{},
		Ratings: []model.Rating{{ProviderID: "P1", Grade: "B"}},
		Notices: []model.Notice{{ID: "N1", ProviderID: "P2", ProviderName: "乙"}}}
	c := newChanges()
	c.record(ev, prev)
	if len(c.Departed) != 1 || c.Departed[0] != (ProviderRef{ProviderID: "P2", Name: "乙"}) {
		t.Errorf("departed = %+v, want P2 乙", c.Departed)
	}
	if len(c.Grades) != 1 || c.Grades[0] != (GradeChange{ProviderID: "P1", From: "A", To: "B"}) {
		t.Errorf("grades = %+v, want P1 A → B", c.Grades)
	}
	if c.Previous != "2025-06-29" {
		t.Errorf("previous = %q", c.Previous)
	}
}
