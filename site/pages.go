package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	neturl "net/url"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// P is what every page template gets.
type P struct {
	Lang      string
	URL       string // the page's site path: "", "providers/", "en/notices/N1/"
	Root      string // relative link to the site root
	Home      string // relative link to this language's home
	Twin      string // relative link to the same page in the other language
	TwinLang  string
	Canonical string // absolute URL when the base URL is known
	AltZh     string // absolute or root-relative URLs of both versions, for hreflang
	AltEn     string
	Title     string
	Desc      string // the page's description, for search results and shared links
	Nav       string // which menu entry is current
	// Since is, on a provider's page, the date its figures last changed;
	// Stable marks a page that shows no figure that changes every night
	// (a notice): neither prints the as-of date.
	Since  string
	Stable bool
	W      *world
	D      any
}

// TextPage is a Markdown page.
type TextPage struct {
	Body template.HTML
	Name string
}

func (w *world) newP(lang, url, title, nav string, d any) *P {
	prefix, other := "", "en/"
	if lang == "en" {
		prefix, other = "en/", ""
	}
	full := prefix + url
	file := full + "index.html"
	if strings.HasSuffix(url, ".html") {
		file = full
	}
	root := rel(file, "")
	if root == "" {
		root = "./"
	}
	if strings.HasSuffix(url, "404.html") {
		// Served for any missing path, at any depth: links from the root.
		root = "/"
		if u, err := neturl.Parse(w.opt.BaseURL); err == nil && u.Path != "" {
			root = strings.TrimSuffix(u.Path, "/") + "/"
		}
	}
	p := &P{Lang: lang, URL: full, Root: root, Home: root + prefix, Twin: root + other + url, Title: title, Nav: nav, W: w, D: d,
		AltZh: root + url, AltEn: root + "en/" + url}
	if w.opt.BaseURL != "" {
		p.AltZh, p.AltEn = w.abs(url), w.abs("en/"+url)
	}
	p.TwinLang = "en"
	if lang == "en" {
		p.TwinLang = "zh-Hans"
	}
	if w.opt.BaseURL != "" {
		p.Canonical = w.abs(full)
	}
	return p
}

// abs returns the absolute URL of a site path, or the root-relative path
// when no base URL is set.
func (w *world) abs(sitePath string) string {
	if w.opt.BaseURL == "" {
		return "/" + sitePath
	}
	return strings.TrimSuffix(w.opt.BaseURL, "/") + "/" + sitePath
}

// pages lists every HTML page of one language.
func (w *world) pages(lang string) ([]page, error) {
	prefix := ""
	if lang == "en" {
		prefix = "en/"
	}
	t := func(key string) string { return w.ui.get(lang, key) }
	var out []page
	desc := t("site_tagline")
	add := func(url, tmpl, title, nav string, d any) {
		file := prefix + url + "index.html"
		if strings.HasSuffix(url, ".html") {
			file = prefix + url
		}
		p := w.newP(lang, url, title, nav, d)
		p.Desc = desc
		switch tmpl {
		case "provider.html":
			// A provider's page shows no figure of the night but its own,
			// and the date they last changed (see writePage).
			p.Since = w.in.AsOf.String()
		case "notice.html", "departed.html":
			p.Stable = true
		}
		out = append(out, page{path: file, tmpl: tmpl, data: p, since: tmpl == "provider.html"})
	}
	add("", "home.html", t("site_name"), "home", nil)
	for _, l := range []*listSpec{w.providerList(), w.departedList(), w.noticeList(), w.commitmentList()} {
		desc = t(l.desc)
		w.listPages(lang, l, add)
	}
	for _, p := range w.providers {
		name := w.providerName(lang, p.F.Provider)
		desc = w.providerDesc(lang, p)
		add("providers/"+p.Slug+"/", "provider.html", name, "providers", p)
	}
	for _, p := range w.departed {
		desc = fmt.Sprintf(t("desc_departed"), p.F.Provider.Name)
		add("providers/"+p.Slug+"/", "departed.html", p.F.Provider.Name, "providers", p)
	}
	for _, n := range w.notices {
		desc = w.noticeDesc(lang, n)
		add("notices/"+Slug(n.ID)+"/", "notice.html", t("notice")+" "+n.ID, "notices", n)
	}
	desc = t("desc_changes")
	w.listPages(lang, w.changeList(), add)
	desc = t("desc_transparency")
	add("transparency/", "transparency.html", t("nav_transparency"), "transparency", nil)
	rules := w.rulePages()
	desc = t("desc_rules")
	add("rules/", "rules.html", t("nav_rules"), "rules", rules)
	for _, r := range rules {
		body, err := w.markdown(lang, "rules/"+r.Rule.ID)
		if err != nil {
			return nil, err
		}
		rp := *r
		rp.Body = body
		name := r.Rule.Name(lang)
		desc = w.ruleSummary(lang, r.Rule.ID)
		add("rules/"+Slug(r.Rule.ID)+"/", "rule.html", name, "rules", &rp)
	}
	for _, tp := range []struct{ name, tmpl, nav string }{
		{"methodology", "methodology.html", "methodology"}, {"about", "text.html", "about"}, {"appeals", "text.html", "appeals"},
	} {
		body, err := w.markdown(lang, tp.name)
		if err != nil {
			return nil, err
		}
		desc = t("desc_" + tp.name)
		add(tp.name+"/", tp.tmpl, t("nav_"+tp.name), tp.nav, &TextPage{Body: body, Name: tp.name})
	}
	desc = t("desc_downloads")
	check, err := w.markdown(lang, "check")
	if err != nil {
		return nil, err
	}
	add("downloads/", "downloads.html", t("nav_downloads"), "downloads", &TextPage{Body: check, Name: "check"})
	desc = t("not_found_text")
	add("404.html", "404.html", t("not_found"), "", nil)
	feed, err := w.feed(lang)
	if err != nil {
		return nil, err
	}
	out = append(out, page{path: prefix + "notices/feed.xml", raw: feed})
	cfeed, err := w.changesFeed(lang)
	if err != nil {
		return nil, err
	}
	out = append(out, page{path: prefix + "changes/feed.xml", raw: cfeed})
	return out, nil
}

