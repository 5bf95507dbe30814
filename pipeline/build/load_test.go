package build

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// TestLoadReadsAgainWhenOrderIDsRepeat loads a snapshot whose orders
// repeat ids across two files: Load must read it a second time into a new
// sink, say so in the log, and leave one quarantine, holding each rejected
// row once. A snapshot without repeats is read once.
func TestLoadReadsAgainWhenOrderIDsRepeat(t *testing.T) {
	dir := t.TempDir()
	snapDir := filepath.Join(dir, "snap")
	zone, _ := time.LoadLocation("Asia/Shanghai")
	err := gen.Write(gen.Options{Out: snapDir, Seed: 2, Providers: 6, Orders: 2000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone,
		Layout: gen.Layout{Partition: "month"}})
	if err != nil {
		t.Fatal(err)
	}
	book := rulebooktest.Book(t, nil)
	load := func() (sinks int, stats *validate.Stats, log string) {
		t.Helper()
		var buf bytes.Buffer
		cfg := &Config{Quarantine: filepath.Join(dir, "q", "quarantine.csv"), Log: slog.New(slog.NewTextHandler(&buf, nil))}
		snap, err := snapshot.Open(snapDir, snapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		stats, err = Load(context.Background(), cfg, snap, book, func() (validate.Sink, error) { sinks++; return validate.Discard{}, nil })
		if err != nil {
			t.Fatal(err)
		}
		return sinks, stats, buf.String()
	}
	if n, _, log := load(); n != 1 || log != "" {
		t.Fatalf("without repeats: %d sinks made, log %q", n, log)
	}
	month := filepath.Join(snapDir, "orders", "month=2025-03")
	b, err := os.ReadFile(filepath.Join(month, "part-00000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(month, "part-00001.parquet"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	n, stats, log := load()
	if n != 2 || !strings.Contains(log, "reading the snapshot again") || !strings.Contains(log, "tables=orders") {
		t.Fatalf("with repeats: %d sinks made, log %q", n, log)
	}
	q, err := os.ReadFile(filepath.Join(dir, "q", "quarantine.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(q)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows, dupRows := len(recs)-1, 0
	for _, r := range recs[1:] {
		if r[0] == model.TOrders && r[4] == string(validate.DuplicateID) {
			dupRows++
		}
	}
	orders := stats.Tables[model.TOrders]
	if dupRows == 0 || int64(dupRows) != int64(orders.Reasons[string(validate.DuplicateID)]) {
		t.Errorf("the quarantine has %d duplicate_id rows, the stats %d", dupRows, orders.Reasons[string(validate.DuplicateID)])
	}
	var rejected int64
	for _, ts := range stats.Tables {
		rejected += ts.Rejected
	}
	if int64(rows) != rejected {
		t.Errorf("the quarantine has %d rows, the stats reject %d: the first reading's rows must not stay", rows, rejected)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "q", ".quarantine-*"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
