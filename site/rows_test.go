package site

import (
	"fmt"
	"html/template"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
)

// hostile is text from an export that html/template escapes in every way
// it can: quotes, markup, a plus, a NUL, a scheme, a percent, non-ASCII.
const hostile = "<script>\"x\" & 'y' + z\x00</script> javascript:%41 甲 (1)"

// rowsWorld is the fixture with names, ids, services and commitments an
// export could send to hurt a page.
func rowsWorld(t *testing.T, opt Options) *world {
	t.Helper()
	in := fixture(t, loadBook(t))
	in.Facts[0].Provider.Name, in.Facts[0].Provider.NameEn = hostile, hostile+" en"
	in.Facts[1].Provider.ID, in.Facts[1].Provider.NameEn = "P2 "+hostile, ""
	in.Facts[3].Provider.Category = "no-such-category"
	in.Facts[3].Commitments["C2"] = model.Perf{Judged: 7, Kept: 2}
	for i := range in.Services {
		if in.Services[i].ProviderID == "P2" {
			in.Services[i].ProviderID = in.Facts[1].Provider.ID
		}
	}
	in.Services[4].Title = hostile
	in.Services[4].Category, in.Services[4].Price, in.Services[4].HasPrice = "design", 12345, true
	in.Services = slices.DeleteFunc(in.Services, func(s model.Service) bool { return s.ProviderID == "P5" })
	in.Facts[3].Floors[model.KindDelivery] = model.Perf{Judged: 9, Kept: 8}
	in.Facts[3].Floors[model.KindFirstResponse] = model.Perf{Judged: 3, Kept: 3}
	in.Commitments = append(in.Commitments,
		model.Commitment{ID: "C2", ProviderID: "P4", ServiceID: "S4", Kind: model.KindFirstResponse, Target: 1.5,
			EffectiveFrom: day("2025-01-01"), EffectiveTo: day("2025-12-31"), Text: hostile},
		model.Commitment{ID: "C3", ProviderID: "P4", ServiceID: "no-such-service " + hostile, Kind: "no-such-kind", Target: 3,
			EffectiveFrom: day("2025-01-01"), EffectiveTo: model.NoDate},
		model.Commitment{ID: "C4", ProviderID: "P4", Kind: model.KindResolution, Target: 48,
			EffectiveFrom: day("2025-02-01"), EffectiveTo: model.NoDate, Superseded: "C2 " + hostile})
	w, err := newWorld(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestRowsAreTheTemplates wants the list rows rows.go writes to be, byte
// for byte, what the row templates of testdata/rows.html write, in both
// languages, for every kind of provider and commitment the fixture has and
// for text an export could use to break out of them.
func TestRowsAreTheTemplates(t *testing.T) {
	w := rowsWorld(t, Options{})
	grades := map[string]bool{}
	for _, p := range w.providers {
		grades[p.R.Grade] = true
	}
	if !grades[model.Unrated] || !grades[model.Cleared] || len(grades) < 3 {
		t.Fatalf("the fixture has grades %v: want unrated, cleared and a letter", grades)
	}
	all := func(s *listSpec) []int32 {
		idx := make([]int32, s.n)
		for i := range idx {
			idx[i] = int32(i)
		}
		return idx
	}
	providers := w.providerList().rows(all(w.providerList())).([]*prov)
	commitments := w.commitmentList().rows(all(w.commitmentList())).([]*CommitmentRow)
	if len(commitments) < 4 {
		t.Fatalf("%d commitments in the list, want 4", len(commitments))
	}
	for _, lang := range langs {
		tmpl := reference(t, w, lang, "testdata/rows.html")
		for _, home := range []string{"", "./", "../../en/", "/", "https://example.org/a b/", "javascript:alert(1)/", hostile} {
			data := struct {
				Home string
				Rows any
				W    *world
			}{home, providers, w}
			want := execute(t, tmpl, "providerrows", data)
			if got := string(w.providerRows(lang, home, providers)); got != want {
				t.Errorf("%s, home %q: providers' rows\n got %s\nwant %s", lang, home, got, want)
			}
			data.Rows = commitments
			want = execute(t, tmpl, "commitmentrows", data)
			if got := string(w.commitmentRows(lang, home, commitments)); got != want {
				t.Errorf("%s, home %q: commitments' rows\n got %s\nwant %s", lang, home, got, want)
			}
			for _, s := range []string{"<script>", "\x00", "+ z"} {
				if strings.Contains(want, s) {
					t.Errorf("%s, home %q: the rows hold %q unescaped", lang, home, s)
				}
			}
		}
	}
}

func execute(t *testing.T, tmpl *template.Template, name string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestEscapeURLIsTheTemplates wants escapeURL to escape as html/template
// does in a quoted href, at the start of the URL and after it.
func TestEscapeURLIsTheTemplates(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`<a href="{{.S}}x/{{.S}}">`))
	var all []byte
	for c := 0; c < 128; c++ {
		all = append(all, byte(c))
	}
	for _, s := range []string{"", "../", "./en/", "P1-x.y", "a b", "甲乙", "100%", "%zz", "%41", "%41x", "%4", "http://x/", "HTTPS://x", "mailto:a@b",
		"javascript:x", "data:x", "/a:b", "a/b:c", hostile, string(all), "\xff\xfe"} {
		var b strings.Builder
		if err := tmpl.Execute(&b, struct{ S string }{s}); err != nil {
			t.Fatal(err)
		}
		want := b.String()
		if got := `<a href="` + escapeURL(s, true) + "x/" + escapeURL(s, false) + `">`; got != want {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
	if got := escapeURL("javascript:x", true); got != "#ZgotmplZ" {
		t.Errorf("a javascript: link became %q", got)
	}
}

// TestChromeIsTheTemplates wants the head and foot chrome.go writes to be,
// byte for byte, what the templates of testdata/chrome.html write, for
// every page of the site in both languages, with a base URL and without.
func TestChromeIsTheTemplates(t *testing.T) {
	for _, opt := range []Options{{}, {BaseURL: "https://example.org/dis close/"}} {
		w := rowsWorld(t, opt)
		for _, lang := range langs {
			tmpl, pages := reference(t, w, lang, "testdata/chrome.html"), sitePages(t, w, lang)
			seen := map[string]bool{}
			for _, pg := range pages {
				p, ok := pg.data.(*P)
				if !ok {
					continue
				}
				if got, want := string(w.head(p)), execute(t, tmpl, "refhead", p); got != want {
					t.Errorf("%s %s: head\n got %s\nwant %s", opt.BaseURL, pg.path, got, want)
				}
				if got, want := string(w.foot(p)), execute(t, tmpl, "reffoot", p); got != want {
					t.Errorf("%s %s: foot\n got %s\nwant %s", opt.BaseURL, pg.path, got, want)
				}
				seen[p.Nav] = true
				seen["since"] = seen["since"] || p.Since != ""
				seen["stable"] = seen["stable"] || p.Stable
				seen["canonical"] = seen["canonical"] || p.Canonical != ""
				seen["hostile"] = seen["hostile"] || strings.Contains(p.Title, "<script>")
			}
			for _, k := range append(slices.Clone(menu), "home", "changes", "since", "stable", "hostile") {
				if !seen[k] {
					t.Errorf("%s: no page has %s", lang, k)
				}
			}
			if seen["canonical"] != (opt.BaseURL != "") {
				t.Errorf("%s, base URL %q: canonical links %v", lang, opt.BaseURL, seen["canonical"])
			}
		}
	}
}

// TestProviderRowsAreTheTemplates wants the rows of a provider's rating,
// promises and services tables rows.go writes to be, byte for byte, what
// the templates of testdata/provider.html write, for every provider's page
// in both languages.
func TestProviderRowsAreTheTemplates(t *testing.T) {
	w := rowsWorld(t, Options{})
	for _, lang := range langs {
		tmpl, pages := reference(t, w, lang, "testdata/provider.html"), sitePages(t, w, lang)
		seen := map[string]bool{}
		for _, pg := range pages {
			if pg.tmpl != "provider.html" {
				continue
			}
			p := pg.data.(*P)
			pv := p.D.(*prov)
			for _, c := range []struct {
				name string
				got  template.HTML
			}{{"refdimrows", w.dimRows(lang, pv)}, {"refpromiserows", w.promiseRows(lang, pv)}, {"refsalerows", w.saleRows(lang, pv)}} {
				if want := execute(t, tmpl, c.name, p); string(c.got) != want {
					t.Errorf("%s: %s\n got %s\nwant %s", pg.path, c.name, c.got, want)
				}
			}
			seen[fmt.Sprint("scored ", pv.R.Scored)] = true
			seen[fmt.Sprint("floors ", len(pv.F.Floors) > 0)] = true
			seen[fmt.Sprint("commitments ", len(pv.Commitments) > 0)] = true
			seen[fmt.Sprint("sales ", len(pv.Sales) > 0)] = true
			for _, s := range pv.Sales {
				seen["sale "+s.Why] = true
				seen[fmt.Sprint("price ", s.S.HasPrice)] = true
			}
			for _, d := range pv.R.Dimensions {
				seen["dimension "+d.ID] = true
			}
			for _, c := range pv.Commitments {
				seen[fmt.Sprint("superseded ", c.Superseded != "")] = true
			}
		}
		for _, k := range []string{"scored true", "scored false", "floors true", "floors false", "commitments true", "commitments false",
			"sales true", "sales false", "sale ", "sale cleared", "sale suspended", "sale measure", "sale state", "price true", "price false",
			"dimension complaints", "superseded true", "superseded false"} {
			if !seen[k] {
				t.Errorf("%s: no provider's page has %s", lang, k)
			}
		}
	}
}

// TestListNavIsTheTemplates wants the facets and pagers rows.go writes to
// be, byte for byte, what the templates of testdata/lists.html write, for
// every list page of the site and for pagers of many pages.
func TestListNavIsTheTemplates(t *testing.T) {
	w := rowsWorld(t, Options{})
	for _, lang := range langs {
		tmpl, pages := reference(t, w, lang, "testdata/lists.html"), sitePages(t, w, lang)
		var lists []*P
		seen := map[string]bool{}
		for _, pg := range pages {
			if p, ok := pg.data.(*P); ok {
				if d, ok := p.D.(*ListPage); ok {
					lists = append(lists, p)
					for _, f := range d.Facets {
						for _, o := range f.Options {
							seen[fmt.Sprint("current ", o.Current, " count ", o.Count != 0)] = true
						}
					}
				}
			}
		}
		// Pagers of twelve pages, from every page of them.
		for cur := 1; cur <= 12; cur++ {
			href := func(n int) string { return fmt.Sprintf("providers/grade/%s/page/%d/", hostile, n) }
			d := &ListPage{Page: cur, Pages: 12, Pager: pager(cur, 12, href)}
			if cur > 1 {
				d.Prev = href(cur - 1)
			}
			if cur < 12 {
				d.Next = href(cur + 1)
			}
			lists = append(lists, w.newP(lang, "providers/page/2/", "t", "providers", d))
		}
		for _, p := range lists {
			if got, want := string(w.facetNav(p)), execute(t, tmpl, "reffacets", p); got != want {
				t.Errorf("%s: facets\n got %s\nwant %s", p.URL, got, want)
			}
			if got, want := string(w.pagerNav(p)), execute(t, tmpl, "refpager", p); got != want {
				t.Errorf("%s: pager\n got %s\nwant %s", p.URL, got, want)
			}
			for _, l := range p.D.(*ListPage).Pager {
				seen[fmt.Sprint("gap ", l.Gap, " current ", l.Current)] = true
			}
		}
		for _, k := range []string{"current true count true", "current false count true", "current false count false",
			"gap true current false", "gap false current true", "gap false current false"} {
			if !seen[k] {
				t.Errorf("%s: no list has %s", lang, k)
			}
		}
	}
}

// reference parses the site's templates for one language with the
// reference templates of a testdata file beside them, and the functions
// only those use.
func reference(t *testing.T, w *world, lang, file string) *template.Template {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	words := func(key string) string { return w.ui.get(lang, key) }
	funcs := w.funcs(lang)
	for name, f := range map[string]any{
		"list":      func(xs ...string) []string { return xs },
		"isolate":   isolate,
		"sinceline": func(date string) template.HTML { return w.sinceLine(lang, date) },
		"pct":       pct,
		"pctf":      pctf,
		"period":    func(c *model.Commitment) string { return w.period(lang, c) },
		"floorof":   w.floorTarget,
		"sstate":    func(code string) string { return w.enumLabel(model.ServiceStateEnum)(lang, code) },
	} {
		funcs[name] = f
	}
	tmpl, err := parseTemplates(funcs, words)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmpl.New(file).Parse(inlineWords(string(src), words)); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// sitePages lists the pages of one language of a world.
func sitePages(t *testing.T, w *world, lang string) []page {
	t.Helper()
	pages, err := w.pages(lang)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}
