package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"github.com/disclose-project/disclose/pipeline/snapshot"
)

// TestScanSaysTheSameEachTime scans a snapshot whose three large tables
// are damaged in their data: the passes over their ids run side by side,
// and whichever fails first, a scan must end with the same error and the
// same counts each time.
func TestScanSaysTheSameEachTime(t *testing.T) {
	dir := t.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	if err := gen.Write(gen.Options{Out: dir, Seed: 3, Providers: 8, Orders: 4000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"orders.parquet", "tickets.parquet", "complaints.parquet"} {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(b) / 4; i < len(b)/2; i += 97 { // page data, not the footer
			b[i] ^= 0x5a
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	book := rulebooktest.Book(t, nil)
	first := ""
	for run := range 20 {
		snap, err := snapshot.Open(dir, snapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st, err := Scan(context.Background(), snap, book, Discard{}, &Quarantine{})
		snap.Close()
		got := fmt.Sprint(err)
		for _, name := range st.Order {
			tt := st.Tables[name]
			got += fmt.Sprintf("\n%s %d %d %d %v", name, tt.Read, tt.Used, tt.Rejected, tt.Reasons)
		}
		if run == 0 {
			first = got
			continue
		}
		if got != first {
			t.Fatalf("run %d:\n%s\nrun 0:\n%s", run, got, first)
		}
	}
	t.Logf("every run: %s", first)
}
