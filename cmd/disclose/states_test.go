package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/disclose-project/disclose/site"
)

var screenshots = flag.Bool("screenshots", false, "TestStatesInBrowser: write screenshots of every kind of page to .artifacts/screenshots")

// buildStates builds testdata/states.txtar on its two nights into a site
// and returns the published tree's directory.
func buildStates(t *testing.T) string {
	t.Helper()
	a := loadArchive(t, "testdata/states.txtar")
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	for n := 1; n <= 2; n++ {
		buildNight(t, a, n, dir, "--out", out, "--state", filepath.Join(dir, "state"), "--quarantine", filepath.Join(dir, "q.csv"), "--quiet")
	}
	return out
}

// statesNotices finds the notices of the states fixture by provider, rule
// and measure.
func statesNotices(t *testing.T, out string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, n := range readCSV(t, filepath.Join(out, "downloads", "notices.csv")) {
		ids[n["provider_id"]+"/"+n["rule_id"]+"/"+n["measure"]] = site.Slug(n["notice_id"])
	}
	return ids
}

// js evaluates an expression in the page and fails the test on an error.
func (b *browser) js(t *testing.T, expr string, out any) {
	t.Helper()
	if err := chromedp.Run(b.ctx, chromedp.Evaluate(expr, out)); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
}

// loaded waits until the page and its deferred script have run.
func loaded() chromedp.Action {
	return chromedp.Poll(`document.readyState === "complete"`, nil)
}

// follow goes where the link sel leads, as a click on it does, and waits
// for the page.
func (b *browser) follow(t *testing.T, sel string) {
	t.Helper()
	var href string
	if err := chromedp.Run(b.ctx, chromedp.Evaluate(`document.querySelector(`+strconv.Quote(sel)+`).href`, &href)); err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	if err := chromedp.Run(b.ctx, chromedp.Navigate(href), loaded()); err != nil {
		t.Fatalf("%s: %v", href, err)
	}
}

