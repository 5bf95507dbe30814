package main

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkLinks parses every HTML page of a tree (name → content) published
// at base (the build's --base-url; "" for none) as a browser parses it, and
// reports every link or asset that leads nowhere: a relative link or
// fragment to a missing file or id, and any URL outside base (allowed
// apart: the data licence, whose address the downloads' terms give).
func checkLinks(t testing.TB, tree map[string]string, base string) {
	t.Helper()
	pages := map[string]pageLinks{}
	for name, b := range tree {
		if strings.HasSuffix(name, ".html") {
			pages[name] = readLinks(b)
		}
	}
	bad := 0
	report := func(format string, a ...any) {
		if bad++; bad <= 20 {
			t.Errorf(format, a...)
		}
	}
	site := base
	if site == "" {
		site = "https://site.invalid/" // where a build without --base-url is served, for the check
	}
	siteURL, err := url.Parse(site)
	if err != nil {
		t.Fatalf("--base-url %s: %v", site, err)
	}
	root := strings.TrimSuffix(siteURL.Path, "/") + "/"
	for name, p := range pages {
		pageURL := siteURL.JoinPath(name)
		for _, l := range p.links {
			if l.ref == nil {
				report("%s: %s %q: unparsable", name, l.where, l.raw)
				continue
			}
			if strings.HasSuffix(name, "404.html") && strings.HasPrefix(l.url, "/") && !strings.HasPrefix(l.url, "//") && base == "" {
				continue // a 404 page is served at any address, so it links from the site root
			}
			abs := pageURL.ResolveReference(l.ref)
			if !strings.HasPrefix(abs.String(), site) {
				if !offSiteAllowed(abs, l) {
					report("%s: %s %q leaves the site (%s)", name, l.where, l.raw, site)
				}
				continue
			}
			// abs.Path is unescaped already: the tree's names as written.
			target := strings.TrimPrefix(abs.Path, root)
			if target == "" || strings.HasSuffix(target, "/") {
				target = path.Join(target, "index.html")
			}
			if _, ok := tree[target]; !ok {
				report("%s: %s %q leads to missing %s", name, l.where, l.raw, target)
				continue
			}
			if abs.Fragment != "" && strings.HasSuffix(target, ".html") && !pages[target].ids[abs.Fragment] {
				report("%s: %s %q: no id %q in %s", name, l.where, l.raw, abs.Fragment, target)
			}
		}
	}
}

// offSiteAllowed reports whether a URL outside the site is one the site
// links on purpose: the data licence (a link, never an asset) and image
// data URLs.
func offSiteAllowed(abs *url.URL, l link) bool {
	switch {
	case abs.Scheme == "data":
		return strings.HasPrefix(strings.ToLower(abs.Opaque), "image/")
	case l.where == "<a href>":
		return abs.String() == "https://creativecommons.org/licenses/by/4.0/"
	}
	return false
}

// pageLinks is what checkLinks reads of a page: its ids and its links.
type pageLinks struct {
	ids   map[string]bool
	links []link
}

type link struct {
	where    string   // "<a href>"
	raw, url string   // as written; as a browser reads it
	ref      *url.URL // url parsed; nil when it does not parse
}

// urlAttrs are the attributes whose value a browser follows or fetches.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "poster": true,
	"cite": true, "data": true, "srcset": true, "xlink:href": true, "background": true, "manifest": true, "ping": true}

var cssURL = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)

