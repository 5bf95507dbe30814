package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/disclose-project/disclose/site"
	"golang.org/x/net/html"
)

var searchSite = flag.String("search-site", "", "TestFirstSearch: a built site to measure the first search on (bench/site.sh)")

// scaleProviders is how many providers TestSiteAtScale generates: enough
// for lists of many pages and a search index of many shards.
const scaleProviders = 3000

// TestSiteAtScale builds a generated snapshot of many providers on two
// nights, as a platform's nightly job would, and checks what a phone and
// a static host get:
//
//   - no page, script or stylesheet over 1 MB, no search shard over 32 KB,
//     no list page of more than 100 rows;
//   - every provider, notice and commitment reached from the lists by links
//     alone (the crawl reads the pages with golang.org/x/net/html);
//   - on the second night, the pages of every provider whose figures did
//     not change are byte for byte those of the first night, saying so
//     with the first night's date, and the others say tonight's; the
//     deploy list names exactly the files that changed;
//   - a search for a Chinese substring, typed in Chromium, finds what the
//     names hold, reading only a few small files;
//   - a build that would delete most of the site is refused (exit 3) and
//     leaves it as it was.
func TestSiteAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 3,000 providers three times")
	}
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	if code, msg := runCLI(t, "gen", "--out", snap, "--seed", "5", "--providers", fmt.Sprint(scaleProviders), "--orders", "60000"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, msg)
	}
	out, state := filepath.Join(dir, "public"), filepath.Join(dir, "state")
	night := func(asOf, out, state, report string, extra ...string) (int, string) {
		args := append([]string{"build", "--snapshot", snap, "--out", out, "--state", state, "--as-of", asOf, "--max-reject", "100%",
			"--quarantine", filepath.Join(dir, "q.csv"), "--report", filepath.Join(dir, report, "report.json"), "--quiet"}, extra...)
		return runCLI(t, args...)
	}
	if code, msg := night("2025-06-30", out, state, "r1", "--new-ledger"); code != 0 {
		t.Fatalf("night 1: exit %d: %s", code, msg)
	}
	first := filepath.Join(dir, "night1")
	copyTree(t, out, first, func(string) bool { return true })
	copyTree(t, state, filepath.Join(dir, "state-fresh"), func(string) bool { return true })
	if code, msg := night("2025-07-01", out, state, "r2"); code != 0 {
		t.Fatalf("night 2: exit %d: %s", code, msg)
	}
	// The same night built into an empty folder, as a CI job that uploads
	// its output does: the state's index of the first night's site tells
	// what changed.
	fresh := filepath.Join(dir, "fresh")
	if code, msg := night("2025-07-01", fresh, filepath.Join(dir, "state-fresh"), "r3"); code != 0 {
		t.Fatalf("night 2 afresh: exit %d: %s", code, msg)
	}

	t.Run("sizes", func(t *testing.T) {
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			info, _ := d.Info()
			limit := int64(1 << 20)
			switch {
			case strings.HasPrefix(rel, "downloads"+string(filepath.Separator)):
				return nil
			case strings.HasPrefix(rel, "sitemap"):
				// Read by crawlers, not phones: the protocol's limits.
				b := readFile(t, p)
				if n := bytes.Count(b, []byte("<loc>")); n > 50000 {
					t.Errorf("%s: %d URLs, the protocol's limit 50,000", rel, n)
				}
				limit = 50 << 20
			case strings.HasPrefix(rel, filepath.Join("search", "i")):
				limit = 32 << 10
			case strings.HasPrefix(rel, filepath.Join("search", "r")):
				limit = 16 << 10
			}
			if info.Size() > limit {
				t.Errorf("%s: %d bytes, limit %d", rel, info.Size(), limit)
			}
			return nil
		})
	})

	providers := readCSV(t, filepath.Join(out, "downloads", "providers.csv"))
	notices := readCSV(t, filepath.Join(out, "downloads", "notices.csv"))
	t.Run("every row is reached by links", func(t *testing.T) {
		for _, lang := range []string{"", "en/"} {
			reached, lists := crawlLists(t, out, lang)
			for _, p := range providers {
				if !reached[lang+"providers/"+site.Slug(p["provider_id"])+"/"] {
					t.Errorf("%sproviders/: %s is not reached from the list", lang, p["provider_id"])
				}
			}
			for _, n := range notices {
				if !reached[lang+"notices/"+site.Slug(n["notice_id"])+"/"] {
					t.Errorf("%snotices/: %s is not reached from the list", lang, n["notice_id"])
				}
			}
			if lists < scaleProviders/100 {
				t.Errorf("%s: %d list pages crawled", lang, lists)
			}
			// The first night of a new ledger issues a notice for every
			// provider in breach: more changes than one page holds.
			rows, pages := changeRows(t, first, lang)
			if entries := feedEntries(t, filepath.Join(first, lang+"changes", "feed.xml")); rows != entries || pages < 2 {
				t.Errorf("%schanges/ of night 1: %d rows on %d pages, the feed %d entries", lang, rows, pages, entries)
			}
		}
	})

	t.Run("unchanged providers keep their pages", func(t *testing.T) {
		var d struct {
			Added, Changed, Removed []string
			Unchanged               int
		}
		if b, err := os.ReadFile(filepath.Join(dir, "r2", "deploy.json")); err != nil || json.Unmarshal(b, &d) != nil {
			t.Fatalf("deploy.json: %v", err)
		}
		// The same list, built into an empty folder.
		if a, err := os.ReadFile(filepath.Join(dir, "r2", "deploy.json")); err != nil {
			t.Fatal(err)
		} else if b, err := os.ReadFile(filepath.Join(dir, "r3", "deploy.json")); err != nil || !bytes.Equal(a, b) {
			t.Errorf("deploy.json built into an empty folder differs (%v):\n%s\n%s", err, a, b)
		}
		changed := map[string]bool{}
		for _, p := range append(d.Added, d.Changed...) {
			changed[p] = true
		}
		since := regexp.MustCompile(`<time>(\d{4}-\d{2}-\d{2})</time>`)
		same, moved := 0, 0
		for _, p := range providers {
			for _, lang := range []string{"", "en/"} {
				rel := lang + "providers/" + site.Slug(p["provider_id"]) + "/index.html"
				a := readFile(t, filepath.Join(first, rel))
				b := readFile(t, filepath.Join(out, rel))
				c := readFile(t, filepath.Join(fresh, rel))
				if len(a) == 0 || len(b) == 0 || len(c) == 0 {
					t.Fatalf("%s: missing on a night", rel)
				}
				if !bytes.Equal(b, c) {
					t.Errorf("%s: built into the live folder and into an empty one, the pages differ", rel)
				}
				if bytes.Equal(since.ReplaceAll(a, nil), since.ReplaceAll(c, nil)) {
					same++
					if !bytes.Equal(a, b) {
						t.Errorf("%s: its figures did not change, but its page did", rel)
					}
					if changed[rel] {
						t.Errorf("%s: unchanged, but the deploy list uploads it", rel)
					}
					continue
				}
				moved++
				if m := since.FindSubmatch(b); m == nil || string(m[1]) != "2025-07-01" {
					t.Errorf("%s: its figures changed, and it says they have not since %s", rel, m)
				}
				if !changed[rel] {
					t.Errorf("%s: changed, and the deploy list does not upload it", rel)
				}
			}
		}
		t.Logf("provider pages: %d unchanged, %d changed; deploy list: %d added, %d changed, %d removed, %d unchanged",
			same, moved, len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged)
		if same < scaleProviders/10 {
			t.Errorf("only %d provider pages stayed the same", same)
		}
	})

	t.Run("a Chinese substring through the shards", func(t *testing.T) {
		h, err := siteHandler(out)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		// A substring of two characters from the middle of a name.
		name := []rune(providers[len(providers)/2]["name"])
		q := string(name[2:4])
		want := 0
		for _, p := range providers {
			if strings.Contains(p["name"], q) {
				want++
			}
		}
		found, fetched := firstSearch(t, srv.URL, q)
		if wantText := fmt.Sprintf("找到 %d 个服务商", want); found != wantText {
			t.Errorf("search %q: %q, want %q", q, found, wantText)
		}
		total := 0
		for u, n := range fetched {
			total += n
			// The browser asks for the favicon when it likes; it is no part
			// of the search.
			if !strings.Contains(u, "/search/") && !strings.HasSuffix(u, "/status.json") && !strings.HasSuffix(u, "/favicon.svg") {
				t.Errorf("search %q fetched %s", q, u)
			}
		}
		t.Logf("search %q: %s; %d files, %d bytes", q, found, len(fetched), total)
		if total > 200<<10 {
			t.Errorf("search %q fetched %d bytes", q, total)
		}
	})

	t.Run("a build that would delete most of the site is refused", func(t *testing.T) {
		small := filepath.Join(dir, "small")
		if code, msg := runCLI(t, "gen", "--out", small, "--seed", "5", "--providers", "300", "--orders", "6000"); code != 0 {
			t.Fatalf("gen: exit %d: %s", code, msg)
		}
		before := readFile(t, filepath.Join(out, "providers", "index.html"))
		code, msg := runCLI(t, "build", "--snapshot", small, "--out", out, "--state", state, "--as-of", "2025-07-02", "--max-reject", "100%",
			"--max-drop", "100%", "--quarantine", filepath.Join(dir, "q.csv"), "--quiet")
		if code != 3 || !strings.Contains(msg, "--max-deletes") {
			t.Errorf("a build deleting most of the site: exit %d: %s", code, msg)
		}
		after := readFile(t, filepath.Join(out, "providers", "index.html"))
		if !bytes.Equal(before, after) {
			t.Errorf("the refused build changed the live site")
		}
	})
}

