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

// TestOutOfRange marks what lies outside a column's range as not of its
// type, and nothing else.
func TestOutOfRange(t *testing.T) {
	decisions := model.Tables()[7]
	if decisions.Name != model.TDecisions {
		t.Fatalf("table 7 is %s", decisions.Name)
	}
	col := func(name string) int { return decisions.Col(name) }
	for _, tc := range []struct {
		name   string
		column string
		value  int64
		ok     bool
	}{
		{"no points", "points", 0, true},
		{"the most points", "points", model.MaxPoints, true},
		{"negative points", "points", -1000, false},
		{"points past the bound", "points", model.MaxPoints + 1, false},
		{"the largest int64 of points", "points", 1<<63 - 1, false},
		{"no deduction", "deduction", 0, true},
		{"a negative deduction", "deduction", -9999900, false},
		{"a deduction of a trillion yuan", "deduction", int64(model.MaxMoney), true},
		{"a deduction past it", "deduction", int64(model.MaxMoney) + 1, false},
		{"a decision in 1969", "decided_at", -1, false},
		{"a decision in year 10000", "decided_at", int64(model.MaxInstant) + 1, false},
		{"a decision on 2025-06-20", "decided_at", 1750384800000000, true},
	} {
		b := &snapshot.Batch{Table: decisions, Len: 1, Cols: make([]snapshot.Vec, len(decisions.Columns))}
		v := &b.Cols[col(tc.column)]
		*v = snapshot.Vec{Present: true, State: []uint8{snapshot.OK}, Int: []int64{tc.value}}
		outOfRange(b)
		if got := v.State[0] == snapshot.OK; got != tc.ok {
			t.Errorf("%s: in range %v, want %v", tc.name, got, tc.ok)
		}
	}
	commitments := model.Tables()[2]
	b := &snapshot.Batch{Table: commitments, Len: 3, Cols: make([]snapshot.Vec, len(commitments.Columns))}
	v := &b.Cols[commitments.Col("target")]
	*v = snapshot.Vec{Present: true, State: []uint8{snapshot.OK, snapshot.OK, snapshot.OK}, Num: []float64{-3, 3650, 1e300}}
	outOfRange(b)
	if fmt.Sprint(v.State) != fmt.Sprint([]uint8{snapshot.OK, snapshot.OK, snapshot.Bad}) {
		t.Errorf("targets -3, 3650, 1e300: states %v (a target not positive has a reason of its own)", v.State)
	}
}
