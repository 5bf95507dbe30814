package validate

import (
	"errors"
	"testing"
)

// TestCheckSaysTheSameEachTime wants one refusal message for one input:
// the previous build's counts are a map, and a message built by ranging
// over it would name the tables in another order from run to run.
func TestCheckSaysTheSameEachTime(t *testing.T) {
	st := &Stats{Tables: map[string]*TableStats{
		"orders":  {Read: 100, Rejected: 50},
		"tickets": {Read: 10, Rejected: 9},
	}, Order: []string{"orders", "tickets"}}
	prev := PreviousCounts{"orders": 1000, "tickets": 10, "complaints": 40, "decisions": 7, "appeals": 3, "contact_checks": 12, "shop_gmv": 90}
	lim := Limits{MaxReject: 0.1, MaxDrop: 0.5}
	first := Check(st, lim, prev)
	if !errors.Is(first, ErrRefused) {
		t.Fatalf("Check: %v, want a refusal", first)
	}
	for run := range 50 {
		if err := Check(st, lim, prev); err.Error() != first.Error() {
			t.Fatalf("run %d: %q\nrun 0: %q", run, err, first)
		}
	}
}