// files lists the language-independent files: assets, the search index,
// status.json, the sitemaps of the given site paths, and robots.txt.
func (w *world) files(paths []string) ([]page, error) {
	var out []page
	err := fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		out = append(out, page{path: p, raw: b})
		return err
	})
	if err != nil {
		return nil, err
	}
	search, meta := w.searchFiles()
	out = append(out, search...)
	st, err := w.status(meta)
	if err != nil {
		return nil, err
	}
	out = append(out, page{path: "status.json", raw: st})
	out = append(out, w.sitemaps(paths)...)
	robots := "User-agent: *\nAllow: /\n"
	if w.opt.BaseURL != "" {
		robots += "Sitemap: " + w.abs(sitemapIndex) + "\n"
	}
	out = append(out, page{path: "robots.txt", raw: []byte(robots)})
	return out, nil
}

// providerName is a provider's name in one language.
func (w *world) providerName(lang string, p *model.Provider) string {
	if lang == "en" && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}

// providerDesc is a provider page's description, what a shared link shows:
// the grade, the score, the status and the measures in force.
func (w *world) providerDesc(lang string, p *prov) string {
	t := func(k string) string { return w.ui.get(lang, k) }
	grade := w.gradeText(lang, p.R.Grade)
	if p.R.Scored {
		grade = fmt.Sprintf(t("desc_grade_score"), grade, p.R.ScoreText())
	}
	measures := ""
	if len(p.Measures) > 0 {
		names := make([]string, len(p.Measures))
		for i, m := range p.Measures {
			names[i] = w.measureName(lang, m)
		}
		measures = fmt.Sprintf(t("desc_measures"), strings.Join(names, t("list_sep")))
	}
	return fmt.Sprintf(t("desc_provider"), w.providerName(lang, p.F.Provider), grade, w.statusName(lang, p.Status), measures)
}

// noticeDesc is a notice page's description.
func (w *world) noticeDesc(lang string, n *model.Notice) string {
	who := n.ProviderID
	if p := w.byID[n.ProviderID]; p != nil {
		who = w.providerName(lang, p.F.Provider)
	}
	rule := n.RuleID
	if r := w.in.Book.Rule(n.RuleID); r != nil {
		rule = r.Zh.Name
		if lang == "en" {
			rule = r.En.Name
		}
	}
	return fmt.Sprintf(w.ui.get(lang, "desc_notice"), n.ID, who, rule, w.measureName(lang, n.Measure), w.ui.get(lang, "status_"+n.Status))
}

func (w *world) gradeText(lang, g string) string {
	switch g {
	case model.Unrated, model.Cleared:
		return w.ui.get(lang, g)
	}
	return g
}

func (w *world) measureName(lang string, id model.Measure) string {
	if lang == "en" {
		return id.En()
	}
	return id.Zh()
}

func (w *world) statusName(lang string, s model.ProviderStatus) string {
	if lang == "en" {
		return s.En()
	}
	return s.Zh()
}

// siteStatus is status.json: the figures that change every night, kept
// out of the pages that do not show them (a provider's page changes only
// when its own figures do), for the script and for whoever polls the
// register.
type siteStatus struct {
	AsOf            string     `json:"as_of"`
	RulebookVersion string     `json:"rulebook_version"`
	Providers       int        `json:"providers"`
	Notices         int        `json:"notices"`
	NoticesInForce  int        `json:"notices_in_force"`
	Search          searchMeta `json:"search"`
}

func (w *world) status(meta searchMeta) ([]byte, error) {
	b, err := json.MarshalIndent(siteStatus{AsOf: w.in.AsOf.String(), RulebookVersion: w.in.Book.Version, Providers: len(w.providers),
		Notices: len(w.notices), NoticesInForce: w.inForce, Search: meta}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("site: status.json: %w", err)
	}
	return append(b, '\n'), nil
}
