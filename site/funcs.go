package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// funcs are the template functions for one language.
func (w *world) funcs(lang string) template.FuncMap {
	en := lang == "en"
	book := w.in.Book
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	enum := func(e *model.Enum) func(string) string {
		return func(code string) string {
			if en {
				return e.LabelEn(code)
			}
			return e.Label(code)
		}
	}
	return template.FuncMap{
		"t":        func(key string) string { return w.ui.get(lang, key) },
		"tf":       func(key string, args ...any) string { return fmt.Sprintf(w.ui.get(lang, key), args...) },
		"cat":      enum(model.CategoryEnum),
		"pstatus":  func(s model.ProviderStatus) string { return w.statusName(lang, s) },
		"kindname": enum(model.CommitmentKindEnum),
		"measure":  func(id model.Measure) string { return pick(id.Zh(), id.En()) },
		"rulename": func(id string) string {
			if r := book.Rule(id); r != nil {
				return pick(r.Zh.Name, r.En.Name)
			}
			return id
		},
		"rulesummary": func(id string) string { return w.ruleSummary(lang, id) },
		"ruleparams":  func(r *RulePage) []paramRow { return w.paramRows(lang, r) },
		"changes":     func(b rulebook.Bilingual) string { return b.Pick(lang) },
		"nstatus":     func(s string) string { return w.ui.get(lang, "status_"+s) },
		"facts":       func(n *model.Notice) string { return pick(n.FactsZh, n.FactsEn) },
		"vfacts":      func(v model.Violation) string { return pick(v.FactsZh, v.FactsEn) },
		"pname":       func(p *model.Provider) string { return w.providerName(lang, p) },
		"provider":    func(id string) *prov { return w.byID[id] },
		"slug":        Slug,
		"dec":         func(f float64, n int) string { return strconv.FormatFloat(f, 'f', n, 64) },
		"grade":       func(g string) string { return w.gradeText(lang, g) },
		"target":      func(kind string, v float64) string { return w.target(lang, kind, v) },
		"dim":         func(id string) string { return w.dimName(lang, id) },
		"until": func(d model.Date) string {
			if d == model.NoDate {
				return w.ui.get(lang, "permanent")
			}
			return d.String()
		},
		"gradeChart":        func() template.HTML { return w.gradeChart(lang) },
		"categoryChart":     func() template.HTML { return w.categoryChart(lang) },
		"transparencyChart": func() template.HTML { return w.transparencyChart(lang) },
		"dimChart":          func(p *prov) template.HTML { return w.dimChart(lang, p) },
		"trendChart":        func(p *prov) template.HTML { return w.trendChart(lang, p) },
		"trendpoints":       trendPoints,
		"size":              humanSize,
		"lower":             strings.ToLower,
		"head":              w.head,
		"foot":              w.foot,
		// searchnames names the categories and statuses for site.js.
		"searchnames": func() string {
			m := map[string]string{}
			for _, c := range model.CategoryEnum.Codes {
				m["category:"+c] = enum(model.CategoryEnum)(c)
			}
			for _, c := range model.ProviderStatusEnum.Codes {
				m["status:"+c] = enum(model.ProviderStatusEnum)(c)
			}
			b, _ := json.Marshal(m)
			return string(b)
		},
		"providerrows":   func(home string, rows []*prov) template.HTML { return w.providerRows(lang, home, rows) },
		"commitmentrows": func(home string, rows []*CommitmentRow) template.HTML { return w.commitmentRows(lang, home, rows) },
		"dimrows":        func(p *prov) template.HTML { return w.dimRows(lang, p) },
		"promiserows":    func(p *prov) template.HTML { return w.promiseRows(lang, p) },
		"salerows":       func(p *prov) template.HTML { return w.saleRows(lang, p) },
		"facetnav":       w.facetNav,
		"pagernav":       w.pagerNav,
		"dict":           dict,
		"pct2":           pct2,
		"nv":             func(n *model.Notice) *noticeView { return w.nv[n.ID] },
		"vappeals":       func(v model.Violation) []appealView { return w.violationAppeals(&v) },
		"reasons":        func(p *prov) []reasonLine { return w.reasons(lang, p) },
		"scoresum":       func(p *prov) string { return w.scoreSum(lang, p) },
		// measureabout explains a measure; for a provider whose status
		// already takes every service off sale, the words without what the
		// measure alone would leave on sale, where the book has them.
		"measureabout": func(m model.Measure, status ...model.ProviderStatus) string {
			id := string(m)
			if len(status) == 1 && status[0] != model.StatusActive {
				if _, ok := w.ui["measure_about_"+id+"_off_sale"]; ok {
					return w.ui.get(lang, "measure_about_"+id+"_off_sale")
				}
			}
			return w.ui.get(lang, "measure_about_"+id)
		},
		// inforceuntil says how long a measure in force lasts: "至 2025-07-15".
		"inforceuntil": func(d model.Date) string {
			if d == model.NoDate {
				return w.ui.get(lang, "until_permanent")
			}
			return fmt.Sprintf(w.ui.get(lang, "until_date"), d)
		},
		"untilday": func(d model.Date) string { return w.untilDay(lang, d) },
		// day formats a date that may be missing.
		"day": func(d model.Date) string {
			if d == model.NoDate {
				return w.ui.get(lang, "appeal_undated")
			}
			return d.String()
		},
		// subject names an appeal's subject kind inside a sentence.
		"subject": func(kind model.SubjectKind) string {
			if en {
				return strings.ToLower(kind.En())
			}
			return kind.Zh()
		},
	}
}

// pct formats x of n as a percentage with one decimal, or "—" when n is 0.
func pct(x, n int64) string {
	if n == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(x)/float64(n), 'f', 1, 64) + "%"
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