// crawlLists follows the links of the lists (providers, notices,
// commitments) from their first pages, reading each page once, and
// returns every page they link to and how many list pages it read.
func crawlLists(t *testing.T, out, lang string) (map[string]bool, int) {
	t.Helper()
	bases := []string{"providers/", "notices/", "commitments/", "changes/"}
	// A list page is a list's first page, or an address of its facets or
	// pages (two segments or more, as grade/E/); one segment under
	// providers/ or notices/ is a provider's or a notice's page.
	isList := func(p string) bool {
		for _, b := range bases {
			if rest, ok := strings.CutPrefix(p, lang+b); ok && strings.HasSuffix(p, "/") {
				return rest == "" || rest == "departed/" || b == "commitments/" || b == "changes/" || strings.Count(rest, "/") >= 2
			}
		}
		return false
	}
	reached := map[string]bool{}
	queue := []string{}
	for _, b := range bases {
		queue = append(queue, lang+b)
		reached[lang+b] = true
	}
	lists := 0
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p), "index.html"))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		lists++
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, tb := range findAll(doc, func(n *html.Node) bool {
			return n.Data == "table" && slices.Contains([]string{"providers", "notices", "commitments", "changes"}, getAttr(n, "id"))
		}) {
			if rows := findAll(tb, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }); len(rows) > 100 {
				t.Errorf("%s: %d rows on one page", p, len(rows))
			}
		}
		for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" && hasAttr(n, "href") }) {
			href := getAttr(a, "href")
			if strings.Contains(href, ":") || strings.HasPrefix(href, "#") {
				continue
			}
			href, _, _ = strings.Cut(href, "#")
			target := strings.TrimPrefix(path.Join(p, href), "/")
			if strings.HasSuffix(href, "/") {
				target += "/"
			}
			if reached[target] {
				continue
			}
			reached[target] = true
			if isList(target) {
				queue = append(queue, target)
			}
		}
	}
	return reached, lists
}

