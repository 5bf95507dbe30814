package site

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Every page opens with the same head, header and menu and closes with the
// same footer, around forty values in all; html/template would call a
// function by reflection for each (and three for a link). They are written
// here instead, as the "head" and "foot" templates of testdata/chrome.html
// write them, byte for byte (TestChromeIsTheTemplates); a change to either
// is made in both.

// menu is the main menu's entries, in order.
var menu = []string{"providers", "notices", "commitments", "rules", "methodology", "downloads", "about"}

// head writes the start of a page, up to its <main>.
func (w *world) head(p *P) template.HTML {
	word := func(key string) string { return w.word(p.Lang, key) }
	root, home := escapeURL(p.Root, true), escapeURL(p.Home, true)
	var b strings.Builder
	b.Grow(2048)
	b.WriteString("<!DOCTYPE html>\n<html lang=\"")
	if p.Lang == "en" {
		b.WriteString("en")
	} else {
		b.WriteString("zh-Hans")
	}
	b.WriteString("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	b.WriteString(escapeText(isolate(p.Title)))
	if p.Nav != "home" {
		b.WriteString(" · " + word("site_name"))
	}
	desc, title := escapeText(p.Desc), escapeText(p.Title)
	b.WriteString("</title>\n<meta name=\"description\" content=\"" + desc + "\">\n")
	b.WriteString("<meta property=\"og:title\" content=\"" + title + "\">\n")
	b.WriteString("<meta property=\"og:description\" content=\"" + desc + "\">\n")
	b.WriteString("<link rel=\"icon\" href=\"" + root + "assets/favicon.svg\" type=\"image/svg+xml\">\n")
	if p.Canonical != "" {
		b.WriteString("<link rel=\"canonical\" href=\"" + escapeURL(p.Canonical, true) + "\">\n")
	}
	altZh := escapeURL(p.AltZh, true)
	b.WriteString("<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"" + altZh + "\">\n")
	b.WriteString("<link rel=\"alternate\" hreflang=\"en\" href=\"" + escapeURL(p.AltEn, true) + "\">\n")
	b.WriteString("<link rel=\"alternate\" hreflang=\"x-default\" href=\"" + altZh + "\">\n")
	if p.Nav == "changes" {
		b.WriteString("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + word("feed_changes") + "\" href=\"" + home + "changes/feed.xml\">")
	} else {
		b.WriteString("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + word("feed") + "\" href=\"" + home + "notices/feed.xml\">")
	}
	b.WriteString("\n<link rel=\"stylesheet\" href=\"" + root + "assets/site.css\">\n")
	b.WriteString("<script src=\"" + root + "assets/site.js\" defer></script>\n</head>\n")
	b.WriteString("<body data-root=\"" + escapeText(p.Root) + "\" data-home=\"" + escapeText(p.Home) + "\" data-lang=\"" + escapeText(p.Lang) + "\">\n")
	b.WriteString("<a class=\"skip\" href=\"#main\">" + word("skip") + "</a>\n<header class=\"top\">\n<div class=\"wrap\">\n")
	b.WriteString("<a class=\"brand\" href=\"" + home + "\">" + word("site_name") + "</a>\n")
	twin, twinLang := escapeURL(p.Twin, true), escapeText(p.TwinLang)
	b.WriteString("<a class=\"lang\" href=\"" + twin + "\" hreflang=\"" + twinLang + "\" lang=\"" + twinLang + "\">" + word("other_lang") + "</a>\n")
	b.WriteString("</div>\n<nav aria-label=\"" + word("nav_home") + "\"><ul class=\"wrap\">\n")
	for _, k := range menu {
		b.WriteString("<li><a href=\"" + home + escapeURL(k, false) + "/\"")
		if p.Nav == k {
			b.WriteString(" aria-current=\"page\"")
		}
		b.WriteString(">" + word("nav_"+k) + "</a></li>\n")
	}
	b.WriteString("</ul></nav>\n</header>\n<main id=\"main\" class=\"wrap\">\n")
	return template.HTML(b.String())
}

// foot writes the end of a page, from its </main>.
func (w *world) foot(p *P) template.HTML {
	word := func(key string) string { return w.word(p.Lang, key) }
	home := escapeURL(p.Home, true)
	var b strings.Builder
	b.Grow(1024)
	b.WriteString("</main>\n<footer class=\"wrap\">\n")
	if p.Since != "" {
		b.WriteString(string(sinceMarker) + string(w.sinceLine(p.Lang, p.Since)) + "</p>\n")
	}
	if p.Since != "" || p.Stable {
		b.WriteString("<p data-latest=\"" + word("latest_build") + "\" hidden></p>\n")
		b.WriteString("<p>" + escapeText(fmt.Sprintf(w.ui.get(p.Lang, "footer_page"), w.Version())) + "</p>\n")
	} else {
		b.WriteString("<p>" + escapeText(fmt.Sprintf(w.ui.get(p.Lang, "footer"), w.AsOf(), w.Version())) + "</p>\n")
	}
	b.WriteString("\n<p>")
	for _, l := range [][2]string{{"about/", "nav_about"}, {"appeals/", "nav_appeals"}, {"changes/", "nav_changes"},
		{"transparency/", "nav_transparency"}, {"notices/feed.xml", "feed"}} {
		b.WriteString("<a href=\"" + home + l[0] + "\">" + word(l[1]) + "</a> · ")
	}
	twinLang := escapeText(p.TwinLang)
	b.WriteString("<a href=\"" + escapeURL(p.Twin, true) + "\" hreflang=\"" + twinLang + "\" lang=\"" + twinLang + "\">" + word("other_lang_name") + "</a></p>\n")
	b.WriteString("</footer>\n</body>\n</html>\n")
	return template.HTML(b.String())
}

// sinceLine says since when a page's figures have not changed, the date in
// a <time> element of its own, where writePage finds it.
func (w *world) sinceLine(lang, date string) template.HTML {
	before, after, _ := strings.Cut(w.ui.get(lang, "figures_since"), "%[1]s")
	return template.HTML(html.EscapeString(before) + "<time>" + html.EscapeString(date) + "</time>" + html.EscapeString(after))
}
