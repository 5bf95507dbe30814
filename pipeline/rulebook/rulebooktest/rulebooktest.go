// Package rulebooktest changes the shipped rule book for tests: a book with
// other windows, periods and limits, decoded and checked as a real one.
package rulebooktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// Changed returns the shipped rule book's source with the parameters of
// set (by the names of rulebook.Book.Parameters: "rates_days",
// "delivery.warning_below", "warning_days", "floor_delivery_days") given
// new values, as JSON numbers or strings. A name the book does not hold
// is an error: a test must not believe it changed what it did not.
func Changed(set map[string]any) ([]byte, error) {
	src, err := content.FS.ReadFile(rulebook.Path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber() // 0.90 stays 0.90
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	done := map[string]bool{}
	put := func(m map[string]any, field, name string) {
		if v, ok := set[name]; ok {
			m[field], done[name] = v, true
		}
	}
	params := func(list any, prefix string) {
		for _, p := range asList(list) {
			m := p.(map[string]any)
			put(m, "value", prefix+m["name"].(string))
		}
	}
	params(doc["params"], "")
	rating := doc["rating"].(map[string]any)
	params(rating["params"], "")
	for _, r := range asList(doc["rules"]) {
		rm := r.(map[string]any)
		for _, v := range asList(rm["versions"]) {
			params(v.(map[string]any)["params"], rm["id"].(string)+".")
		}
	}
	for _, m := range asList(doc["measures"]) {
		mm := m.(map[string]any)
		if _, ok := mm["period_days"]; ok {
			put(mm, "period_days", mm["id"].(string)+"_days")
		}
	}
	for _, f := range asList(doc["floors"]) {
		fm := f.(map[string]any)
		put(fm, "target", "floor_"+fm["kind"].(string))
	}
	var missing []string
	for name := range set {
		if !done[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("rulebooktest: no parameter %s in the rule book", strings.Join(missing, ", "))
	}
	return json.MarshalIndent(doc, "", "  ")
}

// Book is Changed decoded and checked; it fails the test on an error.
func Book(t testing.TB, set map[string]any) *rulebook.Book {
	t.Helper()
	src, err := Changed(set)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rulebook.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Windows are the changes of the changed-windows build: the windows, the
// periods of the measures, the inactivity window and the limits, each to a
// value no default has.
func Windows() map[string]any {
	return map[string]any{
		"rates_days": 60, "points_days": 180, "min_items": 23, "appeal_days": 11,
		"max_points": 37, "min_rated_items": 13,
		"warning_days": 61, "demotion_days": 17, "hidden_days": 19, "delisted_days": 21,
		"disabled_days": 62, "suspension_days": 63,
		"inactivity.joined_days": 71, "inactivity.window_days": 72,
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
