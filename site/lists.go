package site

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// The long tables (providers, notices, commitments) are lists: pages of
// at most listPageSize rows, for every combination of the list's facets,
// each at an address of its own that works without JavaScript and can be
// shared:
//
//	providers/                                  every provider, page 1
//	providers/page/2/                           page 2
//	providers/grade/E/                          grade E
//	providers/category/operations/grade/E/page/3/
//
// Facets come in a fixed order in the address, and each is a list of
// links to the other values with their counts, so that a visitor (or a
// crawler) reaches every row by links alone. A combination that matches
// nothing has its page too, saying so: an address shared yesterday still
// answers today.

const listPageSize = 100

// facet is one dimension a list is filtered by.
type facet struct {
	key    string // the address segment and the ui key of its name
	values []string
	label  func(lang, v string) string
}

// listSpec says how to cut one list into pages.
type listSpec struct {
	base   string // "providers/"
	tmpl   string
	title  string // ui key of the list's name
	nav    string
	desc   string // ui key of the pages' description
	facets []facet
	n      int
	value  func(i, f int) string // the value of facet f of row i
	rows   func(idx []int32) any
}

// ListPage is what a list's template gets.
type ListPage struct {
	Facets      []FacetNav
	Rows        any
	Total       int // rows that match the filter
	From, To    int // the rows of this page, counted from 1
	All         int // rows in the list
	Page, Pages int
	Pager       []PageLink
	Prev, Next  string
	Filtered    bool
	Chosen      string // the filters chosen, in words ("Grade: E · Status: Active"), or ""
	Clear       string // the list without filters
	First       bool   // the list's own first page: unfiltered, page 1
}

// FacetNav is one facet's links.
type FacetNav struct {
	Key, Name string
	Options   []FacetOption
}

// FacetOption is one value of a facet: its name, the page that shows it
// (with the other facets as they are), and how many rows it has.
type FacetOption struct {
	Label, Href string
	Count       int
	Current     bool
}

// PageLink is one entry of a pager; Gap stands for pages left out.
type PageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// combo is a choice of value per facet: -1 for any.
type combo []int

// listPath is the site path of one page of a combination.
func (s *listSpec) listPath(c combo, pg int) string {
	var b strings.Builder
	b.WriteString(s.base)
	for f, v := range c {
		if v >= 0 {
			b.WriteString(s.facets[f].key + "/" + facetSegment(s.facets[f].values[v]) + "/")
		}
	}
	if pg > 1 {
		b.WriteString("page/" + strconv.Itoa(pg) + "/")
	}
	return b.String()
}

