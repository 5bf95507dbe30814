package build

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/site"
)

// TestDiffTrees lists what tonight's tree adds, changes and removes
// against the previous build's index, writes an index the next build reads
// back as it was, and reads a live tree into the same index.
func TestDiffTrees(t *testing.T) {
	dir := t.TempDir()
	live, tonight := filepath.Join(dir, "live"), filepath.Join(dir, "tonight")
	write := func(root string, files map[string]string) {
		for p, b := range files {
			os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
			if err := os.WriteFile(filepath.Join(root, p), []byte(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	page := `<p class="changed" data-since>since <time>2025-06-01</time></p>`
	write(live, map[string]string{"index.html": "home 1", "providers/P1/index.html": page, "downloads/a.csv": "a", "gone.html": "x"})
	write(tonight, map[string]string{"index.html": "home 2", "providers/P1/index.html": page, "downloads/a.csv": "a", "new.html": "n",
		"a-b/index.html": "1", "a/b.html": "2", "a.html": "3", "downloads/index.html": "4", "downloads/x/y.csv": "5"})
	prev, err := indexTree(live)
	if err != nil {
		t.Fatal(err)
	}
	if p := prev["providers/P1/index.html"]; p.Since != "2025-06-01" || p.SHA256 != sha256.Sum256([]byte(page)) {
		t.Errorf("the live tree's index holds %+v for a provider's page", p)
	}
	// The site's pages are taken as site.Build says it wrote them, not
	// read again (new.html says it is 1 byte); the downloads are read.
	var pages []site.File
	for _, p := range []string{"new.html", "index.html", "providers/P1/index.html", "a-b/index.html", "a/b.html", "a.html", "downloads/index.html"} {
		b, err := os.ReadFile(filepath.Join(tonight, p))
		if err != nil {
			t.Fatal(err)
		}
		f := site.File{Path: p, Size: int64(len(b)), SHA256: sha256.Sum256(b), Since: site.SinceOf(b), Change: site.Added}
		if old, ok := prev[p]; ok {
			f.Change = site.Changed
			if old.SHA256 == f.SHA256 {
				f.Change = site.Unchanged
			}
		}
		pages = append(pages, f)
	}
	pages[0].Size = 1
	d, index, err := diffTrees(tonight, prev, pages)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Added, []string{"a-b/index.html", "a.html", "a/b.html", "downloads/index.html", "downloads/x/y.csv", "new.html"}) ||
		!slices.Equal(d.Changed, []string{"index.html"}) || !slices.Equal(d.Removed, []string{"gone.html"}) || d.Unchanged != 2 || d.Files != 9 ||
		d.Previous != 4 || d.Bytes != 1+6+int64(len(page))+1+1+1+1+1+1 {
		t.Errorf("deploy list %+v", d)
	}
	back, err := readIndex(index, "index")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := indexTree(tonight)
	if len(back) != len(want) {
		t.Errorf("the index written has %d files, the tree %d", len(back), len(want))
	}
	for p, w := range want {
		if back[p] != w {
			t.Errorf("%s: indexed %+v, on disk %+v", p, back[p], w)
		}
	}
	// The index is in the order a walk of the tree meets the files.
	var walked []string
	filepath.WalkDir(tonight, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(tonight, p)
			walked = append(walked, filepath.ToSlash(rel))
		}
		return err
	})
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		listed = append(listed, strings.Split(line, "\t")[0])
	}
	if !slices.Equal(listed, walked) {
		t.Errorf("the index lists\n%q\na walk meets\n%q", listed, walked)
	}
	// No tree yet: an empty index.
	if idx, err := indexTree(filepath.Join(dir, "none")); err != nil || len(idx) != 0 {
		t.Errorf("a missing tree: %v, %d files", err, len(idx))
	}
}

// TestReadIndex refuses an index cut short or with a line it cannot read,
// naming the line.
func TestReadIndex(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	tests := []struct {
		name, index, err string
	}{
		{"an empty index is an empty site", "", ""},
		{"a page and a provider's page", "a.html\t" + sum + "\t\nproviders/P1/index.html\t" + sum + "\t2025-06-01\n", ""},
		{"the last line is cut short", "a.html\t" + sum + "\t\nb.html\t" + sum, "line 2: no line end"},
		{"a digest too short", "a.html\tabab\t\n", "line 1: want path"},
		{"a digest not in hex", "a.html\t" + strings.Repeat("zz", 32) + "\t\n", "line 1: want path"},
		{"a field missing", "a.html\t" + sum + "\n", "line 1: want path"},
		{"no path", "\t" + sum + "\t\n", "line 1: want path"},
		{"a date of the wrong length", "a.html\t" + sum + "\t2025-6-1\n", "line 1: want path"},
	}
	for _, tt := range tests {
		_, err := readIndex([]byte(tt.index), "site-index.tsv")
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}

// TestDeleteGuard refuses a build that would delete more than the share
// given of the previous site's files, and no other.
func TestDeleteGuard(t *testing.T) {
	tests := []struct {
		name              string
		previous, removed int
		max               float64
		refused           bool
	}{
		{"the first build", 0, 0, 0.1, false},
		{"nothing deleted", 1000, 0, 0.1, false},
		{"exactly the share", 1000, 100, 0.1, false},
		{"one file over the share", 1000, 101, 0.1, true},
		{"most of the site", 1000, 900, 0.1, true},
		{"most of the site, allowed", 1000, 900, 1, false},
		{"any deletion, with a share of none", 1000, 1, 0, true},
	}
	for _, tt := range tests {
		d := &Deploy{Previous: tt.previous}
		for i := 0; i < tt.removed; i++ {
			d.Removed = append(d.Removed, "p"+string(rune('a'+i%26)))
		}
		err := deleteGuard(d, tt.max, "public")
		if refused := err != nil; refused != tt.refused || refused && (!errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--max-deletes")) {
			t.Errorf("%s: %v, want refused %v", tt.name, err, tt.refused)
		}
	}
}