// readLinks parses an HTML document as a browser does (so text that only
// looks like markup is no link) and returns its ids and every URL a
// browser would follow or fetch from it.
func readLinks(doc string) pageLinks {
	p := pageLinks{ids: map[string]bool{}}
	check := func(where, raw string) {
		// Browsers drop ASCII whitespace at the ends and tabs and newlines
		// inside, and read a backslash as a slash.
		u := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			if r == '\\' {
				return '/'
			}
			return r
		}, strings.TrimSpace(raw))
		ref, err := url.Parse(u)
		if err != nil {
			ref = nil
		}
		p.links = append(p.links, link{where: where, raw: raw, url: u, ref: ref})
	}
	z := html.NewTokenizer(strings.NewReader(doc))
	inStyle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return p
		case html.TextToken:
			if inStyle {
				for _, m := range cssURL.FindAllStringSubmatch(string(z.Text()), -1) {
					check("<style>", m[1])
				}
			}
		case html.EndTagToken:
			inStyle = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inStyle = tok.Data == "style"
			for _, a := range tok.Attr {
				if a.Key == "id" && a.Namespace == "" {
					p.ids[a.Val] = true
				}
			}
			refresh := false
			for _, a := range tok.Attr {
				if a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh") {
					refresh = true
				}
			}
			for _, a := range tok.Attr {
				key := a.Key
				if a.Namespace != "" {
					key = a.Namespace + ":" + a.Key
				}
				where := "<" + tok.Data + " " + key + ">"
				switch {
				case key == "srcset":
					for _, part := range strings.Split(a.Val, ",") {
						if f := strings.Fields(part); len(f) > 0 {
							check(where, f[0])
						}
					}
				case urlAttrs[key]:
					check(where, a.Val)
				case key == "style":
					for _, m := range cssURL.FindAllStringSubmatch(a.Val, -1) {
						check(where, m[1])
					}
				case key == "content" && refresh:
					if _, after, ok := strings.Cut(strings.ToLower(a.Val), "url="); ok {
						check(where, strings.Trim(after, `'" `))
					}
				}
			}
		}
	}
}

// TestCheckLinksFindsEveryWayOut wants the link check itself to catch each
// way a page can leave the site or lead nowhere, and to pass links that
// stay on it.
func TestCheckLinksFindsEveryWayOut(t *testing.T) {
	const base = "https://example.org/register/"
	for _, tc := range []struct {
		doc  string
		want int
	}{
		{`<a href="providers/">a</a><a href="../register/x.html#top">b</a><a href="#top" id="top">c</a><img src="assets/a.png">`, 0},
		{`<a href="https://example.org/register/providers/">a</a><link rel=icon href="data:image/svg+xml,%3Csvg%3E">`, 0},
		{`<p>&lt;iframe src=//evil&gt;&lt;/iframe&gt; "http://evil"</p><svg xmlns="http://www.w3.org/2000/svg"></svg>`, 0},
		{`<a href="https://creativecommons.org/licenses/by/4.0/">licence</a>`, 0},
		{`<a href="missing/">a</a><a href="#nowhere">b</a>`, 2},
		{`<a href="/providers/">leaves /register/</a>`, 1},
		{`<a href="//evil.example/">a</a>`, 1},
		{`<a href=" JavaScript:alert(1)">a</a>`, 1},
		{`<a href="java&#x09;script:alert(1)">a</a>`, 1},
		{`<img src="https://evil.example/x.png">`, 1},
		{`<img srcset="assets/a.png 1x, https://evil.example/b.png 2x">`, 1},
		{`<script src="https://creativecommons.org/licenses/by/4.0/"></script>`, 1},
		{`<form action="https://evil.example/"></form><a href="/\evil.example/">b</a>`, 2},
		{`<div style="background:url('https://evil.example/b.png')"></div><style>a{background:url(//evil.example/c)}</style>`, 2},
		{`<meta http-equiv="refresh" content="0; url=https://evil.example/">`, 1},
		{`<a href="data:text/html,<script>alert(1)</script>">a</a><a href="mailto:x@evil.example">b</a>`, 2},
		{`<svg><a xlink:href="https://evil.example/">a</a></svg>`, 1},
	} {
		rec := &recorder{TB: t}
		checkLinks(rec, map[string]string{"index.html": tc.doc, "providers/index.html": "", "x.html": `<p id="top">`, "assets/a.png": ""}, base)
		if rec.errors != tc.want {
			t.Errorf("%s: %d problems, want %d: %q", tc.doc, rec.errors, tc.want, rec.msgs)
		}
	}
}

// recorder is a testing.TB that counts errors instead of failing.
type recorder struct {
	testing.TB
	errors int
	msgs   []string
}

func (r *recorder) Errorf(format string, a ...any) {
	r.errors++
	r.msgs = append(r.msgs, fmt.Sprintf(format, a...))
}
func (r *recorder) Helper() {}
