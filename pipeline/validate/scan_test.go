package validate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/xuri/excelize/v2"
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

// countingSink counts the orders it is given, and remembers their ids.
type countingSink struct {
	Discard
	ids map[string]int
}

func (c *countingSink) Order(o *model.Order) { c.ids[o.ID]++ }

// TestRepeatedOrderIDsAreReadAgain reads orders whose ids repeat across
// two files: the orders are checked for repeats as they are read, so the
// first Scan must end in a Rescan naming exactly the ids found more than
// once, and a second, knowing them, must reject every row of those ids and
// hand on the others. A snapshot without repeats is read once.
func TestRepeatedOrderIDsAreReadAgain(t *testing.T) {
	dir := t.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	err := gen.Write(gen.Options{Out: dir, Seed: 5, Providers: 8, Orders: 3000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone,
		Layout: gen.Layout{Partition: "month", RowGroupRows: 50}})
	if err != nil {
		t.Fatal(err)
	}
	book := rulebooktest.Book(t, nil)
	scan := func(sink Sink, opts ...Option) (*Stats, error) {
		t.Helper()
		snap, err := snapshot.Open(dir, snapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		return Scan(context.Background(), snap, book, sink, &Quarantine{}, opts...)
	}
	if _, err := scan(Discard{}); err != nil {
		t.Fatalf("a snapshot without repeated ids: %v", err)
	}
	month := filepath.Join(dir, "orders", "month=2025-01")
	b, err := os.ReadFile(filepath.Join(month, "part-00000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(month, "part-00001.parquet"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// Every id, counted the plain way.
	snap, err := snapshot.Open(dir, snapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	err = snap.Keys(context.Background(), model.TOrders, "order_id", func(keys [][]byte, ok []bool) error {
		for i, k := range keys {
			if ok[i] {
				count[string(k)]++
			}
		}
		return nil
	})
	snap.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for id, n := range count {
		if n > 1 {
			want[id] = true
		}
	}
	if len(want) < 50 {
		t.Fatalf("the copied file repeats %d ids", len(want))
	}

	_, err = scan(Discard{})
	var again *Rescan
	if !errors.As(err, &again) {
		t.Fatalf("first scan: %v, want a Rescan", err)
	}
	if got := again.Dups[model.TOrders]; !maps.Equal(got, want) || len(again.Dups) != 1 {
		t.Fatalf("the Rescan names %d ids of %d tables, want the %d repeated order ids", len(got), len(again.Dups), len(want))
	}
	sink := &countingSink{ids: map[string]int{}}
	st, err := scan(sink, KnownDuplicates(again.Dups))
	if err != nil {
		t.Fatalf("second scan: %v", err)
	}
	orders := st.Tables[model.TOrders]
	if got := orders.Reasons[string(DuplicateID)]; got != 2*len(want) {
		t.Errorf("%d rows rejected as duplicate_id, want %d (each repeated id is in two rows)", got, 2*len(want))
	}
	if int64(len(sink.ids)) != orders.Used {
		t.Errorf("the sink got %d orders, the stats say %d used", len(sink.ids), orders.Used)
	}
	for id, n := range sink.ids {
		if want[id] || n != 1 {
			t.Fatalf("order %s handed on %d times (repeated: %v)", id, n, want[id])
		}
	}
}

// TestRepeatedOrderIDsInAWorkbook is TestRepeatedOrderIDsAreReadAgain for
// orders read from a workbook, whose ids are read again through a scan of
// the sheet: an order's row written twice makes a Rescan naming its id,
// and both rows are rejected once the id is known.
func TestRepeatedOrderIDsInAWorkbook(t *testing.T) {
	dir := t.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	err := gen.Write(gen.Options{Out: dir, Seed: 7, Providers: 4, Orders: 300, AsOf: model.DateOf(2025, time.June, 30), Zone: zone, Format: "xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "orders.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]any, len(rows[5]))
	for i, v := range rows[5] {
		row[i] = v
	}
	if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", len(rows)+1), &row); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	book := rulebooktest.Book(t, nil)
	scan := func(opts ...Option) (*Stats, error) {
		t.Helper()
		snap, err := snapshot.Open(dir, snapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		return Scan(context.Background(), snap, book, Discard{}, &Quarantine{}, opts...)
	}
	_, err = scan()
	var again *Rescan
	if !errors.As(err, &again) {
		t.Fatalf("first scan: %v, want a Rescan", err)
	}
	if got := again.Dups[model.TOrders]; len(got) != 1 || !got[rows[5][0]] {
		t.Fatalf("the Rescan names %v, want order %s", got, rows[5][0])
	}
	st, err := scan(KnownDuplicates(again.Dups))
	if err != nil {
		t.Fatalf("second scan: %v", err)
	}
	if got := st.Tables[model.TOrders].Reasons[string(DuplicateID)]; got != 2 {
		t.Errorf("%d rows rejected as duplicate_id, want 2", got)
	}
}
