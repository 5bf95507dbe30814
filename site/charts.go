package site

import (
	"fmt"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// The charts are drawn at build time as inline SVG. Each is an image with
// a title and description for assistive technology, carries its numbers as
// text labels (colour is never the only carrier of meaning), and is
// followed in the templates by a table with the same figures. Every string
// from the data goes through html.EscapeString.

// The charts are drawn 440 units wide, so that at a phone's width their
// 13-unit text still reads at about 10 px.
const barH, gap, labelW, chartW = 22, 8, 120, 440

func esc(s string) string { return html.EscapeString(s) }

// bar is one labelled horizontal bar; Value in [0, Max].
type bar struct {
	Label string
	Value float64
	Text  string // the figure printed beside the bar
	Class string // CSS class giving its fill
}

// bars draws a horizontal bar chart.
func bars(id, title, desc string, max float64, bs []bar) template.HTML {
	var b strings.Builder
	h := len(bs)*(barH+gap) + gap
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet">`, id, id, chartW, h)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	plot := float64(chartW - labelW - 70)
	for i, br := range bs {
		y := gap + i*(barH+gap)
		wdt := 0.0
		if max > 0 {
			wdt = plot * br.Value / max
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">%s</text>`, labelW-6, y+barH-6, esc(br.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%d" class="%s"/>`, labelW, y, strconv.FormatFloat(wdt, 'f', 1, 64), barH, br.Class)
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="val">%s</text>`, strconv.FormatFloat(float64(labelW)+wdt+6, 'f', 1, 64), y+barH-6, esc(br.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (w *world) gradeChart(lang string) template.HTML {
	t := func(k string) string { return w.ui.get(lang, k) }
	max := 0
	for _, g := range w.grades {
		max = maxInt(max, g.N)
	}
	var bs []bar
	var desc []string
	for _, g := range w.grades {
		label := g.Grade
		switch g.Grade {
		case model.Unrated:
			label = t("unrated")
		case model.Cleared:
			label = t("cleared")
		}
		bs = append(bs, bar{Label: label, Value: float64(g.N), Text: strconv.Itoa(g.N), Class: "g-" + strings.ToLower(g.Grade)})
		desc = append(desc, fmt.Sprintf("%s: %d", label, g.N))
	}
	return bars("grades-"+lang, t("grade_chart"), strings.Join(desc, "; "), float64(max), bs)
}

// categoryChart draws the three on-time rates of each category as a group
// of bars under a legend; each bar also says which rate it is, so that
// colour never carries the meaning alone.
func (w *world) categoryChart(lang string) template.HTML {
	t := func(k string) string { return w.ui.get(lang, k) }
	rates := []struct{ which, key, class string }{
		{"delivery", "delivery", "b-delivery"}, {"response", "first_response", "b-response"}, {"resolution", "resolution", "b-resolution"},
	}
	const bh, bgap, ggap, legendH = 14, 3, 14, 30
	groupH := len(rates)*(bh+bgap) - bgap
	h := legendH + len(w.rates[1:])*(groupH+ggap) + ggap
	id := "cats-" + lang
	var b, desc strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet">`, id, id, chartW, h)
	for j, r := range rates { // the legend, in the order of the bars
		x := labelW + j*105
		fmt.Fprintf(&b, `<rect x="%d" y="8" width="14" height="14" class="%s"/><text x="%d" y="20" class="val">%s</text>`, x, r.class, x+20, esc(t(r.key)))
	}
	plot := float64(chartW - labelW - 120)
	for i, row := range w.rates[1:] {
		name := model.CategoryEnum.Label(row.Key)
		if lang == "en" {
			name = model.CategoryEnum.LabelEn(row.Key)
		}
		y := legendH + ggap + i*(groupH+ggap)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">%s</text>`, labelW-6, y+groupH/2+5, esc(name))
		var parts []string
		for j, r := range rates {
			v := row.pair(r.which)
			frac := 0.0
			if v[0] > 0 {
				frac = float64(v[1]) / float64(v[0])
			}
			by := y + j*(bh+bgap)
			wdt := plot * frac
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%d" class="%s"/>`, labelW, by, strconv.FormatFloat(wdt, 'f', 1, 64), bh, r.class)
			fmt.Fprintf(&b, `<text x="%s" y="%d" class="val small">%s %s</text>`, strconv.FormatFloat(float64(labelW)+wdt+4, 'f', 1, 64), by+bh-3, esc(t(r.key)), esc(row.Pct(r.which)))
			parts = append(parts, t(r.key)+" "+row.Pct(r.which))
		}
		if i > 0 {
			desc.WriteString("; ")
		}
		desc.WriteString(name + ": " + strings.Join(parts, t("list_sep")))
	}
	b.WriteString(`</svg>`)
	title := t("rates_by_category")
	return template.HTML(strings.Replace(b.String(), ">", fmt.Sprintf(`><title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc.String())), 1))
}

func (w *world) dimChart(lang string, p *prov) template.HTML {
	t := func(k string) string { return w.ui.get(lang, k) }
	var bs []bar
	var desc []string
	for _, d := range p.R.Dimensions {
		name := d.ID
		if dd := w.in.Book.Dimension(d.ID); dd != nil {
			name = dd.Zh
			if lang == "en" {
				name = dd.En
			}
		}
		text := strconv.FormatFloat(100*d.Smoothed, 'f', 1, 64) + "%"
		bs = append(bs, bar{Label: name, Value: d.Smoothed, Text: text, Class: "b-dim"})
		desc = append(desc, name+": "+text)
	}
	return bars("dims-"+lang+"-"+p.Slug, t("dimensions_chart"), strings.Join(desc, "; "), 1, bs)
}

// trendPoints are the builds of the ledger at which the provider's grade,
// score or status changed (the first build included): a night that
// changes nothing adds nothing, so the page stays as it was.
func trendPoints(p *prov) []ledger.Score {
	var out []ledger.Score
	for _, s := range p.History {
		if n := len(out); n > 0 {
			l := out[n-1]
			if l.Grade == s.Grade && l.Scored == s.Scored && l.ScoreTenths == s.ScoreTenths && l.Status == s.Status {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// trendChart draws the provider's scores at each change, or nothing when
// there are fewer than two scored changes.
func (w *world) trendChart(lang string, p *prov) template.HTML {
	t := func(k string) string { return w.ui.get(lang, k) }
	type pt struct {
		d model.Date
		s float64
	}
	var pts []pt
	for _, s := range trendPoints(p) {
		if s.Scored {
			pts = append(pts, pt{s.AsOf, float64(s.ScoreTenths) / 10})
		}
	}
	if len(pts) < 2 {
		return ""
	}
	const W, H, L, B = chartW, 200, 40, 30
	first, last := pts[0].d, pts[len(pts)-1].d
	span := float64(last - first)
	if span == 0 {
		span = 1
	}
	x := func(d model.Date) float64 { return L + (W-L-20)*float64(d-first)/span }
	y := func(s float64) float64 { return 10 + (H-B-10)*(100-s)/100 }
	var b strings.Builder
	id := "trend-" + lang + "-" + p.Slug
	var desc []string
	for _, q := range pts {
		desc = append(desc, fmt.Sprintf("%s: %.1f", q.d, q.s))
	}
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%">`, id, id, W, H)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(t("trend")), id, esc(strings.Join(desc, "; ")))
	for _, g := range []float64{0, 60, 80, 100} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="lbl">%.0f</text>`, L, W-20, y(g), y(g), L-4, y(g)+4, g)
	}
	var line []string
	for _, q := range pts {
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(q.d), y(q.s)))
	}
	fmt.Fprintf(&b, `<polyline points="%s" class="line"/>`, strings.Join(line, " "))
	for _, q := range pts {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" class="dot"/>`, x(q.d), y(q.s))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis">%s</text><text x="%d" y="%d" class="axis end">%s</text>`, L, H-8, first, W-20, H-8, last)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
