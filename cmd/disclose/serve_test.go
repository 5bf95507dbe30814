package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe checks the preview server: content types, index pages,
// redirects to the slash form, the 404 page of each language, and no way
// out of the site directory.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "home", "en/index.html": "en home", "404.html": "missing", "en/404.html": "en missing",
		"providers/P1/index.html": "p1", "notices/feed.xml": "<feed/>", "assets/site.css": "body{}",
		"downloads/providers.csv": "a,b", "downloads/SHA256SUMS": "x",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("secret"), 0o644)
	h, err := siteHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		path, status, ctype, body string
	}{
		{"/", "200", "text/html; charset=utf-8", "home"},
		{"/en/", "200", "text/html; charset=utf-8", "en home"},
		{"/providers/P1/", "200", "text/html; charset=utf-8", "p1"},
		{"/providers/P1", "301", "", ""},
		{"/providers/P9/", "404", "text/html; charset=utf-8", "missing"},
		{"/en/providers/P9/", "404", "text/html; charset=utf-8", "en missing"},
		{"/notices/feed.xml", "200", "application/atom+xml; charset=utf-8", "<feed/>"},
		{"/assets/site.css", "200", "text/css; charset=utf-8", "body{}"},
		{"/downloads/providers.csv", "200", "text/csv; charset=utf-8", "a,b"},
		{"/downloads/SHA256SUMS", "200", "text/plain; charset=utf-8", "x"},
		{"/../secret.txt", "404", "text/html; charset=utf-8", "missing"},
		{"/%2e%2e/secret.txt", "404", "text/html; charset=utf-8", "missing"},
	} {
		resp, err := client.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Status, tc.status) || (tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype) || (tc.body != "" && string(body) != tc.body) {
			t.Errorf("GET %s: %s %q %q, want %s %q %q", tc.path, resp.Status, resp.Header.Get("Content-Type"), body, tc.status, tc.ctype, tc.body)
		}
	}
}
