// Package rulebook decodes the rule book under content/rules/ into typed
// parameters. It is the only home of the numbers the evaluator enforces and
// the site publishes, and of the words of the rules: each rule's versions,
// with their dates, parameters (name, value, unit), levels (which measure
// each level brings) and texts (the facts of a notice or a violation, as
// templates). rules and rating take a *Book as an argument and name its
// parameters, never repeat their values; Parameters lists every parameter, so
// that the pages and the downloads walk the book instead of naming them.
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

// Bilingual is one wording in Chinese and English.
type Bilingual struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Pick returns the wording in lang ("zh" or "en").
func (b Bilingual) Pick(lang string) string {
	if lang == "en" {
		return b.En
	}
	return b.Zh
}

// Text is a rule's name and summary in one language. The summary may hold
// {parameters} of the rule's version, filled in where it is shown.
type Text struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// Note is one version of the rule book as a whole: when it took effect
// and what changed.
type Note struct {
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"`
	Zh            string `json:"zh"`
	En            string `json:"en"`
}

// Rule is one rule with every version it has had.
type Rule struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // what the evaluator does with it: one of the kinds of kinds.go
	Zh   Text   `json:"zh"`
	En   Text   `json:"en"`
	// Versions, oldest first: each applies from its effective_from until
	// the next one's.
	Versions []Version `json:"versions"`
}

// Version is one version of a rule: what it enforces from its date on.
type Version struct {
	Version       string    `json:"version"`
	EffectiveFrom string    `json:"effective_from"`
	Changes       Bilingual `json:"changes"` // what changed from the version before
	Params        []Param   `json:"params,omitempty"`
	// Levels are the measures the rule brings, mildest first: a finding
	// is the most severe level reached.
	Levels []Level `json:"levels,omitempty"`
	// Texts are the templates of the facts it states: "facts" for a
	// notice, "violation" for a counted violation.
	Texts map[string]Bilingual `json:"texts,omitempty"`

	// From is EffectiveFrom as a date, set when the book is loaded.
	From model.Date `json:"-"`
}

// Level is one level of a rule: the measure it brings and the parameter
// that sets where it starts ("" for a rule with a single level).
type Level struct {
	Measure model.Measure `json:"measure"`
	Param   string        `json:"param,omitempty"`
	// Value is the parameter's value, set when the book is loaded.
	Value float64 `json:"-"`
}

// Floor is the platform floor of one commitment kind: a promise may be
// stricter, never looser. The kind's name is its label in the snapshot's
// enum; Unit names the unit of its target.
type Floor struct {
	Kind     string  `json:"kind"`
	Target   float64 `json:"target"`
	Stricter string  `json:"stricter"` // "lower" or "higher"
	Unit     string  `json:"unit"`
}

// Looser reports whether target is looser than the floor.
func (f *Floor) Looser(target float64) bool {
	if f.Stricter == "higher" {
		return target < f.Target
	}
	return target > f.Target
}

// Measure is an enforcement measure and how long it stays in force. Its
// name is its label in the snapshot's enum (model.Measure).
type Measure struct {
	ID         model.Measure `json:"id"`
	PeriodDays int           `json:"period_days,omitempty"`
	OneOff     bool          `json:"one_off,omitempty"`
	Permanent  bool          `json:"permanent,omitempty"`
}

