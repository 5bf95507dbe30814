package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/build"
)

const conformance = "../../testdata/conformance"

// buildArgs runs a build from command-line flags in this process and
// returns what it evaluated.
func buildArgs(t testing.TB, args ...string) *build.Result {
	t.Helper()
	cfg, err := parseFlags("build", "", buildFlags, args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := cfg.build(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	res, err := build.Run(context.Background(), bc)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String() + errb.String()
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(path, "expected") && !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Errorf("%s: no UTF-8 BOM", path)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestConformance builds both encodings of the conformance snapshot and
// compares the validation counts, providers.csv and the in-force notices
// with the independently worked-out results.
func TestConformance(t *testing.T) {
	var want struct {
		Tables map[string]struct{ Read, Used, Rejected int64 }
	}
	b, err := os.ReadFile(filepath.Join(conformance, "expected", "validation.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	wantProviders := readCSV(t, filepath.Join(conformance, "expected", "providers.csv"))
	wantNotices := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(conformance, "expected", "notices-in-force.csv")) {
		wantNotices[r["provider_id"]+" "+r["rule_id"]+" "+r["measure"]]++
	}
	for _, snap := range []string{"snapshot-parquet", "snapshot-mixed"} {
		t.Run(snap, func(t *testing.T) {
			dir := t.TempDir()
			rep := filepath.Join(dir, "report.json")
			code, out := runCLI(t, "build", "--snapshot", filepath.Join(conformance, snap), "--out", filepath.Join(dir, "site"),
				"--state", filepath.Join(dir, "state"), "--new-ledger", "--report", rep, "--max-reject", "10%", "--quiet")
			if code != 0 {
				t.Fatalf("build exit %d: %s", code, out)
			}
			var got build.Report
			b := readFile(t, rep)
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			for name, w := range want.Tables {
				g := got.Tables[name]
				if g == nil || g.Read != w.Read || g.Used != w.Used || g.Rejected != w.Rejected {
					t.Errorf("table %s: got %+v, want read %d used %d rejected %d", name, g, w.Read, w.Used, w.Rejected)
				}
			}
			gotProviders := map[string]map[string]string{}
			for _, r := range readCSV(t, filepath.Join(dir, "site", "downloads", "providers.csv")) {
				gotProviders[r["provider_id"]] = r
			}
			if len(gotProviders) != len(wantProviders) {
				t.Errorf("providers.csv has %d providers, want %d", len(gotProviders), len(wantProviders))
			}
			for _, w := range wantProviders {
				g := gotProviders[w["provider_id"]]
				for col, wv := range w {
					if g[col] != wv {
						t.Errorf("%s: %s = %q, want %q", w["provider_id"], col, g[col], wv)
					}
				}
			}
			gotNotices := map[string]int{}
			for _, r := range readCSV(t, filepath.Join(dir, "site", "downloads", "notices.csv")) {
				if r["status"] == "in_force" && r["measure"] != "deposit_deduction" {
					gotNotices[r["provider_id"]+" "+r["rule_id"]+" "+r["measure"]]++
				}
			}
			for k, n := range wantNotices {
				if gotNotices[k] != n {
					t.Errorf("in-force notice %s: %d, want %d", k, gotNotices[k], n)
				}
			}
			for k, n := range gotNotices {
				if wantNotices[k] == 0 {
					t.Errorf("unexpected in-force notice %s (%d)", k, n)
				}
			}
		})
	}
}

// readFile returns the file's bytes, failing the test if it cannot be read.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func treeBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRefusals checks that each safety check exits 3 and leaves an
// existing output directory untouched.
func TestRefusals(t *testing.T) {
	snap := filepath.Join(conformance, "snapshot-parquet")
	dir := t.TempDir()
	out := filepath.Join(dir, "site")
	state := filepath.Join(dir, "state")
	if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", out, "--state", state, "--new-ledger", "--max-reject", "10%", "--quiet"); code != 0 {
		t.Fatalf("first build exit %d: %s", code, msg)
	}
	before := treeBytes(t, out)

	// Too many rejected rows: contact_checks rejects 144 of 14,273 (1.01%).
	code, msg := runCLI(t, "build", "--snapshot", snap, "--out", out, "--quiet", "--quarantine", filepath.Join(dir, "q.csv"))
	if code != 3 || !strings.Contains(msg, "contact_checks: 144 of 14,273 rows rejected") {
		t.Errorf("max-reject: exit %d, %s", code, msg)
	}

	// A required table missing.
	trunc := filepath.Join(dir, "trunc")
	copyTree(t, snap, trunc, func(rel string) bool { return !strings.HasPrefix(rel, "orders") })
	code, msg = runCLI(t, "build", "--snapshot", trunc, "--out", out, "--state", state, "--max-reject", "10%", "--quiet")
	if code != 3 || !strings.Contains(msg, "required table orders is missing") {
		t.Errorf("missing table: exit %d, %s", code, msg)
	}

	// Row count down by more than --max-drop against the previous manifest.
	half := filepath.Join(dir, "half")
	copyTree(t, snap, half, func(rel string) bool {
		return !strings.HasPrefix(rel, "orders") || strings.Contains(rel, "month=2024-1")
	})
	code, msg = runCLI(t, "build", "--snapshot", half, "--out", out, "--state", state, "--max-reject", "100%", "--quiet")
	if code != 3 || !strings.Contains(msg, "orders:") || !strings.Contains(msg, "limit 50%") {
		t.Errorf("max-drop: exit %d, %s", code, msg)
	}

	after := treeBytes(t, out)
	if len(after) != len(before) {
		t.Fatalf("output changed: %d files, was %d", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("output file %s changed by a refused build", k)
		}
	}

	// A damaged ledger fails the build (exit 1) and is not replaced.
	cur, err := os.ReadFile(filepath.Join(state, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	notices := filepath.Join(state, strings.TrimSpace(string(cur)), "notices.parquet")
	os.WriteFile(notices, []byte("not parquet"), 0o644)
	code, msg = runCLI(t, "build", "--snapshot", snap, "--out", out, "--state", state, "--max-reject", "10%", "--quiet")
	if code != 1 || !strings.Contains(msg, "damaged ledger") {
		t.Errorf("damaged ledger: exit %d, %s", code, msg)
	}
	if b := readFile(t, notices); string(b) != "not parquet" {
		t.Errorf("damaged ledger was replaced")
	}
}

func copyTree(t *testing.T, from, to string, keep func(rel string) bool) {
	t.Helper()
	filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() || !keep(rel) {
			return nil
		}
		b := readFile(t, p)
		os.MkdirAll(filepath.Join(to, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
}

// TestDeterministic builds the same inputs twice and compares every byte.
func TestDeterministic(t *testing.T) {
	snap := filepath.Join(conformance, "snapshot-mixed")
	var trees []map[string]string
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		jobs := []string{"1", "4"}[i] // parallel rendering must not change a byte
		if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", filepath.Join(dir, "site"), "--state", filepath.Join(dir, "state"), "--new-ledger", "--max-reject", "10%", "--quiet", "--jobs", jobs); code != 0 {
			t.Fatalf("build exit %d: %s", code, msg)
		}
		trees = append(trees, treeBytes(t, filepath.Join(dir, "site")))
	}
	if len(trees[0]) != len(trees[1]) {
		t.Errorf("two builds wrote %d and %d files", len(trees[0]), len(trees[1]))
	}
	for k, v := range trees[0] {
		if trees[1][k] != v {
			t.Errorf("%s differs between two builds of the same inputs", k)
		}
	}
}

// TestUsage checks exit status 2 and --help.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, 2}, {[]string{"frobnicate"}, 2}, {[]string{"build", "--no-such-flag"}, 2},
		{[]string{"build", "--max-reject", "150%"}, 2}, {[]string{"build", "--help"}, 0},
		{[]string{"validate", "--help"}, 0}, {[]string{"gen", "--help"}, 0}, {[]string{"restore", "--help"}, 0},
		{[]string{"--version"}, 0}, {[]string{"build", "--as-of", "30/06/2025"}, 2},
		{[]string{"build", "--new-ledger"}, 2}, {[]string{"build", "--allow-empty", "providers"}, 2},
		{[]string{"restore", "--state", "x"}, 2},
	} {
		if code, out := runCLI(t, tc.args...); code != tc.code {
			t.Errorf("disclose %v: exit %d, want %d (%s)", tc.args, code, tc.code, out)
		}
	}
	// Help and the version go to stdout, and help names only the
	// command's own flags.
	for _, cmd := range []string{"build", "validate", "restore", "gen", "serve"} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{cmd, "--help"}, &out, &errb); code != 0 || errb.Len() != 0 {
			t.Errorf("disclose %s --help: exit %d, stderr %q", cmd, code, errb.String())
		}
		usage := out.String()
		if !strings.HasPrefix(usage, "usage: disclose "+cmd) {
			t.Errorf("disclose %s --help printed %q", cmd, usage)
		}
		flags := map[string][]string{"build": buildFlags, "validate": {"snapshot", "state", "as-of", "report", "quarantine", "max-reject", "max-drop", "allow-empty", "quiet", "log-format"},
			"restore": {"from", "state"}, "gen": {"out", "seed", "providers", "orders", "format", "as-of", "compression", "partition", "row-group-rows", "decimal"}, "serve": {"out", "addr"}}[cmd]
		for name := range flagDefs {
			if !slices.Contains(flags, name) && strings.Contains(usage, "--"+name+" ") {
				t.Errorf("disclose %s --help mentions --%s, which it does not take", cmd, name)
			}
		}
	}
	var out bytes.Buffer
	if run(context.Background(), []string{"--version"}, &out, io.Discard); !strings.HasPrefix(out.String(), "disclose "+version) {
		t.Errorf("--version printed %q", out.String())
	}
}
