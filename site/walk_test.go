package site

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"golang.org/x/net/html"
)

// TestEveryParameterShown walks the rule book's parameters
// (Book.Parameters) and wants each shown on some page: the site is built
// with that one parameter given a value of its own, and the value must be
// read on a page that did not say it before. The rating's weights, priors
// and grade bands, which cannot change one at a time (the weights add up
// to 1, the bands fall), must be read on the methodology page as they are.
func TestEveryParameterShown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site once per parameter")
	}
	book := loadBook(t)
	in := fixture(t, book)
	base := pageTexts(buildSite(t, in))
	for _, p := range book.Parameters(in.AsOf) {
		v, ok := otherValue(book, &p)
		if !ok {
			meth := base["en/methodology/index.html"] + base["methodology/index.html"]
			if !strings.Contains(meth, p.Text("en")) {
				t.Errorf("%s = %s is not on the methodology page", p.Name, p.Text("en"))
			}
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			changed := rulebooktest.Book(t, map[string]any{p.Name: v})
			var np *rulebook.Param
			for _, q := range changed.Parameters(in.AsOf) {
				if q.Name == p.Name {
					np = &q
				}
			}
			// The value as a number of its own, not a part of another.
			var want []*regexp.Regexp
			for _, lang := range langs {
				want = append(want, regexp.MustCompile(`(?:^|[^0-9.])`+regexp.QuoteMeta(np.Text(lang))+`(?:$|[^0-9])`))
			}
			for name, text := range pageTexts(buildSite(t, fixture(t, changed))) {
				for _, w := range want {
					if w.MatchString(text) && !w.MatchString(base[name]) {
						return
					}
				}
			}
			t.Errorf("%s changed to %v (%q): no page shows it", p.Name, v, want)
		})
	}
}

// otherValue is a value for p that the book accepts and no page holds by
// chance, or false for a parameter that cannot change alone.
func otherValue(b *rulebook.Book, p *rulebook.Param) (any, bool) {
	switch {
	case strings.HasPrefix(p.Name, "weight_"), strings.HasPrefix(p.Name, "prior_"), strings.HasPrefix(p.Name, "grade_"),
		strings.HasPrefix(p.Name, "factor_"):
		return nil, false
	case p.Unit == rulebook.UnitCategory:
		if p.Code() == "operations" {
			return "software", true
		}
		return "operations", true
	case p.Unit == rulebook.UnitCNY:
		return "777.77", true
	case p.Unit == rulebook.UnitRate:
		return json.Number(strconv.FormatFloat(p.Float()+0.0123, 'f', -1, 64)), true
	case strings.HasSuffix(p.Name, "_points") && strings.Contains(p.Name, "."):
		// a level of the ladder: one more keeps the ladder rising
		return p.Int() + 1, true
	}
	return p.Int() + 701, true
}

// pageTexts is the text of every page, by name.
func pageTexts(pages map[string]*html.Node) map[string]string {
	out := map[string]string{}
	for name, doc := range pages {
		out[name] = strings.Join(textNodes(doc), "\n")
	}
	return out
}
