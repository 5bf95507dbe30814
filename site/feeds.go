package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"golang.org/x/text/unicode/bidi"

	"github.com/disclose-project/disclose/pipeline/model"
)

// feedSize is how many of the newest notices a feed carries.
const feedSize = 50

type atomLink struct {
	Href     string `xml:"href,attr"`
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title   atomText   `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Link    []atomLink `xml:"link"`
	Summary atomText   `xml:"summary"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"xml:lang,attr"`
	Title   atomText `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Link  []atomLink  `xml:"link"`
	Entry []atomEntry `xml:"entry"`
}

// stamp is the RFC 3339 time of the start of a local date.
func (w *world) stamp(d model.Date) string {
	return time.UnixMicro(int64(model.NewClock(w.in.Zone).Midnight(d))).In(w.in.Zone).Format(time.RFC3339)
}

// feed writes the Atom feed (RFC 4287) of the newest notices.
func (w *world) feed(lang string) ([]byte, error) {
	prefix, xmlLang := "", "zh-Hans"
	if lang == "en" {
		prefix, xmlLang = "en/", "en"
	}
	t := func(k string) string { return w.ui.get(lang, k) }
	f := atomFeed{Lang: xmlLang, Title: atomText{Body: t("site_name") + " · " + t("nav_notices")},
		ID: w.feedID(prefix + "notices/feed.xml"), Updated: w.stamp(w.in.AsOf)}
	f.Author.Name = t("site_name")
	f.Link = []atomLink{{Href: w.abs(prefix + "notices/feed.xml"), Rel: "self", Type: "application/atom+xml"},
		{Href: w.abs(prefix + "notices/"), Rel: "alternate", Type: "text/html"}}
	fm := w.funcs(lang)
	measure := fm["measure"].(func(model.Measure) string)
	rulename := fm["rulename"].(func(string) string)
	for i, n := range w.notices {
		if i == feedSize {
			break
		}
		name := n.ProviderID
		if p := w.byID[n.ProviderID]; p != nil {
			name = p.F.Provider.Name
			if lang == "en" && p.F.Provider.NameEn != "" {
				name = p.F.Provider.NameEn
			}
		}
		facts := n.FactsZh
		if lang == "en" {
			facts = n.FactsEn
		}
		url := prefix + "notices/" + Slug(n.ID) + "/"
		title := fmt.Sprintf("%s · %s · %s", isolate(name), rulename(n.RuleID), measure(n.Measure))
		if n.Continues != "" {
			// A renewal is the same breach going on, not a new offence.
			title += " · " + fmt.Sprintf(t("renewal_of"), n.Continues)
		}
		f.Entry = append(f.Entry, atomEntry{
			Title:   atomText{Body: title},
			ID:      w.feedID(url),
			Updated: w.stamp(n.IssuedOn),
			Link:    []atomLink{{Href: w.abs(url), Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: fmt.Sprintf("%s %s: %s (%s)", n.ID, n.IssuedOn, isolate(facts), t("status_"+n.Status))},
		})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("site: feed: %w", err)
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}

// isolate wraps the export's text for plain text (a feed, a page's title),
// as <bdi> does on a page: between FIRST STRONG ISOLATE and POP
// DIRECTIONAL ISOLATE, so that a right-to-left mark or override in a name
// cannot reorder the words around it. Text with nothing that could
// reorder them stays as it is: some feed readers show the isolates as
// boxes.
func isolate(s string) string {
	if !reorders(s) {
		return s
	}
	return "\u2068" + s + "\u2069"
}

// reorders reports whether s holds a right-to-left character or a
// directional control, which could reorder the text around it.
func reorders(s string) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL, bidi.AN, bidi.LRE, bidi.RLE, bidi.LRO, bidi.RLO, bidi.PDF, bidi.LRI, bidi.RLI, bidi.FSI, bidi.PDI:
			return true
		}
	}
	return false
}

// feedID is a permanent IRI for a page: its URL when the base URL is known,
// else a tag URI that does not depend on where the site is hosted.
func (w *world) feedID(sitePath string) string {
	if w.opt.BaseURL != "" {
		return w.abs(sitePath)
	}
	return "tag:disclose.invalid,2024:" + sitePath
}

type sitemapURL struct {
	Loc  string     `xml:"loc"`
	Alts []xhtmlAlt `xml:"xhtml:link"`
}

type xhtmlAlt struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// The sitemap protocol allows 50,000 URLs and 50 MB a file: the pages
// are listed in sitemaps of sitemapPaths site paths (each with its
// English twin: two URLs), named by an index.
const (
	sitemapIndex = "sitemap.xml"
	sitemapPaths = 20000
)

type sitemapRef struct {
	Loc string `xml:"loc"`
}

type sitemapindex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

// sitemaps writes sitemap.xml, the index, and the sitemaps it names,
// sitemap-1.xml and on, listing every page in both languages with
// hreflang alternates.
func (w *world) sitemaps(paths []string) []page {
	idx := sitemapindex{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	var out []page
	for i := 0; i == 0 || i*sitemapPaths < len(paths); i++ {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		out = append(out, page{path: name, raw: w.sitemap(paths[i*sitemapPaths : min(len(paths), (i+1)*sitemapPaths)])})
		idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: w.abs(name)})
	}
	return append(out, page{path: sitemapIndex, raw: xmlDoc(idx)})
}

// sitemap lists pages in both languages with hreflang alternates.
func (w *world) sitemap(paths []string) []byte {
	s := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", XHTML: "http://www.w3.org/1999/xhtml"}
	for _, p := range paths {
		alts := []xhtmlAlt{{"alternate", "zh-Hans", w.abs(p)}, {"alternate", "en", w.abs("en/" + p)}, {"alternate", "x-default", w.abs(p)}}
		s.URLs = append(s.URLs, sitemapURL{Loc: w.abs(p), Alts: alts}, sitemapURL{Loc: w.abs("en/" + p), Alts: alts})
	}
	return xmlDoc(s)
}

func xmlDoc(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	enc.Encode(v)
	buf.WriteString("\n")
	return buf.Bytes()
}
