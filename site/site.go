// Package site renders the public disclosure site, in Chinese at / and in
// English at /en/, from the evaluation results and the rule book. Templates
// and assets are embedded; pages are static HTML that works without
// JavaScript, with a small script of our own for filtering, sorting and
// search. The same input gives the same bytes, however many workers render.
package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

//go:embed templates assets
var files embed.FS

// Download is one file of the downloads directory.
type Download struct {
	Name   string
	Size   int64
	SHA256 string
	Rows   int64 // -1 when the file has no rows
	WhatZh string
	WhatEn string
}

// Column is one entry of the data dictionary (report.Entry).
type Column struct {
	Table, Name, TypeZh, TypeEn, Zh, En string
}

// Input is everything the site shows.
type Input struct {
	Book        *rulebook.Book
	AsOf        model.Date
	Zone        *time.Location
	Platform    string
	Facts       []*model.Facts // one per provider
	Ratings     []model.Rating // one per provider
	Notices     []model.Notice
	Commitments []model.Commitment
	Services    []model.Service
	Appeals     []model.Appeal // every appeal, whatever its outcome
	History     []ledger.Score // every build's scores, this one included
	Downloads   []Download
	Dictionary  []Column
	// Departed are providers with notices that tonight's export lacks.
	Departed []Departed
	// Tonight is what changed against the previous build (nil: nothing
	// known, as in a build without a ledger).
	Tonight *Tonight
	// Transparency is the monthly enforcement figures (transparency.csv).
	Transparency []TransparencyRow
	// Content is the content tree (ui.json, the Markdown pages); nil
	// means the embedded one.
	Content fs.FS
}

// content is the content tree the site's words come from.
func (in *Input) content() fs.FS {
	if in.Content == nil {
		return content.FS
	}
	return in.Content
}

// Departed is a provider the ledger holds notices for but tonight's export
// does not list, named as its latest notice names it.
type Departed struct {
	ID, Name, Category string
}

// Options tune the rendering.
type Options struct {
	// BaseURL is the site's absolute URL ("https://example.org/disclose/"),
	// used for canonical links, feeds and the sitemap; "" leaves them
	// relative to the site root.
	BaseURL string
	// Jobs is how many pages render at once (at least 1).
	Jobs int
	// Progress, when set, is told after each file how many of how many
	// have been written.
	Progress func(done, total int)
	// Previous, when set, is what the previous build wrote (the live
	// site), by path: a provider's page whose figures are those it showed
	// there keeps the date they last changed, so that it stays byte for
	// byte the same, and Build tells which files differ from it.
	Previous map[string]Prev
	// Live, when set, is the folder the previous build's site is live in.
	// A file whose bytes are those of the live one is linked to it (a
	// hard link) instead of written: nothing is written for it, and
	// removing the old tree after the swap frees only a name.
	Live string
}

// Prev is a file of the previous build, as an index of it keeps it.
type Prev struct {
	SHA256 [32]byte
	// Since is, for a provider's page, the date its figures last changed
	// as the page says it, or "".
	Since string
}

// File is one file Build wrote, and how it compares with the same path in
// Options.Previous.
type File struct {
	Path   string // relative to the output directory, with slashes
	Size   int64
	SHA256 [32]byte
	Since  string // a provider's page: the date it says its figures last changed
	Change Change
}

// Change says how a file compares with the previous build's.
type Change byte

const (
	Added     Change = 'A'
	Changed   Change = 'M'
	Unchanged Change = '='
)

// page is one file to write.
type page struct {
	path  string // relative to the output directory, with slashes
	tmpl  string // template name, or "" for raw bytes
	data  any
	raw   []byte
	since bool // a provider's page: the date its figures last changed, from the previous build's page
}

// Build writes the site into dir, which must exist, and lists the files
// it wrote in the order written.
func Build(dir string, in *Input, opt Options) ([]File, error) {
	w, err := newWorld(in, opt)
	if err != nil {
		return nil, err
	}
	var pages []page
	for _, lang := range langs {
		ps, err := w.pages(lang)
		if err != nil {
			return nil, err
		}
		pages = append(pages, ps...)
	}
	// The sitemap lists the Chinese pages (each with its English twin).
	var paths []string
	for _, p := range pages {
		if d, ok := p.data.(*P); ok && d.Lang == "zh" && p.tmpl != "404.html" {
			paths = append(paths, d.URL)
		}
	}
	extra, err := w.files(paths)
	if err != nil {
		return nil, err
	}
	pages = append(pages, extra...)
	out := make([]File, len(pages))
	if err := render(dir, opt, pages, out, w.tmpl); err != nil {
		return nil, err
	}
	return out, nil
}

