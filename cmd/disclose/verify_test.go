package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// signedNights builds three nights of the sample with a signing key and
// keeps each night's downloads; it returns their folders and the key
// files.
func signedNights(t *testing.T) (nightsDL []string, key, pub string) {
	t.Helper()
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	os.MkdirAll(keys, 0o755)
	name := filepath.Join(keys, "register.example.org")
	if code, msg := runCLI(t, "keygen", name); code != 0 {
		t.Fatalf("keygen: exit %d: %s", code, msg)
	}
	key, pub = name+".key", name+".pub"
	for i := 0; i < 3; i++ {
		mustBuild(t, nightArgs(dir, i, "--signing-key", key))
		kept := filepath.Join(dir, "night"+nights[i])
		copyTree(t, filepath.Join(dir, "public", "downloads"), kept, func(string) bool { return true })
		nightsDL = append(nightsDL, kept)
	}
	return nightsDL, key, pub
}

// resum rewrites a downloads folder's SHA256SUMS to match what it now
// holds, as someone covering an edit would.
func resum(t *testing.T, dir string) {
	t.Helper()
	sums, err := report.SumTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	var keep []report.FileSum
	for _, s := range sums {
		if s.Path != "SHA256SUMS" && !strings.HasSuffix(s.Path, ".html") {
			keep = append(keep, s)
		}
	}
	if err := report.WriteSums(dir, keep); err != nil {
		t.Fatal(err)
	}
}

// editTable rewrites one download table in Parquet and CSV.
func editTable(t *testing.T, dir, table string, edit func(*report.Table)) {
	t.Helper()
	book, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range report.Schema(book) {
		if s.Name != table {
			continue
		}
		tb, err := report.ReadParquet(filepath.Join(dir, table+".parquet"), s.Cols)
		if err != nil {
			t.Fatal(err)
		}
		tb.Name = table
		edit(tb)
		if err := report.WriteParquet(filepath.Join(dir, table+".parquet"), tb); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteCSV(filepath.Join(dir, table+".csv"), tb); err != nil {
			t.Fatal(err)
		}
	}
}

func verifyOut(t *testing.T, args ...string) (int, string) {
	t.Helper()
	return runCLI(t, append([]string{"verify"}, args...)...)
}

