package site

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// prov is one provider with everything its page shows.
type prov struct {
	F           *model.Facts
	R           *model.Rating
	Slug        string
	Notices     []*model.Notice // newest first
	Commitments []*model.Commitment
	Services    []*model.Service
	History     []ledger.Score       // oldest first
	Measures    []model.Measure      // measures in force at as-of (ledger.Measures)
	Status      model.ProviderStatus // the published status: active, suspended or cleared
	InForce     []inForce            // each of Measures with the notice that keeps it in force longest
	Suspension  *inForce             // the suspension in force, if any
	Clearance   *inForce             // the clearance in force, if any
	OffSale     *inForce             // the most severe measure in force that takes the services off sale, if any
	Sales       []sale               // each of Services: on sale or why not
	// Departed is set for a provider with notices that tonight's export
	// lacks: its page shows its record, named as its latest notice names it.
	Departed bool
}

// rateRow is one line of the on-time figures: items due and on time.
type rateRow struct {
	Key                         string // category code, or "" for the platform
	Delivery, Response, Resolve [2]int64
}

// world is the language-independent view of the site.
type world struct {
	in        *Input
	opt       Options
	ui        ui
	tmpl      map[string]*template.Template
	md        goldmark.Markdown
	params    map[string]map[string]string // by language
	providers []*prov
	byID      map[string]*prov
	services  map[string]*model.Service
	notices   []*model.Notice // newest first
	grades    []gradeCount
	rates     []rateRow // the platform first, then each category
	month     int       // new notices issued in the as-of month
	renewed   int       // renewals issued in the as-of month
	departed  []*prov   // providers with notices that tonight's export lacks
	inForce   int
	appeals   map[string][]appealView // by subject: "complaint:Q1"
	nv        map[string]*noticeView  // by notice id
	statuses  map[string]int          // providers by published status
}

type gradeCount struct {
	Grade string
	N     int
}

func newWorld(in *Input, opt Options) (*world, error) {
	u, err := loadUI(in.content())
	if err != nil {
		return nil, err
	}
	w := &world{in: in, opt: opt, byID: map[string]*prov{},
		md: goldmark.New(goldmark.WithExtensions(extension.Table))}
	ratings := map[string]*model.Rating{}
	for i := range in.Ratings {
		ratings[in.Ratings[i].ProviderID] = &in.Ratings[i]
	}
	for _, f := range in.Facts {
		p := &prov{F: f, R: ratings[f.Provider.ID], Slug: Slug(f.Provider.ID)}
		if p.R == nil {
			p.R = &model.Rating{ProviderID: f.Provider.ID, Grade: model.Unrated}
		}
		w.providers = append(w.providers, p)
		w.byID[f.Provider.ID] = p
	}
	for _, d := range in.Departed {
		p := &prov{F: &model.Facts{Provider: &model.Provider{ID: d.ID, Name: d.Name, Category: d.Category}},
			R: &model.Rating{ProviderID: d.ID}, Slug: Slug(d.ID), Departed: true}
		w.departed = append(w.departed, p)
		w.byID[d.ID] = p
	}
	for i := range in.Notices {
		n := &in.Notices[i]
		w.notices = append(w.notices, n)
	}
	slices.SortStableFunc(w.notices, func(a, b *model.Notice) int {
		return cmp.Or(cmp.Compare(b.IssuedOn, a.IssuedOn), strings.Compare(b.ID, a.ID))
	})
	for _, n := range w.notices {
		if p := w.byID[n.ProviderID]; p != nil {
			p.Notices = append(p.Notices, n)
		}
		if n.Status == model.InForce {
			w.inForce++
		}
		if n.IssuedOn.String()[:7] == in.AsOf.String()[:7] {
			if n.Continues != "" {
				w.renewed++
			} else {
				w.month++
			}
		}
	}
	for i := range in.Commitments {
		c := &in.Commitments[i]
		if p := w.byID[c.ProviderID]; p != nil {
			p.Commitments = append(p.Commitments, c)
		}
	}
	w.services = make(map[string]*model.Service, len(in.Services))
	for i := range in.Services {
		s := &in.Services[i]
		w.services[s.ID] = s
		if p := w.byID[s.ProviderID]; p != nil {
			p.Services = append(p.Services, s)
		}
	}
	for _, s := range in.History {
		if p := w.byID[s.ProviderID]; p != nil {
			p.History = append(p.History, s)
		}
	}
	for _, p := range w.providers {
		slices.SortStableFunc(p.History, func(a, b ledger.Score) int { return cmp.Compare(a.AsOf, b.AsOf) })
		p.Measures = ledger.Measures(p.Notices, in.AsOf, in.Book)
		w.settleStatus(p)
	}
	w.settleAppeals()
	w.summarise()
	w.params = map[string]map[string]string{}
	for _, lang := range langs {
		w.params[lang] = params(in, lang)
		for i := range in.Book.Rules {
			if r := &in.Book.Rules[i]; rulebook.Keyed(r.Kind) {
				w.params[lang][r.ID+".table"] = w.keyedTable(lang, r)
			}
		}
	}
	if w.ui, err = u.fill(w.params); err != nil {
		return nil, err
	}
	w.tmpl = map[string]*template.Template{}
	for _, lang := range langs {
		t, err := parseTemplates(w.funcs(lang), func(key string) string { return w.ui.get(lang, key) })
		if err != nil {
			return nil, fmt.Errorf("site: templates: %w", err)
		}
		w.tmpl[lang] = t
	}
	return w, nil
}

