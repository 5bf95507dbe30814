package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// engineSource is the Go source of the packages that enforce the book:
// rules, rating and ledger (tests left out).
func engineSource(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range []string{".", "../rating", "../ledger"} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(src)
		}
	}
	return b.String()
}

// TestEveryParameterIsRead walks the rule book and wants every parameter
// read by the engine. The loader already refuses a parameter that the
// rule's kind does not declare (TestBrokenBooks); this test closes the
// loop on the engine's side:
//
//   - every computed rule of the book is applied by the evaluator (bind);
//   - a rule's parameter that sets a level is read through the levels,
//     which the evaluator walks for every rule it applies; one named by a
//     code (a complaint category's points) is read by that code; any other
//     is read by its name in the engine's source (v.Int("run_calls"));
//   - the book's own parameters are read through the typed fields the
//     loader derives from them, which must hold the parameter's value and
//     be read by the engine;
//   - the measures' periods, the floors and the rating's weights, priors,
//     factors and grade bands through the fields the engine reads.
func TestEveryParameterIsRead(t *testing.T) {
	b := book(t)
	if _, err := bind(b); err != nil {
		t.Fatal(err)
	}
	src := engineSource(t)
	reads := func(what, expr string) {
		if !strings.Contains(src, expr) {
			t.Errorf("%s: the engine never reads %s", what, expr)
		}
	}
	for i := range b.Rules {
		r := &b.Rules[i]
		for j := range r.Versions {
			v := &r.Versions[j]
			for _, p := range v.Params {
				what := r.ID + " version " + v.Version + ": " + p.Name
				switch {
				case v.LevelOf(p.Name) != nil:
					reads(what, "v.Levels")
				case rulebook.Keyed(r.Kind):
					reads(what, "v.Int(c.Category)")
				default:
					reads(what, `("`+p.Name+`")`)
				}
			}
			if len(v.Levels) > 0 {
				reads(r.ID+" version "+v.Version+": levels", ".Measure")
			}
		}
	}
	typed := map[string]struct {
		expr string
		got  int64
	}{
		"rates_days":      {"Windows.RatesDays", int64(b.Windows.RatesDays)},
		"points_days":     {"Windows.PointsDays", int64(b.Windows.PointsDays)},
		"min_items":       {"MinItems", b.MinItems},
		"appeal_days":     {"AppealDays", int64(b.AppealDays)},
		"max_points":      {"MaxPointsDeducted", b.Rating.MaxPointsDeducted},
		"min_rated_items": {"MinRatedItems", b.Rating.MinRatedItems},
	}
	asOf := b.Rules[0].Since()
	for _, p := range b.Parameters(asOf) {
		if strings.Contains(p.Name, ".") {
			continue // a rule's, walked above
		}
		if f, ok := typed[p.Name]; ok {
			if f.got != p.Int() {
				t.Errorf("%s is %s in the book but %d in the field the engine reads", p.Name, p.Value, f.got)
			}
			reads(p.Name, f.expr)
			continue
		}
		prefix, _, _ := strings.Cut(p.Name, "_")
		switch {
		case strings.HasSuffix(p.Name, "_days") && b.Measure(measureOf(p.Name)) != nil:
			reads(p.Name, "PeriodDays")
		case prefix == "floor":
			reads(p.Name, "book.Floor(kind).Target")
		case prefix == "weight":
			reads(p.Name, "d.WeightRat")
		case prefix == "prior":
			reads(p.Name, "d.Prior")
		case prefix == "factor":
			reads(p.Name, "*d.Factor")
		case prefix == "grade":
			reads(p.Name, "book.GradeOf(")
		default:
			t.Errorf("%s: a parameter this test does not know how the engine reads", p.Name)
		}
	}
}

// measureOf is the measure a "<measure>_days" parameter is the period of.
func measureOf(name string) model.Measure { return model.Measure(strings.TrimSuffix(name, "_days")) }
