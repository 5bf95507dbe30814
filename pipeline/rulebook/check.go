package rulebook

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/disclose-project/disclose/pipeline/model"
)

// Kinds of rule: what the evaluator does with a rule of the kind, and so
// which parameters, levels and texts each of its versions must have.
const (
	KindRate         = "rate"         // an on-time rate over the rates window, with levels below thresholds
	KindReachability = "reachability" // runs of unanswered test calls, each a violation
	KindComplaints   = "complaints"   // upheld complaints, each a violation, points by category
	KindPoints       = "points"       // the points ladder over the points window
	KindInactivity   = "inactivity"   // no shop sales or no orders over a window
	KindStaff        = "staff"        // applied by staff through decisions
)

// kind is what a rule of one kind must have.
type kind struct {
	params map[string]string // the parameters its versions must have, with their units
	keyed  *model.Enum       // its versions have one parameter per code of this enum, in order, named by the code
	// levels: "below" (each level names a rate: the measure applies
	// below it; mildest first, so the rates fall), "at_least" (each level
	// names a number of points: the measure applies from it on; the
	// points rise), "one" (one level, with no parameter), or "" (none).
	levels string
	unit   string              // the unit of the parameters levels name
	texts  map[string][]string // the texts its versions must have, with the arguments the evaluator gives each
	uses   []string            // the book's own parameters it reads (its page shows them too)
}

var kinds = map[string]kind{
	KindRate: {levels: "below", unit: UnitRate, uses: []string{"rates_days", "min_items"},
		texts: map[string][]string{TextFacts: {"window_from", "window_to", "items", "on_time", "rate", "threshold", "measure"}}},
	KindReachability: {params: map[string]string{"run_calls": "calls", "run_hours": "hours", "points": "points", "deduction": UnitCNY},
		uses: []string{"points_days"}, texts: map[string][]string{TextViolation: {"due"}}},
	KindComplaints: {keyed: model.ComplaintCategoryEnum, unit: "points", uses: []string{"points_days"},
		texts: map[string][]string{TextViolation: {"complaint", "category", "due"}}},
	KindPoints: {levels: "at_least", unit: "points", uses: []string{"points_days"},
		texts: map[string][]string{TextFacts: {"window_from", "window_to", "points", "level", "measure"}}},
	KindInactivity: {params: map[string]string{"category": UnitCategory, "joined_days": "days", "window_days": "days"}, levels: "one",
		texts: map[string][]string{TextFacts: {"window_from", "window_to", "gmv", "orders", "no_gmv", "no_orders", "both", "measure"}}},
	KindStaff: {},
}

// bookTexts are the book's own texts, with the arguments each is given.
var bookTexts = map[string][]string{
	TextDecision: {"decision", "date", "rule", "measure", "points", "deduction", "facts"},
	TextRescind:  {"subject", "subject_id"},
}

// ownParams are the book's own parameters and the rating's, with their
// units.
var ownParams = map[string]string{"rates_days": "days", "points_days": "days", "min_items": "items", "appeal_days": "days"}
var ratingParams = map[string]string{"max_points": "points", "min_rated_items": "items"}

// Uses lists the book's own parameters a rule of kind k reads.
func Uses(k string) []string { return kinds[k].uses }

// KindArgs lists the arguments the evaluator gives text name of a rule of
// kind k.
func KindArgs(k, name string) []string { return kinds[k].texts[name] }

