package rulebook_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func TestShippedBookLoads(t *testing.T) {
	if _, err := rulebook.Load(content.FS); err != nil {
		t.Fatal(err)
	}
}

// doc is the shipped rule book as JSON values, to break.
type doc = map[string]any

func shipped(t *testing.T) doc {
	t.Helper()
	src, err := content.FS.ReadFile(rulebook.Path)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

func list(v any) []any { return v.([]any) }

// rule is the shipped rule of that id.
func rule(d doc, id string) doc {
	for _, r := range list(d["rules"]) {
		if r.(doc)["id"] == id {
			return r.(doc)
		}
	}
	panic("no rule " + id)
}

// first is a rule's first version.
func first(d doc, id string) doc { return list(rule(d, id)["versions"])[0].(doc) }

// param is a parameter of a rule's first version, or of the book's own
// list when id is "".
func param(d doc, id, name string) doc {
	ps := d["params"]
	if id != "" {
		ps = first(d, id)["params"]
	}
	for _, p := range list(ps) {
		if p.(doc)["name"] == name {
			return p.(doc)
		}
	}
	panic("no parameter " + name)
}

func drop(l []any, keep func(doc) bool) []any {
	var out []any
	for _, x := range l {
		if keep(x.(doc)) {
			out = append(out, x)
		}
	}
	return out
}

// TestBrokenBooks breaks the shipped rule book one way at a time: each
// must be refused, with a message that says where and why.
func TestBrokenBooks(t *testing.T) {
	for _, c := range []struct {
		name    string
		breakIt func(d doc)
		want    string
	}{
		{"a field the book does not have is refused", func(d doc) { d["window"] = 90 }, `unknown field "window"`},
		{"a window of no days is refused", func(d doc) { param(d, "", "rates_days")["value"] = 0 },
			"rates_days, points_days, min_items and appeal_days must be at least 1"},
		{"a window of part of a day is refused", func(d doc) { param(d, "", "points_days")["value"] = json.Number("365.5") },
			"params: points_days: 365.5 days: want a whole number"},
		{"a parameter of the book it does not know is refused", func(d doc) {
			d["params"] = append(list(d["params"]), doc{"name": "grace_days", "value": 3, "unit": "days", "zh": "宽限", "en": "Grace"})
		}, "params: grace_days: no such parameter"},
		{"a missing parameter of the book is refused", func(d doc) {
			d["params"] = drop(list(d["params"]), func(p doc) bool { return p["name"] != "appeal_days" })
		}, "params: want [appeal_days min_items points_days rates_days]"},
		{"a rate above 100% is refused", func(d doc) { param(d, "first-response", "warning_below")["value"] = 1.5 },
			`rule first-response version "1": parameter warning_below: 1.5: want a rate in (0, 1]`},
		{"a demotion line above the warning line is refused", func(d doc) { param(d, "delivery", "demotion_below")["value"] = 0.95 },
			"levels: demotion below 95%: a more severe level needs a lower rate than warning's 90%"},
		{"a level of a measure the book does not have is refused", func(d doc) {
			list(first(d, "resolution")["levels"])[0].(doc)["measure"] = "fine"
		}, `rule resolution version "1": levels: measure "fine": want a measure of the book, once`},
		{"a level naming no parameter of its version leaves that parameter read by nothing, refused", func(d doc) {
			list(first(d, "delivery")["levels"])[1].(doc)["param"] = "demote_below"
		}, `rule delivery version "1": parameter demotion_below: a rule of kind rate reads no such parameter`},
		{"a points ladder that does not rise is refused", func(d doc) { param(d, "points", "hidden_points")["value"] = 20 },
			"levels: hidden at 20 points: the ladder must rise"},
		{"a parameter its rule's kind does not read is refused", func(d doc) {
			v := first(d, "reachability")
			v["params"] = append(list(v["params"]), doc{"name": "grace_hours", "value": 2, "unit": "hours", "zh": "宽限", "en": "Grace"})
		}, "parameter grace_hours: a rule of kind reachability reads no such parameter"},
		{"a parameter its rule's kind reads, missing, is refused", func(d doc) {
			v := first(d, "reachability")
			v["params"] = drop(list(v["params"]), func(p doc) bool { return p["name"] != "run_hours" })
		}, `rule reachability version "1": parameter run_hours is missing`},
		{"a parameter in the wrong unit is refused", func(d doc) { param(d, "reachability", "run_hours")["unit"] = "days" },
			`parameter run_hours: unit "days", want "hours"`},
		{"an amount of money that is not one is refused", func(d doc) { param(d, "reachability", "deduction")["value"] = "5,00" },
			`parameter deduction: "5,00": want a non-negative amount`},
		{"a complaint category without its points is refused", func(d doc) {
			v := first(d, "complaints")
			v["params"] = drop(list(v["params"]), func(p doc) bool { return p["name"] != "other" })
		}, "want one parameter per code"},
		{"a category that is no provider category is refused", func(d doc) { param(d, "inactivity", "category")["value"] = "shops" },
			`parameter category: "shops" is not a provider category`},
		{"a facts text with a placeholder nothing fills is refused", func(d doc) {
			first(d, "delivery")["texts"].(doc)["facts"].(doc)["en"] = "{items} orders, {late} late."
		}, `rule delivery version "1": texts.facts.en: {late} is neither an argument`},
		{"a facts text missing in one language is refused", func(d doc) {
			first(d, "points")["texts"].(doc)["facts"].(doc)["zh"] = ""
		}, `rule points version "1": texts.facts: the text in zh is missing`},
		{"a text with an optional part left open is refused", func(d doc) {
			d["texts"].(doc)["decision"].(doc)["zh"] = "平台于{date}作出处罚决定{decision}[，记{points}分"
		}, "an optional part left open"},
		{"a rule's summary naming no parameter is refused", func(d doc) {
			rule(d, "inactivity")["en"].(doc)["summary"] = "No sales for {window} days."
		}, "rule inactivity: summary: {window} is not a parameter of version 1"},
		{"a version dated before the one it follows is refused", func(d doc) {
			r := rule(d, "delivery")
			r["versions"] = append(list(r["versions"]), doc{"version": "2", "effective_from": "2023-06-01",
				"changes": doc{"zh": "改", "en": "Changed"}, "params": first(d, "delivery")["params"],
				"levels": first(d, "delivery")["levels"], "texts": first(d, "delivery")["texts"]})
		}, `rule delivery version "2": effective_from 2023-06-01 is not after the version before`},
		{"a version that does not say what changed is refused", func(d doc) {
			first(d, "fraud")["changes"] = doc{"zh": "首次施行。", "en": ""}
		}, `rule fraud version "1": what changed (changes) is required in zh and en`},
		{"a rule without versions is refused", func(d doc) { rule(d, "privacy")["versions"] = []any{} }, "rule privacy: no versions"},
		{"a rule of a kind nothing applies is refused", func(d doc) { rule(d, "fraud")["kind"] = "fine" }, `rule fraud: unknown kind "fine"`},
		{"a rule twice is refused", func(d doc) { d["rules"] = append(list(d["rules"]), rule(d, "fraud")) }, "rule fraud appears twice"},
		{"a history that does not end with the book's version is refused", func(d doc) { d["version"] = "2099.01" },
			"history: the last entry must be version 2099.01"},
		{"measures out of the snapshot's order are refused", func(d doc) {
			m := list(d["measures"])
			m[0], m[1] = m[1], m[0]
		}, "measures: want [warning demotion"},
		{"a measure both lasting and one-off is refused", func(d doc) { list(d["measures"])[0].(doc)["one_off"] = true },
			"measures: warning: want exactly one of period_days, one_off, permanent"},
		{"a floor in a unit without a word is refused", func(d doc) { list(d["floors"])[0].(doc)["unit"] = "weeks" },
			`floors: delivery_days: unit "weeks" is not in units`},
		{"weights that do not add up to 1 are refused", func(d doc) {
			list(d["rating"].(doc)["dimensions"])[0].(doc)["weight"] = "0.50"
		}, "rating: weights add up to 1.1000, want 1"},
		{"grade bands that do not end at 0 are refused", func(d doc) {
			g := list(d["rating"].(doc)["grades"])
			g[len(g)-1].(doc)["min_score"] = 10
		}, "rating: grades must end with a band at 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := shipped(t)
			c.breakIt(d)
			src, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			_, err = rulebook.Parse(src)
			switch {
			case err == nil:
				t.Fatalf("accepted; want an error with %q", c.want)
			case !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "rule book "+rulebook.Path+": "):
				t.Errorf("error %q\nwant it to begin %q and hold %q", err, "rule book "+rulebook.Path+": ", c.want)
			}
		})
	}
}
