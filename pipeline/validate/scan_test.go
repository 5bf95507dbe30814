package validate

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot"
)

// TestAllValid wants allValid to say a batch is clean exactly when
// valueCheck passes every one of its rows.
func TestAllValid(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 2000 {
		tbl := &model.Table{Name: "t"}
		b := &snapshot.Batch{Table: tbl, Len: 1 + r.IntN(4)}
		for c := range 1 + r.IntN(3) {
			tbl.Columns = append(tbl.Columns, model.Column{Name: fmt.Sprint("c", c), Type: model.TypeEnum, Required: r.IntN(2) == 0})
			v := snapshot.Vec{Present: r.IntN(6) > 0, State: make([]uint8, b.Len)}
			for i := range v.State {
				if r.IntN(4) == 0 {
					v.State[i] = uint8(1 + r.IntN(2)) // Null or Bad
				}
			}
			b.Cols = append(b.Cols, v)
		}
		want := true
		for i := range b.Len {
			want = want && valueCheck(b, i) == ""
		}
		if got := allValid(b); got != want {
			t.Fatalf("round %d: allValid %v, valueCheck on every row %v", round, got, want)
		}
	}
}
