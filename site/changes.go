package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"

	"github.com/disclose-project/disclose/pipeline/model"
)

// Tonight is what changed in this build against the ledger's previous
// one: the /changes/ page and its feed.
type Tonight struct {
	Previous                            string   // the previous build's as-of date; "" for the first
	Issued, Renewed, Expired, Rescinded []string // notice ids
	Grades                              []GradeChange
	Departed                            []string // provider ids
	RulebookChanged                     bool     // the rule book's version differs from the previous build's
}

// GradeChange is a provider whose grade moved.
type GradeChange struct {
	ProviderID, From, To string
}

// Causes of a change, as the /changes/ page names them.
const (
	causeNewData     = "new_data"     // a staff decision, or a provider the export no longer lists
	causeDataOrTime  = "data_or_time" // new data, or the window moved on: one night's export cannot tell them apart
	causePeriodEnded = "period_ended" // the notice's period ran out
	causeAppeal      = "appeal"       // an appeal overturned its basis
	causeRulebook    = "rulebook"     // the rule book changed since the previous build
)

// change is one line of the /changes/ page.
type change struct {
	Kind     string // issued, renewed, expired, rescinded, grade, departed
	Notice   *model.Notice
	Provider *prov
	ID       string // the provider's id when the page has no provider
	From, To string // a grade change
	Cause    string
}

// Changes lists tonight's changes in the page's order: notices issued,
// renewed, expired and rescinded, then grade changes and providers that
// left the export.
func (w *world) Changes() []change {
	t := w.in.Tonight
	if t == nil {
		return nil
	}
	byID := map[string]*model.Notice{}
	for _, n := range w.notices {
		byID[n.ID] = n
	}
	var out []change
	notices := func(kind string, ids []string, cause func(*model.Notice) string) {
		for _, id := range ids {
			if n := byID[id]; n != nil {
				out = append(out, change{Kind: kind, Notice: n, Provider: w.byID[n.ProviderID], ID: n.ProviderID, Cause: cause(n)})
			}
		}
	}
	computedCause := func(n *model.Notice) string {
		switch {
		case n.Origin == model.OriginDecision:
			return causeNewData
		case t.RulebookChanged:
			return causeRulebook
		}
		return causeDataOrTime
	}
	notices("issued", t.Issued, computedCause)
	notices("renewed", t.Renewed, func(*model.Notice) string { return causePeriodEnded })
	notices("expired", t.Expired, func(*model.Notice) string { return causePeriodEnded })
	notices("rescinded", t.Rescinded, func(*model.Notice) string { return causeAppeal })
	for _, g := range t.Grades {
		cause := causeDataOrTime
		if t.RulebookChanged {
			cause = causeRulebook
		}
		out = append(out, change{Kind: "grade", Provider: w.byID[g.ProviderID], ID: g.ProviderID, From: g.From, To: g.To, Cause: cause})
	}
	for _, id := range t.Departed {
		out = append(out, change{Kind: "departed", Provider: w.byID[id], ID: id, Cause: causeNewData})
	}
	return out
}

// changeKinds are the kinds of change, in the page's order.
var changeKinds = []string{"issued", "renewed", "expired", "rescinded", "grade", "departed"}

// changeList is the /changes/ page as a list: at 50,000 providers a new
// ledger's first night issues thousands of notices, so it pages like the
// others, with one facet, the kind of change.
func (w *world) changeList() *listSpec {
	cs := w.Changes()
	return &listSpec{base: "changes/", tmpl: "changes.html", title: "nav_changes", nav: "changes", desc: "desc_changes",
		facets: []facet{{key: "change", values: changeKinds, label: func(lang, v string) string { return w.ui.get(lang, "change_"+v+"_short") }}},
		n:      len(cs),
		value:  func(i, _ int) string { return cs[i].Kind },
		rows: func(idx []int32) any {
			out := make([]change, len(idx))
			for j, i := range idx {
				out[j] = cs[i]
			}
			return out
		},
	}
}

// PreviousBuild is the previous build's as-of date, or "".
func (w *world) PreviousBuild() string {
	if w.in.Tonight == nil {
		return ""
	}
	return w.in.Tonight.Previous
}

// changesFeed writes the Atom feed of tonight's changes.
func (w *world) changesFeed(lang string) ([]byte, error) {
	prefix, xmlLang := "", "zh-Hans"
	if lang == "en" {
		prefix, xmlLang = "en/", "en"
	}
	t := func(k string) string { return w.ui.get(lang, k) }
	fm := w.funcs(lang)
	measure := fm["measure"].(func(model.Measure) string)
	rulename := fm["rulename"].(func(string) string)
	f := atomFeed{Lang: xmlLang, Title: atomText{Body: t("site_name") + " · " + t("nav_changes")},
		ID: w.feedID(prefix + "changes/feed.xml"), Updated: w.stamp(w.in.AsOf)}
	f.Author.Name = t("site_name")
	f.Link = []atomLink{{Href: w.abs(prefix + "changes/feed.xml"), Rel: "self", Type: "application/atom+xml"},
		{Href: w.abs(prefix + "changes/"), Rel: "alternate", Type: "text/html"}}
	for _, c := range w.Changes() {
		name := c.ID
		if c.Provider != nil {
			name = fm["pname"].(func(*model.Provider) string)(c.Provider.F.Provider)
		}
		name = isolate(name)
		// An entry's id names what changed, not where it stands in the
		// list: a reader that saw it keeps it as read.
		var title, link string
		subject := c.ID
		switch c.Kind {
		case "grade":
			title = fmt.Sprintf(t("change_grade"), name, w.gradeText(lang, c.From), w.gradeText(lang, c.To))
			link = prefix + "providers/" + Slug(c.ID) + "/"
		case "departed":
			title = fmt.Sprintf(t("change_departed"), name)
			link = prefix + "providers/" + Slug(c.ID) + "/"
		default:
			title = fmt.Sprintf("%s · %s · %s · %s", t("change_"+c.Kind), name, rulename(c.Notice.RuleID), measure(c.Notice.Measure))
			link = prefix + "notices/" + Slug(c.Notice.ID) + "/"
			subject = c.Notice.ID
		}
		f.Entry = append(f.Entry, atomEntry{Title: atomText{Body: title},
			ID:      w.feedID(prefix + "changes/" + w.in.AsOf.String() + "/" + c.Kind + "/" + url.PathEscape(subject)),
			Updated: w.stamp(w.in.AsOf),
			Link:    []atomLink{{Href: w.abs(link), Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: t("cause_" + c.Cause)}})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("site: changes feed: %w", err)
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}