// listPages cuts a list into its pages, in one language.
func (w *world) listPages(lang string, s *listSpec, add func(url, tmpl, title, nav string, d any)) {
	t := func(k string) string { return w.ui.get(lang, k) }
	// Each combination is a number in a mixed radix: digit f is the value
	// of facet f plus one (0: any).
	radix := make([]int, len(s.facets))
	total := 1
	for f, fc := range s.facets {
		radix[f] = total
		total *= len(fc.values) + 1
	}
	index := make([]map[string]int, len(s.facets))
	for f, fc := range s.facets {
		index[f] = map[string]int{}
		for i, v := range fc.values {
			index[f][v] = i
		}
	}
	members := make([][]int32, total)
	own := make([]int, len(s.facets))
	for i := 0; i < s.n; i++ {
		for f := range s.facets {
			own[f] = -1
			if v, ok := index[f][s.value(i, f)]; ok {
				own[f] = v
			}
		}
		// Every subset of the row's own values is a combination it is in.
		for mask := 0; mask < 1<<len(s.facets); mask++ {
			id, ok := 0, true
			for f := range s.facets {
				if mask&(1<<f) != 0 {
					if own[f] < 0 {
						ok = false
						break
					}
					id += (own[f] + 1) * radix[f]
				}
			}
			if ok {
				members[id] = append(members[id], int32(i))
			}
		}
	}
	decode := func(id int) combo {
		c := make(combo, len(s.facets))
		for f := range s.facets {
			c[f] = (id/radix[f])%(len(s.facets[f].values)+1) - 1
		}
		return c
	}
	encode := func(c combo) int {
		id := 0
		for f, v := range c {
			id += (v + 1) * radix[f]
		}
		return id
	}
	for id := 0; id < total; id++ {
		c := decode(id)
		rows := members[id]
		pages := max(1, (len(rows)+listPageSize-1)/listPageSize)
		var navs []FacetNav
		filtered := false
		var parts []string
		for f, fc := range s.facets {
			nav := FacetNav{Key: fc.key, Name: t("facet_" + fc.key)}
			for v := -1; v < len(fc.values); v++ {
				alt := slices.Clone(c)
				alt[f] = v
				label := t("all")
				if v >= 0 {
					label = fc.label(lang, fc.values[v])
				}
				nav.Options = append(nav.Options, FacetOption{Label: label, Href: s.listPath(alt, 1), Count: len(members[encode(alt)]), Current: v == c[f]})
			}
			navs = append(navs, nav)
			if c[f] >= 0 {
				filtered = true
				parts = append(parts, fmt.Sprintf(t("facet_title"), t("facet_"+fc.key), fc.label(lang, fc.values[c[f]])))
			}
		}
		for pg := 1; pg <= pages; pg++ {
			lo, hi := min(len(rows), (pg-1)*listPageSize), min(len(rows), pg*listPageSize)
			d := &ListPage{Facets: navs, Rows: s.rows(rows[lo:hi]), Total: len(rows), From: lo + 1, To: hi, All: s.n, Page: pg, Pages: pages,
				Filtered: filtered, Chosen: strings.Join(parts, " · "), Clear: s.base, First: !filtered && pg == 1}
			if pg > 1 {
				d.Prev = s.listPath(c, pg-1)
			}
			if pg < pages {
				d.Next = s.listPath(c, pg+1)
			}
			d.Pager = pager(pg, pages, func(n int) string { return s.listPath(c, n) })
			title := t(s.title)
			if len(parts) > 0 {
				title += " · " + strings.Join(parts, " · ")
			}
			if pages > 1 {
				title += " · " + fmt.Sprintf(t("page_n"), pg)
			}
			add(s.listPath(c, pg), s.tmpl, title, s.nav, d)
		}
	}
}

// facetSegment is a facet value in an address: the codes of the enums and
// the rule book as they are (customer_service), anything else as a slug.
func facetSegment(v string) string {
	for _, c := range []byte(v) {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return Slug(v)
		}
	}
	if v == "" {
		return Slug(v)
	}
	return v
}

// pager lists the pages to link: the first, the last, and two either
// side of the current one, with gaps between.
func pager(cur, pages int, href func(int) string) []PageLink {
	if pages <= 1 {
		return nil
	}
	var out []PageLink
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < cur-2 || n > cur+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, PageLink{Gap: true})
		}
		out = append(out, PageLink{N: n, Href: href(n), Current: n == cur})
		last = n
	}
	return out
}

// gradeRank orders grades as the rule book does, then unrated and
// cleared.
func (w *world) gradeRank(g string) int {
	for i, b := range w.in.Book.Rating.Grades {
		if b.Grade == g {
			return i
		}
	}
	if g == model.Unrated {
		return len(w.in.Book.Rating.Grades)
	}
	return len(w.in.Book.Rating.Grades) + 1
}

// gradeCodes are the grades a provider may have, in order.
func (w *world) gradeCodes() []string {
	var out []string
	for _, g := range w.grades {
		out = append(out, g.Grade)
	}
	return out
}

// providerList is the providers list: the best grade and score first
// (what a merchant looks for), then by id.
func (w *world) providerList() *listSpec {
	ps := slices.Clone(w.providers)
	slices.SortStableFunc(ps, func(a, b *prov) int {
		return cmp.Or(cmp.Compare(w.gradeRank(a.R.Grade), w.gradeRank(b.R.Grade)), cmp.Compare(b.R.ScoreTenths, a.R.ScoreTenths),
			strings.Compare(a.F.Provider.ID, b.F.Provider.ID))
	})
	return &listSpec{base: "providers/", tmpl: "providers.html", title: "nav_providers", nav: "providers", desc: "desc_providers",
		facets: []facet{
			{key: "category", values: model.CategoryEnum.Codes, label: w.enumLabel(model.CategoryEnum)},
			{key: "grade", values: w.gradeCodes(), label: w.gradeText},
			{key: "status", values: model.ProviderStatusEnum.Codes, label: w.enumLabel(model.ProviderStatusEnum)},
		},
		n: len(ps),
		value: func(i, f int) string {
			switch f {
			case 0:
				return ps[i].F.Provider.Category
			case 1:
				return ps[i].R.Grade
			}
			return string(ps[i].Status)
		},
		rows: func(idx []int32) any {
			out := make([]*prov, len(idx))
			for j, i := range idx {
				out[j] = ps[i]
			}
			return out
		},
	}
}

