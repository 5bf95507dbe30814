package site

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"golang.org/x/net/html"
)

func TestFillString(t *testing.T) {
	params := map[string]string{"rates_days": "90", "max_points": "40"}
	for _, tc := range []struct {
		name, in, want string
		fails          bool
	}{
		{"a parameter inside Chinese text", "近{rates_days}天", "近90天", false},
		{"two parameters and fmt verbs", "%d of {rates_days}, at most {max_points}", "%d of 90, at most 40", false},
		{"no placeholder", "状态：%s", "状态：%s", false},
		{"an unknown parameter", "{rates_dayz}", "", true},
		{"a brace that is no placeholder", "{ rates_days }", "", true},
		{"an unclosed brace", "近{rates_days", "", true},
	} {
		got, err := fillString(tc.in, params)
		if (err != nil) != tc.fails || got != tc.want {
			t.Errorf("%s: fillString(%q) = %q, %v; want %q, failure %v", tc.name, tc.in, got, err, tc.want, tc.fails)
		}
	}
}

// TestEveryPlaceholderResolves fills every string of content/ui.json and
// renders every Markdown page of content/ with the rule book's parameters.
func TestEveryPlaceholderResolves(t *testing.T) {
	w, err := newWorld(fixture(t, loadBook(t)), Options{})
	if err != nil {
		t.Fatal(err) // an unknown {parameter} in ui.json
	}
	err = fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		lang, name, _ := strings.Cut(strings.TrimSuffix(p, ".md"), "/")
		_, err = w.markdown(lang, name)
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

// digitsOK are the numbers content/ui.json may type: none is a parameter
// (the score's bounds, the last second of a day, file names).
var digitsOK = regexp.MustCompile(`\b(?:100|0)\b|23:59:59|SHA256SUMS|sha256sum|%\[\d\][ds]|\{[a-z0-9_]+\}`)

// TestNoNumberTypedIntoUI fails on a digit in content/ui.json outside a
// {parameter} or a fmt verb: numbers come from the rule book.
func TestNoNumberTypedIntoUI(t *testing.T) {
	u, err := loadUI(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for key, v := range u {
		for _, s := range v {
			if rest := digitsOK.ReplaceAllString(s, ""); strings.ContainsAny(rest, "0123456789") {
				t.Errorf("content/ui.json: %s: %q types a number (use a {parameter} of the rule book)", key, s)
			}
		}
	}
}

// TestNoStaleNumbers builds the site with every window, period and limit of
// the rule book changed and reads every page: no old value may be left
// beside a unit in the text a reader sees.
func TestNoStaleNumbers(t *testing.T) {
	book := loadBook(t)
	set := rulebooktest.Windows()
	for _, f := range book.Floors {
		set["floor_"+f.Kind] = f.Target + 1
	}
	changed := rulebooktest.Book(t, set)
	// The old values, less those an unchanged count of days, points or
	// items still has (the clearance level's 48 points, beside the floor of
	// 48 hours).
	var old []string
	day := book.Rule("delivery").Since()
	still := map[string]bool{}
	for _, p := range changed.Parameters(day) {
		if _, ok := set[p.Name]; !ok && changed.Units[p.Unit].En != "" {
			still[p.Text("en")] = true
		}
	}
	for _, p := range book.Parameters(day) {
		if _, ok := set[p.Name]; ok && !still[p.Text("en")] {
			old = append(old, p.Text("en"))
		}
	}
	slices.Sort(old)
	old = slices.Compact(old)
	n := `(?:` + strings.Join(old, "|") + `)`
	// A number that is a count of days, points or items, or a limit.
	stale := regexp.MustCompile(`(?:^|[^0-9.:-])` + n + `\s?(?:天|日|days?|分|points?|项|items?|orders and tickets)|(?:近|last|most|max|最多扣|少于|fewer than)\s?` + n + `(?:$|[^0-9.])`)
	pages := buildSite(t, fixture(t, changed))
	if len(pages) < 20 {
		t.Fatalf("only %d pages", len(pages))
	}
	for name, doc := range pages {
		for _, s := range textNodes(doc) {
			if m := stale.FindString(s); m != "" {
				t.Errorf("%s: %q: %q left over from the rule book's defaults", name, s, m)
			}
		}
	}
}

// textNodes lists the text a reader sees of a page, node by node, and the
// texts of its description, labels and titles.
func textNodes(doc *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" {
				return
			}
			for _, a := range n.Attr {
				if a.Key == "content" || a.Key == "data-label" || a.Key == "title" || a.Key == "placeholder" || a.Key == "aria-label" || strings.HasPrefix(a.Key, "data-") && strings.ContainsFunc(a.Val, unicode.IsSpace) {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// latin are the words in Latin letters a Chinese page may show: names of
// formats and programs, and symbols of the formula.
var latin = regexp.MustCompile(`\b(?:English|Atom|JavaScript|Excel|CSV|JSON|Parquet|SHA256SUMS|sha256sum|SHA|UTC|Asia/Shanghai|max|min|k|p|x|n|u|T)\b`)

// TestWordsInTheirLanguage fails on English in a Chinese string of
// content/ui.json and on Chinese letters or punctuation in an English one.
func TestWordsInTheirLanguage(t *testing.T) {
	u, err := loadUI(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for key, v := range u {
		zh := latin.ReplaceAllString(regexp.MustCompile(`%\[\d\][ds]|%[ds]|\{[a-z0-9_]+\}`).ReplaceAllString(v[0], ""), "")
		if regexp.MustCompile(`[A-Za-z]{2,}`).MatchString(zh) && key != "other_lang" && key != "other_lang_name" {
			t.Errorf("content/ui.json: %s: Chinese %q holds English", key, v[0])
		}
		if strings.ContainsFunc(v[1], func(r rune) bool {
			return unicode.Is(unicode.Han, r) || strings.ContainsRune("、，。：；（）《》“”！？", r)
		}) &&
			key != "other_lang" && key != "other_lang_name" {
			t.Errorf("content/ui.json: %s: English %q holds Chinese", key, v[1])
		}
	}
}

// TestTemplatesHoldNoWords fails on a word typed into a template: every
// word comes from content/.
func TestTemplatesHoldNoWords(t *testing.T) {
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	// A word, or punctuation that differs between the languages (a colon,
	// a list's comma).
	word := regexp.MustCompile(`[\p{Han}]|[A-Za-z]{2,}|[:;,!?]\s|[、，。：；！？]`)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, name := range names {
		b, _ := fs.ReadFile(files, name)
		src := strings.NewReplacer("<noscript>", "", "</noscript>", "").Replace(actions.ReplaceAllString(string(b), ""))
		z := html.NewTokenizer(strings.NewReader(src))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			var texts []string
			switch tt {
			case html.TextToken:
				texts = append(texts, tok.Data)
			case html.StartTagToken, html.SelfClosingTagToken:
				for _, a := range tok.Attr {
					if a.Key == "title" || a.Key == "alt" || a.Key == "placeholder" || a.Key == "aria-label" || a.Key == "data-label" {
						texts = append(texts, a.Val)
					}
				}
			}
			for _, s := range texts {
				// The formula's symbols and the name of the hash are the same in both languages.
				s = strings.NewReplacer("(x/n)", "", "SHA-256", "", "DOCTYPE html", "").Replace(s)
				if m := word.FindString(s); m != "" {
					t.Errorf("%s: %q is typed into the template (put it in content/ui.json)", name, strings.TrimSpace(s))
				}
			}
		}
	}
}

// TestUIKeysOnce: a key given twice in ui.json is refused, not silently
// replaced by its second value.
func TestUIKeysOnce(t *testing.T) {
	if _, err := loadUI(content.FS); err != nil {
		t.Fatal(err)
	}
	if got := duplicateKey([]byte(`{"a": ["x", "y"], "b": ["a", "b"], "a": ["z", "w"]}`)); got != "a" {
		t.Errorf("duplicateKey found %q, want a", got)
	}
	if got := duplicateKey([]byte(`{"a": ["b", "a"], "b": ["a", "b"]}`)); got != "" {
		t.Errorf("duplicateKey found %q in values", got)
	}
}
