// Package rulebook decodes the rule book under content/rules/ into typed
// parameters. It is the only home of the numbers the evaluator enforces and
// the site publishes: rules and rating take a *Book as an argument and name
// its fields, never repeat its values.
package rulebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"slices"

	"github.com/disclose-project/disclose/pipeline/model"
)

// Path is where the rule book lives in the content tree.
const Path = "rules/rulebook.json"

// Text is a rule's wording in one language.
type Text struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// Rule identifies one rule: its id, its version and the date it applies from.
type Rule struct {
	ID            string `json:"id"`
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"`
	Zh            Text   `json:"zh"`
	En            Text   `json:"en"`
}

// Floor is the platform floor of one commitment kind: a promise may be
// stricter, never looser.
type Floor struct {
	Kind     string  `json:"kind"`
	Target   float64 `json:"target"`
	Stricter string  `json:"stricter"` // "lower" or "higher"
	Zh       string  `json:"zh"`
	En       string  `json:"en"`
	UnitZh   string  `json:"unit_zh"`
	UnitEn   string  `json:"unit_en"`
}

// Looser reports whether target is looser than the floor.
func (f *Floor) Looser(target float64) bool {
	if f.Stricter == "higher" {
		return target < f.Target
	}
	return target > f.Target
}

// Measure is an enforcement measure and how long it stays in force.
type Measure struct {
	ID         string `json:"id"`
	Zh         string `json:"zh"`
	En         string `json:"en"`
	PeriodDays int    `json:"period_days"`
	OneOff     bool   `json:"one_off"`
	Permanent  bool   `json:"permanent"`
}

// RateRule is a fulfilment rule judged on a W90 on-time rate.
type RateRule struct {
	Rule          Rule     `json:"rule"`
	WarningBelow  float64  `json:"warning_below"`
	DemotionBelow *float64 `json:"demotion_below"`
}

// Reachability is the unanswered-calls rule (客服失联).
type Reachability struct {
	Rule      Rule   `json:"rule"`
	RunCalls  int    `json:"run_calls"`
	RunHours  int    `json:"run_hours"`
	Points    int64  `json:"points"`
	Deduction string `json:"deduction"`
	// DeductionFen is Deduction in fen, set when the book is loaded.
	DeductionFen model.Fen `json:"-"`
}

// Complaints is the upheld-complaints rule with points by category.
type Complaints struct {
	Rule   Rule             `json:"rule"`
	Points map[string]int64 `json:"points"`
}

// Step is one level of the points ladder.
type Step struct {
	MinPoints int64  `json:"min_points"`
	Measure   string `json:"measure"`
}

// Points is the points ladder.
type Points struct {
	Rule   Rule   `json:"rule"`
	Ladder []Step `json:"ladder"`
}

// Inactivity is the inactivity clearance rule.
type Inactivity struct {
	Rule       Rule   `json:"rule"`
	Category   string `json:"category"`
	JoinedDays int    `json:"joined_days"`
	WindowDays int    `json:"window_days"`
	Measure    string `json:"measure"`
}

// Dimension is one dimension of the rating.
type Dimension struct {
	ID     string      `json:"id"`
	Letter string      `json:"letter"`
	Weight json.Number `json:"weight"`
	Prior  int64       `json:"prior"`
	Zh     string      `json:"zh"`
	En     string      `json:"en"`
	// WeightRat is Weight as an exact rational, set when the book is loaded.
	WeightRat *big.Rat `json:"-"`
}

// Grade is one grade band: a score at or above MinScore earns it.
type Grade struct {
	Grade    string  `json:"grade"`
	MinScore float64 `json:"min_score"`
}

// Rating holds the parameters of the W90 rating.
type Rating struct {
	Dimensions        []Dimension `json:"dimensions"`
	ComplaintFactor   int64       `json:"complaint_factor"`
	MaxPointsDeducted int64       `json:"max_points_deducted"`
	MinRatedItems     int64       `json:"min_rated_items"`
	Grades            []Grade     `json:"grades"`
}

