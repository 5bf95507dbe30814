package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(resp.Status, tc.status) || (tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype) || (tc.body != "" && string(body) != tc.body) {
			t.Errorf("GET %s: %s %q %q, want %s %q %q", tc.path, resp.Status, resp.Header.Get("Content-Type"), body, tc.status, tc.ctype, tc.body)
		}
	}
}

// TestServeStaysOnSite asks for folders under names that a careless
// redirect would send to another host.
func TestServeStaysOnSite(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"index.html", "404.html", "providers/index.html"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := siteHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"//evil.example/..", "//evil.example/../providers", "/providers", `/\evil.example/../providers`} {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
		req.URL.Path = path
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		loc := rec.Header().Get("Location")
		if rec.Code == http.StatusMovedPermanently && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`)) {
			t.Errorf("GET %s redirects to %q, off the site", path, loc)
		}
	}
}

// TestServeFollowsRebuilds starts the preview server, rebuilds the site
// under it, and wants the new site served, not the removed one.
func TestServeFollowsRebuilds(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet", "--as-of", "2025-06-29", "--max-reject", "100%"); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, msg)
	}
	h, err := siteHandler(out)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func() string {
		resp, err := http.Get(srv.URL + "/downloads/manifest.json")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Status + " " + string(b)
	}
	if first := get(); !strings.Contains(first, `"as_of": "2025-06-29"`) {
		t.Fatalf("before the rebuild: %.80s", first)
	}
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet", "--max-reject", "100%"); code != 0 {
		t.Fatalf("rebuild: exit %d: %s", code, msg)
	}
	if after := get(); !strings.HasPrefix(after, "200") || !strings.Contains(after, `"as_of": "2025-06-30"`) {
		t.Errorf("after the rebuild the server answers %.80s", after)
	}
}

// TestModes builds under a umask that would keep everyone else out: the
// published tree is 0644 files and 0755 folders all the same. Then it
// builds again under the usual umask, after a live page lost its mode by
// hand: the page is not linked into the new tree as it is, but written
// with its mode.
func TestModes(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, msg)
	}
	wantModes(t, out)
	syscall.Umask(0o022)
	page := filepath.Join(out, "about", "index.html")
	if err := os.Chmod(page, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("second build: exit %d: %s", code, msg)
	}
	wantModes(t, out)
}

// wantModes wants every folder of a tree 0755 and every file 0644.
func wantModes(t *testing.T, out string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		}
		if info.Mode().Perm() != want && n < 5 {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReportTimesTheCleanup wants a rebuild's report to time removing the
// previous tree apart from the site, which ends when the new tree is live.
func TestReportTimesTheCleanup(t *testing.T) {
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "public"), filepath.Join(dir, "report.json")
	for i := 0; i < 2; i++ {
		if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet", "--report", rep); code != 0 {
			t.Fatalf("build %d: exit %d: %s", i+1, code, msg)
		}
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Timings map[string]float64 `json:"timings"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	tm := r.Timings
	if tm["cleanup"] <= 0 || tm["site"] <= 0 {
		t.Errorf("timings %v: want the site and the removal of the previous tree timed", tm)
	}
	if sum := tm["load_evaluate"] + tm["downloads"] + tm["site"] + tm["cleanup"]; sum > tm["total"]+0.01 {
		t.Errorf("timings %v: the stages add up to %.3f s, more than the total", tm, sum)
	}
}
