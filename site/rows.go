package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// The rows of the providers and commitments lists are written here, not by
// their templates: a list page has a hundred of them, and html/template
// spends most of such a page calling functions for them by reflection. The
// rows are the bytes the templates in testdata/rows.html write for them,
// escaped as html/template escapes them there (TestRowsAreTheTemplates);
// a change to a row is made in both.

// providerRows writes the rows of one page of the providers list, on a
// page whose link to its language's home is home.
func (w *world) providerRows(lang, home string, rows []*prov) template.HTML {
	label := func(key string) string { return escapeText(w.ui.get(lang, key)) }
	status, score, category, id, grade := label("status"), label("score"), label("category"), label("provider_id"), label("grade")
	href := escapeURL(home, true) + "providers/"
	var b strings.Builder
	for _, p := range rows {
		b.WriteString("<tr>\n<td><a href=\"")
		b.WriteString(href)
		b.WriteString(escapeURL(p.Slug, false))
		b.WriteString("/\"><bdi>")
		b.WriteString(escapeText(w.providerName(lang, p.F.Provider)))
		b.WriteString(`</bdi></a></td><td class="decide">`)
		w.gradeBadge(&b, lang, grade, p.R.Grade)
		b.WriteString(`</td><td class="decide pstatus" data-label="` + status + `">`)
		b.WriteString(escapeText(w.statusName(lang, p.Status)))
		b.WriteString(`</td><td class="num" data-label="` + score + `">`)
		b.WriteString(escapeText(p.R.ScoreText()))
		b.WriteString(`</td><td data-label="` + category + `">`)
		b.WriteString(escapeText(w.enumLabel(model.CategoryEnum)(lang, p.F.Provider.Category)))
		b.WriteString(`</td><td data-label="` + id + `"><bdi>`)
		b.WriteString(escapeText(p.F.Provider.ID))
		b.WriteString("</bdi></td></tr>\n")
	}
	return template.HTML(b.String())
}

// gradeBadge writes what the "gradebadge" template writes for a grade;
// word is the escaped word for "grade".
func (w *world) gradeBadge(b *strings.Builder, lang, word, g string) {
	if g == model.Unrated || g == model.Cleared {
		b.WriteString(`<span class="badge g-` + escapeText(g) + `">` + escapeText(w.gradeText(lang, g)) + "</span>")
		return
	}
	b.WriteString(`<span class="badge g-` + escapeText(strings.ToLower(g)) + `"><span class="sr">` + word + " </span>" + escapeText(g) + "</span>")
}

// commitmentRows writes the rows of one page of the commitments list.
func (w *world) commitmentRows(lang, home string, rows []*CommitmentRow) template.HTML {
	label := func(key string) string { return escapeText(w.ui.get(lang, key)) }
	kind, target, kept, service, period := label("kind"), label("target"), label("kept"), label("service"), label("period")
	noItems, allServices := label("no_items"), label("all_services")
	href := escapeURL(home, true) + "providers/"
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"")
		b.WriteString(href)
		b.WriteString(escapeURL(r.P.Slug, false))
		b.WriteString("/#promises\"><bdi>")
		b.WriteString(escapeText(w.providerName(lang, r.P.F.Provider)))
		b.WriteString(`</bdi></a></th><td data-label="` + kind + `">`)
		b.WriteString(escapeText(w.enumLabel(model.CommitmentKindEnum)(lang, r.C.Kind)))
		b.WriteString(`</td><td data-label="` + target + `" class="decide">`)
		b.WriteString(escapeText(w.target(lang, r.C.Kind, r.C.Target)))
		b.WriteString("</td>\n<td data-label=\"" + kept + `" class="decide">`)
		if r.Perf.Judged != 0 {
			b.WriteString(escapeText(pct(r.Perf.Kept, r.Perf.Judged)))
			b.WriteString(" <small>(")
			b.WriteString(escapeText(fmt.Sprintf(w.ui.get(lang, "kept_of"), r.Perf.Kept, r.Perf.Judged)))
			b.WriteString(")</small>")
		} else {
			b.WriteString("<small>" + noItems + "</small>")
		}
		b.WriteString("</td>\n<td data-label=\"" + service + `">`)
		if r.C.ServiceID != "" {
			b.WriteString("<bdi>" + escapeText(w.ServiceTitle(r.C.ServiceID)) + "</bdi>")
		} else {
			b.WriteString(allServices)
		}
		b.WriteString(`</td><td data-label="` + period + `">`)
		b.WriteString(escapeText(w.period(lang, r.C)))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// period is the days a commitment is in effect.
func (w *world) period(lang string, c *model.Commitment) string {
	if c.EffectiveTo == model.NoDate {
		return fmt.Sprintf(w.ui.get(lang, "period_open"), c.EffectiveFrom)
	}
	return c.EffectiveFrom.String() + " – " + c.EffectiveTo.String()
}

// escapeURL escapes s as html/template escapes it in a quoted href: at the
// start of the URL (start), a value whose scheme is not http, https or
// mailto becomes "#ZgotmplZ"; every byte but the few a URL keeps as they
// are (and an escape already made) is written %xx; then the value is escaped as attribute text.
func escapeURL(s string, start bool) string {
	if start {
		if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
			switch strings.ToLower(scheme) {
			case "http", "https", "mailto":
			default:
				return "#ZgotmplZ"
			}
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			// An escape stays (as html/template has it, not at the very end).
			c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return escapeText(b.String())
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
