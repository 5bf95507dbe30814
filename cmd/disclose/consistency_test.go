package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/site"
	"golang.org/x/net/html"
)

// TestPublishedConsistency builds generated snapshots of several seeds and
// the states fixture (suspended by the platform and by a notice, cleared
// both ways, hidden, delisted and disabled services, pending and decided
// appeals, a notice rescinded and its recomputed successor) and checks that
// every provider's status, grade, score, measures and services agree across
// its pages in both languages, the providers list and its filter, the
// search index, providers.csv and the JSON download; and that each notice's
// appeal box agrees with notices.csv.
func TestPublishedConsistency(t *testing.T) {
	for _, seed := range []string{"1", "2", "3"} {
		t.Run("seed "+seed, func(t *testing.T) {
			dir := t.TempDir()
			snap, out := filepath.Join(dir, "snap"), filepath.Join(dir, "public")
			if code, msg := runCLI(t, "gen", "--out", snap, "--seed", seed, "--providers", "60", "--orders", "12000"); code != 0 {
				t.Fatalf("gen: exit %d: %s", code, msg)
			}
			if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", out, "--quiet", "--quarantine", filepath.Join(dir, "q.csv"), "--max-reject", "100%"); code != 0 {
				t.Fatalf("build: exit %d: %s", code, msg)
			}
			checkConsistency(t, out)
		})
	}
	t.Run("states", func(t *testing.T) {
		out := buildStates(t)
		seen := checkConsistency(t, out)
		for _, want := range []string{"status active", "status suspended", "status cleared", "measure hidden", "measure delisted", "measure disabled",
			"measure suspension", "measure clearance", "box open", "box closed", "box pending", "box decided", "sale off cleared", "sale off suspended",
			"sale off measure", "sale off state", "sale on"} {
			if !seen[want] {
				t.Errorf("the states fixture shows no %s", want)
			}
		}
	})
}

