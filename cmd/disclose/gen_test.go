package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGen writes one synthetic snapshot in both encodings, twice: the same
// seed gives the same bytes, both encodings give the same published
// figures, and the planted edge cases have their effect.
func TestGen(t *testing.T) {
	dir := t.TempDir()
	var snaps []map[string]string
	for i := 0; i < 2; i++ {
		out := filepath.Join(dir, "gen", string(rune('a'+i)))
		if code, msg := runCLI(t, "gen", "--out", out, "--seed", "7", "--providers", "40", "--orders", "3000", "--format", "both"); code != 0 {
			t.Fatalf("gen exit %d: %s", code, msg)
		}
		snaps = append(snaps, treeBytes(t, out))
	}
	if len(snaps[0]) < 16 {
		t.Fatalf("gen wrote %d files", len(snaps[0]))
	}
	for name, b := range snaps[0] {
		if snaps[1][name] != b {
			t.Errorf("%s differs between two runs of the same seed", name)
		}
	}
	var outs []string
	for _, enc := range []string{"parquet", "xlsx"} {
		snap := filepath.Join(dir, "gen", "a", enc)
		site := filepath.Join(dir, "site-"+enc)
		if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", site, "--quarantine", filepath.Join(dir, enc+".csv"), "--max-reject", "5%", "--quiet"); code != 0 {
			t.Fatalf("build %s exit %d: %s", enc, code, msg)
		}
		for _, f := range []string{"providers.csv", "notices.csv"} {
			b, err := os.ReadFile(filepath.Join(site, "downloads", f))
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, string(b))
		}
	}
	if outs[0] != outs[2] || outs[1] != outs[3] {
		t.Errorf("the Parquet and Excel encodings of one snapshot publish different figures")
	}
	rows := readCSV(t, filepath.Join(dir, "site-parquet", "downloads", "providers.csv"))
	byID := map[string]map[string]string{}
	for _, r := range rows {
		byID[r["provider_id"]] = r
	}
	// SP000003 has a run of three unanswered calls exactly 24 h apart,
	// SP000004 the same run a second longer.
	if byID["SP000003"]["incidents_365"] == "0" {
		t.Errorf("SP000003: the exactly-24 h run is no incident")
	}
	q := readFile(t, filepath.Join(dir, "parquet.csv"))
	for _, reason := range []string{"looser_than_floor", "unknown_service", "time_after_as_of", "unknown_order", "invalid_enum"} {
		if !strings.Contains(string(q), reason) {
			t.Errorf("no generated row rejected for %s", reason)
		}
	}
	if code, _ := runCLI(t, "gen", "--out", filepath.Join(dir, "x"), "--format", "csv"); code != 2 {
		t.Errorf("gen --format csv: exit %d, want 2", code)
	}
}
