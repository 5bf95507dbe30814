package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// params are the rule book's parameters and the build's facts, by the
// names the Markdown pages use as {{name}}.
func params(in *Input) map[string]string {
	b := in.Book
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }
	p := map[string]string{
		"as_of": in.AsOf.String(), "rulebook_version": b.Version, "timezone": in.Zone.String(),
		"rates_days": strconv.Itoa(b.Windows.RatesDays), "points_days": strconv.Itoa(b.Windows.PointsDays),
		"min_items": strconv.FormatInt(b.MinItems, 10), "appeal_days": strconv.Itoa(b.AppealDays),
		"complaint_factor": strconv.FormatInt(b.Rating.ComplaintFactor, 10),
		"max_points":       strconv.FormatInt(b.Rating.MaxPointsDeducted, 10),
		"min_rated_items":  strconv.FormatInt(b.Rating.MinRatedItems, 10),
		"delivery_warning": pct(b.Delivery.WarningBelow), "first_response_warning": pct(b.FirstResponse.WarningBelow),
		"resolution_warning": pct(b.Resolution.WarningBelow),
		"run_calls":          strconv.Itoa(b.Reachability.RunCalls), "run_hours": strconv.Itoa(b.Reachability.RunHours),
		"reachability_points":    strconv.FormatInt(b.Reachability.Points, 10),
		"reachability_deduction": b.Reachability.DeductionFen.String(),
		"inactivity_joined_days": strconv.Itoa(b.Inactivity.JoinedDays),
		"inactivity_window_days": strconv.Itoa(b.Inactivity.WindowDays),
	}
	if b.Delivery.DemotionBelow != nil {
		p["delivery_demotion"] = pct(*b.Delivery.DemotionBelow)
	}
	// Each measure with a period: "demotion_days", "hidden_days", …
	for _, m := range b.Measures {
		if m.PeriodDays > 0 {
			p[m.ID+"_days"] = strconv.Itoa(m.PeriodDays)
		}
	}
	for _, f := range b.Floors {
		p["floor_"+f.Kind] = strconv.FormatFloat(f.Target, 'f', -1, 64)
	}
	var zh, en strings.Builder
	for _, c := range model.ComplaintCategoryEnum.Codes {
		fmt.Fprintf(&zh, "| %s | %d |\n", model.ComplaintCategoryEnum.Label(c), b.Complaints.Points[c])
		fmt.Fprintf(&en, "| %s | %d |\n", model.ComplaintCategoryEnum.LabelEn(c), b.Complaints.Points[c])
	}
	p["complaint_points_zh"] = strings.TrimSuffix(zh.String(), "\n")
	p["complaint_points_en"] = strings.TrimSuffix(en.String(), "\n")
	return p
}

// fill returns the strings with every {name} replaced by the parameter
// of that name, so that no number of the rule book is typed into
// content/ui.json. Values supplied at render time use fmt verbs (%d, %s,
// %[2]s); a {name} that is not a parameter is an error.
func (u ui) fill(params map[string]string) (ui, error) {
	out := make(ui, len(u))
	for key, v := range u {
		for i, s := range v {
			f, err := fillString(s, params)
			if err != nil {
				return nil, fmt.Errorf("site: content/ui.json: %s: %w", key, err)
			}
			v[i] = f
		}
		out[key] = v
	}
	return out, nil
}

// fillString replaces the {name} placeholders of one string.
func fillString(s string, params map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 || !isParamName(s[i+1:i+j]) {
			return "", fmt.Errorf("%q: a brace that is not a {parameter}", s)
		}
		v, ok := params[s[i+1:i+j]]
		if !ok {
			return "", fmt.Errorf("unknown parameter {%s}", s[i+1:i+j])
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

func isParamName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}