// checkConsistency checks one published tree and returns the states it met.
func checkConsistency(t *testing.T, out string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	csvRows := readCSV(t, filepath.Join(out, "downloads", "providers.csv"))
	byID := map[string]map[string]string{}
	for _, r := range csvRows {
		byID[r["provider_id"]] = r
		seen["status "+r["status"]] = true
		for _, m := range splitMeasures(r["measures"]) {
			seen["measure "+m] = true
		}
	}
	// The JSON download.
	jsons, _ := filepath.Glob(filepath.Join(out, "downloads", "disclosure-*.json"))
	var doc struct {
		AsOf   string `json:"as_of"`
		Tables struct {
			Providers []map[string]any `json:"providers"`
		} `json:"tables"`
	}
	for _, j := range jsons {
		if strings.HasSuffix(j, ".schema.json") {
			continue
		}
		b, err := os.ReadFile(j)
		if err != nil || json.Unmarshal(b, &doc) != nil {
			t.Fatalf("%s: %v", j, err)
		}
	}
	if len(doc.Tables.Providers) != len(csvRows) {
		t.Fatalf("JSON has %d providers, providers.csv %d", len(doc.Tables.Providers), len(csvRows))
	}
	for _, p := range doc.Tables.Providers {
		id := fmt.Sprint(p["provider_id"])
		c := byID[id]
		score := ""
		if p["score"] != nil {
			score = fmt.Sprintf("%.1f", p["score"])
		}
		if c == nil || p["status"] != c["status"] || p["grade"] != c["grade"] || score != c["score"] || p["measures"] != c["measures"] {
			t.Errorf("%s: JSON says %v %v %v %v, providers.csv %v", id, p["status"], p["grade"], score, p["measures"], c)
		}
	}
	// The search index's records.
	for _, e := range searchRecords(t, out) {
		if c := byID[e[0]]; c == nil || len(e) < 8 || e[5] != c["grade"] || e[6] != c["score"] || e[7] != c["status"] {
			t.Errorf("search index %v, providers.csv %v", e, c)
		}
	}
	notices := readCSV(t, filepath.Join(out, "downloads", "notices.csv"))
	for _, lang := range []string{"zh", "en"} {
		prefix := map[string]string{"zh": "", "en": "en/"}[lang]
		label := func(status string) string {
			if lang == "en" {
				return model.ProviderStatusEnum.LabelEn(status)
			}
			return model.ProviderStatusEnum.Label(status)
		}
		// The providers list, page after page, and the page of each status.
		rows := listRows(t, out, prefix+"providers/", "providers")
		if len(rows) != len(csvRows) {
			t.Errorf("%sproviders/: %d rows, providers.csv %d", prefix, len(rows), len(csvRows))
		}
		for _, r := range rows {
			a := findAll(r, func(n *html.Node) bool { return n.Data == "a" })[0]
			slug := path.Base(strings.TrimSuffix(getAttr(a, "href"), "/"))
			c := csvBySlug(csvRows, slug)
			if c == nil {
				t.Errorf("%sproviders/: a row links to %q, no provider of providers.csv", prefix, getAttr(a, "href"))
				continue
			}
			cells := findAll(r, func(n *html.Node) bool { return n.Data == "td" })
			if !gradeShown(nodeText(cells[1]), c["grade"]) || nodeText(cells[2]) != label(c["status"]) || nodeText(cells[3]) != c["score"] {
				t.Errorf("%sproviders/: %s row says %q %q %q; providers.csv %s %s %s", prefix, c["provider_id"], nodeText(cells[1]),
					nodeText(cells[2]), nodeText(cells[3]), c["grade"], c["status"], c["score"])
			}
		}
		list := parsePage(t, filepath.Join(out, prefix+"providers", "index.html"))
		var options []string
		for _, a := range findAll(list, func(n *html.Node) bool {
			return (n.Data == "a" || n.Data == "span") && n.Parent != nil && n.Parent.Parent != nil && n.Parent.Parent.Parent != nil &&
				getAttr(n.Parent.Parent.Parent, "data-facet") == "status"
		}) {
			options = append(options, path.Base(strings.TrimSuffix(getAttr(a, "href"), "/")))
		}
		wantOptions := []string{"providers"}
		for _, s := range model.ProviderStatusEnum.Codes {
			o := "." // no provider has it: its name, not a link
			for _, r := range csvRows {
				if r["status"] == s {
					o = s
				}
			}
			wantOptions = append(wantOptions, o)
		}
		if !slices.Equal(options, wantOptions) {
			t.Errorf("%sproviders/: the status filter offers %q, want %q", prefix, options, wantOptions)
		}
		for _, s := range model.ProviderStatusEnum.Codes {
			want := 0
			for _, r := range csvRows {
				if r["status"] == s {
					want++
				}
			}
			if got := listRows(t, out, prefix+"providers/status/"+s+"/", "providers"); len(got) != want {
				t.Errorf("%sproviders/status/%s/: %d rows, providers.csv %d", prefix, s, len(got), want)
			}
		}
		// Each provider's page.
		for _, c := range csvRows {
			name := prefix + "providers/" + site.Slug(c["provider_id"]) + "/"
			page := parsePage(t, filepath.Join(out, filepath.FromSlash(name), "index.html"))
			st := findAll(page, func(n *html.Node) bool { return hasAttr(n, "data-provider-status") })
			if len(st) != 1 || getAttr(st[0], "data-provider-status") != c["status"] || !strings.Contains(nodeText(st[0]), label(c["status"])) {
				t.Errorf("%s: status block %d, %q; providers.csv %s", name, len(st), texts(st), c["status"])
			}
			badge := findAll(page, func(n *html.Node) bool {
				return n.Data == "span" && strings.HasPrefix(getAttr(n, "class"), "badge") && n.Parent != nil && getAttr(n.Parent, "class") == "score"
			})
			if len(badge) != 1 || !gradeShown(nodeText(badge[0]), c["grade"]) {
				t.Errorf("%s: grade badge %q, providers.csv %s", name, texts(badge), c["grade"])
			}
			var measures []string
			for _, li := range findAll(page, func(n *html.Node) bool { return n.Data == "li" && hasAttr(n, "data-measure") }) {
				measures = append(measures, getAttr(li, "data-measure"))
			}
			if !slices.Equal(measures, splitMeasures(c["measures"])) {
				t.Errorf("%s: measures in force %q, providers.csv %q", name, measures, c["measures"])
			}
			// Each measure names every notice that keeps it in force, and a
			// provider off sale is never told its services stay on sale.
			for _, li := range findAll(page, func(n *html.Node) bool { return n.Data == "li" && hasAttr(n, "data-measure") }) {
				var got, want []string
				for _, a := range findAll(li, func(n *html.Node) bool { return n.Data == "a" }) {
					got = append(got, nodeText(a))
				}
				for _, n := range notices {
					if n["provider_id"] == c["provider_id"] && n["measure"] == getAttr(li, "data-measure") && n["status"] == "in_force" &&
						n["issued_on"] <= doc.AsOf && (n["effective_until"] == "" || doc.AsOf <= n["effective_until"]) {
						want = append(want, n["notice_id"])
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: measure %s names notices %q, notices.csv %q", name, getAttr(li, "data-measure"), got, want)
				}
				if text := nodeText(li); c["status"] != "active" && (strings.Contains(text, "在售") || strings.Contains(text, "可购买") || strings.Contains(text, "on sale") || strings.Contains(text, "can still be bought")) {
					t.Errorf("%s: the provider is %s, but its banner reads %q", name, c["status"], text)
				}
			}
			offSale := c["status"] != "active" || slices.ContainsFunc(measures, func(m string) bool { return m == "hidden" || m == "delisted" || m == "disabled" })
			for _, r := range findAll(page, func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-sale") }) {
				sale, why := getAttr(r, "data-sale"), getAttr(r, "data-why")
				seen[strings.TrimSpace("sale "+sale+" "+why)] = true
				switch {
				case offSale && sale == "on":
					t.Errorf("%s: a service of a provider %s with measures %q is shown on sale: %q", name, c["status"], c["measures"], nodeText(r))
				case c["status"] != "active" && why != c["status"]:
					t.Errorf("%s: service %q: off sale because %q, the provider is %s", name, nodeText(r), why, c["status"])
				case c["status"] == "active" && offSale && why != "measure":
					t.Errorf("%s: service %q: off sale because %q, with measures %q", name, nodeText(r), why, c["measures"])
				case !offSale && why != "" && why != "state":
					t.Errorf("%s: service %q: off sale because %q, but nothing takes it off", name, nodeText(r), why)
				}
			}
			desc := metaContent(page, "description")
			if !strings.Contains(desc, label(c["status"])) || c["score"] != "" && !strings.Contains(desc, c["score"]) {
				t.Errorf("%s: description %q lacks the status %s or score %s", name, desc, c["status"], c["score"])
			}
			var ids []string
			for _, a := range findAll(page, func(n *html.Node) bool {
				return n.Data == "a" && n.Parent != nil && n.Parent.Data == "th" && strings.Contains(getAttr(n, "href"), "notices/")
			}) {
				ids = append(ids, nodeText(a))
			}
			var want []string
			for _, n := range notices {
				if n["provider_id"] == c["provider_id"] {
					want = append(want, n["notice_id"])
				}
			}
			slices.Sort(ids)
			slices.Sort(want)
			if !slices.Equal(ids, want) {
				t.Errorf("%s: notices %q, notices.csv %q", name, ids, want)
			}
		}
		// Each notice's appeal box.
		for _, n := range notices {
			name := prefix + "notices/" + site.Slug(n["notice_id"]) + "/"
			page := parsePage(t, filepath.Join(out, filepath.FromSlash(name), "index.html"))
			box := findAll(page, func(n *html.Node) bool { return n.Data == "section" && hasAttr(n, "data-appeal") })
			if len(box) != 1 {
				t.Errorf("%s: %d appeal boxes", name, len(box))
				continue
			}
			state := getAttr(box[0], "data-appeal")
			seen["box "+state] = true
			open := doc.AsOf <= n["appeal_by"] && n["status"] != "rescinded"
			switch {
			case state == "open" && !open, state == "closed" && doc.AsOf <= n["appeal_by"], state == "rescinded" && n["status"] != "rescinded":
				t.Errorf("%s: appeal box %s, notice %s, appeal by %s, as of %s", name, state, n["status"], n["appeal_by"], doc.AsOf)
			}
			// The route is offered while the window is open, unless an
			// appeal is being heard; it names the window's last second.
			route := findAll(box[0], func(n *html.Node) bool { return hasAttr(n, "data-route") })
			if (len(route) == 1) != (open && state != "pending") || len(route) == 1 && !strings.Contains(nodeText(route[0]), n["appeal_by"]+" 23:59:59") {
				t.Errorf("%s: appeal box %s, notice %s, appeal by %s, as of %s, reads %q", name, state, n["status"], n["appeal_by"], doc.AsOf, nodeText(box[0]))
			}
		}
	}
	return seen
}

func csvBySlug(rows []map[string]string, slug string) map[string]string {
	for _, r := range rows {
		if site.Slug(r["provider_id"]) == slug {
			return r
		}
	}
	return nil
}

func splitMeasures(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// gradeShown reports whether a badge's text shows the grade of
// providers.csv ("A", or the words for unrated and cleared).
func gradeShown(badge, grade string) bool {
	switch grade {
	case "unrated":
		return badge == "数据不足" || badge == "Not rated"
	case "cleared":
		return badge == "已清退" || badge == "Cleared"
	}
	return strings.HasSuffix(badge, " "+grade) || badge == grade
}

func parsePage(t *testing.T, path string) *html.Node {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := html.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func texts(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, nodeText(n))
	}
	return out
}

func metaContent(doc *html.Node, name string) string {
	for _, m := range findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && getAttr(n, "name") == name }) {
		return getAttr(m, "content")
	}
	return ""
}

