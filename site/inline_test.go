package site

import (
	"html/template"
	"strings"
	"testing"
)

// TestInlinedWordsAreEscapedAsTemplatesEscapeThem writes every word of
// content/ui.json, in both languages, through html/template in an
// element's text and in a quoted attribute value, and wants what
// inlineWords writes there.
func TestInlinedWordsAreEscapedAsTemplatesEscapeThem(t *testing.T) {
	w, err := newWorld(fixture(t, loadBook(t)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := template.Must(template.New("").Parse(`<p title="{{.}}">{{.}}</p><input placeholder="{{.}}"><title>{{.}}</title>`))
	n := 0
	for key := range w.ui {
		for _, lang := range langs {
			word := w.ui.get(lang, key)
			var b strings.Builder
			if err := tmpl.Execute(&b, word); err != nil {
				t.Fatal(err)
			}
			got := inlineWords(`<p title="{{t "k"}}">{{t "k"}}</p><input placeholder="{{t "k"}}"><title>{{t "k"}}</title>`,
				func(string) string { return word })
			if strings.Contains(word, "{{") {
				continue
			}
			if got != b.String() {
				t.Errorf("%s (%s): inlined %q, html/template writes %q", key, lang, got, b.String())
			}
			n++
		}
	}
	if n < 100 {
		t.Errorf("only %d words tried", n)
	}
}

// TestWordsStayCallsWhereTheyWouldBeEscapedOtherwise wants a word in a URL,
// a script, a style, an unquoted or unknown attribute left to the template.
func TestWordsStayCallsWhereTheyWouldBeEscapedOtherwise(t *testing.T) {
	words := func(string) string { return "a b" }
	for _, src := range []string{
		`<a href="{{t "k"}}">`,
		`<a href="x/{{.Home}}{{t "k"}}">`,
		`<img src="{{t "k"}}">`,
		`<div onclick="{{t "k"}}">`,
		`<div data-url="{{t "k"}}">`,
		`<div style="{{t "k"}}">`,
		`<div title={{t "k"}}>`,
		`<div {{t "k"}}>`,
		`<script>var x = "{{t "k"}}";</script>`,
		`<style>p::after{content:"{{t "k"}}"}</style>`,
		`<p title="{{if .X}}"{{end}}{{t "k"}}">`,
	} {
		if got := inlineWords(src, words); got != src {
			t.Errorf("%s became %s", src, got)
		}
	}
	for src, want := range map[string]string{
		`<p>{{t "k"}}</p>`:                             `<p>a b</p>`,
		`<td data-label="{{t "k"}} (x/n)">`:            `<td data-label="a b (x/n)">`,
		`<script src="x"></script><p>{{t "k"}}</p>`:    `<script src="x"></script><p>a b</p>`,
		`<p class="{{.C}}" title="{{t "k"}}">`:         `<p class="{{.C}}" title="a b">`,
		`<p>{{t (print "nav_" .K)}} {{tf "k" .X}}</p>`: `<p>{{t (print "nav_" .K)}} {{tf "k" .X}}</p>`,
	} {
		if got := inlineWords(src, words); got != want {
			t.Errorf("%s became %s, want %s", src, got, want)
		}
	}
}

// TestMostWordsAreInlined counts the fixed words of the templates written
// into their text: the point of inlining is that a page calls few.
func TestMostWordsAreInlined(t *testing.T) {
	names, _ := templateSources()
	calls, left := 0, 0
	for _, src := range names {
		calls += len(wordCall.FindAllString(src, -1))
		left += len(wordCall.FindAllString(inlineWords(src, func(string) string { return "w" }), -1))
	}
	if calls == 0 || left*10 > calls {
		t.Errorf("%d of %d fixed words left as calls", left, calls)
	}
}