// firstSearch types q into the providers list's search box in a fresh
// Chromium at a phone's width, and returns the count line it shows and the
// bytes of each file it fetched for the search.
func firstSearch(t *testing.T, host, q string) (string, map[string]int) {
	t.Helper()
	b := newBrowser(t, host, 375)
	if err := chromedp.Run(b.ctx, network.Enable(), chromedp.Navigate(host+"/providers/"), loaded()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	urls := map[network.RequestID]string{}
	fetched := map[string]int{}
	chromedp.ListenTarget(b.ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[e.RequestID] = e.Request.URL
		case *network.EventLoadingFinished:
			if u, ok := urls[e.RequestID]; ok {
				fetched[u] = int(e.EncodedDataLength)
			}
		}
	})
	var found string
	err := chromedp.Run(b.ctx, chromedp.SendKeys("input[data-search]", q, chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector("[data-search-count]").textContent || "").length > 0 && !!document.querySelector("#search-results tbody tr")`, nil),
		chromedp.Text("[data-search-count]", &found, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	b.check(t)
	mu.Lock()
	defer mu.Unlock()
	return strings.TrimSpace(found), fetched
}

// TestFirstSearch measures the first search on a site already built
// (-search-site DIR, as bench/site.sh does at 50,000 providers): a
// Chinese substring of two characters from the middle of a name, and the
// bytes it fetched.
func TestFirstSearch(t *testing.T) {
	if *searchSite == "" {
		t.Skip("-search-site DIR not given")
	}
	h, err := siteHandler(*searchSite)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	providers := readCSV(t, filepath.Join(*searchSite, "downloads", "providers.csv"))
	name := []rune(providers[len(providers)/2]["name"])
	q := string(name[2:4])
	if !unicode.Is(unicode.Han, name[2]) {
		t.Fatalf("%q: not a Chinese name", string(name))
	}
	found, fetched := firstSearch(t, srv.URL, q)
	total := 0
	for _, n := range fetched {
		total += n
	}
	fmt.Printf("first search %q: %s; %d files, %d bytes\n", q, found, len(fetched), total)
}
