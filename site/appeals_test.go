package site

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAppealBoxes checks what each notice says of appeals: the route only
// while the window is open, with its exact end; "under appeal" while an
// appeal on its basis is pending; the outcome and its date once decided;
// and the links between a notice rescinded on appeal and the one the
// recomputation issued that day.
func TestAppealBoxes(t *testing.T) {
	in := fixture(t, loadBook(t))
	pages := buildSite(t, in)
	for _, tc := range []struct {
		notice, box string
		says        []string // in English
		saysZh      []string
		link        string // data-link of the link to the other notice, and where it leads
		to          string
		route       bool // whether the appeal route is offered
	}{
		{"N-P1-WARN", "open", []string{"The appeal window ends at 2025-07-13 23:59:59 (Asia/Shanghai, UTC+08:00), the end of its last day."},
			[]string{"申诉期截至 2025-07-13 23:59:59（Asia/Shanghai，UTC+08:00）止"}, "", "", true},
		{"N-P4-HIDDEN", "pending", []string{"Under appeal", "On 2025-06-27 the provider appealed against complaint Q41 (appeal A41)"},
			[]string{"申诉中", "服务商已于 2025-06-27 对投诉 Q41 提出申诉"}, "", "", false},
		{"N-P4-DEMOTION", "decided", []string{"The appeal A42 against complaint Q42 was decided on 2025-06-27: overturned"},
			[]string{"于 2025-06-27 审结：撤销"}, "replaced-by", "N-P4-WARN", false},
		{"N-P4-WARN", "decided", []string{"decided on 2025-06-28: upheld", "The appeal window ends at 2025-07-12 23:59:59"},
			[]string{"于 2025-06-28 审结：维持原认定", "申诉期截至 2025-07-12 23:59:59"}, "replaces", "N-P4-DEMOTION", true},
		{"N-P4-DEPOSIT", "closed", []string{"The appeal window ended at 2025-05-16 23:59:59 (Asia/Shanghai, UTC+08:00)"},
			[]string{"申诉期已于 2025-05-16 23:59:59（Asia/Shanghai，UTC+08:00）结束"}, "", "", false},
	} {
		for _, lang := range []string{"", "en/"} {
			name := lang + "notices/" + tc.notice + "/index.html"
			doc := pages[name]
			if doc == nil {
				t.Fatalf("%s is missing", name)
			}
			box := one(t, name, doc, "appeal box", withAttr("data-appeal", ""))
			if got, _ := attr(box, "data-appeal"); got != tc.box {
				t.Errorf("%s: appeal box %q, want %q", name, got, tc.box)
			}
			says := tc.says
			if lang == "" {
				says = tc.saysZh
			}
			for _, s := range says {
				if !strings.Contains(text(box), s) {
					t.Errorf("%s: appeal box says %q, want it to say %q", name, text(box), s)
				}
			}
			offered := len(find(box, withAttr("data-route", ""))) == 1
			if offered != tc.route {
				t.Errorf("%s: the appeal route offered: %v", name, offered)
			}
			route := uiText(t, in, strings.TrimSuffix(lang, "/"), "appeal_route")
			if h := text(find(box, func(n *html.Node) bool { return n.Data == "h2" })[0]); (h == route) != (tc.box == "open") {
				t.Errorf("%s: appeal box headed %q in state %s", name, h, tc.box)
			}
			links := find(doc, withAttr("data-link", ""))
			if tc.link == "" && len(links) > 0 || tc.link != "" && (len(links) != 1 || !strings.Contains(text(links[0]), tc.to)) {
				var got []string
				for _, l := range links {
					v, _ := attr(l, "data-link")
					got = append(got, v+" "+text(l))
				}
				t.Errorf("%s: links %q, want %s %s", name, got, tc.link, tc.to)
			}
		}
	}
	// The violation behind a notice says where its appeal stands, and the
	// notices' rows say "under appeal".
	for _, lang := range []string{"", "en/"} {
		name := lang + "providers/P1/index.html"
		for ref, want := range map[string]string{"Q1": "pending", "D1": "upheld"} {
			row := one(t, name, pages[name], "violation "+ref, withAttr("data-ref", ref))
			cell := one(t, name, row, "appeal cell", withAttr("data-appeal", ""))
			if got, _ := attr(cell, "data-appeal"); got != want {
				t.Errorf("%s: violation %s appeal %q, want %q", name, ref, got, want)
			}
		}
		pending := uiText(t, in, strings.TrimSuffix(lang, "/"), "appeal_pending")
		for _, page := range []string{lang + "notices/index.html", lang + "providers/P4/index.html"} {
			for _, r := range find(pages[page], func(n *html.Node) bool { v, _ := attr(n, "data-measure"); return n.Data == "tr" && v != "" }) {
				hidden := strings.Contains(text(r), "N-P4-HIDDEN")
				if strings.Contains(text(r), pending) != hidden {
					t.Errorf("%s: row %q: under appeal %v, want %v", page, text(r), !hidden, hidden)
				}
			}
		}
	}
}