func (b *browser) open(t *testing.T, path string) {
	t.Helper()
	if err := chromedp.Run(b.ctx, chromedp.Navigate(b.host+"/"+path), loaded()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestStatesInBrowser reads, in headless Chromium at 320 px and at 1280 px
// and in both languages, what a visitor reads of each state: the status
// line, the services' states, the appeal box (open, closed, under appeal,
// decided); the providers list's search box is one line high, its filters
// live in the address and say when nothing matches, the home search offers
// all its matches; the cells that decide things stay within the viewport;
// no page asks for anything that is not there (the favicon); the pages of
// each state pass axe-core. With -screenshots it also photographs every
// kind of page at 375 px and 1280 px.
func TestStatesInBrowser(t *testing.T) {
	out := buildStates(t)
	h, err := siteHandler(out)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ids := statesNotices(t, out)
	type expect struct {
		page string
		sel  string
		zh   []string // the text must hold each of these
		en   []string
		not  []string // and none of these, in either language
	}
	checks := []expect{
		{"providers/P1/", "[data-provider-status]", []string{"状态：正常", "降权", "警告"}, []string{"Status: Active", "Demotion in search"}, []string{"暂停", "Suspended", "清退", "Cleared"}},
		{"providers/P2/", "[data-provider-status]", []string{"状态：暂停", "平台没有为此发布违规公示"}, []string{"Status: Suspended", "suspended by the platform; no enforcement notice was published for it"}, []string{"正常", "Active"}},
		{"providers/P3/", "[data-provider-status]", []string{"状态：暂停", "至 2025-09-07 止"}, []string{"Status: Suspended", "suspended until 2025-09-07"}, []string{"正常", "Active", "no enforcement notice"}},
		{"providers/P4/", "[data-provider-status]", []string{"状态：已清退", "平台已将该服务商清退"}, []string{"Status: Cleared"}, []string{"正常", "Active"}},
		{"providers/P5/", "[data-provider-status]", []string{"状态：已清退", "因违规被清退"}, []string{"Status: Cleared", "for a violation"}, []string{"正常", "Active"}},
		{"providers/P1/", "#services-table tbody", []string{"店铺装修设计 在售", "旧版装修套餐 不在售（隐藏）"}, []string{"On sale", "Not on sale (hidden)"}, nil},
		{"providers/P2/", "#services-table tbody", []string{"不在售：服务商暂停合作"}, []string{"Not on sale: the provider is suspended"}, []string{"\t在售", "On sale"}},
		{"providers/P4/", "#services-table tbody", []string{"不在售：服务商已清退"}, []string{"Not on sale: the provider is cleared"}, []string{"On sale"}},
		{"providers/P7/", "#services-table tbody", []string{"不在售：服务隐藏，至 2025-07-24 止"}, []string{"Not on sale: Services hidden until 2025-07-24"}, []string{"On sale"}},
		{"providers/P8/", "#services-table tbody", []string{"不在售：服务下架"}, []string{"Not on sale: Services delisted"}, []string{"On sale"}},
		{"providers/P9/", "#services-table tbody", []string{"不在售：服务禁用"}, []string{"Not on sale: Services disabled"}, []string{"On sale"}},
		{"providers/P1/", "#violations-table", []string{"申诉中（2025-06-22 提出）"}, []string{"Under appeal (since 2025-06-22)"}, nil},
		{"notices/" + ids["P1/delivery/demotion"] + "/", "[data-appeal]", []string{"如何申诉", "申诉期截至 2025-07-14 23:59:59（Asia/Shanghai，UTC+08:00）止"},
			[]string{"How to appeal", "The appeal window ends at 2025-07-14 23:59:59 (Asia/Shanghai, UTC+08:00)"}, []string{"申诉中", "Under appeal"}},
		{"notices/" + ids["P5/fraud/clearance"] + "/", "[data-appeal]", []string{"申诉期已于 2025-05-16 23:59:59（Asia/Shanghai，UTC+08:00）结束"},
			[]string{"The appeal window ended at 2025-05-16 23:59:59 (Asia/Shanghai, UTC+08:00)"}, []string{"如何申诉", "How to appeal", "ends at"}},
		{"notices/" + ids["P1/points/warning"] + "/", "[data-appeal]", []string{"申诉中", "对投诉 Q1 提出申诉"}, []string{"Under appeal", "appealed against complaint Q1"}, []string{"How to appeal"}},
		{"notices/" + ids["P1/points/warning"] + "/", ".nstatus", []string{"生效中", "申诉中"}, []string{"In force", "Under appeal"}, nil},
		{"notices/" + ids["P3/privacy/suspension"] + "/", "[data-appeal]", []string{"申诉已审结", "于 2025-06-20 审结：维持原认定"}, []string{"Appeal decided", "decided on 2025-06-20: upheld"}, []string{"How to appeal"}},
		{"notices/" + ids["P6/points/hidden"] + "/", "[data-appeal]", []string{"于 2025-06-30 审结：撤销"}, []string{"decided on 2025-06-30: overturned"}, []string{"How to appeal"}},
		{"notices/" + ids["P6/points/hidden"] + "/", "dl.facts", []string{"取代它的公示", ids["P6/points/demotion"]}, []string{"Replaced by"}, nil},
		{"notices/" + ids["P6/points/demotion"] + "/", "dl.facts", []string{"所取代的公示", ids["P6/points/hidden"]}, []string{"Replaces"}, nil},
	}
	// The cells that decide things, on the pages that hold them.
	deciding := []string{"providers/", "providers/P1/", "providers/P7/", "notices/", "downloads/", "commitments/"}
	var pagesOf []string // every page to read, once
	for _, c := range checks {
		if !slices.Contains(pagesOf, c.page) {
			pagesOf = append(pagesOf, c.page)
		}
	}
	for _, p := range deciding {
		if !slices.Contains(pagesOf, p) {
			pagesOf = append(pagesOf, p)
		}
	}
	for _, width := range []int64{320, 1280} {
		b := newBrowser(t, srv.URL, width)
		var mu sync.Mutex
		var missing []string
		chromedp.ListenTarget(b.ctx, func(ev any) {
			if e, ok := ev.(*network.EventResponseReceived); ok && e.Response.Status >= 400 && !strings.Contains(e.Response.URL, "/no/such/") {
				mu.Lock()
				missing = append(missing, fmt.Sprintf("%d %s", e.Response.Status, e.Response.URL))
				mu.Unlock()
			}
		})
		if err := chromedp.Run(b.ctx, network.Enable()); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"", "en/"} {
			// Each page is opened once: its texts are read in one go, then its
			// deciding cells are measured.
			for _, p := range pagesOf {
				b.open(t, lang+p)
				sels := []string{}
				for _, c := range checks {
					if c.page == p {
						sels = append(sels, c.sel)
					}
				}
				var got map[string]string
				sj, _ := json.Marshal(sels)
				b.js(t, `Object.fromEntries(`+string(sj)+`.map(s => [s, (document.querySelector(s) || {innerText: "(none)"}).innerText]))`, &got)
				for _, c := range checks {
					if c.page != p {
						continue
					}
					want := c.zh
					if lang == "en/" {
						want = c.en
					}
					flat := strings.Join(strings.Fields(got[c.sel]), " ")
					for _, w := range want {
						if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
							t.Errorf("%d px %s%s %s reads %q, want %q", width, lang, c.page, c.sel, flat, w)
						}
					}
					for _, w := range c.not {
						if strings.Contains(got[c.sel], w) {
							t.Errorf("%d px %s%s %s reads %q: must not say %q", width, lang, c.page, c.sel, flat, w)
						}
					}
				}
				if !slices.Contains(deciding, p) {
					continue
				}
				var m struct {
					Bad           []string
					N             int
					Scroll, Inner int64
				}
				b.js(t, `({Bad: Array.from(document.querySelectorAll(".decide")).filter(e => e.offsetParent !== null).filter(e => {
					const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 0.5 || r.width === 0;
				}).map(e => e.tagName + ":" + Math.round(e.getBoundingClientRect().left) + "-" + Math.round(e.getBoundingClientRect().right) + " " + e.innerText.slice(0, 30)),
				N: document.querySelectorAll(".decide").length, Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`, &m)
				for _, e := range m.Bad {
					t.Errorf("%d px %s%s: deciding cell outside the viewport: %s", width, lang, p, e)
				}
				if m.N == 0 || m.Scroll > m.Inner {
					t.Errorf("%d px %s%s: %d deciding cells, page %d px wide", width, lang, p, m.N, m.Scroll)
				}
				if p == "providers/P1/" {
					// Promise wording reads as lines of words, not two characters a line.
					var wording struct{ W, Font float64 }
					b.js(t, `(q => ({W: q.getBoundingClientRect().width, Font: parseFloat(getComputedStyle(q).fontSize)}))(document.querySelector("td.quote"))`, &wording)
					if wording.W < 9*wording.Font {
						t.Errorf("%d px %sproviders/P1/: promise wording %.0f px wide (%.0f px type): a few characters a line", width, lang, wording.W, wording.Font)
					}
				}
			}
			// The search boxes are one line high.
			for _, p := range []string{"", "providers/"} {
				b.open(t, lang+p)
				var height float64
				b.js(t, `document.querySelector("input[type=search]").getBoundingClientRect().height`, &height)
				if height < 20 || height > 60 {
					t.Errorf("%d px %s%s: search box %.0f px high", width, lang, p, height)
				}
			}
			// Filters are links to pages of their own, which say when nothing matches.
			b.open(t, lang+"providers/")
			var shown int
			var loc string
			b.follow(t, `[data-facet=status] a[href$="status/cleared/"]`)
			err := chromedp.Run(b.ctx, chromedp.Evaluate(`location.pathname`, &loc),
				chromedp.Evaluate(`document.querySelectorAll("#providers tbody tr").length`, &shown))
			if err != nil || loc != "/"+lang+"providers/status/cleared/" || shown != 2 {
				t.Errorf("%d px %sproviders/: the cleared filter leads to %q with %d rows (%v), want providers/status/cleared/ and 2", width, lang, loc, shown, err)
			}
			var current string
			b.js(t, `document.querySelector("[data-facet=status] [aria-current]").textContent`, &current)
			if !strings.Contains(current, "2") {
				t.Errorf("%d px %sproviders/status/cleared/: the current filter reads %q, want its count 2", width, lang, current)
			}
			b.open(t, lang+"providers/grade/A/status/cleared/")
			var emptyShown, tableShown bool
			b.js(t, `!!document.querySelector("[data-empty]") && document.querySelector("[data-empty]").offsetParent !== null`, &emptyShown)
			b.js(t, `!!document.querySelector("#providers")`, &tableShown)
			if !emptyShown || tableShown {
				t.Errorf("%d px %sproviders/ with no match: message shown %v, table shown %v", width, lang, emptyShown, tableShown)
			}
			// The home search says how many it found and leads to all of them.
			b.open(t, lang)
			var all, href string
			err = chromedp.Run(b.ctx, chromedp.SendKeys("input[data-search]", "填充", chromedp.ByQuery),
				chromedp.WaitVisible("[data-all-link]", chromedp.ByQuery),
				chromedp.Text("[data-all-link]", &all, chromedp.ByQuery),
				chromedp.AttributeValue("[data-all-link]", "href", &href, nil, chromedp.ByQuery))
			if err != nil || !strings.Contains(all, "25") {
				t.Errorf("%d px %s: home search's link to all matches %q (%v)", width, lang, all, err)
			}
			var results int
			b.js(t, `document.querySelectorAll("[data-results] li").length`, &results)
			if results != 21 {
				t.Errorf("%d px %s: home search lists %d lines, want 20 and the link to all", width, lang, results)
			}
			b.follow(t, "[data-all-link]")
			err = chromedp.Run(b.ctx, chromedp.WaitVisible("#search-results tbody tr", chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelectorAll("#search-results tbody tr").length`, &shown))
			if err != nil || shown != 25 {
				t.Errorf("%d px %s: all matches of the home search: %d rows (%v), want 25", width, lang, shown, err)
			}
		}
		b.check(t)
		mu.Lock()
		for _, m := range missing {
			t.Errorf("%d px: a page asked for what is not there: %s", width, m)
		}
		mu.Unlock()
	}

	// The pages of each state pass axe-core (WCAG 2.1 AA) at a phone's width.
	axe, err := os.ReadFile(toolFile(t, "axe-core", "node_modules/axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	phone := newBrowser(t, srv.URL, 320)
	for _, p := range []string{"providers/P1/", "providers/P2/", "providers/P7/", "notices/" + ids["P1/points/warning"] + "/",
		"notices/" + ids["P6/points/hidden"] + "/", "notices/" + ids["P6/points/demotion"] + "/", "notices/" + ids["P5/fraud/clearance"] + "/"} {
		for _, lang := range []string{"", "en/"} {
			phone.open(t, lang+p)
			var res string
			err := chromedp.Run(phone.ctx, chromedp.Evaluate(string(axe), nil),
				chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations.map(v => v.id + " " + JSON.stringify(v.nodes.map(n => n.target)))))`, &res,
					func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if err != nil || res != "[]" {
				t.Errorf("axe %s%s: %s (%v)", lang, p, res, err)
			}
		}
	}

	// Without JavaScript no dead control or hint shows.
	nojs := newBrowser(t, srv.URL, 320)
	for _, p := range []string{"", "providers/", "en/providers/", "notices/", "en/notices/", "providers/P1/", "commitments/"} {
		var visible []string
		err := chromedp.Run(nojs.ctx, emulation.SetScriptExecutionDisabled(true), chromedp.Navigate(srv.URL+"/"+p), chromedp.WaitReady("body"),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("form[data-search-form], form[data-search-form] *, [data-search-results], [data-latest]")).filter(e => e.offsetParent !== null || getComputedStyle(e).display !== "none" && e.tagName === "FORM").map(e => e.tagName + "." + e.className)`, &visible))
		if err != nil || len(visible) > 0 {
			t.Errorf("without JavaScript %s shows %q (%v)", p, visible, err)
		}
	}

	// Screenshots of every kind of page, in both languages, at a phone's
	// width and a desktop's, for a person to look at (-screenshots: they
	// take longer than the checks above).
	if !*screenshots {
		return
	}
	shots := filepath.Join("..", "..", ".artifacts", "screenshots")
	pages := map[string]string{"home": "", "providers": "providers/", "provider-rated": "providers/P1/", "provider-platform-suspended": "providers/P2/",
		"provider-cleared": "providers/P5/", "provider-hidden": "providers/P7/", "notices": "notices/",
		"notice-pending": "notices/" + ids["P1/points/warning"] + "/", "notice-rescinded": "notices/" + ids["P6/points/hidden"] + "/",
		"notice-closed": "notices/" + ids["P5/fraud/clearance"] + "/", "commitments": "commitments/", "rules": "rules/", "rule": "rules/points/",
		"providers-filtered": "providers/category/design/", "notices-filtered": "notices/status/in_force/", "commitments-kind": "commitments/kind/delivery_days/",
		"search":      "providers/?q=%E5%A1%AB%E5%85%85",
		"methodology": "methodology/", "downloads": "downloads/", "about": "about/", "appeals": "appeals/", "404": "no/such/page/"}
	for _, width := range []int64{375, 1280} {
		b := newBrowser(t, srv.URL, width)
		dir := filepath.Join(shots, fmt.Sprint(width))
		os.MkdirAll(dir, 0o755)
		for name, p := range pages {
			for _, lang := range []string{"", "en/"} {
				var png []byte
				// A search shows once its index files are read.
				ready := chromedp.Poll(`!location.search || (document.querySelector("[data-search-count]") || {}).textContent`, nil)
				if err := chromedp.Run(b.ctx, chromedp.Navigate(srv.URL+"/"+lang+p), loaded(), ready, chromedp.FullScreenshot(&png, 100)); err != nil {
					t.Errorf("screenshot %s%s: %v", lang, p, err)
					continue
				}
				prefix := "zh-"
				if lang == "en/" {
					prefix = "en-"
				}
				os.WriteFile(filepath.Join(dir, prefix+name+".png"), png, 0o644)
			}
		}
	}
}
