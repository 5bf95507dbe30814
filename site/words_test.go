package site

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/content"
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
	u, err := loadUI()
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