func (w *world) summarise() {
	counts := map[string]int{}
	w.statuses = map[string]int{}
	for _, p := range w.providers {
		counts[p.R.Grade]++
		w.statuses[string(p.Status)]++
	}
	for _, g := range w.in.Book.Rating.Grades {
		w.grades = append(w.grades, gradeCount{g.Grade, counts[g.Grade]})
	}
	w.grades = append(w.grades, gradeCount{model.Unrated, counts[model.Unrated]}, gradeCount{model.Cleared, counts[model.Cleared]})
	byCat := map[string]*rateRow{}
	total := &rateRow{}
	for _, p := range w.providers {
		r := byCat[p.F.Provider.Category]
		if r == nil {
			r = &rateRow{Key: p.F.Provider.Category}
			byCat[r.Key] = r
		}
		for _, x := range []*rateRow{r, total} {
			x.Delivery[0] += p.F.DeliveryDue
			x.Delivery[1] += p.F.DeliveryOnTime
			x.Response[0] += p.F.ResponseDue
			x.Response[1] += p.F.ResponseOnTime
			x.Resolve[0] += p.F.ResolutionDue
			x.Resolve[1] += p.F.ResolutionOnTime
		}
	}
	w.rates = append(w.rates, *total)
	for _, c := range model.CategoryEnum.Codes {
		if r := byCat[c]; r != nil {
			w.rates = append(w.rates, *r)
		}
	}
}

// markdown renders content/<lang>/<name>.md with its {{parameters}}
// filled in (a rule's page, rules/<id>, also by the names its rule's
// parameters have in the rule book); a missing file gives "".
func (w *world) markdown(lang, name string) (template.HTML, error) {
	src, err := fs.ReadFile(w.in.content(), lang+"/"+name+".md")
	if err != nil {
		return "", nil
	}
	params := w.params[lang]
	if id, ok := strings.CutPrefix(name, "rules/"); ok {
		if r := w.in.Book.Rule(id); r != nil {
			params = w.ruleParams(lang, r)
		}
	}
	text := string(src)
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		key := strings.TrimSpace(text[i+2 : i+j])
		v, ok := params[key]
		if !ok {
			return "", fmt.Errorf("site: content/%s/%s.md: unknown parameter {{%s}}", lang, name, key)
		}
		text = text[:i] + v + text[i+j+2:]
	}
	var buf bytes.Buffer
	if err := w.md.Convert([]byte(text), &buf); err != nil {
		return "", fmt.Errorf("site: content/%s/%s.md: %w", lang, name, err)
	}
	return template.HTML(buf.String()), nil
}
