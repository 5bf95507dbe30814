package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/build"
	"golang.org/x/net/html"
)

// TestChanges builds the ledger case's nights and reads changes.json:
// the overturn rescinds two notices on night 3, the demotion expires on
// night 4, and a table that shrinks by more than 10 % is listed.
func TestChanges(t *testing.T) {
	a := loadArchive(t, "testdata/cases/ledger.txtar")
	dir := t.TempDir()
	var got []build.Changes
	for n := 1; n <= 4; n++ {
		buildNight(t, a, n, dir, "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"),
			"--report", filepath.Join(dir, "report.json"), "--max-reject", "100%", "--max-drop", "100%", "--quiet")
		var c build.Changes
		b, err := os.ReadFile(filepath.Join(dir, "changes.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("build %d: changes.json: %v", n, err)
		}
		got = append(got, c)
	}
	if len(got[0].Notices.Issued) != 3 || got[0].Previous != "" {
		t.Errorf("night 1: %+v", got[0])
	}
	if len(got[1].Notices.Issued) != 0 || got[1].Previous != "2025-06-30" {
		t.Errorf("night 2: %+v", got[1])
	}
	if len(got[2].Notices.Rescinded) != 2 {
		t.Errorf("night 3: %+v", got[2])
	}
	if len(got[3].Notices.Expired) != 1 || got[3].Notices.Expired[0].Measure != "demotion" {
		t.Errorf("night 4: %+v", got[3])
	}
	// Appeals appear on night 3: from no table to one is no move. On night
	// 4 the complaints table doubles (1 → 2 rows): the one move listed.
	for i, c := range got {
		want := "[]"
		if i == 3 {
			want = "[{complaints 1 2 1}]"
		}
		if g := fmt.Sprint(c.Tables); strings.ReplaceAll(g, "&", "") != want {
			t.Errorf("night %d: tables moved %s, want %s", i+1, g, want)
		}
	}
}

// TestChangesRenewal reads changes.json of the renewal case: the warning
// that goes on past its period is listed as renewed, naming the notice it
// continues, not as a new offence.
func TestChangesRenewal(t *testing.T) {
	a := loadArchive(t, "testdata/cases/renewal.txtar")
	dir := t.TempDir()
	var got []build.Changes
	for n := 1; n <= 2; n++ {
		buildNight(t, a, n, dir, "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"),
			"--report", filepath.Join(dir, "report.json"), "--max-reject", "100%", "--max-drop", "100%", "--quiet")
		var c build.Changes
		b, err := os.ReadFile(filepath.Join(dir, "changes.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("build %d: changes.json: %v", n, err)
		}
		got = append(got, c)
	}
	if len(got[0].Notices.Issued) != 1 || len(got[0].Notices.Renewed) != 0 {
		t.Errorf("night 1: issued %v, renewed %v", got[0].Notices.Issued, got[0].Notices.Renewed)
	}
	n2 := got[1].Notices
	if len(n2.Issued) != 0 || len(n2.Renewed) != 1 || len(n2.Expired) != 1 || n2.Renewed[0].Continues != n2.Expired[0].ID {
		t.Errorf("night 2: issued %v, renewed %v, expired %v", n2.Issued, n2.Renewed, n2.Expired)
	}
}