// Book is the whole rule book.
type Book struct {
	Version         string `json:"version"`
	EffectiveFrom   string `json:"effective_from"`
	TimezoneDefault string `json:"timezone_default"`
	Windows         struct {
		RatesDays  int `json:"rates_days"`
		PointsDays int `json:"points_days"`
	} `json:"windows"`
	MinItems      int64        `json:"min_items"`
	AppealDays    int          `json:"appeal_days"`
	Floors        []Floor      `json:"floors"`
	Measures      []Measure    `json:"measures"`
	Delivery      RateRule     `json:"delivery"`
	FirstResponse RateRule     `json:"first_response"`
	Resolution    RateRule     `json:"resolution"`
	Reachability  Reachability `json:"reachability"`
	Complaints    Complaints   `json:"complaints"`
	Points        Points       `json:"points"`
	Inactivity    Inactivity   `json:"inactivity"`
	StaffRules    []Rule       `json:"staff_rules"`
	Rating        Rating       `json:"rating"`

	// Source is the rule book as read, byte for byte: the rulebook.json
	// download.
	Source []byte `json:"-"`
}

// Load reads and checks the rule book from a content tree.
func Load(fsys fs.FS) (*Book, error) {
	b, err := fs.ReadFile(fsys, Path)
	if err != nil {
		return nil, fmt.Errorf("rule book: %w", err)
	}
	return Parse(b)
}

// Parse decodes a rule book strictly (unknown fields are errors) and checks
// that it is consistent.
func Parse(data []byte) (*Book, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Book
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("rule book %s: %w", Path, err)
	}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("rule book %s: %w", Path, err)
	}
	b.Source = bytes.Clone(data)
	return &b, nil
}