func (b *Book) check() error {
	if b.Version == "" {
		return fmt.Errorf("version is empty")
	}
	if _, err := model.ParseDate(b.EffectiveFrom); err != nil {
		return fmt.Errorf("effective_from: %w", err)
	}
	if len(b.History) == 0 || b.History[len(b.History)-1].Version != b.Version || b.History[len(b.History)-1].EffectiveFrom != b.EffectiveFrom {
		return fmt.Errorf("history: the last entry must be version %s, effective from %s", b.Version, b.EffectiveFrom)
	}
	for _, n := range b.History {
		if _, err := model.ParseDate(n.EffectiveFrom); err != nil || n.Zh == "" || n.En == "" {
			return fmt.Errorf("history: version %q: want a date and what changed in zh and en", n.Version)
		}
	}
	for u, w := range b.Units {
		if w.Zh == "" || w.En == "" || u == UnitRate || u == UnitNumber || u == UnitCategory {
			return fmt.Errorf("units: %s: want its word in zh and en (rate, number and category take none)", u)
		}
	}
	if err := b.checkOwn(b.Params, ownParams, "params"); err != nil {
		return err
	}
	if err := b.checkOwn(b.Rating.Params, ratingParams, "rating: params"); err != nil {
		return err
	}
	b.Windows.RatesDays, b.Windows.PointsDays = int(b.Param("rates_days").Int()), int(b.Param("points_days").Int())
	b.MinItems, b.AppealDays = b.Param("min_items").Int(), int(b.Param("appeal_days").Int())
	b.Rating.MaxPointsDeducted, b.Rating.MinRatedItems = b.Param("max_points").Int(), b.Param("min_rated_items").Int()
	if b.Windows.RatesDays < 1 || b.Windows.PointsDays < 1 || b.MinItems < 1 || b.AppealDays < 1 {
		return fmt.Errorf("params: rates_days, points_days, min_items and appeal_days must be at least 1")
	}
	for _, k := range model.CommitmentKindEnum.Codes {
		f := b.Floor(k)
		if f == nil {
			return fmt.Errorf("floors: no floor for %s", k)
		}
		if f.Target <= 0 || (f.Stricter != "lower" && f.Stricter != "higher") {
			return fmt.Errorf("floors: %s: target must be positive and stricter lower or higher", k)
		}
		if _, ok := b.Units[f.Unit]; !ok {
			return fmt.Errorf("floors: %s: unit %q is not in units", k, f.Unit)
		}
	}
	if len(b.Floors) != len(model.CommitmentKindEnum.Codes) {
		return fmt.Errorf("floors: want one per commitment kind")
	}
	if err := b.checkMeasures(); err != nil {
		return err
	}
	if err := b.checkRules(); err != nil {
		return err
	}
	for name, args := range bookTexts {
		if err := b.checkText(b.Texts[name], "texts."+name, nil, args); err != nil {
			return err
		}
	}
	if len(b.Texts) != len(bookTexts) {
		return fmt.Errorf("texts: want exactly %s and %s", TextDecision, TextRescind)
	}
	return b.checkRating()
}

// checkOwn checks a list of the book's own parameters: each of want, with
// its unit and its meaning, once.
func (b *Book) checkOwn(ps []Param, want map[string]string, where string) error {
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		unit, ok := want[p.Name]
		switch {
		case !ok:
			return fmt.Errorf("%s: %s: no such parameter (want %s)", where, p.Name, names(want))
		case seen[p.Name]:
			return fmt.Errorf("%s: %s appears twice", where, p.Name)
		case p.Unit != unit:
			return fmt.Errorf("%s: %s: unit %q, want %q", where, p.Name, p.Unit, unit)
		case p.Zh == "" || p.En == "":
			return fmt.Errorf("%s: %s: its meaning in zh and en is required", where, p.Name)
		}
		seen[p.Name] = true
		if err := p.parse(b.Units); err != nil {
			return fmt.Errorf("%s: %s: %w", where, p.Name, err)
		}
	}
	if len(seen) != len(want) {
		return fmt.Errorf("%s: want %s", where, names(want))
	}
	return nil
}

func names(m map[string]string) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return fmt.Sprint(ks)
}

func (b *Book) checkMeasures() error {
	for i, code := range model.MeasureEnum.Codes {
		if i >= len(b.Measures) || string(b.Measures[i].ID) != code {
			return fmt.Errorf("measures: want %v in that order", model.MeasureEnum.Codes)
		}
		m := b.Measures[i]
		n := 0
		if m.PeriodDays > 0 {
			n++
		}
		if m.OneOff {
			n++
		}
		if m.Permanent {
			n++
		}
		if n != 1 {
			return fmt.Errorf("measures: %s: want exactly one of period_days, one_off, permanent", m.ID)
		}
	}
	if len(b.Measures) != len(model.MeasureEnum.Codes) {
		return fmt.Errorf("measures: want %v in that order", model.MeasureEnum.Codes)
	}
	return nil
}

