package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/disclose-project/disclose/site"
)

// need finds an external tool the site tests use. In CI a missing tool is
// a failure (.ci/run installs them); elsewhere the test is skipped.
func need(t *testing.T, what string, find func() string) string {
	t.Helper()
	if p := find(); p != "" {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing: .ci/run installs it", what)
	}
	t.Skipf("%s is not installed (run .ci/run, or see README: Tests)", what)
	return ""
}

func toolsDir() string {
	if d := os.Getenv("DISCLOSE_TOOLS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", ".tools")
}

func chromium(t *testing.T) string {
	return need(t, "chromium", func() string {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				return p
			}
		}
		return ""
	})
}

func toolFile(t *testing.T, what, rel string) string {
	return need(t, what, func() string {
		p := filepath.Join(toolsDir(), rel)
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	})
}

// buildHostile builds testdata/hostile.txtar on its two nights into a site.
func buildHostile(t *testing.T) string {
	t.Helper()
	a := loadArchive(t, "testdata/hostile.txtar")
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	for n := 1; n <= 2; n++ {
		buildNight(t, a, n, dir, "--out", out, "--state", filepath.Join(dir, "state"), "--quarantine", filepath.Join(dir, "q.csv"),
			"--max-reject", "100%", "--quiet", "--base-url", "https://example.org/register/")
	}
	return out
}

