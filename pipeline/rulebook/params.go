package rulebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// Param is one parameter: a value the engine reads, with its unit and,
// unless its name or its level says what it is, its meaning in Chinese
// and English.
type Param struct {
	Name  string `json:"name"`
	Value Value  `json:"value"`
	Unit  string `json:"unit"`
	Zh    string `json:"zh,omitempty"`
	En    string `json:"en,omitempty"`

	// Rule is the id of the rule the parameter belongs to ("" for the
	// book's own), set when the book is loaded.
	Rule string `json:"-"`
	num  float64
	fen  model.Fen
}

// Value is a parameter's value as the rule book writes it: a JSON number
// (its text kept, so that 0.90 is read as the book says) or a string (an
// amount of money, a code).
type Value string

// UnmarshalJSON keeps a number's text, or a string's value.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = Value(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a number or a string, got %s", b)
	}
	*v = Value(n)
	return nil
}

// The units a parameter may have. Those with a word in the book's units
// table are shown as the value and that word; a rate as a percentage; a
// number as it is; a category by its name.
const (
	UnitRate     = "rate"     // a share in (0, 1]: 0.9 is 90%
	UnitNumber   = "number"   // a plain number (a weight, a factor, a score)
	UnitCategory = "category" // a provider category's code
	UnitCNY      = "cny"      // an amount of money, to the fen
)

// Float is the parameter's value as a number.
func (p *Param) Float() float64 { return p.num }

// Int is the parameter's value as a whole number.
func (p *Param) Int() int64 { return int64(p.num) }

// Fen is the parameter's value as an amount of money.
func (p *Param) Fen() model.Fen { return p.fen }

// Code is the parameter's value as a code.
func (p *Param) Code() string { return string(p.Value) }

// parse reads the value by its unit; words are the units that take a word.
func (p *Param) parse(words map[string]Bilingual) error {
	switch p.Unit {
	case UnitCategory:
		if _, ok := model.CategoryEnum.Lookup(string(p.Value)); !ok || model.CategoryEnum.Label(string(p.Value)) == string(p.Value) {
			return fmt.Errorf("%q is not a provider category", p.Value)
		}
		return nil
	case UnitCNY:
		fen, err := model.ParseFen(string(p.Value))
		if err != nil || fen < 0 {
			return fmt.Errorf("%q: want a non-negative amount", p.Value)
		}
		p.fen, p.num = fen, float64(fen)/100
		return nil
	}
	f, err := strconv.ParseFloat(string(p.Value), 64)
	if err != nil {
		return fmt.Errorf("%q: want a number", p.Value)
	}
	p.num = f
	switch {
	case p.Unit == UnitRate:
		if f <= 0 || f > 1 {
			return fmt.Errorf("%s: want a rate in (0, 1]", p.Value)
		}
	case p.Unit == UnitNumber:
	case words[p.Unit].Zh != "":
		if f < 0 || f != float64(int64(f)) {
			return fmt.Errorf("%s %s: want a whole number, not negative", p.Value, p.Unit)
		}
	default:
		return fmt.Errorf("unknown unit %q", p.Unit)
	}
	return nil
}

// Text is the value as a text's {placeholder} shows it: a rate as a
// percentage ("90%"), an amount with two decimals, a category by its name
// in lang, anything else as the book writes it.
func (p *Param) Text(lang string) string {
	switch p.Unit {
	case UnitRate:
		return Percent(p.num)
	case UnitCNY:
		return p.fen.String()
	case UnitCategory:
		if lang == "en" {
			return model.CategoryEnum.LabelEn(string(p.Value))
		}
		return model.CategoryEnum.Label(string(p.Value))
	}
	return string(p.Value)
}

// Show is the value with its unit, as a table of parameters shows it:
// "90%", "30天", "30 days".
func (b *Book) Show(p *Param, lang string) string {
	return b.WithUnit(p.Text(lang), p.Unit, lang)
}

// WithUnit writes a value with the word of its unit: "30天", "30 days";
// a value of a unit with no word is left as it is.
func (b *Book) WithUnit(value, unit, lang string) string {
	w, ok := b.Units[unit]
	switch {
	case !ok:
		return value
	case lang == "en":
		return value + " " + w.En
	}
	return value + w.Zh
}

// Percent writes a rate as a percentage with as many decimals as it
// needs: 0.9 is "90%", 0.875 is "87.5%".
func Percent(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }

// Label is what the parameter means in lang: its own words or, for a
// parameter named by a code (a complaint category's points), that code's
// name. (A parameter that sets a level is named by its level's measure
// where it is shown.)
func (b *Book) Label(p *Param, lang string) string {
	if p.Zh != "" {
		return Bilingual{Zh: p.Zh, En: p.En}.Pick(lang)
	}
	if r := b.Rule(p.Rule); r != nil {
		if e := kinds[r.Kind].keyed; e != nil {
			code := strings.TrimPrefix(p.Name, r.ID+".")
			if lang == "en" {
				return e.LabelEn(code)
			}
			return e.Label(code)
		}
	}
	return p.Name
}

