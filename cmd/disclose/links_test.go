package main

import (
	"html"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
)

var (
	hrefRe = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)
	idRe   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// checkLinks resolves every relative link and fragment of every HTML page
// in a tree (name → content) and reports those that lead nowhere.
func checkLinks(t *testing.T, tree map[string]string) {
	t.Helper()
	ids := map[string]map[string]bool{}
	for name, b := range tree {
		if strings.HasSuffix(name, ".html") {
			m := map[string]bool{}
			for _, id := range idRe.FindAllStringSubmatch(b, -1) {
				m[html.UnescapeString(id[1])] = true
			}
			ids[name] = m
		}
	}
	bad := 0
	for name, b := range tree {
		if !strings.HasSuffix(name, ".html") || strings.HasSuffix(name, "404.html") {
			continue // 404 pages link from the site root, wherever they are served
		}
		for _, m := range hrefRe.FindAllStringSubmatch(b, -1) {
			raw := html.UnescapeString(m[1])
			u, err := url.Parse(raw)
			if err != nil {
				t.Errorf("%s: bad link %q", name, raw)
				continue
			}
			if u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "/") {
				continue // absolute links are checked elsewhere: they must point into the site
			}
			target := name
			if u.Path != "" {
				target = path.Join(path.Dir(name), u.Path)
				if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == "./" {
					target = path.Join(target, "index.html")
				}
			}
			if _, ok := tree[target]; !ok {
				if bad++; bad < 20 {
					t.Errorf("%s: link %q leads to missing %s", name, raw, target)
				}
				continue
			}
			if u.Fragment != "" && !ids[target][u.Fragment] {
				if bad++; bad < 20 {
					t.Errorf("%s: link %q: no id %q in %s", name, raw, u.Fragment, target)
				}
			}
		}
	}
}