// TestSiteSafety checks the published tree of the hostile snapshot as
// bytes: nothing personal anywhere, hostile text never raw in HTML, safe
// paths, and valid Atom feeds.
func TestSiteSafety(t *testing.T) {
	out := buildHostile(t)
	files := treeBytes(t, out)
	for _, want := range []string{"index.html", "en/index.html", "providers/_2e._2fevil/index.html", "en/providers/P_203_2fx/index.html",
		"notices/feed.xml", "en/notices/feed.xml", "sitemap.xml", "sitemap-1.xml", "robots.txt", "404.html", "en/404.html", "status.json", "search/r/0.json"} {
		if _, ok := files[want]; !ok {
			t.Errorf("%s is missing", want)
		}
	}
	for name, b := range files {
		for _, secret := range []string{"MERCHANT-SECRET-123", "SECRET-SUMMARY-XYZ"} {
			if strings.Contains(b, secret) {
				t.Errorf("%s publishes %s", name, secret)
			}
		}
		if strings.HasSuffix(name, ".html") {
			for _, raw := range []string{"<script>window", "<img src=x", "<svg onload", "<iframe", `href="javascript:`} {
				if strings.Contains(b, raw) {
					t.Errorf("%s holds unescaped %q", name, raw)
				}
			}
		}
	}
	type entry struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
	}
	for _, feed := range []string{"notices/feed.xml", "en/notices/feed.xml"} {
		var f struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			entry
			Author []struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Entries []entry `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(files[feed]), &f); err != nil {
			t.Fatalf("%s: %v", feed, err)
		}
		if len(f.Author) == 0 || f.Author[0].Name == "" || len(f.Entries) == 0 {
			t.Errorf("%s lacks an author or entries", feed)
		}
		ids := map[string]bool{}
		for _, e := range append([]entry{f.entry}, f.Entries...) {
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.Title == "" || ids[e.ID] {
				t.Errorf("%s: bad entry %+v", feed, e)
			}
			ids[e.ID] = true
			if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
				t.Errorf("%s: id %q is not an absolute IRI", feed, e.ID)
			}
		}
	}
	checkLinks(t, files, "https://example.org/register/")
	if recs := searchRecords(t, out); len(recs) != 3 {
		t.Errorf("search index: %d records, want 3", len(recs))
	}
}

// browser runs a headless Chromium at a phone's width and collects what
// must never happen: script errors, dialogs, requests leaving the site.
type browser struct {
	ctx      context.Context
	host     string
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, host string, width int64) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(int(width), 900), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	b := &browser{ctx: ctx, host: host}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "script error: "+ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				b.problems = append(b.problems, "console error")
			}
		case *page.EventJavascriptDialogOpening:
			b.problems = append(b.problems, "dialog opened: "+ev.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Error(p)
	}
	b.problems = nil
}

// TestSiteInBrowser opens the site as a visitor would, in headless
// Chromium at 320 px: every kind of page in both languages loads without
// script errors or dialogs, fits the width, passes axe-core (WCAG 2.1 AA),
// makes no request outside the site; the language switch lands on the same
// page; filtering and search work.
func TestSiteInBrowser(t *testing.T) {
	axe := toolFile(t, "axe-core", "node_modules/axe-core/axe.min.js")
	axeJS, err := os.ReadFile(axe)
	if err != nil {
		t.Fatal(err)
	}
	out := buildHostile(t)
	h, err := siteHandler(out)
	if err != nil {
		t.Fatal(err)
	}
	var reqMu sync.Mutex
	var outside []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	b := newBrowser(t, srv.URL, 320)
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && !strings.HasPrefix(e.Request.URL, srv.URL+"/") && !strings.HasPrefix(e.Request.URL, "data:") {
			reqMu.Lock()
			outside = append(outside, e.Request.URL)
			reqMu.Unlock()
		}
	})
	if err := chromedp.Run(b.ctx, network.Enable()); err != nil {
		t.Fatal(err)
	}
	notices := readCSV(t, filepath.Join(out, "downloads", "notices.csv"))
	pages := []string{"notices/" + site.Slug(notices[0]["notice_id"]) + "/", "", "providers/", "providers/_2e._2fevil/", "providers/P2/", "providers/P_203_2fx/", "notices/", "commitments/",
		"providers/status/suspended/", "notices/status/in_force/", "rules/", "rules/delivery/", "rules/spot-check/", "methodology/", "downloads/", "about/", "appeals/", "changes/", "no/such/page/"}
	for _, lang := range []string{"", "en/"} {
		for _, p := range pages {
			u := srv.URL + "/" + lang + p
			var pwned bool
			var scroll, inner int64
			var violations []struct {
				ID    string `json:"id"`
				Nodes []struct {
					Target []any `json:"target"`
				} `json:"nodes"`
			}
			var res string
			err := chromedp.Run(b.ctx,
				chromedp.Navigate(u),
				chromedp.WaitReady("body"),
				chromedp.Evaluate(`window.__pwned === 1`, &pwned),
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &scroll),
				chromedp.Evaluate(`window.innerWidth`, &inner),
				chromedp.Evaluate(string(axeJS), nil),
				chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`, &res,
					func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			)
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			if err := json.Unmarshal([]byte(res), &violations); err != nil {
				t.Fatalf("%s: axe's result %.200q: %v", u, res, err)
			}
			if pwned {
				t.Errorf("%s: hostile text ran as script", u)
			}
			if scroll > inner {
				var wide string
				chromedp.Run(b.ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 ).map(e => e.tagName + "." + e.className + ":" + Math.round(e.getBoundingClientRect().right) + ":" + getComputedStyle(e).position).slice(0, 5).join(", ")`, &wide))
				t.Errorf("%s: %d px wide at a %d px viewport (%s)", u, scroll, inner, wide)
			}
			for _, v := range violations {
				t.Errorf("%s: axe: %s at %v", u, v.ID, v.Nodes)
			}
			b.check(t)
		}
	}
	// The language switch lands on the same page.
	var lang, path string
	err = chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/providers/_2e._2fevil/"), chromedp.Click("a.lang", chromedp.ByQuery),
		chromedp.WaitReady("body"), chromedp.Evaluate(`document.documentElement.lang`, &lang), chromedp.Evaluate(`location.pathname`, &path))
	if err != nil || lang != "en" || path != "/en/providers/_2e._2fevil/" {
		t.Errorf("language switch: %v, lang %q at %q", err, lang, path)
	}
	// Filtering the providers by status (a link), and searching by a Chinese substring.
	var shown int
	err = chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/providers/"), chromedp.WaitReady("body"),
		chromedp.Click(`[data-facet=status] a[href$="status/suspended/"]`, chromedp.ByQuery), chromedp.WaitReady("body"), loaded(),
		chromedp.Evaluate(`location.pathname`, &path),
		chromedp.Evaluate(`document.querySelectorAll("#providers tbody tr").length`, &shown))
	if err != nil || shown != 1 || path != "/providers/status/suspended/" {
		t.Errorf("filter by status: %v, %d rows shown at %s, want 1 at /providers/status/suspended/", err, shown, path)
	}
	var href string
	err = chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady("input[data-search]", chromedp.ByQuery),
		chromedp.SendKeys("input[data-search]", "乙<img", chromedp.ByQuery),
		chromedp.WaitVisible("[data-results] a", chromedp.ByQuery),
		chromedp.AttributeValue("[data-results] a", "href", &href, nil, chromedp.ByQuery))
	if err != nil || !strings.HasSuffix(href, "providers/_2e._2fevil/") {
		t.Errorf("search: %v, first hit %q", err, href)
	}
	// Hostile text shows as text.
	var text string
	err = chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/providers/_2e._2fevil/"), chromedp.Text("h1", &text, chromedp.ByQuery))
	if err != nil || !strings.Contains(text, `<img src=x onerror="window.__pwned=1">`) {
		t.Errorf("provider name shown as %q (%v)", text, err)
	}
	b.check(t)

	// Each provider page shows the grade, score and counts of providers.csv.
	for _, row := range readCSV(t, filepath.Join(out, "downloads", "providers.csv")) {
		var badge, score, delivery string
		err := chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/en/providers/"+site.Slug(row["provider_id"])+"/"),
			chromedp.Text(".score .badge", &badge, chromedp.ByQuery),
			chromedp.Evaluate(`(document.querySelector(".score .big") || {textContent: ""}).textContent`, &score),
			chromedp.Text(".rating tbody tr:first-child td", &delivery, chromedp.ByQuery))
		want := map[string]string{"unrated": "Not rated", "cleared": "Cleared"}[row["grade"]]
		if want == "" {
			want = "Grade " + row["grade"]
		}
		if err != nil || strings.Join(strings.Fields(badge), " ") != want || score != row["score"] ||
			!strings.HasPrefix(delivery, row["delivery_on_time"]+"/"+row["delivery_due"]) {
			t.Errorf("%s: page shows %q %q %q, providers.csv says %s %s %s/%s (%v)", row["provider_id"], badge, score, delivery,
				row["grade"], row["score"], row["delivery_on_time"], row["delivery_due"], err)
		}
	}

	// Screenshots of key pages, kept as test artefacts.
	shots := filepath.Join("..", "..", ".artifacts", "screenshots")
	os.MkdirAll(shots, 0o755)
	for _, p := range []string{"", "providers/", "providers/_2e._2fevil/", "notices/", "methodology/", "en/", "en/providers/P2/"} {
		var png []byte
		if err := chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/"+p), chromedp.FullScreenshot(&png, 100)); err != nil {
			t.Errorf("screenshot %s: %v", p, err)
			continue
		}
		name := strings.Trim(strings.ReplaceAll(p, "/", "_"), "_")
		if name == "" {
			name = "home"
		}
		os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
	}

	// Without JavaScript the lists are complete.
	nojs := newBrowser(t, srv.URL, 375)
	var nProviders, nNotices int
	err = chromedp.Run(nojs.ctx, emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(srv.URL+"/providers/"), chromedp.Evaluate(`document.querySelectorAll("#providers tbody tr").length`, &nProviders),
		chromedp.Navigate(srv.URL+"/en/notices/"), chromedp.Evaluate(`document.querySelectorAll("#notices tbody tr:not(:has(td[colspan]))").length`, &nNotices))
	if err != nil || nProviders != len(readCSV(t, filepath.Join(out, "downloads", "providers.csv"))) || nNotices != len(notices) {
		t.Errorf("without JavaScript: %d providers and %d notices listed (%v)", nProviders, nNotices, err)
	}
	reqMu.Lock()
	defer reqMu.Unlock()
	for _, u := range outside {
		t.Errorf("request outside the site: %s", u)
	}
}

// TestSiteValidHTML builds the shipped sample and checks every page with
// the Nu HTML Checker (vnu), and those of the hostile and states builds.
func TestSiteValidHTML(t *testing.T) {
	vnu := toolFile(t, "the Nu HTML Checker", "node_modules/vnu-jar/build/dist/vnu.jar")
	java := need(t, "java", func() string { p, _ := exec.LookPath("java"); return p })
	out := filepath.Join(t.TempDir(), "public")
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, msg)
	}
	checkLinks(t, treeBytes(t, out), "")
	hostile, states := buildHostile(t), buildStates(t)
	cmd := exec.Command(java, "-jar", vnu, "--errors-only", "--skip-non-html", out, hostile, states)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("vnu: %v\n%s", err, msg)
	}
}
