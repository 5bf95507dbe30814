package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"github.com/disclose-project/disclose/pipeline/snapshot"
)

// recordingSink writes down every call it gets, with every field, in
// order.
type recordingSink struct{ b strings.Builder }

func (r *recordingSink) add(kind string, v ...any) { fmt.Fprintf(&r.b, "%s %+v\n", kind, v) }

func (r *recordingSink) Reference(ref *model.Reference)         { r.add("reference", *ref) }
func (r *recordingSink) Order(o *model.Order)                   { r.add("order", *o) }
func (r *recordingSink) Ticket(t *model.Ticket, o *model.Order) { r.add("ticket", *t, *o) }
func (r *recordingSink) Complaint(c *model.Complaint)           { r.add("complaint", *c) }
func (r *recordingSink) Decision(d *model.Decision)             { r.add("decision", *d) }
func (r *recordingSink) Appeal(a *model.Appeal)                 { r.add("appeal", *a) }
func (r *recordingSink) Check(c *model.Check)                   { r.add("check", *c) }
func (r *recordingSink) GMV(g *model.GMV)                       { r.add("gmv", *g) }

// TestJoinOnDiskIsTheSame scans snapshots with faults (tickets and
// complaints pointing at missing or rejected orders) once with the orders
// joined in memory and once through temporary files: the sink must get
// the same calls, the stats and the quarantine must be the same, and the
// temporary files must be gone.
func TestJoinOnDiskIsTheSame(t *testing.T) {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	gend := func(format string, layout gen.Layout) string {
		dir := t.TempDir()
		err := gen.Write(gen.Options{Out: dir, Seed: 11, Providers: 12, Orders: 6000, AsOf: model.DateOf(2025, time.June, 30),
			Zone: zone, Format: format, Layout: layout})
		if err != nil {
			t.Fatal(err)
		}
		return dir
	}
	book := rulebooktest.Book(t, nil)
	for _, tc := range []struct{ name, dir string }{
		{"conformance parquet", filepath.Join("..", "..", "testdata", "conformance", "snapshot-parquet")},
		{"conformance mixed", filepath.Join("..", "..", "testdata", "conformance", "snapshot-mixed")},
		{"monthly parts", gend("", gen.Layout{Partition: "month", RowGroupRows: 300})},
		{"workbook", gend("xlsx", gen.Layout{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scan := func(opts ...Option) (string, string, int) {
				tmp := t.TempDir()
				t.Setenv("TMPDIR", tmp)
				snap, err := snapshot.Open(tc.dir, snapshot.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer snap.Close()
				qpath := filepath.Join(t.TempDir(), "q.csv")
				q, err := NewQuarantine(qpath)
				if err != nil {
					t.Fatal(err)
				}
				sink := &recordingSink{}
				st, err := Scan(context.Background(), snap, book, sink, q, opts...)
				if err != nil {
					t.Fatal(err)
				}
				if err := q.Close(); err != nil {
					t.Fatal(err)
				}
				qb, err := os.ReadFile(qpath)
				if err != nil {
					t.Fatal(err)
				}
				left, _ := os.ReadDir(tmp)
				stats := ""
				for _, name := range st.Order {
					stats += fmt.Sprintf("%s %+v\n", name, *st.Tables[name])
				}
				return sink.b.String() + stats, string(qb), len(left)
			}
			memSink, memQ, _ := scan()
			diskSink, diskQ, left := scan(JoinOnDiskAbove(-1))
			if memSink != diskSink {
				t.Errorf("the sink and stats differ:\n%s", firstDiff(memSink, diskSink))
			}
			if memQ != diskQ {
				t.Errorf("the quarantine differs:\n%s", firstDiff(memQ, diskQ))
			}
			if left != 0 {
				t.Errorf("%d temporary files left after the scan", left)
			}
			if !strings.Contains(memQ, string(UnknownOrder)) {
				t.Errorf("no row rejected as %s: the snapshot does not test the join's misses", UnknownOrder)
			}
			if !strings.Contains(memSink, "ticket ") {
				t.Error("no ticket used: the snapshot does not test the join's hits")
			}
		})
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  in memory: %.300s\n  on disk:   %.300s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("in memory %d lines, on disk %d", len(al), len(bl))
}

// TestJoinOnDiskWithoutRoom scans with the temporary folder missing: the
// scan fails, saying what it could not do and where.
func TestJoinOnDiskWithoutRoom(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone")
	t.Setenv("TMPDIR", missing)
	snap, err := snapshot.Open(filepath.Join("..", "..", "testdata", "conformance", "snapshot-parquet"), snapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	_, err = Scan(context.Background(), snap, rulebooktest.Book(t, nil), Discard{}, &Quarantine{}, JoinOnDiskAbove(-1))
	if err == nil || !strings.Contains(err.Error(), "temporary files") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want one about the folder for temporary files in %s", err, missing)
	}
}

// TestJoinOutOfStep reads the results of a join in the reverse of the
// order its ids were met: next must say so, not hand out another's order;
// in the right order every id gets its own.
func TestJoinOutOfStep(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var ids []string
	for i := range 100 {
		ids = append(ids, fmt.Sprintf("o%03d", i))
	}
	join := func() *diskJoin {
		j, err := newDiskJoin(int64(len(ids)))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := j.refer(joinTickets, []byte(id)); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.refersDone(); err != nil {
			t.Fatal(err)
		}
		slots := make([]int32, len(ids))
		j.hashAll(ids, slots)
		for i, id := range ids {
			if slots[i] != 0 {
				t.Fatalf("the filter turns away %s, which was referred to", id)
			}
			if i%3 == 0 {
				j.keep(j.hashes[i], id, &keptOrder{valid: true, amount: model.Fen(i)})
			}
		}
		if err := j.resolve(); err != nil {
			t.Fatal(err)
		}
		return j
	}
	j := join()
	for i, id := range ids {
		k := j.next(joinTickets, id)
		if k.valid != (i%3 == 0) || (k.valid && k.amount != model.Fen(i)) {
			t.Fatalf("%s found as %+v", id, k)
		}
	}
	if err := j.nextDone(joinTickets); err != nil {
		t.Fatal(err)
	}
	j.remove()

	j = join()
	defer j.remove()
	for i := len(ids) - 1; i >= 0; i-- {
		j.next(joinTickets, ids[i])
	}
	if err := j.nextDone(joinTickets); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("ids read in reverse: err = %v", err)
	}
}
