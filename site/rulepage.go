package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// RulePage is a rule of the book with its texts: every rule gets a page,
// in the book's order, and the page shows the version in force at as-of
// (the first one, while none is), its parameters and its history.
type RulePage struct {
	Rule  *rulebook.Rule
	V     *rulebook.Version
	Body  template.HTML
	Staff bool
}

// rulePages lists the rule book's rules in its order.
func (w *world) rulePages() []*RulePage {
	b := w.in.Book
	out := make([]*RulePage, 0, len(b.Rules))
	for i := range b.Rules {
		r := &b.Rules[i]
		out = append(out, &RulePage{Rule: r, V: r.Shown(w.in.AsOf), Staff: r.Staff()})
	}
	return out
}

// ruleParams are the parameters a rule's page and summary may name: the
// book's, its shown version's also by their own names, and that
// version's effective_from.
func (w *world) ruleParams(lang string, r *rulebook.Rule) map[string]string {
	v := r.Shown(w.in.AsOf)
	p := w.in.Book.RuleValues(w.in.AsOf, r, v, lang)
	p["effective_from"] = v.EffectiveFrom
	for k, v := range w.params[lang] {
		if _, ok := p[k]; !ok {
			p[k] = v
		}
	}
	return p
}

// ruleSummary is a rule's summary in lang with its {parameters} filled in.
func (w *world) ruleSummary(lang, id string) string {
	r := w.in.Book.Rule(id)
	if r == nil {
		return ""
	}
	s := r.Zh.Summary
	if lang == "en" {
		s = r.En.Summary
	}
	// The book's check makes sure a summary names only parameters.
	out, err := fillString(s, w.ruleParams(lang, r))
	if err != nil {
		return s
	}
	return out
}

// paramRow is one row of a rule page's table of parameters.
type paramRow struct {
	Label, Value string
}

// paramRows are a rule's parameters as its page shows them: each of the
// shown version's (a level's by its measure), then the measure of a rule
// with one level, then the book's own parameters the rule reads (its
// window, the fewest items).
func (w *world) paramRows(lang string, rp *RulePage) []paramRow {
	b := w.in.Book
	t := func(k string) string { return w.ui.get(lang, k) }
	v := rp.V
	var out []paramRow
	for i := range v.Params {
		p := &v.Params[i]
		if l := v.LevelOf(p.Name); l != nil {
			key := "level_below"
			if rp.Rule.Kind == rulebook.KindPoints {
				key = "level_at_least"
			}
			out = append(out, paramRow{fmt.Sprintf(t(key), w.measureName(lang, l.Measure)), b.Show(p, lang)})
			continue
		}
		if rulebook.Keyed(rp.Rule.Kind) {
			// A table of points by code: the values are the points.
			out = append(out, paramRow{b.Label(p, lang), p.Text(lang)})
			continue
		}
		out = append(out, paramRow{b.Label(p, lang), b.Show(p, lang)})
	}
	if len(v.Levels) == 1 && v.Levels[0].Param == "" {
		out = append(out, paramRow{t("measure"), w.measureName(lang, v.Levels[0].Measure)})
	}
	for _, name := range rulebook.Uses(rp.Rule.Kind) {
		p := b.Param(name)
		out = append(out, paramRow{b.Label(p, lang), b.Show(p, lang)})
	}
	if rp.Staff {
		out = append(out, paramRow{t("measure"), t("staff_rule")})
	}
	return out
}

// keyedTable is a Markdown table's rows of a rule's parameters named by
// codes (the points of each complaint category): "| name | value |".
func (w *world) keyedTable(lang string, r *rulebook.Rule) string {
	var rows []string
	v := r.Shown(w.in.AsOf)
	for i := range v.Params {
		p := &v.Params[i]
		rows = append(rows, fmt.Sprintf("| %s | %s |", w.in.Book.Label(p, lang), p.Text(lang)))
	}
	return strings.Join(rows, "\n")
}
