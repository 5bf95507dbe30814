package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rating"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"golang.org/x/net/html"
)

func loadBook(t *testing.T) *rulebook.Book {
	t.Helper()
	b, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func day(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func instant(zone *time.Location, s string) model.Instant {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, zone)
	if err != nil {
		panic(err)
	}
	return model.Instant(t.UnixMicro())
}

// fixture is a small world with every state the pages tell apart:
//
//	P1 active and graded, 8 points (a complaint under appeal, a decision
//	   whose appeal was upheld), a warning in force (window open)
//	P2 suspended by the platform, no notice
//	P3 cleared by the platform
//	P4 services hidden by a points notice; a demotion notice rescinded on
//	   appeal and replaced by a warning issued that day (its own appeal
//	   upheld while the window is still open); a deposit
//	   deduction whose appeal window has closed
//	P5 suspended by a notice in force, though the export says active
//	P6 cleared by a clearance of long ago, though the export says active
func fixture(t *testing.T, book *rulebook.Book) *Input {
	t.Helper()
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	asOf := day("2025-06-30")
	ps := []*model.Provider{
		{ID: "P1", Name: "甲科技", NameEn: "Alpha Tech", Category: "design", JoinedOn: day("2020-01-01"), Status: "active"},
		{ID: "P2", Name: "乙科技", NameEn: "Beta Tech", Category: "design", JoinedOn: day("2020-01-01"), Status: "suspended"},
		{ID: "P3", Name: "丙科技", NameEn: "Gamma Tech", Category: "design", JoinedOn: day("2020-01-01"), Status: "cleared"},
		{ID: "P4", Name: "丁科技", NameEn: "Delta Tech", Category: "software", JoinedOn: day("2020-01-01"), Status: "active"},
		{ID: "P5", Name: "戊科技", NameEn: "Epsilon Tech", Category: "software", JoinedOn: day("2020-01-01"), Status: "active"},
		{ID: "P6", Name: "己科技", NameEn: "Zeta Tech", Category: "software", JoinedOn: day("2020-01-01"), Status: "active"},
	}
	facts := []*model.Facts{
		{Provider: ps[0], DeliveryDue: 41, DeliveryOnTime: 33, ResponseDue: 11, ResponseOnTime: 8, ResolutionDue: 11, ResolutionOnTime: 9,
			TicketsAssessable: 11, Checks: 6, ChecksAnswered: 5, Orders90: 41, ComplaintsUpheld90: 1, Points365: 8,
			Violations: []model.Violation{
				{ProviderID: "P1", RuleID: "complaints", Due: day("2025-06-01"), Points: 2, Ref: "Q1", FactsZh: "投诉Q1成立。", FactsEn: "Complaint Q1 upheld."},
				{ProviderID: "P1", RuleID: "spot-check", Due: day("2025-06-05"), Points: 6, Ref: "D1", FactsZh: "处罚决定D1。", FactsEn: "Decision D1."},
			},
			Commitments: map[string]model.Perf{"C1": {Judged: 41, Kept: 33}}, Floors: map[string]model.Perf{}},
		{Provider: ps[1], Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}},
		{Provider: ps[2], Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}},
		{Provider: ps[3], DeliveryDue: 21, DeliveryOnTime: 19, Orders90: 21, Points365: 8, Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}},
		{Provider: ps[4], DeliveryDue: 30, DeliveryOnTime: 30, Orders90: 30, Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}},
		{Provider: ps[5], Commitments: map[string]model.Perf{}, Floors: map[string]model.Perf{}},
	}
	notice := func(id, provider, rule, key string, measure model.Measure, issued model.Date, basis ...string) model.Notice {
		m := book.Measure(measure)
		until := model.NoDate
		switch {
		case m.OneOff:
			until = issued
		case m.PeriodDays > 0:
			until = issued + model.Date(m.PeriodDays-1)
		}
		return model.Notice{ID: id, Key: key, ProviderID: provider, RuleID: rule, RuleVersion: "1", Measure: measure, IssuedOn: issued,
			EffectiveUntil: until, AppealBy: issued + model.Date(book.AppealDays), Status: model.InForce, RescindedOn: model.NoDate,
			Basis: basis, FactsZh: "事实。", FactsEn: "Facts."}
	}
	notices := []model.Notice{
		notice("N-P1-WARN", "P1", "delivery", "P1/delivery/warning", "warning", asOf-2),
		notice("N-P4-HIDDEN", "P4", "points", "P4/points/hidden", "hidden", asOf-5, "complaint:Q41"),
		notice("N-P4-DEMOTION", "P4", "points", "P4/points/demotion", "demotion", asOf-20, "complaint:Q42"),
		notice("N-P4-WARN", "P4", "points", "P4/points/warning", "warning", asOf-3, "complaint:Q43"),
		notice("N-P4-DEPOSIT", "P4", "privacy", "P4/decision/D4", "deposit_deduction", asOf-60, "decision:D4"),
		notice("N-P5-SUSPENSION", "P5", "privacy", "P5/decision/D5", "suspension", asOf-10, "decision:D5"),
		notice("N-P6-CLEARANCE", "P6", "fraud", "P6/decision/D6", "clearance", asOf-400, "decision:D6"),
	}
	notices[2].Status, notices[2].RescindedOn, notices[2].RescindReason = model.Rescinded, asOf-3, "投诉Q42经申诉被撤销 / complaint Q42 overturned on appeal"
	notices[4].Status = model.Expired
	appeals := []model.Appeal{
		{ID: "A1", ProviderID: "P1", SubjectKind: "complaint", SubjectID: "Q1", FiledAt: instant(zone, "2025-06-03 10:00"), DecidedAt: model.NoInstant, Outcome: "pending"},
		{ID: "A2", ProviderID: "P1", SubjectKind: "decision", SubjectID: "D1", FiledAt: instant(zone, "2025-06-06 10:00"), DecidedAt: instant(zone, "2025-06-09 10:00"), Outcome: "upheld"},
		{ID: "A41", ProviderID: "P4", SubjectKind: "complaint", SubjectID: "Q41", FiledAt: instant(zone, "2025-06-27 10:00"), DecidedAt: model.NoInstant, Outcome: "pending"},
		{ID: "A42", ProviderID: "P4", SubjectKind: "complaint", SubjectID: "Q42", FiledAt: instant(zone, "2025-06-12 10:00"), DecidedAt: instant(zone, "2025-06-27 09:00"), Outcome: "overturned"},
		{ID: "A43", ProviderID: "P4", SubjectKind: "complaint", SubjectID: "Q43", FiledAt: instant(zone, "2025-06-27 12:00"), DecidedAt: instant(zone, "2025-06-28 09:00"), Outcome: "upheld"},
	}
	cleared := map[string]bool{"P3": true, "P6": true}
	ratings := rating.Rate(facts, book, cleared)
	ledger.Publish(facts, ratings, notices, asOf, book)
	return &Input{Book: book, AsOf: asOf, Zone: zone, Platform: "test", Facts: facts, Ratings: ratings, Notices: notices,
		Commitments: []model.Commitment{{ID: "C1", ProviderID: "P1", ServiceID: "S1", Kind: model.KindDelivery, Target: 5,
			EffectiveFrom: day("2024-01-01"), EffectiveTo: model.NoDate, Text: "五天内交付"}},
		Services: []model.Service{
			{ID: "S1", ProviderID: "P1", Title: "设计服务", State: "on_shelf"},
			{ID: "S1b", ProviderID: "P1", Title: "旧服务", State: "delisted"},
			{ID: "S2", ProviderID: "P2", Title: "乙服务", State: "on_shelf"},
			{ID: "S3", ProviderID: "P3", Title: "丙服务", State: "on_shelf"},
			{ID: "S4", ProviderID: "P4", Title: "丁服务", State: "on_shelf"},
			{ID: "S5", ProviderID: "P5", Title: "戊服务", State: "on_shelf"},
			{ID: "S6", ProviderID: "P6", Title: "己服务", State: "on_shelf"},
		},
		Appeals: appeals}
}

// site builds the fixture into a directory and returns its HTML pages,
// parsed, by path.
func buildSite(t *testing.T, in *Input) map[string]*html.Node {
	t.Helper()
	dir := t.TempDir()
	if _, err := Build(dir, in, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	pages := map[string]*html.Node{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := html.Parse(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		pages[filepath.ToSlash(rel)] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// find returns the elements under n for which match is true, in document
// order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
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

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// withAttr matches elements having an attribute, of any value when val is
// "", else of that value.
func withAttr(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		v, ok := attr(n, key)
		return ok && (val == "" || v == val)
	}
}

// text is what a reader sees of n: its text with white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func one(t *testing.T, page string, n *html.Node, what string, match func(*html.Node) bool) *html.Node {
	t.Helper()
	got := find(n, match)
	if len(got) != 1 {
		t.Fatalf("%s: %d elements %s, want 1", page, len(got), what)
	}
	return got[0]
}

// uiText returns a string of content/ui.json as the site shows it in one
// language, parameters filled in.
func uiText(t *testing.T, in *Input, lang, key string) string {
	t.Helper()
	w, err := newWorld(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w.ui.get(lang, key)
}