// searchRecords reads every block of the search index's records.
func searchRecords(t *testing.T, out string) [][]string {
	t.Helper()
	var recs [][]string
	for b := 0; ; b++ {
		raw, err := os.ReadFile(filepath.Join(out, "search", "r", fmt.Sprintf("%d.json", b)))
		if errors.Is(err, fs.ErrNotExist) {
			return recs
		}
		var block [][]string
		if err != nil || json.Unmarshal(raw, &block) != nil || len(block) == 0 {
			t.Fatalf("search/r/%d.json: %v", b, err)
		}
		recs = append(recs, block...)
	}
}

// listRows follows a list from its first page through each "next" link and
// returns the rows of the table of that id on every page.
func listRows(t *testing.T, out, first, table string) []*html.Node {
	t.Helper()
	var rows []*html.Node
	for p, n := first, 0; p != ""; n++ {
		if n > 10000 {
			t.Fatalf("%s: the pages do not end", first)
		}
		doc := parsePage(t, filepath.Join(out, filepath.FromSlash(p), "index.html"))
		for _, tb := range findAll(doc, func(n *html.Node) bool { return n.Data == "table" && getAttr(n, "id") == table }) {
			rows = append(rows, findAll(tb, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" })...)
		}
		next := ""
		for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" && getAttr(n, "rel") == "next" }) {
			next = path.Join(path.Dir(strings.TrimSuffix(p, "/")+"/x"), getAttr(a, "href")) + "/"
		}
		p = next
	}
	return rows
}