// TestVerify builds three signed nights: verify passes on each with the
// night before and the public key, and fails, naming what was changed, on
// an edited score, a removed notice, a checkpoint signed by another key
// and a log rewritten and re-signed without an earlier notice, each with
// SHA256SUMS rewritten to match.
func TestVerify(t *testing.T) {
	dl, key, pub := signedNights(t)
	for i := range dl {
		args := []string{dl[i], "--public-key", pub}
		if i > 0 {
			args = append(args, "--previous", dl[i-1])
		}
		if code, out := verifyOut(t, args...); code != 0 || !strings.Contains(out, "verified") {
			t.Fatalf("night %s: exit %d: %s", nights[i], code, out)
		}
	}
	// Every provider's three nights are in history; releases.json carries
	// the earlier manifests' hashes.
	hist, _ := readCSVRows(t, filepath.Join(dl[2], "history.csv"))
	perProvider := map[string]int{}
	for _, r := range hist {
		perProvider[r["provider_id"]]++
	}
	for p, n := range perProvider {
		if n != 3 {
			t.Errorf("history.csv holds %d nights of %s, want 3", n, p)
		}
	}
	var rel struct {
		Builds []struct {
			AsOf           string  `json:"as_of"`
			ManifestSHA256 *string `json:"manifest_sha256"`
		} `json:"builds"`
	}
	b := readFile(t, filepath.Join(dl[2], "releases.json"))
	if err := json.Unmarshal(b, &rel); err != nil {
		t.Fatal(err)
	}
	if len(rel.Builds) != 3 || rel.Builds[0].ManifestSHA256 != nil {
		t.Fatalf("releases.json: %s", b)
	}
	for k, night := range []int{1, 0} {
		s, _ := report.Sum(filepath.Join(dl[night], "manifest.json"), "manifest.json")
		if got := rel.Builds[k+1]; got.AsOf != nights[night] || got.ManifestSHA256 == nil || *got.ManifestSHA256 != s.SHA256 {
			t.Errorf("releases.json lists %+v for %s, want the manifest's SHA-256 %s", got, nights[night], s.SHA256)
		}
	}

	tamper := []struct {
		name string
		edit func(t *testing.T, dir string)
		args func(dir string) []string
		want []string
	}{
		{"an edited score", func(t *testing.T, dir string) {
			editTable(t, dir, "providers", func(tb *report.Table) {
				for _, row := range tb.Rows {
					if !row[5].Null { // score
						row[5].I += 50
						return
					}
				}
			})
		}, func(dir string) []string { return []string{dir} }, []string{"recomputed"}},
		{"a removed notice", func(t *testing.T, dir string) {
			editTable(t, dir, "notices", func(tb *report.Table) { tb.Rows = tb.Rows[:len(tb.Rows)-1] }) // the oldest
		}, func(dir string) []string { return []string{dir, "--previous", dl[1]} }, []string{"gone on 2025-07-01", "in the log of notices but not in notices.parquet"}},
		{"a checkpoint signed by another key", func(t *testing.T, dir string) {
			other := filepath.Join(t.TempDir(), "other")
			runCLI(t, "keygen", other)
			k := readFile(t, other+".key")
			resign(t, dir, string(k), nil)
		}, func(dir string) []string { return []string{dir, "--public-key", pub} }, []string{"file checkpoint", "not signed by the key given"}},
		{"a log rewritten and re-signed without an earlier notice", func(t *testing.T, dir string) {
			k := readFile(t, key)
			var gone string
			resign(t, dir, string(k), func(l *record.Log) {
				gone = l.Entries[0].NoticeID
				var keep []record.Entry
				for _, e := range l.Entries {
					if e.NoticeID != gone {
						keep = append(keep, e)
					}
				}
				// Padded to its old length, so that only the proof can tell.
				pad := l.Entries[len(l.Entries)-1]
				for len(keep) < len(l.Entries) {
					keep = append(keep, pad)
				}
				l.Entries = keep
			})
			editTable(t, dir, "notices", func(tb *report.Table) {
				var keep [][]report.Value
				for _, row := range tb.Rows {
					if row[0].S != gone {
						keep = append(keep, row)
					}
				}
				tb.Rows = keep
			})
		}, func(dir string) []string { return []string{dir, "--previous", dl[1], "--public-key", pub} },
			[]string{"log: the log's first", "an entry was removed or rewritten", "gone on 2025-07-01", "issued twice"}},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "downloads")
			copyTree(t, dl[2], dir, func(string) bool { return true })
			tt.edit(t, dir)
			resum(t, dir)
			code, out := verifyOut(t, tt.args(dir)...)
			if code != 1 {
				t.Errorf("exit %d, want 1: %s", code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("verify does not say %q:\n%s", w, out)
				}
			}
		})
	}
}

// resign rewrites the log (when edit is set) and signs its checkpoint
// with skey.
func resign(t *testing.T, dir, skey string, edit func(*record.Log)) {
	t.Helper()
	b := readFile(t, filepath.Join(dir, "log.jsonl"))
	l, err := record.Decode(b, "log.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(l)
		os.WriteFile(filepath.Join(dir, "log.jsonl"), l.Bytes(), 0o644)
	}
	tree, _ := l.Tree()
	signed, err := record.Sign(record.Checkpoint("register.example.org/notices", tree), skey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "checkpoint"), signed, 0o644)
}

func readCSVRows(t *testing.T, path string) ([]map[string]string, []string) {
	t.Helper()
	rows := readCSV(t, path)
	var head []string
	for k := range rows[0] {
		head = append(head, k)
	}
	return rows, head
}
