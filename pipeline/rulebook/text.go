package rulebook

import (
	"fmt"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// The texts of the rule book (a notice's facts, a violation's, a rescind
// reason) are templates:
//
//   - {name} is filled from the arguments the evaluator gives the text (the
//     counts, the dates, the ids behind the facts) or else from the
//     parameters: the rule version's own by their names, then the book's;
//   - […] is an optional part, left out when a placeholder in it is empty;
//   - {?name} inside an optional part shows nothing, but leaves the part
//     out when name is empty (a condition).
//
// An argument that holds a code is shown by its name: measure, category
// (a complaint's), subject (an appeal's) and rule (a rule's name). In
// English a measure, a category and a subject are written in lower case,
// as words inside a sentence.

// segment is one piece of a parsed text.
type segment struct {
	lit   string // literal text, when name is ""
	name  string // a placeholder's name
	test  bool   // {?name}: a condition, shown as nothing
	group int    // the optional part it is in (from 1), or 0
}

// parseText splits a text into its pieces.
func parseText(s string) ([]segment, error) {
	var out []segment
	group, groups := 0, 0
	for len(s) > 0 {
		i := strings.IndexAny(s, "{}[]")
		if i < 0 {
			out = append(out, segment{lit: s, group: group})
			break
		}
		if i > 0 {
			out = append(out, segment{lit: s[:i], group: group})
		}
		switch s[i] {
		case '[':
			if group != 0 {
				return nil, fmt.Errorf("%q: an optional part inside another", s)
			}
			groups++
			group = groups
			s = s[i+1:]
		case ']':
			if group == 0 {
				return nil, fmt.Errorf("%q: a ] that closes no optional part", s)
			}
			group = 0
			s = s[i+1:]
		case '}':
			return nil, fmt.Errorf("%q: a } that closes no placeholder", s)
		case '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("%q: an unclosed {", s)
			}
			name := s[i+1 : i+j]
			seg := segment{group: group}
			if rest, ok := strings.CutPrefix(name, "?"); ok {
				if group == 0 {
					return nil, fmt.Errorf("%q: {%s} outside an optional part", s, name)
				}
				name, seg.test = rest, true
			}
			if !IsName(name) {
				return nil, fmt.Errorf("%q: {%s} is not a placeholder", s, name)
			}
			seg.name = name
			out = append(out, seg)
			s = s[i+j+1:]
		}
	}
	if group != 0 {
		return nil, fmt.Errorf("%q: an optional part left open", s)
	}
	return out, nil
}

// IsName reports whether s can name a parameter or an argument: lower-case
// letters, digits, "_", and "." and "-" (a rule's parameter is
// "<rule>.<name>", and rule ids hold hyphens).
func IsName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// Fill replaces the {name} placeholders of a plain text (one without
// optional parts: the pages' and downloads' words) with value's; a brace
// that is not a placeholder, or a name without a value, is an error.
func Fill(s string, value func(string) (string, bool)) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 || !IsName(s[i+1:i+j]) {
			return "", fmt.Errorf("%q: a brace that is not a {parameter}", s)
		}
		v, ok := value(s[i+1 : i+j])
		if !ok {
			return "", fmt.Errorf("%q: no value for {%s}", s, s[i+1:i+j])
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

// Placeholders lists the names a text's placeholders and conditions use.
func Placeholders(s string) ([]string, error) {
	segs, err := parseText(s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range segs {
		if g.name != "" {
			out = append(out, g.name)
		}
	}
	return out, nil
}

// fill renders one parsed text with value.
func fill(segs []segment, value func(string) (string, bool)) (string, error) {
	drop := map[int]bool{}
	vals := make([]string, len(segs))
	for i, g := range segs {
		if g.name == "" {
			continue
		}
		v, ok := value(g.name)
		switch {
		case !ok && g.group == 0:
			return "", fmt.Errorf("no value for {%s}", g.name)
		case v == "" && g.group != 0:
			drop[g.group] = true
		}
		vals[i] = v
	}
	var b strings.Builder
	for i, g := range segs {
		switch {
		case drop[g.group] || g.test:
		case g.name != "":
			b.WriteString(vals[i])
		default:
			b.WriteString(g.lit)
		}
	}
	return b.String(), nil
}

// Render fills a text of rule r's version v (r and v nil for a text of
// the book's own) in both languages, each placeholder from args, else
// from v's parameters, else from the book's.
func (b *Book) Render(t Bilingual, r *Rule, v *Version, args model.Args) (Bilingual, error) {
	var out Bilingual
	for _, lang := range []string{"zh", "en"} {
		segs, err := parseText(t.Pick(lang))
		if err != nil {
			return Bilingual{}, err
		}
		s, err := fill(segs, func(name string) (string, bool) { return b.value(name, v, args, lang) })
		if err != nil {
			where := "the rule book's texts"
			if r != nil {
				where = "rule " + r.ID + " version " + v.Version
			}
			return Bilingual{}, fmt.Errorf("%s: %w", where, err)
		}
		if lang == "en" {
			out.En = s
		} else {
			out.Zh = s
		}
	}
	return out, nil
}

// value is the text of one placeholder in lang.
func (b *Book) value(name string, v *Version, args model.Args, lang string) (string, bool) {
	if a, ok := args[name]; ok {
		return b.argText(name, a, lang), true
	}
	if v != nil {
		if p := v.Param(name); p != nil {
			return p.Text(lang), true
		}
	}
	if p := b.ownParam(name); p != nil {
		return p.Text(lang), true
	}
	return "", false
}

// argText shows an argument: a code by its name, anything else as it is.
func (b *Book) argText(name, a, lang string) string {
	if a == "" {
		return ""
	}
	en := lang == "en"
	switch name {
	case "measure":
		if en {
			return strings.ToLower(model.Measure(a).En())
		}
		return model.Measure(a).Zh()
	case "category":
		if en {
			return strings.ToLower(model.ComplaintCategoryEnum.LabelEn(a))
		}
		return model.ComplaintCategoryEnum.Label(a)
	case "subject":
		if en {
			return strings.ToLower(model.SubjectKind(a).En())
		}
		return model.SubjectKind(a).Zh()
	case "rule":
		if r := b.Rule(a); r != nil {
			return r.Name(lang)
		}
	}
	return a
}

// Facts renders the facts of a finding, as its notice states them: a staff
// decision's from the book's decision text, a computed finding's from the
// facts text of its rule's version.
func (b *Book) Facts(f *model.Finding) (Bilingual, error) {
	r := b.Rule(f.RuleID)
	if r == nil {
		return Bilingual{}, fmt.Errorf("finding %s: no rule %s in the rule book", f.Key, f.RuleID)
	}
	v := r.Version(f.RuleVersion)
	if v == nil {
		return Bilingual{}, fmt.Errorf("finding %s: rule %s has no version %q", f.Key, f.RuleID, f.RuleVersion)
	}
	if f.Decision != "" {
		return b.Render(b.Texts[TextDecision], nil, nil, f.Args)
	}
	return b.Render(v.Texts[TextFacts], r, v, f.Args)
}

// Names of texts.
const (
	TextFacts     = "facts"     // a rule version's: the facts of its notice
	TextViolation = "violation" // a rule version's: the facts of a counted violation
	TextDecision  = "decision"  // the book's: the facts of a staff decision
	TextRescind   = "rescind"   // the book's: why a notice was rescinded
)