// LevelOf returns the level that a parameter of version v sets, or nil.
func (v *Version) LevelOf(name string) *Level {
	for i := range v.Levels {
		if v.Levels[i].Param == name {
			return &v.Levels[i]
		}
	}
	return nil
}

// Param returns the version's parameter of that name, or nil.
func (v *Version) Param(name string) *Param {
	for i := range v.Params {
		if v.Params[i].Name == name {
			return &v.Params[i]
		}
	}
	return nil
}

// Int is the whole-number value of the version's parameter name (the
// book's check makes sure that every parameter a kind reads is there).
func (v *Version) Int(name string) int64 { return v.Param(name).Int() }

// Fen is the amount of the version's parameter name.
func (v *Version) Fen(name string) model.Fen { return v.Param(name).Fen() }

// Code is the code the version's parameter name holds.
func (v *Version) Code(name string) string { return v.Param(name).Code() }

// Param returns the book's own parameter (a window, a limit) of that
// name, or nil.
func (b *Book) Param(name string) *Param {
	for i := range b.Params {
		if b.Params[i].Name == name {
			return &b.Params[i]
		}
	}
	for i := range b.Rating.Params {
		if b.Rating.Params[i].Name == name {
			return &b.Rating.Params[i]
		}
	}
	return nil
}

// Parameters lists every parameter of the book in force on day d, by the
// name that the pages, the downloads' words and the tests use for it:
//
//   - the book's own: rates_days, points_days, min_items, appeal_days;
//   - the rating's: max_points, min_rated_items, and for each dimension
//     weight_<id>, prior_<id> (and factor_<id>), and grade_<letter> (the
//     band's lowest score);
//   - each measure with a period: <measure>_days;
//   - each platform floor: floor_<kind>;
//   - each rule's, of the version in force on d (of its first version
//     when it is not in force yet): <rule>.<name>.
//
// It is the one list of parameters: the site's and the downloads'
// {placeholders} are these names, and the tests walk it.
func (b *Book) Parameters(d model.Date) []Param {
	out := append(append(slices.Clone(b.Params), b.Rating.Params...), b.ownDerived()...)
	for i := range b.Rules {
		r := &b.Rules[i]
		for _, p := range r.Shown(d).Params {
			p.Name = r.ID + "." + p.Name
			out = append(out, p)
		}
	}
	return out
}

// ownDerived are the parameters the book holds in tables of their own:
// the rating's weights, priors, factors and grade bands, the measures'
// periods and the floors.
func (b *Book) ownDerived() []Param {
	var out []Param
	for _, dm := range b.Rating.Dimensions {
		out = append(out, derived("weight_"+dm.ID, dm.Weight.String(), UnitNumber),
			derived("prior_"+dm.ID, strconv.FormatInt(dm.Prior, 10), UnitNumber))
		if dm.Factor != nil {
			out = append(out, derived("factor_"+dm.ID, strconv.FormatInt(*dm.Factor, 10), UnitNumber))
		}
	}
	for _, g := range b.Rating.Grades {
		out = append(out, derived("grade_"+strings.ToLower(g.Grade), strconv.FormatFloat(g.MinScore, 'f', -1, 64), UnitNumber))
	}
	for _, m := range b.Measures {
		if m.PeriodDays > 0 {
			out = append(out, derived(string(m.ID)+"_days", strconv.Itoa(m.PeriodDays), "days"))
		}
	}
	for _, f := range b.Floors {
		out = append(out, derived("floor_"+f.Kind, strconv.FormatFloat(f.Target, 'f', -1, 64), f.Unit))
	}
	return out
}

// derived is a parameter the book holds in a table of its own (a
// measure's period, a floor, a weight) rather than in a list.
func derived(name, value, unit string) Param {
	p := Param{Name: name, Value: Value(value), Unit: unit}
	p.num, _ = strconv.ParseFloat(value, 64)
	return p
}

// Values are the parameters in force on day d as a text's {placeholders}
// show them in lang, by the names Parameters gives them.
func (b *Book) Values(d model.Date, lang string) map[string]string {
	out := map[string]string{}
	for _, p := range b.Parameters(d) {
		out[p.Name] = p.Text(lang)
	}
	return out
}

// RuleValues are Values with the parameters of rule r's version v also
// under their own names: what the rule's own page and texts may use.
func (b *Book) RuleValues(d model.Date, r *Rule, v *Version, lang string) map[string]string {
	out := b.Values(d, lang)
	for _, p := range v.Params {
		out[p.Name] = p.Text(lang)
		out[r.ID+"."+p.Name] = p.Text(lang)
	}
	return out
}