func (b *Book) check() error {
	if b.Version == "" {
		return fmt.Errorf("version is empty")
	}
	if _, err := model.ParseDate(b.EffectiveFrom); err != nil {
		return fmt.Errorf("effective_from: %w", err)
	}
	if b.Windows.RatesDays < 1 || b.Windows.PointsDays < 1 {
		return fmt.Errorf("windows must be at least one day")
	}
	if b.MinItems < 1 || b.AppealDays < 1 {
		return fmt.Errorf("min_items and appeal_days must be positive")
	}
	for _, k := range model.CommitmentKindEnum.Codes {
		f := b.Floor(k)
		if f == nil {
			return fmt.Errorf("floors: no floor for %s", k)
		}
		if f.Target <= 0 || (f.Stricter != "lower" && f.Stricter != "higher") {
			return fmt.Errorf("floors: %s: target must be positive and stricter lower or higher", k)
		}
	}
	if len(b.Floors) != len(model.CommitmentKindEnum.Codes) {
		return fmt.Errorf("floors: want one per commitment kind")
	}
	for i, code := range model.MeasureEnum.Codes {
		if i >= len(b.Measures) || b.Measures[i].ID != code {
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
	seen := map[string]bool{}
	for _, r := range b.Rules() {
		if r.ID == "" || r.Version == "" || r.Zh.Name == "" || r.En.Name == "" {
			return fmt.Errorf("rule %q: id, version and names in zh and en are required", r.ID)
		}
		if _, err := model.ParseDate(r.EffectiveFrom); err != nil {
			return fmt.Errorf("rule %s: effective_from: %w", r.ID, err)
		}
		if seen[r.ID] {
			return fmt.Errorf("rule %s appears twice", r.ID)
		}
		seen[r.ID] = true
	}
	for _, rr := range []*RateRule{&b.Delivery, &b.FirstResponse, &b.Resolution} {
		if rr.WarningBelow <= 0 || rr.WarningBelow > 1 {
			return fmt.Errorf("rule %s: warning_below must be in (0, 1]", rr.Rule.ID)
		}
		if rr.DemotionBelow != nil && (*rr.DemotionBelow <= 0 || *rr.DemotionBelow > rr.WarningBelow) {
			return fmt.Errorf("rule %s: demotion_below must be in (0, warning_below]", rr.Rule.ID)
		}
	}
	r := &b.Reachability
	if r.RunCalls < 2 || r.RunHours < 1 || r.Points < 0 {
		return fmt.Errorf("rule reachability: run_calls ≥ 2, run_hours ≥ 1, points ≥ 0")
	}
	fen, err := model.ParseFen(r.Deduction)
	if err != nil || fen < 0 {
		return fmt.Errorf("rule reachability: deduction %q: want a non-negative amount", r.Deduction)
	}
	r.DeductionFen = fen
	for _, c := range model.ComplaintCategoryEnum.Codes {
		if p, ok := b.Complaints.Points[c]; !ok || p < 0 {
			return fmt.Errorf("rule complaints: points for %s missing or negative", c)
		}
	}
	if len(b.Complaints.Points) != len(model.ComplaintCategoryEnum.Codes) {
		return fmt.Errorf("rule complaints: points for an unknown category")
	}
	if len(b.Points.Ladder) == 0 {
		return fmt.Errorf("rule points: the ladder is empty")
	}
	for i, s := range b.Points.Ladder {
		if b.Measure(s.Measure) == nil {
			return fmt.Errorf("rule points: unknown measure %q", s.Measure)
		}
		if s.MinPoints <= 0 || (i > 0 && s.MinPoints <= b.Points.Ladder[i-1].MinPoints) {
			return fmt.Errorf("rule points: the ladder must rise")
		}
	}
	in := &b.Inactivity
	if _, ok := model.CategoryEnum.Lookup(in.Category); !ok || b.Measure(in.Measure) == nil || in.JoinedDays < 0 || in.WindowDays < 1 {
		return fmt.Errorf("rule inactivity: bad category, measure or days")
	}
	if len(b.StaffRules) == 0 {
		return fmt.Errorf("staff_rules is empty")
	}
	ra := &b.Rating
	sum := new(big.Rat)
	letters := map[string]bool{}
	for i := range ra.Dimensions {
		d := &ra.Dimensions[i]
		w, ok := new(big.Rat).SetString(d.Weight.String())
		if !ok || w.Sign() < 0 || d.Prior < 0 {
			return fmt.Errorf("rating: dimension %s: bad weight or prior", d.ID)
		}
		d.WeightRat = w
		sum.Add(sum, w)
		letters[d.ID] = true
	}
	for _, id := range DimensionIDs {
		if !letters[id] {
			return fmt.Errorf("rating: dimension %s missing", id)
		}
	}
	if len(ra.Dimensions) != len(DimensionIDs) {
		return fmt.Errorf("rating: want dimensions %v", DimensionIDs)
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
	if ra.ComplaintFactor < 0 || ra.MaxPointsDeducted < 0 || ra.MinRatedItems < 0 {
		return fmt.Errorf("rating: complaint_factor, max_points_deducted and min_rated_items must not be negative")
	}
	return nil
}

// DimensionIDs are the rating dimensions the evaluator computes, in order.
var DimensionIDs = []string{"delivery", "first_response", "resolution", "reachability", "complaints"}

// Rules returns every rule of the book: computed rules first, then the rules
// staff apply by decision.
func (b *Book) Rules() []Rule {
	rs := []Rule{b.Delivery.Rule, b.FirstResponse.Rule, b.Resolution.Rule,
		b.Reachability.Rule, b.Complaints.Rule, b.Points.Rule, b.Inactivity.Rule}
	return append(rs, b.StaffRules...)
}

// Rule returns the rule with the given id, or nil.
func (b *Book) Rule(id string) *Rule {
	for _, r := range b.Rules() {
		if r.ID == id {
			return &r
		}
	}
	return nil
}

// IsStaffRule reports whether staff may cite id in a decision.
func (b *Book) IsStaffRule(id string) bool {
	return slices.ContainsFunc(b.StaffRules, func(r Rule) bool { return r.ID == id })
}

// Floor returns the platform floor of a commitment kind, or nil.
func (b *Book) Floor(kind string) *Floor {
	for i := range b.Floors {
		if b.Floors[i].Kind == kind {
			return &b.Floors[i]
		}
	}
	return nil
}

// Measure returns the measure with the given id, or nil.
func (b *Book) Measure(id string) *Measure {
	for i := range b.Measures {
		if b.Measures[i].ID == id {
			return &b.Measures[i]
		}
	}
	return nil
}

// MeasureRank is the measure's position in the measures table (the order
// of the measures column), or -1.
func (b *Book) MeasureRank(id string) int {
	for i := range b.Measures {
		if b.Measures[i].ID == id {
			return i
		}
	}
	return -1
}

// Dimension returns the rating dimension with the given id, or nil.
func (b *Book) Dimension(id string) *Dimension {
	for i := range b.Rating.Dimensions {
		if b.Rating.Dimensions[i].ID == id {
			return &b.Rating.Dimensions[i]
		}
	}
	return nil
}

// GradeOf returns the grade band of a score.
func (b *Book) GradeOf(score float64) string {
	for _, g := range b.Rating.Grades {
		if score >= g.MinScore {
			return g.Grade
		}
	}
	return b.Rating.Grades[len(b.Rating.Grades)-1].Grade
}