// departedList is the providers that left the export, by id.
func (w *world) departedList() *listSpec {
	return &listSpec{base: "providers/departed/", tmpl: "departedlist.html", title: "departed_title", nav: "providers", desc: "departed_intro",
		n: len(w.departed),
		rows: func(idx []int32) any {
			out := make([]*prov, len(idx))
			for j, i := range idx {
				out[j] = w.departed[i]
			}
			return out
		},
	}
}

// noticeList is the notices, newest first.
func (w *world) noticeList() *listSpec {
	var measures []string
	for _, m := range w.in.Book.Measures {
		measures = append(measures, string(m.ID))
	}
	return &listSpec{base: "notices/", tmpl: "notices.html", title: "nav_notices", nav: "notices", desc: "desc_notices",
		facets: []facet{
			{key: "status", values: []string{model.InForce, "expired", "rescinded"}, label: func(lang, v string) string { return w.ui.get(lang, "status_"+v) }},
			{key: "measure", values: measures, label: func(lang, v string) string { return w.measureName(lang, model.Measure(v)) }},
			{key: "rule", values: w.RuleIDs(), label: w.ruleName},
		},
		n: len(w.notices),
		value: func(i, f int) string {
			n := w.notices[i]
			switch f {
			case 0:
				return n.Status
			case 1:
				return string(n.Measure)
			}
			return n.RuleID
		},
		rows: func(idx []int32) any {
			out := make([]*model.Notice, len(idx))
			for j, i := range idx {
				out[j] = w.notices[i]
			}
			return out
		},
	}
}

// CommitmentRow is one published commitment with its provider and how
// well it was kept.
type CommitmentRow struct {
	C    *model.Commitment
	P    *prov
	Perf model.Perf
}

// KeptRate is the share of items the promise was kept for, or -1.
func (r *CommitmentRow) keptRate() float64 {
	if r.Perf.Judged == 0 {
		return -1
	}
	return float64(r.Perf.Kept) / float64(r.Perf.Judged)
}

// commitmentList is the commitments by kind, the best kept first.
func (w *world) commitmentList() *listSpec {
	var kinds []string
	for _, f := range w.in.Book.Floors {
		kinds = append(kinds, f.Kind)
	}
	var rows []*CommitmentRow
	for _, p := range w.providers {
		for _, c := range p.Commitments {
			rows = append(rows, &CommitmentRow{C: c, P: p, Perf: p.F.Commitments[c.ID]})
		}
	}
	kindRank := func(k string) int {
		if i := slices.Index(kinds, k); i >= 0 {
			return i
		}
		return len(kinds)
	}
	slices.SortStableFunc(rows, func(a, b *CommitmentRow) int {
		return cmp.Or(cmp.Compare(kindRank(a.C.Kind), kindRank(b.C.Kind)), cmp.Compare(b.keptRate(), a.keptRate()),
			cmp.Compare(b.Perf.Judged, a.Perf.Judged), strings.Compare(a.P.F.Provider.ID, b.P.F.Provider.ID), strings.Compare(a.C.ID, b.C.ID))
	})
	return &listSpec{base: "commitments/", tmpl: "commitments.html", title: "nav_commitments", nav: "commitments", desc: "desc_commitments",
		facets: []facet{
			{key: "kind", values: kinds, label: w.enumLabel(model.CommitmentKindEnum)},
			{key: "category", values: model.CategoryEnum.Codes, label: w.enumLabel(model.CategoryEnum)},
		},
		n: len(rows),
		value: func(i, f int) string {
			if f == 0 {
				return rows[i].C.Kind
			}
			return rows[i].P.F.Provider.Category
		},
		rows: func(idx []int32) any {
			out := make([]*CommitmentRow, len(idx))
			for j, i := range idx {
				out[j] = rows[i]
			}
			return out
		},
	}
}

func (w *world) enumLabel(e *model.Enum) func(lang, v string) string {
	return func(lang, v string) string {
		if lang == "en" {
			return e.LabelEn(v)
		}
		return e.Label(v)
	}
}

func (w *world) ruleName(lang, id string) string {
	if r := w.in.Book.Rule(id); r != nil {
		if lang == "en" {
			return r.En.Name
		}
		return r.Zh.Name
	}
	return id
}
