package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// A rule case is a txtar archive under testdata/cases: a comment saying
// what it shows and how the expected figures were worked out, then files.
//
//	-- snapshot.json --          the snapshot's snapshot.json
//	-- providers --              a table, header first, cells split by "|"
//	-- 2/orders --               a table of the second build only
//	-- want/providers.csv --     golden outputs (want/2/... for build 2)
//
// Table rows are written as text cells of one workbook, so cases go through
// the real loader (an empty cell is null). A row whose first cell is "*N" is
// repeated N times with {i} replaced by 1..N; "\n" in a cell is a line
// break; lines starting with "#" are
// comments. Files without a build number belong to every build; builds run
// in order with one shared --state directory, and "N/as_of"
// holds build N's --as-of date when it differs from snapshot.json.
//
// The golden outputs are providers.csv and notices.csv as published, the
// explanation of every rating and commitment, and the quarantine.
// go test ./cmd/disclose -run TestRuleCases -update rewrites them.

type archive struct {
	comment string
	files   []archiveFile
}

type archiveFile struct {
	name string
	data string
}

func parseArchive(b []byte) archive {
	var a archive
	var cur *archiveFile
	for _, line := range strings.SplitAfter(string(b), "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			a.files = append(a.files, archiveFile{name: strings.TrimSpace(trimmed[3 : len(trimmed)-3])})
			cur = &a.files[len(a.files)-1]
			continue
		}
		if cur == nil {
			a.comment += line
		} else {
			cur.data += line
		}
	}
	return a
}

func formatArchive(a archive) []byte {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, f := range a.files {
		fmt.Fprintf(&b, "-- %s --\n%s", f.name, f.data)
		if f.data != "" && !strings.HasSuffix(f.data, "\n") {
			b.WriteString("\n")
		}
	}
	return []byte(b.String())
}

// buildOf splits "2/orders" into build 2 and "orders"; a name without a
// number belongs to every build (0).
func buildOf(name string) (int, string) {
	if i := strings.IndexByte(name, '/'); i > 0 {
		if n, err := strconv.Atoi(name[:i]); err == nil {
			return n, name[i+1:]
		}
	}
	return 0, name
}

