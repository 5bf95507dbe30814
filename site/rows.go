package site

import (
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// What a page repeats (the rows of the long lists and of a provider's
// tables, a list's facets and pager) is written here, not by templates:
// html/template calls a function by reflection for nearly every value it
// writes, and spent most of a page's time on these. Each is written as
// its template in testdata wrote it, byte for byte and escaped as
// html/template escapes each place (the tests compare the two); a change
// to one is made in both.

// providerRows writes the rows of one page of the providers list, on a
// page whose link to its language's home is home. What is the same in
// every row is put together once.
func (w *world) providerRows(lang, home string, rows []*prov) template.HTML {
	label := func(key string) string { return w.word(lang, key) }
	grade, category := label("grade"), w.enumLabel(model.CategoryEnum)
	var (
		open    = "<tr>\n<td><a href=\"" + escapeURL(home, true) + "providers/"
		name    = "/\"><bdi>"
		badge   = `</bdi></a></td><td class="decide">`
		status  = `</td><td class="decide pstatus" data-label="` + label("status") + `">`
		score   = `</td><td class="num" data-label="` + label("score") + `">`
		cat     = `</td><td data-label="` + label("category") + `">`
		id      = `</td><td data-label="` + label("provider_id") + `"><bdi>`
		closing = "</bdi></td></tr>\n"
	)
	var b strings.Builder
	b.Grow(len(rows) * 640)
	for _, p := range rows {
		b.WriteString(open)
		b.WriteString(escapeURL(p.Slug, false))
		b.WriteString(name)
		b.WriteString(escapeText(w.providerName(lang, p.F.Provider)))
		b.WriteString(badge)
		w.gradeBadge(&b, lang, grade, p.R.Grade)
		b.WriteString(status)
		b.WriteString(escapeText(w.statusName(lang, p.Status)))
		b.WriteString(score)
		b.WriteString(escapeText(p.R.ScoreText()))
		b.WriteString(cat)
		b.WriteString(escapeText(category(lang, p.F.Provider.Category)))
		b.WriteString(id)
		b.WriteString(escapeText(p.F.Provider.ID))
		b.WriteString(closing)
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
	label := func(key string) string { return w.word(lang, key) }
	kindName, keptOf := w.enumLabel(model.CommitmentKindEnum), w.ui.get(lang, "kept_of")
	var (
		open     = "<tr>\n<th scope=\"row\"><a href=\"" + escapeURL(home, true) + "providers/"
		name     = "/#promises\"><bdi>"
		kind     = `</bdi></a></th><td data-label="` + label("kind") + `">`
		target   = `</td><td data-label="` + label("target") + `" class="decide">`
		kept     = "</td>\n<td data-label=\"" + label("kept") + `" class="decide">`
		noItems  = "<small>" + label("no_items") + "</small>"
		service  = "</td>\n<td data-label=\"" + label("service") + `">`
		all      = label("all_services")
		period   = `</td><td data-label="` + label("period") + `">`
		closing  = "</td></tr>\n"
		smallOf  = " <small>("
		smallEnd = ")</small>"
	)
	var b strings.Builder
	b.Grow(len(rows) * 800)
	for _, r := range rows {
		b.WriteString(open)
		b.WriteString(escapeURL(r.P.Slug, false))
		b.WriteString(name)
		b.WriteString(escapeText(w.providerName(lang, r.P.F.Provider)))
		b.WriteString(kind)
		b.WriteString(escapeText(kindName(lang, r.C.Kind)))
		b.WriteString(target)
		b.WriteString(escapeText(w.target(lang, r.C.Kind, r.C.Target)))
		b.WriteString(kept)
		if r.Perf.Judged != 0 {
			b.WriteString(escapeText(pct(r.Perf.Kept, r.Perf.Judged)))
			b.WriteString(smallOf)
			b.WriteString(escapeText(fmt.Sprintf(keptOf, r.Perf.Kept, r.Perf.Judged)))
			b.WriteString(smallEnd)
		} else {
			b.WriteString(noItems)
		}
		b.WriteString(service)
		if r.C.ServiceID != "" {
			b.WriteString("<bdi>")
			b.WriteString(escapeText(w.ServiceTitle(r.C.ServiceID)))
			b.WriteString("</bdi>")
		} else {
			b.WriteString(all)
		}
		b.WriteString(period)
		b.WriteString(escapeText(w.period(lang, r.C)))
		b.WriteString(closing)
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
	if urlSafe(s) {
		return s
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

// urlSafe reports whether s is made of letters, digits and -._/ alone,
// which neither the URL nor the attribute escaping changes (a slug, a
// relative link).
func urlSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '/') {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// The tables of a provider's page that grow with the provider (its rating
// dimensions, promises and services) are written here too, as the
// templates of testdata/provider.html wrote them.

// dimRows writes the body rows of a provider's rating table: with the
// smoothing and the contributions for a scored provider, the weights alone
// for another.
func (w *world) dimRows(lang string, p *prov) template.HTML {
	label := func(key string) string { return w.word(lang, key) }
	raw, smoothed, weight, contribution := label("raw"), label("smoothed"), label("weight"), label("contribution")
	var b strings.Builder
	for _, d := range p.R.Dimensions {
		b.WriteString(`<tr data-dim="` + escapeText(d.ID) + `"><th scope="row">` + escapeText(w.dimName(lang, d.ID)))
		b.WriteString(`</th><td class="num" data-label="` + raw + ` (x/n)">` + strconv.FormatInt(d.X, 10) + "/" + strconv.FormatInt(d.N, 10) + " <small>(")
		if d.ID == "complaints" {
			b.WriteString(escapeText(fmt.Sprintf(w.ui.get(lang, "complaint_rate"), pct2(d.X, d.N))))
		} else {
			b.WriteString(escapeText(pct(d.X, d.N)))
		}
		b.WriteString(")</small></td>")
		if p.R.Scored {
			b.WriteString(`<td class="num" data-label="k">` + strconv.FormatInt(d.Prior, 10) + `</td><td class="num" data-label="` + smoothed + `">` + escapeText(pctf(d.Smoothed)) + "</td>")
		}
		b.WriteString(`<td class="num decide" data-label="` + weight + `">` + strconv.FormatFloat(d.Weight, 'f', 2, 64) + "</td>")
		if p.R.Scored {
			b.WriteString(`<td class="num decide" data-label="` + contribution + `">` + strconv.FormatFloat(d.Contribution, 'f', 2, 64) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// promiseRows writes the body rows of a provider's promises table: its
// commitments, then the platform floors it was judged against, or a row
// that says there are none.
func (w *world) promiseRows(lang string, p *prov) template.HTML {
	label := func(key string) string { return w.word(lang, key) }
	target, kept, wording, service, period := label("target"), label("kept"), label("wording"), label("service"), label("period")
	kind := w.enumLabel(model.CommitmentKindEnum)
	keptOf := func(perf model.Perf) string {
		return escapeText(fmt.Sprintf(w.ui.get(lang, "kept_of"), perf.Kept, perf.Judged)) + " <small>(" + escapeText(pct(perf.Kept, perf.Judged)) + ")</small>"
	}
	var b strings.Builder
	for _, c := range p.Commitments {
		perf := p.F.Commitments[c.ID]
		b.WriteString("<tr>\n<th scope=\"row\">" + escapeText(kind(lang, c.Kind)) + ` <small class="nowrap"><bdi>` + escapeText(c.ID) + "</bdi></small></th>")
		b.WriteString(`<td data-label="` + target + `" class="decide">` + escapeText(w.target(lang, c.Kind, c.Target)) + "</td>\n")
		b.WriteString(`<td data-label="` + kept + `" class="decide">`)
		if perf.Judged != 0 {
			b.WriteString(keptOf(perf))
		} else {
			b.WriteString("<small>" + label("no_items") + "</small>")
		}
		b.WriteString("</td>\n<td class=\"quote decide\" data-label=\"" + wording + `" dir="auto">` + escapeText(c.Text) + "</td>\n")
		b.WriteString(`<td data-label="` + service + `">`)
		if c.ServiceID != "" {
			b.WriteString("<bdi>" + escapeText(w.ServiceTitle(c.ServiceID)) + "</bdi>")
		} else {
			b.WriteString(label("all_services"))
		}
		b.WriteString("</td>\n<td data-label=\"" + period + `">` + escapeText(w.period(lang, c)))
		if c.Superseded != "" {
			b.WriteString("<br><small>" + escapeText(fmt.Sprintf(w.ui.get(lang, "superseded"), c.Superseded)) + "</small>")
		}
		b.WriteString("</td></tr>\n")
	}
	for _, k := range slices.Sorted(maps.Keys(p.F.Floors)) {
		perf := p.F.Floors[k]
		b.WriteString(`<tr class="floor"><th scope="row">` + escapeText(kind(lang, k)) + `</th><td data-label="` + target + `" class="decide">` + escapeText(w.target(lang, k, w.floorTarget(k))) + "</td>\n")
		b.WriteString(`<td data-label="` + kept + `" class="decide">` + keptOf(perf) + `</td><td data-label="` + wording + `" colspan="3">` + label("floor_applied") + "</td></tr>\n")
	}
	if len(p.Commitments) == 0 && len(p.F.Floors) == 0 {
		b.WriteString(`<tr><td colspan="6">` + label("none") + "</td></tr>")
	}
	return template.HTML(b.String())
}

// saleRows writes the body rows of a provider's services table: each
// service, whether it is on sale and why not.
func (w *world) saleRows(lang string, p *prov) template.HTML {
	label := func(key string) string { return w.word(lang, key) }
	state, category, price := label("state"), label("category"), label("price")
	stateName, categoryName := w.enumLabel(model.ServiceStateEnum), w.enumLabel(model.CategoryEnum)
	var b strings.Builder
	for _, s := range p.Sales {
		b.WriteString(`<tr data-sale="`)
		if s.On {
			b.WriteString("on")
		} else {
			b.WriteString("off")
		}
		b.WriteString(`"`)
		if s.Why != "" {
			b.WriteString(` data-why="` + escapeText(s.Why) + `"`)
		}
		b.WriteString(`><th scope="row"><bdi>` + escapeText(s.S.Title) + "</bdi></th>\n")
		b.WriteString(`<td data-label="` + state + `" class="decide sale">`)
		switch {
		case s.On:
			b.WriteString(label("sale_on"))
		case s.Why == "cleared":
			b.WriteString(label("sale_off_cleared"))
		case s.Why == "suspended":
			b.WriteString(label("sale_off_suspended"))
		case s.Why == "measure":
			b.WriteString(escapeText(fmt.Sprintf(w.ui.get(lang, "sale_off_measure"), w.measureName(lang, s.Measure), w.untilDay(lang, s.Until))))
		default:
			b.WriteString(escapeText(fmt.Sprintf(w.ui.get(lang, "sale_off_state"), strings.ToLower(stateName(lang, s.S.State)))))
		}
		b.WriteString("</td>\n<td data-label=\"" + category + `">`)
		if s.S.Category != "" {
			b.WriteString(escapeText(categoryName(lang, s.S.Category)))
		}
		b.WriteString(`</td><td class="num" data-label="` + price + `">`)
		if s.S.HasPrice {
			b.WriteString(escapeText(fmt.Sprint(s.S.Price)))
		}
		b.WriteString("</td></tr>\n")
	}
	if len(p.Sales) == 0 {
		b.WriteString(`<tr><td colspan="4">` + label("none") + "</td></tr>\n")
	}
	return template.HTML(b.String())
}

// word is a word of the interface, escaped for an element's text or a
// quoted attribute value.
func (w *world) word(lang, key string) string { return escapeText(w.ui.get(lang, key)) }

// floorTarget is the platform floor's target for a commitment kind, or 0
// when the book has none.
func (w *world) floorTarget(kind string) float64 {
	if f := w.in.Book.Floor(kind); f != nil {
		return f.Target
	}
	return 0
}

// untilDay is the last day a measure is in force, or the word for one
// that lasts.
func (w *world) untilDay(lang string, d model.Date) string {
	if d == model.NoDate {
		return w.ui.get(lang, "until_permanent")
	}
	return d.String()
}

// facetNav writes a list page's facets, as the "facets" template of
// testdata/lists.html wrote them: each facet's values as links to the
// pages that show them, with their counts.
func (w *world) facetNav(p *P) template.HTML {
	d := p.D.(*ListPage)
	if len(d.Facets) == 0 {
		return ""
	}
	home := escapeURL(p.Home, true)
	var b strings.Builder
	b.Grow(4096)
	b.WriteString(`<nav class="facets" aria-label="` + escapeText(w.ui.get(p.Lang, "filters")) + "\">\n")
	for _, f := range d.Facets {
		b.WriteString(`<div class="facet" data-facet="` + escapeText(f.Key) + `"><span class="fname">` + escapeText(f.Name) + "</span><ul>\n")
		for _, o := range f.Options {
			b.WriteString("<li>")
			label, count := escapeText(o.Label), strconv.Itoa(o.Count)
			switch {
			case o.Current:
				b.WriteString(`<a href="` + home + escapeURL(o.Href, false) + `" aria-current="page">` + label + " <small>" + count + "</small></a>")
			case o.Count != 0:
				b.WriteString(`<a href="` + home + escapeURL(o.Href, false) + `">` + label + " <small>" + count + "</small></a>")
			default:
				b.WriteString(`<span class="zero">` + label + " <small>0</small></span>")
			}
			b.WriteString("</li>\n")
		}
		b.WriteString("</ul></div>\n")
	}
	b.WriteString("</nav>")
	return template.HTML(b.String())
}

// pagerNav writes a list page's links to its other pages, as the "pager"
// template of testdata/lists.html wrote them.
func (w *world) pagerNav(p *P) template.HTML {
	d := p.D.(*ListPage)
	if d.Pages <= 1 {
		return ""
	}
	home := escapeURL(p.Home, true)
	var b strings.Builder
	b.Grow(1024)
	b.WriteString(`<nav class="pager" aria-label="` + escapeText(w.ui.get(p.Lang, "pages")) + "\"><ul>\n")
	if d.Prev != "" {
		b.WriteString(`<li><a href="` + home + escapeURL(d.Prev, false) + `" rel="prev">← ` + escapeText(w.ui.get(p.Lang, "page_prev")) + "</a></li>\n")
	}
	for _, l := range d.Pager {
		switch {
		case l.Gap:
			b.WriteString(`<li class="gap" aria-hidden="true">…</li>` + "\n")
		case l.Current:
			b.WriteString(`<li><a href="` + home + escapeURL(l.Href, false) + `" aria-current="page">` + strconv.Itoa(l.N) + "</a></li>\n")
		default:
			b.WriteString(`<li><a href="` + home + escapeURL(l.Href, false) + `">` + strconv.Itoa(l.N) + "</a></li>\n")
		}
	}
	if d.Next != "" {
		b.WriteString(`<li><a href="` + home + escapeURL(d.Next, false) + `" rel="next">` + escapeText(w.ui.get(p.Lang, "page_next")) + " →</a></li>\n")
	}
	b.WriteString("</ul></nav>")
	return template.HTML(b.String())
}
