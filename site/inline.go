package site

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// parseTemplates parses the embedded templates for one language, with
// each {{t "key"}} whose words html/template would write as they are, or
// escaped the same way wherever they stand, written into the template's
// text instead: a page then calls no function (through reflection) for a
// fixed word, and its bytes are the same.
func parseTemplates(funcs template.FuncMap, words func(key string) string) (*template.Template, error) {
	srcs, err := templateSources()
	if err != nil {
		return nil, err
	}
	t := template.New("").Funcs(funcs)
	for _, name := range slices.Sorted(maps.Keys(srcs)) {
		if _, err := t.New(path.Base(name)).Parse(inlineWords(srcs[name], words)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return t, nil
}

// templateSources are the embedded templates' texts, by file name.
func templateSources() (map[string]string, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	srcs := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		srcs[name] = string(b)
	}
	return srcs, nil
}

var wordCall = regexp.MustCompile(`\{\{t "([a-z0-9_]+)"\}\}`)

// inlineWords writes the words of each {{t "key"}} of src that stands in
// the text of an element or in the quoted value of a plain attribute
// (neither a URL, nor script, nor style) into the text, escaped as
// html/template escapes text and attribute values there; every other call
// stays.
func inlineWords(src string, words func(key string) string) string {
	var out strings.Builder
	prev := 0
	for _, m := range wordCall.FindAllStringSubmatchIndex(src, -1) {
		w := words(src[m[2]:m[3]])
		if !plainPlace(src[:m[0]]) || strings.Contains(w, "{{") || strings.Contains(w, "}}") {
			continue
		}
		out.WriteString(src[prev:m[0]])
		out.WriteString(escapeText(w))
		prev = m[1]
	}
	out.WriteString(src[prev:])
	return out.String()
}

// plainAttrs are the attributes whose values take a word inline: plain
// text to html/template (not a URL, script or style).
var plainAttrs = map[string]bool{"title": true, "placeholder": true, "aria-label": true, "data-label": true, "data-labels": true,
	"data-all": true, "data-found": true, "data-found-one": true, "data-none": true, "data-latest": true}

// plainPlace reports whether the end of before (template source, actions
// left out) is in an element's text outside script and style, or in the
// double-quoted value of one of plainAttrs.
func plainPlace(before string) bool {
	text := dropActions(before)
	lt, gt := strings.LastIndexByte(text, '<'), strings.LastIndexByte(text, '>')
	if gt > lt {
		low := strings.ToLower(text)
		for _, el := range []string{"script", "style", "textarea"} {
			if strings.LastIndex(low, "<"+el) > strings.LastIndex(low, "</"+el) {
				return false
			}
		}
		return true
	}
	if lt < 0 {
		return false
	}
	tag := text[lt:]
	q := strings.LastIndex(tag, `="`)
	if q < 0 || strings.Count(tag[q+2:], `"`) != 0 || strings.Count(tag[:q], `"`)%2 != 0 {
		return false
	}
	i := q
	for i > 0 && (tag[i-1] >= 'a' && tag[i-1] <= 'z' || tag[i-1] == '-') {
		i--
	}
	return plainAttrs[tag[i:q]]
}

// dropActions is template source without its {{…}} actions.
func dropActions(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return b.String()
		}
		s = s[i+j+2:]
	}
}

// escapeText escapes s as html/template escapes a string in an element's
// text and in a quoted attribute value (its htmlReplacementTable).
var escapeText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;").Replace