// render writes pages with jobs workers, and what each became into the
// same place of out; each page is its own file, so the order of work never
// changes a byte.
func render(dir string, opt Options, pages []page, out []File, tmpl map[string]*template.Template) error {
	jobs, progress := max(1, opt.Jobs), opt.Progress
	work := make(chan int)
	errs := make([]error, jobs)
	var done atomic.Int64
	var wg sync.WaitGroup
	for j := 0; j < jobs; j++ {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range work {
				if errs[j] != nil {
					continue
				}
				out[i], errs[j] = writePage(dir, opt, &pages[i], tmpl, &buf)
				if n := done.Add(1); progress != nil {
					progress(int(n), len(pages))
				}
			}
		}(j)
	}
	for i := range pages {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func writePage(dir string, opt Options, p *page, tmpl map[string]*template.Template, buf *bytes.Buffer) (File, error) {
	prev := opt.Previous
	f := File{Path: p.path, Change: Added}
	out := p.raw
	if p.tmpl != "" {
		buf.Reset()
		lang := langOf(p.path)
		if err := tmpl[lang].ExecuteTemplate(buf, p.tmpl, p.data); err != nil {
			return f, fmt.Errorf("site: %s: %w", p.path, err)
		}
		out = buf.Bytes()
	}
	if p.since {
		if old, ok := prev[p.path]; ok {
			keepSince(out, old)
		}
		if i := sinceAt(out); i >= 0 {
			f.Since = string(out[i : i+len("2006-01-02")])
		}
	}
	f.SHA256 = sha256.Sum256(out)
	if old, ok := prev[p.path]; ok {
		f.Change = Changed
		if old.SHA256 == f.SHA256 {
			f.Change = Unchanged
		}
	}
	f.Size = int64(len(out))
	name := filepath.Join(dir, filepath.FromSlash(p.path))
	// Most pages sit in a folder of their own whose parent exists: one
	// mkdir, where MkdirAll would first stat (system calls are dear in
	// some sandboxes, and a site has tens of thousands of pages).
	if err := os.Mkdir(filepath.Dir(name), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return f, fmt.Errorf("site: %w", err)
		}
	}
	if f.Change == Unchanged && opt.Live != "" && linkSame(filepath.Join(opt.Live, filepath.FromSlash(p.path)), name, out) {
		return f, nil
	}
	if err := os.WriteFile(name, out, 0o644); err != nil {
		return f, fmt.Errorf("site: %w", err)
	}
	return f, nil
}

// linkSame links name to the live file when that is a regular file of
// mode 0644 that holds exactly b, and says whether it did. The bytes are compared, not
// only the index's digest: a live file changed by hand is written anew.
func linkSame(live, name string, b []byte) bool {
	info, err := os.Lstat(live)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o644 || info.Size() != int64(len(b)) {
		return false
	}
	old, err := os.ReadFile(live)
	if err != nil || !bytes.Equal(old, b) {
		return false
	}
	return os.Link(live, name) == nil
}

// sinceMarker opens the paragraph that holds a provider page's date of
// last change, in a <time> element; data from the export is escaped, so
// only the template writes it.
var sinceMarker = []byte(`<p class="changed" data-since>`)

// sinceAt is where the date of last change starts in a page, or -1.
func sinceAt(page []byte) int {
	i := bytes.LastIndex(page, sinceMarker)
	if i < 0 {
		return -1
	}
	j := bytes.Index(page[i:], []byte("<time>"))
	if j < 0 || i+j+6+len("2006-01-02") > len(page) {
		return -1
	}
	return i + j + 6
}

// keepSince gives a provider's page, written with tonight's date as the
// date its figures last changed, the previous build's date when nothing
// else on it differs from the previous build's page (its digest with that
// date in place is the previous page's): a provider whose figures did not
// change keeps the same bytes.
func keepSince(page []byte, old Prev) {
	const n = len("2006-01-02")
	i := sinceAt(page)
	if i < 0 || len(old.Since) != n || old.Since > string(page[i:i+n]) {
		return
	}
	tonight := string(page[i : i+n])
	copy(page[i:i+n], old.Since)
	if sha256.Sum256(page) != old.SHA256 {
		copy(page[i:i+n], tonight)
	}
}

// SinceOf is the date a provider's page says its figures last changed, or
// "" for any other page: what an index of a built tree keeps beside the
// page's digest (Prev.Since).
func SinceOf(page []byte) string {
	if i := sinceAt(page); i >= 0 {
		return string(page[i : i+len("2006-01-02")])
	}
	return ""
}

// langOf tells a page's language from its path.
func langOf(p string) string {
	if strings.HasPrefix(p, "en/") || p == "en" {
		return "en"
	}
	return "zh"
}

var langs = []string{"zh", "en"}

// ui holds the interface strings: key → [zh, en].
type ui map[string][2]string

func loadUI(fsys fs.FS) (ui, error) {
	b, err := fs.ReadFile(fsys, "ui.json")
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	var u ui
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("site: content/ui.json: %w", err)
	}
	if key := duplicateKey(b); key != "" {
		return nil, fmt.Errorf("site: content/ui.json: %q is given twice (JSON keeps the last, silently)", key)
	}
	return u, nil
}

// duplicateKey returns a key that a JSON object of arrays (as ui.json
// is) gives twice, or "".
func duplicateKey(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	seen := map[string]bool{}
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			// At depth 1 outside an array, every other string is a key:
			// values are arrays, so each string there is a key.
			if depth == 1 {
				if seen[v] {
					return v
				}
				seen[v] = true
			}
		}
	}
}

func (u ui) get(lang, key string) string {
	v, ok := u[key]
	if !ok {
		return "?" + key
	}
	if lang == "en" {
		return v[1]
	}
	return v[0]
}

// rel returns the relative link from the page at from (a path ending in
// "/" or a file name) to the site path to.
func rel(from, to string) string {
	depth := strings.Count(path.Dir("/"+from), "/")
	if path.Dir("/"+from) == "/" {
		depth = 0
	}
	return strings.Repeat("../", depth) + to
}