func (b *Book) checkRules() error {
	seen := map[string]bool{}
	staff := 0
	for i := range b.Rules {
		r := &b.Rules[i]
		k, ok := kinds[r.Kind]
		switch {
		case r.ID == "" || !IsName(r.ID) || r.Zh.Name == "" || r.En.Name == "" || r.Zh.Summary == "" || r.En.Summary == "":
			return fmt.Errorf("rule %q: an id (lower case, digits, - and _) and a name and a summary in zh and en are required", r.ID)
		case seen[r.ID]:
			return fmt.Errorf("rule %s appears twice", r.ID)
		case !ok:
			return fmt.Errorf("rule %s: unknown kind %q", r.ID, r.Kind)
		case len(r.Versions) == 0:
			return fmt.Errorf("rule %s: no versions", r.ID)
		}
		seen[r.ID] = true
		if r.Staff() {
			staff++
		}
		versions := map[string]bool{}
		for j := range r.Versions {
			v := &r.Versions[j]
			at := fmt.Sprintf("rule %s version %q", r.ID, v.Version)
			d, err := model.ParseDate(v.EffectiveFrom)
			switch {
			case v.Version == "" || versions[v.Version]:
				return fmt.Errorf("%s: a version needs a name of its own", at)
			case err != nil:
				return fmt.Errorf("%s: effective_from: %w", at, err)
			case j > 0 && d <= r.Versions[j-1].From:
				return fmt.Errorf("%s: effective_from %s is not after the version before", at, v.EffectiveFrom)
			case v.Changes.Zh == "" || v.Changes.En == "":
				return fmt.Errorf("%s: what changed (changes) is required in zh and en", at)
			}
			versions[v.Version] = true
			v.From = d
			if err := b.checkVersion(r, v, k, at); err != nil {
				return err
			}
		}
		// A summary may name the parameters every version has.
		for _, lang := range []string{"zh", "en"} {
			s := r.Zh.Summary
			if lang == "en" {
				s = r.En.Summary
			}
			ps, err := Placeholders(s)
			if err != nil {
				return fmt.Errorf("rule %s: summary: %w", r.ID, err)
			}
			for _, p := range ps {
				for _, v := range r.Versions {
					if v.Param(p) == nil && b.ownParam(p) == nil {
						return fmt.Errorf("rule %s: summary: {%s} is not a parameter of version %s", r.ID, p, v.Version)
					}
				}
			}
		}
	}
	if staff == 0 {
		return fmt.Errorf("rules: no rule of kind staff (a rule staff apply by decision)")
	}
	return nil
}

// checkVersion checks one version of a rule against its kind.
func (b *Book) checkVersion(r *Rule, v *Version, k kind, at string) error {
	levelParam := map[string]bool{}
	for _, l := range v.Levels {
		if l.Param != "" {
			levelParam[l.Param] = true
		}
	}
	seen := map[string]bool{}
	for i := range v.Params {
		p := &v.Params[i]
		p.Rule = r.ID
		want, required := k.params[p.Name]
		switch {
		case !IsName(p.Name) || seen[p.Name]:
			return fmt.Errorf("%s: parameter %q: want a name of its own", at, p.Name)
		case b.ownParam(p.Name) != nil || slices.Contains(allArgs(k), p.Name):
			return fmt.Errorf("%s: parameter %s: the name is the book's or an argument's", at, p.Name)
		case required:
			if p.Unit != want {
				return fmt.Errorf("%s: parameter %s: unit %q, want %q", at, p.Name, p.Unit, want)
			}
			if p.Zh == "" || p.En == "" {
				return fmt.Errorf("%s: parameter %s: its meaning in zh and en is required", at, p.Name)
			}
		case levelParam[p.Name]:
			if p.Unit != k.unit {
				return fmt.Errorf("%s: parameter %s: unit %q, want %q", at, p.Name, p.Unit, k.unit)
			}
		case k.keyed != nil:
			if i >= len(k.keyed.Codes) || p.Name != k.keyed.Codes[i] || p.Unit != k.unit {
				return fmt.Errorf("%s: parameter %s: want one parameter in %s per code, in order: %v", at, p.Name, k.unit, k.keyed.Codes)
			}
		default:
			return fmt.Errorf("%s: parameter %s: a rule of kind %s reads no such parameter", at, p.Name, r.Kind)
		}
		seen[p.Name] = true
		if err := p.parse(b.Units); err != nil {
			return fmt.Errorf("%s: parameter %s: %w", at, p.Name, err)
		}
	}
	for name := range k.params {
		if !seen[name] {
			return fmt.Errorf("%s: parameter %s is missing", at, name)
		}
	}
	if k.keyed != nil && len(v.Params) != len(k.keyed.Codes) {
		return fmt.Errorf("%s: want one parameter per code: %v", at, k.keyed.Codes)
	}
	if err := b.checkLevels(v, k, at); err != nil {
		return err
	}
	for name, args := range k.texts {
		if err := b.checkText(v.Texts[name], at+": texts."+name, v, args); err != nil {
			return err
		}
	}
	if len(v.Texts) != len(k.texts) {
		return fmt.Errorf("%s: texts: a rule of kind %s has exactly %v", at, r.Kind, keys(k.texts))
	}
	return nil
}

func keys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func allArgs(k kind) []string {
	var out []string
	for _, a := range k.texts {
		out = append(out, a...)
	}
	return out
}

