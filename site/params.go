package site

import (
	"fmt"

	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// params are the rule book's parameters in force at as-of in one
// language, by the names of rulebook.Book.Parameters (rates_days,
// floor_delivery_days, delivery.warning_below, …), and the build's facts
// (as_of, rulebook_version, timezone): the {name}s of content/ui.json and
// the {{name}}s of the Markdown pages.
func params(in *Input, lang string) map[string]string {
	p := in.Book.Values(in.AsOf, lang)
	p["as_of"], p["rulebook_version"], p["timezone"] = in.AsOf.String(), in.Book.Version, in.Zone.String()
	return p
}

// fill returns the strings with every {name} replaced by the parameter
// of that name in the string's language, so that no number of the rule
// book is typed into content/ui.json. Values supplied at render time use
// fmt verbs (%d, %s, %[2]s); a {name} that is not a parameter is an error.
func (u ui) fill(params map[string]map[string]string) (ui, error) {
	out := make(ui, len(u))
	for key, v := range u {
		for i, lang := range langs {
			f, err := fillString(v[i], params[lang])
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
	return rulebook.Fill(s, func(name string) (string, bool) { v, ok := params[name]; return v, ok })
}