// tableRows turns a "|"-separated table into rows, expanding "*N" rows.
func tableRows(t *testing.T, name, data string) [][]any {
	var rows [][]any
	for _, line := range strings.Split(strings.TrimRight(data, "\n"), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		times := 1
		if strings.HasPrefix(cells[0], "*") {
			n, err := strconv.Atoi(cells[0][1:])
			if err != nil {
				t.Fatalf("%s: bad repeat %q", name, cells[0])
			}
			times, cells = n, cells[1:]
		}
		for i := 1; i <= times; i++ {
			row := make([]any, len(cells))
			for j, c := range cells {
				c = strings.ReplaceAll(strings.ReplaceAll(c, "{i}", strconv.Itoa(i)), `\n`, "\n")
				if c != "" {
					row[j] = c
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// writeCaseSnapshot writes build n's snapshot into dir.
func writeCaseSnapshot(t *testing.T, a archive, n int, dir string) (asOf string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	tables := 0
	for _, af := range a.files {
		b, name := buildOf(af.name)
		if (b != 0 && b != n) || strings.HasPrefix(name, "want/") || strings.HasPrefix(af.name, "want/") {
			continue
		}
		switch {
		case name == "snapshot.json":
			if err := os.WriteFile(filepath.Join(dir, name), []byte(af.data), 0o644); err != nil {
				t.Fatal(err)
			}
		case name == "as_of":
			asOf = strings.TrimSpace(af.data)
		default:
			if tables == 0 {
				f.SetSheetName("Sheet1", name)
			} else if _, err := f.NewSheet(name); err != nil {
				t.Fatal(err)
			}
			tables++
			for i, row := range tableRows(t, af.name, af.data) {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := f.SetSheetRow(name, cell, &row); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "snapshot.xlsx")); err != nil {
		t.Fatal(err)
	}
	return asOf
}

// loadArchive reads a txtar archive of testdata.
func loadArchive(t *testing.T, path string) archive {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseArchive(raw)
}

// buildNight writes night n of an archive into dir/snapN and runs
// `disclose build` on it with args (plus --as-of when the night has one).
func buildNight(t *testing.T, a archive, n int, dir string, args ...string) {
	t.Helper()
	snap := filepath.Join(dir, fmt.Sprint("snap", n))
	os.MkdirAll(snap, 0o755)
	args = append([]string{"build", "--snapshot", snap, "--allow-empty", caseEmpty}, args...)
	if n == 1 && slices.Contains(args, "--state") {
		args = append(args, "--new-ledger")
	}
	if asOf := writeCaseSnapshot(t, a, n, snap); asOf != "" {
		args = append(args, "--as-of", asOf)
	}
	if code, msg := runCLI(t, args...); code != 0 {
		t.Fatalf("build %d: exit %d: %s", n, code, msg)
	}
}

// caseEmpty lets the hand-made cases leave activity tables empty.
const caseEmpty = "orders,tickets,complaints,contact_checks,shop_gmv"

// explain prints what the site will explain: every rating with its
// dimensions, and every commitment with how well it was kept.
func explain(ev *build.Evaluation) []byte {
	var b bytes.Buffer
	ratings := map[string]*model.Rating{}
	for i := range ev.Ratings {
		ratings[ev.Ratings[i].ProviderID] = &ev.Ratings[i]
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	for _, f := range ev.Result.Facts {
		r := ratings[f.Provider.ID]
		fmt.Fprintf(&b, "%s grade=%s score=%s rated_items=%d weighted=%s points_deducted=%d\n",
			f.Provider.ID, r.Grade, r.ScoreText(), r.RatedItems, num(r.Weighted), r.PointsDeducted)
		for _, d := range r.Dimensions {
			fmt.Fprintf(&b, "  %-14s %d/%d p=%s k=%d smoothed=%s weight=%s contribution=%s\n",
				d.ID, d.X, d.N, num(d.Platform), d.Prior, num(d.Smoothed), num(d.Weight), num(d.Contribution))
		}
		for _, c := range ev.Result.Commitments {
			if c.ProviderID != f.Provider.ID {
				continue
			}
			p := f.Commitments[c.ID]
			sup := ""
			if c.Superseded != "" {
				sup = " superseded by " + c.Superseded
			}
			fmt.Fprintf(&b, "  commitment %s %s %s service=%q: kept %d of %d%s\n", c.ID, c.Kind, num(c.Target), c.ServiceID, p.Kept, p.Judged, sup)
		}
		kinds := make([]string, 0, len(f.Floors))
		for k := range f.Floors {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(&b, "  floor %s: kept %d of %d\n", k, f.Floors[k].Kept, f.Floors[k].Judged)
		}
		for _, v := range f.Violations {
			fmt.Fprintf(&b, "  violation %s %s %s points=%d deduction=%s: %s\n", v.RuleID, v.Due, v.Ref, v.Points, v.Deduction, v.FactsEn)
		}
	}
	return b.Bytes()
}

// readable drops the BOM and the CRLF line ends so goldens diff well.
func readable(b []byte) string {
	return strings.ReplaceAll(string(bytes.TrimPrefix(b, []byte("\ufeff"))), "\r\n", "\n")
}

// TestRuleCases runs every hand-worked case of testdata/cases through the
// whole build and compares its outputs with the goldens in the case.
func TestRuleCases(t *testing.T) {
	paths, _ := filepath.Glob("testdata/cases/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no cases in testdata/cases")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a := loadArchive(t, path)
			builds := 1
			for _, af := range a.files {
				if n, _ := buildOf(strings.TrimPrefix(af.name, "want/")); n > builds {
					builds = n
				}
			}
			got := map[string]string{}
			dir := t.TempDir()
			state := filepath.Join(dir, "state")
			for n := 1; n <= builds; n++ {
				snap := filepath.Join(dir, fmt.Sprintf("snap%d", n))
				os.MkdirAll(snap, 0o755)
				asOf := writeCaseSnapshot(t, a, n, snap)
				out, q := filepath.Join(dir, "public"), filepath.Join(dir, fmt.Sprintf("q%d.csv", n))
				args := []string{"--snapshot", snap, "--out", out, "--state", state, "--quarantine", q, "--max-reject", "100%", "--quiet", "--allow-empty", caseEmpty}
				if asOf != "" {
					args = append(args, "--as-of", asOf)
				}
				if n == 1 {
					args = append(args, "--new-ledger")
				}
				ev := buildArgs(t, args...).Evaluation
				prefix := "want/"
				if builds > 1 {
					prefix = fmt.Sprintf("want/%d/", n)
				}
				for _, name := range []string{"providers.csv", "notices.csv"} {
					b, err := os.ReadFile(filepath.Join(out, "downloads", name))
					if err != nil {
						t.Fatal(err)
					}
					got[prefix+name] = readable(b)
				}
				got[prefix+"explain.txt"] = string(explain(ev))
				qb := readFile(t, q)
				got[prefix+"quarantine.csv"] = readable(qb)
			}
			if *update {
				var keep []archiveFile
				for _, af := range a.files {
					if !strings.HasPrefix(af.name, "want/") {
						keep = append(keep, af)
					}
				}
				names := make([]string, 0, len(got))
				for name := range got {
					names = append(names, name)
				}
				slices.Sort(names)
				for _, name := range names {
					keep = append(keep, archiveFile{name: name, data: got[name]})
				}
				a.files = keep
				if err := os.WriteFile(path, formatArchive(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for name, g := range got {
				want, ok := "", false
				for _, af := range a.files {
					if af.name == name {
						want, ok = af.data, true
					}
				}
				if !ok {
					t.Errorf("%s: no golden %s (run go test ./cmd/disclose -run TestRuleCases -update)", path, name)
					continue
				}
				if want != g {
					t.Errorf("%s: %s differs:\n--- got\n%s--- want\n%s", path, name, g, want)
				}
			}
		})
	}
}