// TestChangesPage builds the ledger case's nights and reads /changes/ and
// its feed in both languages: each night lists what changed with its
// cause.
func TestChangesPage(t *testing.T) {
	a := loadArchive(t, "testdata/cases/ledger.txtar")
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	want := map[int][]string{
		1: {`data-kind="issued" data-cause="new_data"`, `data-kind="issued" data-cause="data_or_time"`},
		3: {`data-kind="rescinded" data-cause="appeal"`},
		4: {`data-kind="expired" data-cause="period_ended"`},
	}
	for n := 1; n <= 4; n++ {
		buildNight(t, a, n, dir, "--out", out, "--state", filepath.Join(dir, "state"), "--max-reject", "100%", "--max-drop", "100%", "--quiet")
		for _, lang := range []string{"", "en/"} {
			page, err := os.ReadFile(filepath.Join(out, lang+"changes", "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want[n] {
				if !strings.Contains(string(page), w) {
					t.Errorf("night %d: %schanges/ does not hold %s", n, lang, w)
				}
			}
			if n == 2 && strings.Contains(string(page), "data-kind=") {
				t.Errorf("night 2 changed nothing, but %schanges/ lists changes", lang)
			}
			entries := feedEntries(t, filepath.Join(out, lang+"changes", "feed.xml"))
			if got, _ := changeRows(t, out, lang); entries != got {
				t.Errorf("night %d: %schanges/feed.xml has %d entries, the pages %d", n, lang, entries, got)
			}
			if n == 2 && !strings.Contains(string(page), "本次没有变化。") && !strings.Contains(string(page), "Nothing changed in this build.") {
				t.Errorf("night 2: %schanges/ does not say that nothing changed", lang)
			}
		}
	}
}

// TestTransparencyPage reads the transparency page's month table as a
// reader does: every month from the first to the last, each adding up to
// transparency.csv's rows of that month.
func TestTransparencyPage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, msg)
	}
	cols := []string{"issued", "renewed", "expired", "rescinded", "appeals_received", "appeals_decided", "appeals_overturned"}
	want := map[string][]int{}
	for _, r := range readCSV(t, filepath.Join(out, "downloads", "transparency.csv")) {
		if want[r["month"]] == nil {
			want[r["month"]] = make([]int, len(cols))
		}
		for i, c := range cols {
			n, err := strconv.Atoi(r[c])
			if err != nil {
				t.Fatalf("transparency.csv: %s %q: %v", c, r[c], err)
			}
			want[r["month"]][i] += n
		}
	}
	for _, lang := range []string{"", "en/"} {
		page := parsePage(t, filepath.Join(out, lang+"transparency", "index.html"))
		table := findAll(page, func(n *html.Node) bool { return n.Data == "table" && getAttr(n, "id") == "transparency-months" })
		if len(table) != 1 {
			t.Fatalf("%stransparency/: %d month tables", lang, len(table))
		}
		var months []string
		for _, tr := range findAll(table[0], func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
			th := findAll(tr, func(n *html.Node) bool { return n.Data == "th" })
			tds := findAll(tr, func(n *html.Node) bool { return n.Data == "td" })
			if len(th) != 1 || len(tds) != len(cols) {
				t.Fatalf("%stransparency/: a row reads %q", lang, nodeText(tr))
			}
			m := nodeText(th[0])
			if len(months) > 0 {
				prev, err := time.Parse("2006-01", months[len(months)-1])
				if err != nil || prev.AddDate(0, 1, 0).Format("2006-01") != m {
					t.Errorf("%stransparency/: %s follows %s", lang, m, months[len(months)-1])
				}
			}
			months = append(months, m)
			for i, td := range tds {
				w := 0
				if want[m] != nil {
					w = want[m][i]
				}
				if nodeText(td) != strconv.Itoa(w) {
					t.Errorf("%stransparency/: %s %s reads %q, transparency.csv adds up to %d", lang, m, cols[i], nodeText(td), w)
				}
			}
		}
		for m := range want {
			if !slices.Contains(months, m) {
				t.Errorf("%stransparency/: no row for %s", lang, m)
			}
		}
	}
}

// feedEntries counts the entries of an Atom feed, and fails on two
// entries of one id, or an id that does not name what its entry links to
// (a reader keeps an entry it saw as read by its id).
func feedEntries(t *testing.T, file string) int {
	t.Helper()
	var f struct {
		Entries []struct {
			ID   string `xml:"id"`
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(readFile(t, file), &f); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	seen := map[string]bool{}
	for _, e := range f.Entries {
		if seen[e.ID] {
			t.Errorf("%s: two entries of id %s", file, e.ID)
		}
		seen[e.ID] = true
		if subject := path.Base(e.Link.Href); !strings.HasSuffix(e.ID, "/"+subject) {
			t.Errorf("%s: entry %s links to %s", file, e.ID, e.Link.Href)
		}
	}
	return len(f.Entries)
}

// changeRows follows the /changes/ list from its first page by its "next"
// links, as a reader without JavaScript does, and counts the changes on
// its pages and the pages; no page may hold more than 100.
func changeRows(t *testing.T, out, lang string) (rows, pages int) {
	t.Helper()
	next := regexp.MustCompile(`<a href="([^"]*)" rel="next">`)
	p := lang + "changes/"
	for seen := map[string]bool{}; p != "" && !seen[p]; pages++ {
		seen[p] = true
		b := string(readFile(t, filepath.Join(out, filepath.FromSlash(p), "index.html")))
		n := strings.Count(b, "data-kind=")
		if n > 100 {
			t.Errorf("%s: %d changes on one page", p, n)
		}
		rows += n
		m := next.FindStringSubmatch(b)
		if m == nil {
			break
		}
		p = strings.TrimPrefix(path.Join(p, m[1]), "/") + "/"
	}
	return rows, pages
}
