package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
	"golang.org/x/net/html"
)

// TestOneStatusEverywhere checks that the published status of each
// provider is what its page, its row of the list, the filter and the
// search index say, and that the services of a cleared, suspended or
// hidden provider are not shown as on sale.
func TestOneStatusEverywhere(t *testing.T) {
	in := fixture(t, loadBook(t))
	pages := buildSite(t, in)
	want := map[string]struct {
		status string
		sales  map[string]string // service title → its state cell, as the reader sees it (en)
		says   string            // what the status block must say (en)
	}{
		"P1": {"active", map[string]string{"设计服务": "On sale", "旧服务": "Not on sale (delisted)"}, "Status: Active"},
		"P2": {"suspended", map[string]string{"乙服务": "Not on sale: the provider is suspended"}, "suspended by the platform; no enforcement notice was published for it"},
		"P3": {"cleared", map[string]string{"丙服务": "Not on sale: the provider is cleared"}, "The platform has cleared this provider"},
		"P4": {"active", map[string]string{"丁服务": "Not on sale: Services hidden until 2025-07-24"}, "Status: Active"},
		"P5": {"suspended", map[string]string{"戊服务": "Not on sale: the provider is suspended"}, "This provider is suspended until 2025-09-17"},
		"P6": {"cleared", map[string]string{"己服务": "Not on sale: the provider is cleared"}, "cleared (removed from the marketplace) for a violation"},
	}
	for id, w := range want {
		for _, lang := range []string{"", "en/"} {
			name := lang + "providers/" + id + "/index.html"
			doc := pages[name]
			st := one(t, name, doc, "with data-provider-status", withAttr("data-provider-status", ""))
			if got, _ := attr(st, "data-provider-status"); got != w.status {
				t.Errorf("%s: data-provider-status %q, want %q", name, got, w.status)
			}
			label := in.statusLabel(t, lang, w.status)
			if !strings.Contains(text(st), label) {
				t.Errorf("%s: status block %q does not say %q", name, text(st), label)
			}
			for _, other := range []string{"active", "suspended", "cleared"} {
				if other != w.status && strings.Contains(text(st), in.statusLabel(t, lang, other)+" ") {
					t.Errorf("%s: status block %q also says %q", name, text(st), in.statusLabel(t, lang, other))
				}
			}
			if lang == "en/" && !strings.Contains(text(st), w.says) {
				t.Errorf("%s: status block %q does not say %q", name, text(st), w.says)
			}
			rows := find(doc, withAttr("data-sale", ""))
			if len(rows) != len(w.sales) {
				t.Errorf("%s: %d services, want %d", name, len(rows), len(w.sales))
			}
			for _, r := range rows {
				title := text(find(r, func(n *html.Node) bool { return n.Data == "th" })[0])
				cell := text(one(t, name, r, "state cell", func(n *html.Node) bool { v, _ := attr(n, "class"); return strings.Contains(v, "sale") }))
				sale, _ := attr(r, "data-sale")
				if on := w.sales[title] == "On sale"; (sale == "on") != on {
					t.Errorf("%s: service %s data-sale=%q, want on sale %v", name, title, sale, on)
				}
				if lang == "en/" && cell != w.sales[title] {
					t.Errorf("%s: service %s shows %q, want %q", name, title, cell, w.sales[title])
				}
			}
			desc := metaDescription(doc)
			if !strings.Contains(desc, label) {
				t.Errorf("%s: description %q lacks the status %q", name, desc, label)
			}
		}
		for _, lang := range []string{"", "en/"} {
			list := pages[lang+"providers/index.html"]
			links := func(n *html.Node) bool {
				v, _ := attr(n, "href")
				return n.Data == "a" && strings.HasSuffix(v, "/providers/"+id+"/")
			}
			row := one(t, "providers list", list, "row of "+id, func(n *html.Node) bool { return n.Data == "tr" && len(find(n, links)) == 1 })
			// And the page of its status lists it.
			sub := pages[lang+"providers/status/"+w.status+"/index.html"]
			one(t, "providers/status/"+w.status+"/", sub, "row of "+id, func(n *html.Node) bool { return n.Data == "tr" && len(find(n, links)) == 1 })
			cell := one(t, "providers list", row, "status cell", func(n *html.Node) bool { v, _ := attr(n, "class"); return strings.Contains(v, "pstatus") })
			if text(cell) != in.statusLabel(t, lang, w.status) {
				t.Errorf("%sproviders/: %s status %q, want %q", lang, id, text(cell), in.statusLabel(t, lang, w.status))
			}
		}
	}
	// The filter offers exactly the published statuses, with their counts.
	facet := one(t, "providers list", pages["en/providers/index.html"], "status filter", withAttr("data-facet", "status"))
	var opts []string
	for _, o := range find(facet, func(n *html.Node) bool { return n.Data == "li" }) {
		opts = append(opts, text(o))
	}
	if strings.Join(opts, ",") != "All 6,Active 2,Suspended 2,Cleared 2" {
		t.Errorf("status filter offers %q", opts)
	}
}

func (in *Input) statusLabel(t *testing.T, lang, status string) string {
	w, err := newWorld(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w.statusName(strings.TrimSuffix(lang, "/"), model.ProviderStatus(status))
}

func metaDescription(doc *html.Node) string {
	for _, m := range find(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		if v, _ := attr(m, "name"); v == "description" {
			c, _ := attr(m, "content")
			return c
		}
	}
	return ""
}

// TestSearchIndexCarriesStatus checks the search records against the
// published statuses.
func TestSearchIndexCarriesStatus(t *testing.T) {
	in := fixture(t, loadBook(t))
	dir := t.TempDir()
	if _, err := Build(dir, in, Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "search", "r", "0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx [][]string
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx) != 6 {
		t.Errorf("search records: %d, want 6", len(idx))
	}
	want := map[string]string{"P1": "active", "P2": "suspended", "P3": "cleared", "P4": "active", "P5": "suspended", "P6": "cleared"}
	for _, e := range idx {
		if len(e) != 8 || e[7] != want[e[0]] {
			t.Errorf("search index entry %v, want status %q last", e, want[e[0]])
		}
	}
}
