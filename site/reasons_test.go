package site

import (
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestReasonsLeadThePage checks that a rated provider's page opens with its
// reasons in plain words, the largest cost first, and that the sentence
// under them adds up to the score shown.
func TestReasonsLeadThePage(t *testing.T) {
	in := fixture(t, loadBook(t))
	pages := buildSite(t, in)
	doc := pages["en/providers/P1/index.html"]
	items := find(one(t, "P1", doc, "reasons", func(n *html.Node) bool { v, _ := attr(n, "class"); return v == "reasons" }),
		func(n *html.Node) bool { return n.Data == "li" })
	var texts []string
	last := 101.0
	for _, li := range items {
		texts = append(texts, text(li))
		cost := text(one(t, "P1", li, "cost", func(n *html.Node) bool { v, _ := attr(n, "class"); return v == "cost" }))
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(cost, "−"), " points"), 64)
		if err != nil || v > last {
			t.Errorf("reason %q costs %q, after one of %.1f: not largest first", text(li), cost, last)
		}
		last = v
	}
	for _, want := range []string{
		"8 violation points deducted: 1 staff decision (6 points), 1 upheld complaint (2 points)",
		"Delivery on time 80.5% (33 of 41 orders), against a promise of 5 days",
		"Complaint rate 2.44% (1 upheld of 41 orders), complaints dimension",
	} {
		found := false
		for _, s := range texts {
			found = found || strings.HasPrefix(s, want)
		}
		if !found {
			t.Errorf("no reason reads %q; the reasons are %q", want, texts)
		}
	}
	var r = in.Ratings[0]
	sum := text(items[0].Parent.NextSibling.NextSibling)
	if !strings.HasSuffix(sum, "leave "+r.ScoreText()+".") && !strings.HasSuffix(sum, "leaves "+r.ScoreText()+".") {
		t.Errorf("the sum reads %q, score %s", sum, r.ScoreText())
	}
	// The complaint rate and the complaints dimension are two figures.
	row := one(t, "P1", doc, "complaints row", withAttr("data-dim", "complaints"))
	if !strings.Contains(text(row), "complaint rate 2.44%") {
		t.Errorf("complaints row %q does not give the complaint rate", text(row))
	}
	// The Chinese page says the same in Chinese.
	zh := text(pages["providers/P1/index.html"])
	for _, want := range []string{"扣除违规积分 8 分：1 项处罚决定（6 分）、1 起投诉成立（2 分）", "交付准时率 80.5%（41 笔订单中 33 笔按时），承诺 5天"} {
		if !strings.Contains(zh, want) {
			t.Errorf("providers/P1/ does not say %q", want)
		}
	}
}