func (b *Book) checkLevels(v *Version, k kind, at string) error {
	switch {
	case k.levels == "" && len(v.Levels) > 0:
		return fmt.Errorf("%s: levels: a rule of this kind has none", at)
	case k.levels != "" && len(v.Levels) == 0:
		return fmt.Errorf("%s: levels: at least one is required", at)
	case k.levels == "one" && len(v.Levels) != 1:
		return fmt.Errorf("%s: levels: want exactly one", at)
	}
	measures := map[model.Measure]bool{}
	for i := range v.Levels {
		l := &v.Levels[i]
		if b.Measure(l.Measure) == nil || measures[l.Measure] {
			return fmt.Errorf("%s: levels: measure %q: want a measure of the book, once", at, l.Measure)
		}
		measures[l.Measure] = true
		if k.levels == "one" {
			if l.Param != "" {
				return fmt.Errorf("%s: levels: %s: a single level names no parameter", at, l.Measure)
			}
			continue
		}
		p := v.Param(l.Param)
		if p == nil {
			return fmt.Errorf("%s: levels: %s: no parameter %q", at, l.Measure, l.Param)
		}
		l.Value = p.Float()
		if i == 0 {
			continue
		}
		prev := v.Levels[i-1].Value
		if k.levels == "below" && l.Value > prev {
			return fmt.Errorf("%s: levels: %s below %s: a more severe level needs a lower rate than %s's %s", at, l.Measure, Percent(l.Value), v.Levels[i-1].Measure, Percent(prev))
		}
		if k.levels == "at_least" && (l.Value <= prev || l.Value <= 0) {
			return fmt.Errorf("%s: levels: %s at %v points: the ladder must rise", at, l.Measure, l.Value)
		}
	}
	if k.levels == "at_least" && v.Levels[0].Value <= 0 {
		return fmt.Errorf("%s: levels: the ladder must start above 0 points", at)
	}
	return nil
}

// checkText checks that a text is there in both languages and that each
// of its placeholders is one of args or a parameter it can see (of v, or
// the book's own).
func (b *Book) checkText(t Bilingual, at string, v *Version, args []string) error {
	for _, lang := range []string{"zh", "en"} {
		s := t.Pick(lang)
		if s == "" {
			return fmt.Errorf("%s: the text in %s is missing", at, lang)
		}
		ps, err := Placeholders(s)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", at, lang, err)
		}
		for _, p := range ps {
			if !slices.Contains(args, p) && (v == nil || v.Param(p) == nil) && b.ownParam(p) == nil {
				return fmt.Errorf("%s.%s: {%s} is neither an argument (%v) nor a parameter", at, lang, p, args)
			}
		}
	}
	return nil
}

// ownParam returns a parameter that is not a rule's, by its name in
// Params, or nil.
func (b *Book) ownParam(name string) *Param {
	if p := b.Param(name); p != nil {
		return p
	}
	for _, p := range b.ownDerived() {
		if p.Name == name {
			return &p
		}
	}
	return nil
}

func (b *Book) checkRating() error {
	ra := &b.Rating
	sum := new(big.Rat)
	ids := map[string]bool{}
	for i := range ra.Dimensions {
		d := &ra.Dimensions[i]
		w, ok := new(big.Rat).SetString(d.Weight.String())
		if !ok || w.Sign() < 0 || d.Prior < 0 || (d.Factor != nil && *d.Factor < 0) || d.Zh == "" || d.En == "" {
			return fmt.Errorf("rating: dimension %s: bad weight, prior or factor, or no name in zh and en", d.ID)
		}
		d.WeightRat = w
		sum.Add(sum, w)
		ids[d.ID] = true
	}
	for _, id := range model.DimensionIDs() {
		if !ids[id] {
			return fmt.Errorf("rating: dimension %s missing", id)
		}
	}
	if len(ra.Dimensions) != len(model.DimensionIDs()) {
		return fmt.Errorf("rating: want dimensions %v", model.DimensionIDs())
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		return fmt.Errorf("rating: weights add up to %s, want 1", sum.FloatString(4))
	}
	if len(ra.Grades) == 0 || ra.Grades[len(ra.Grades)-1].MinScore != 0 {
		return fmt.Errorf("rating: grades must end with a band at 0")
	}
	for i := 1; i < len(ra.Grades); i++ {
		if ra.Grades[i].MinScore >= ra.Grades[i-1].MinScore {
			return fmt.Errorf("rating: grade bands must fall")
		}
	}
	return nil
}

// Keyed reports whether a rule of kind k has one parameter per code of an
// enum (a complaint category's points), shown as a table.
func Keyed(k string) bool { return kinds[k].keyed != nil }