// Dimension is one dimension of the rating.
type Dimension struct {
	ID     string      `json:"id"`
	Letter string      `json:"letter"`
	Weight json.Number `json:"weight"`
	Prior  int64       `json:"prior"`
	// Factor, when set, makes a dimension of bad items (upheld
	// complaints): its value is max(0, 1 − Factor × smoothed), and with
	// no items anywhere its platform rate is 0.
	Factor *int64 `json:"factor,omitempty"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
	// WeightRat is Weight as an exact rational, set when the book is loaded.
	WeightRat *big.Rat `json:"-"`
}

// Grade is one grade band: a score at or above MinScore earns it.
type Grade struct {
	Grade    string  `json:"grade"`
	MinScore float64 `json:"min_score"`
}

// Rating holds the parameters of the rating.
type Rating struct {
	Params     []Param     `json:"params"`
	Dimensions []Dimension `json:"dimensions"`
	Grades     []Grade     `json:"grades"`

	// From Params, set when the book is loaded.
	MaxPointsDeducted int64 `json:"-"`
	MinRatedItems     int64 `json:"-"`
}

// Book is the whole rule book.
type Book struct {
	Version         string               `json:"version"`
	EffectiveFrom   string               `json:"effective_from"`
	TimezoneDefault string               `json:"timezone_default"`
	History         []Note               `json:"history"`
	Units           map[string]Bilingual `json:"units"` // the word after a value of each unit
	Params          []Param              `json:"params"`
	Floors          []Floor              `json:"floors"`
	Measures        []Measure            `json:"measures"`
	Rules           []Rule               `json:"rules"`
	// Texts are the templates that belong to no one rule: "decision", the
	// facts of a staff decision, and "rescind", why a notice was rescinded.
	Texts  map[string]Bilingual `json:"texts"`
	Rating Rating               `json:"rating"`

	// From Params, set when the book is loaded.
	Windows struct {
		RatesDays  int
		PointsDays int
	} `json:"-"`
	MinItems   int64 `json:"-"`
	AppealDays int   `json:"-"`

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

// At returns the version of the rule in force on day d, or nil before
// its first version.
func (r *Rule) At(d model.Date) *Version {
	var v *Version
	for i := range r.Versions {
		if r.Versions[i].From <= d {
			v = &r.Versions[i]
		}
	}
	return v
}

// Since is the day the rule's first version took effect.
func (r *Rule) Since() model.Date { return r.Versions[0].From }

// Shown is the version a page shows on day d: the one in force, or the
// first when the rule is not yet in force.
func (r *Rule) Shown(d model.Date) *Version {
	if v := r.At(d); v != nil {
		return v
	}
	return &r.Versions[0]
}

// Version returns the version named v, or nil.
func (r *Rule) Version(v string) *Version {
	for i := range r.Versions {
		if r.Versions[i].Version == v {
			return &r.Versions[i]
		}
	}
	return nil
}

// Staff reports whether staff apply the rule by decision.
func (r *Rule) Staff() bool { return r.Kind == KindStaff }

// Name is the rule's name in lang.
func (r *Rule) Name(lang string) string {
	if lang == "en" {
		return r.En.Name
	}
	return r.Zh.Name
}

// Rule returns the rule with the given id, or nil.
func (b *Book) Rule(id string) *Rule {
	for i := range b.Rules {
		if b.Rules[i].ID == id {
			return &b.Rules[i]
		}
	}
	return nil
}

// IsStaffRule reports whether staff may cite id in a decision.
func (b *Book) IsStaffRule(id string) bool {
	r := b.Rule(id)
	return r != nil && r.Staff()
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
func (b *Book) Measure(id model.Measure) *Measure {
	for i := range b.Measures {
		if b.Measures[i].ID == id {
			return &b.Measures[i]
		}
	}
	return nil
}

// MeasureRank is the measure's position in the measures table (the order
// of the measures column), or -1.
func (b *Book) MeasureRank(id model.Measure) int {
	return slices.IndexFunc(b.Measures, func(m Measure) bool { return m.ID == id })
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

// KindOf is the kind of the rule with the given id, or "".
func (b *Book) KindOf(id string) string {
	if r := b.Rule(id); r != nil {
		return r.Kind
	}
	return ""
}

// OfKind is the id of the book's first rule of kind k, or "".
func (b *Book) OfKind(k string) string {
	for i := range b.Rules {
		if b.Rules[i].Kind == k {
			return b.Rules[i].ID
		}
	}
	return ""
}
