package site

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// A provider's page leads with the reasons for its grade in plain words,
// the largest first: the violation points deducted, then each dimension by
// the points of the score it costs (100 × weight × (1 − value)). The table
// of dimensions follows for whoever wants the arithmetic.

// reasonLine is one reason: what happened, and what it cost.
type reasonLine struct {
	Text string
	Cost string // "−6.0 分" / "−6.0 points"
	lost float64
}

// minCost is the smallest cost worth a reason: what rounds to 0.0 points
// of a score shown with one decimal is no reason.
const minCost = 0.05

func (w *world) reasons(lang string, p *prov) []reasonLine {
	t := func(k string) string { return w.ui.get(lang, k) }
	r, f := p.R, p.F
	var out []reasonLine
	cost := func(lost float64) string { return fmt.Sprintf(t("reason_cost"), strconv.FormatFloat(lost, 'f', 1, 64)) }
	if r.PointsDeducted > 0 {
		var parts []string
		var nComplaints, nIncidents, nDecisions, ptsComplaints, ptsIncidents, ptsDecisions int64
		for _, v := range f.Violations {
			switch {
			case w.in.Book.KindOf(v.RuleID) == rulebook.KindComplaints:
				nComplaints, ptsComplaints = nComplaints+1, ptsComplaints+v.Points
			case w.in.Book.KindOf(v.RuleID) == rulebook.KindReachability:
				nIncidents, ptsIncidents = nIncidents+1, ptsIncidents+v.Points
			case v.Points > 0:
				nDecisions, ptsDecisions = nDecisions+1, ptsDecisions+v.Points
			}
		}
		type part struct {
			key    string
			n, pts int64
		}
		ps := []part{{"reason_complaints_n", nComplaints, ptsComplaints}, {"reason_incidents_n", nIncidents, ptsIncidents}, {"reason_decisions_n", nDecisions, ptsDecisions}}
		slices.SortStableFunc(ps, func(a, b part) int { return cmp.Compare(b.pts, a.pts) })
		for _, x := range ps {
			if x.n > 0 {
				parts = append(parts, fmt.Sprintf(t("reason_part"), fmt.Sprintf(w.plural(lang, x.key, x.n), x.n), fmt.Sprintf(w.plural(lang, "points_n", x.pts), x.pts)))
			}
		}
		list := strings.Join(parts, t("list_sep"))
		text := fmt.Sprintf(t("reason_points"), r.PointsDeducted, list)
		if f.Points365 > r.PointsDeducted {
			text = fmt.Sprintf(t("reason_points_capped"), r.PointsDeducted, f.Points365, list)
		}
		out = append(out, reasonLine{Text: text, Cost: cost(float64(r.PointsDeducted)), lost: float64(r.PointsDeducted)})
	}
	for _, d := range r.Dimensions {
		lost := 100*d.Weight - d.Contribution
		if lost < minCost {
			continue
		}
		var text string
		switch {
		case d.ID == model.DimComplaints:
			text = fmt.Sprintf(t("reason_complaints"), pct2(d.X, d.N), d.X, d.N, pctf(d.Smoothed))
		case d.N == 0:
			text = fmt.Sprintf(t("reason_no_items"), w.dimName(lang, d.ID), pctf(d.Platform))
		default:
			text = fmt.Sprintf(t("reason_"+d.ID), pct(d.X, d.N), d.X, d.N)
			if kind := dimKind[d.ID]; kind != "" {
				text += t("reason_then") + w.promise(lang, p, kind)
			}
			// The cost is that of the smoothed value: say it where it
			// differs from the rate shown ("100.0%, yet −0.5").
			if pctf(d.Smoothed) != pct(d.X, d.N) {
				text += fmt.Sprintf(t("reason_smoothed"), pctf(d.Smoothed))
			}
		}
		out = append(out, reasonLine{Text: text, Cost: cost(lost), lost: lost})
	}
	slices.SortStableFunc(out, func(a, b reasonLine) int { return cmp.Compare(b.lost, a.lost) })
	return out
}

// scoreSum says in one sentence how the score comes from 100: what the
// dimensions lose and what the violation points take. The dimensions' loss
// is worked out from the score shown, so that the sentence adds up to the
// tenth.
func (w *world) scoreSum(lang string, p *prov) string {
	r := p.R
	if r.Weighted-float64(r.PointsDeducted) < 0 {
		return fmt.Sprintf(w.ui.get(lang, "reason_sum_floor"), strconv.FormatFloat(100-r.Weighted, 'f', 1, 64), r.PointsDeducted, r.ScoreText())
	}
	return fmt.Sprintf(w.ui.get(lang, "reason_sum"), model.Tenths(1000-10*r.PointsDeducted-r.ScoreTenths), r.PointsDeducted, r.ScoreText())
}

// dimKind is the commitment kind a rating dimension judges against.
var dimKind = map[string]string{model.DimDelivery: model.KindDelivery, model.DimFirstResponse: model.KindFirstResponse,
	model.DimResolution: model.KindResolution}

// promise says what the provider's items of one kind were judged against:
// its own promises (those items were judged against), or the platform floor.
func (w *world) promise(lang string, p *prov, kind string) string {
	var targets []float64
	for _, c := range p.Commitments {
		if c.Kind == kind && p.F.Commitments[c.ID].Judged > 0 {
			targets = append(targets, c.Target)
		}
	}
	slices.Sort(targets)
	targets = slices.Compact(targets)
	t := func(k string) string { return w.ui.get(lang, k) }
	switch {
	case len(targets) == 1:
		return fmt.Sprintf(t("reason_promise"), w.target(lang, kind, targets[0]))
	case len(targets) > 1:
		return fmt.Sprintf(t("reason_promises"), w.target(lang, kind, targets[0]), w.target(lang, kind, targets[len(targets)-1]))
	}
	return fmt.Sprintf(t("reason_floor"), w.target(lang, kind, w.in.Book.Floor(kind).Target))
}

// target formats a commitment's target with its unit: "5天", "5 days".
func (w *world) target(lang, kind string, v float64) string {
	n := strconv.FormatFloat(v, 'f', -1, 64)
	if f := w.in.Book.Floor(kind); f != nil {
		return w.in.Book.WithUnit(n, f.Unit, lang)
	}
	return n
}

func (w *world) dimName(lang, id string) string {
	if d := w.in.Book.Dimension(id); d != nil {
		if lang == "en" {
			return d.En
		}
		return d.Zh
	}
	return id
}

// plural picks key+"_one" for one thing when the language has it.
func (w *world) plural(lang, key string, n int64) string {
	if _, ok := w.ui[key+"_one"]; ok && n == 1 {
		return w.ui.get(lang, key+"_one")
	}
	return w.ui.get(lang, key)
}

// pct2 formats x of n as a percentage with two decimals (a complaint rate
// is small), or "—" when n is 0.
func pct2(x, n int64) string {
	if n == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(x)/float64(n), 'f', 2, 64) + "%"
}

func pctf(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }
