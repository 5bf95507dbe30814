package build

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/state"
	"github.com/disclose-project/disclose/site"
)

// Deploy is what tonight's tree changes in the published one: the files a
// deploy step uploads and deletes, so that a static host or an object
// store receives what changed rather than the whole site. It is written
// as deploy.json (with upload.txt and delete.txt, one path a line) beside
// changes.json once the site is live.
type Deploy struct {
	AsOf      string   `json:"as_of"`
	Files     int      `json:"files"` // in tonight's tree
	Bytes     int64    `json:"bytes"`
	Previous  int      `json:"previous_files"` // in the tree it replaced
	Added     []string `json:"added"`
	Changed   []string `json:"changed"`
	Removed   []string `json:"removed"`
	Unchanged int      `json:"unchanged"`
	// Warnings name the hosts whose limits the site nears.
	Warnings []string `json:"warnings"`
}

// hostLimits are the limits of common static hosts, to warn before a
// night's deploy fails on one. A warning starts at hostWarnAt of a limit.
var hostLimits = []struct {
	host         string
	files, bytes int64
}{
	{"GitHub Pages (1 GB a site)", 0, 1 << 30},
	{"Cloudflare Pages (20,000 files a site on the free plan)", 20000, 0},
	{"GitLab Pages (200,000 files a site)", 200000, 0},
}

const hostWarnAt = 0.8

// The index of a published tree, kept in each generation of --state
// (state.Stage.AddSiteIndex): one line a file, sorted by path,
//
//	path <TAB> SHA-256 in hex <TAB> the date a provider's page says its figures last changed, or nothing
//
// The next build compares its files with it, so it knows what changed
// whether or not --out still holds the previous tree (a CI job that
// builds into a fresh folder and uploads), and reads 100 bytes a file
// where reading the old tree would read every byte of it. Without one (a
// ledger from before it, no --state) the live tree is read instead.

// readIndex parses an index; name says where it came from.
func readIndex(b []byte, name string) (map[string]site.Prev, error) {
	idx := make(map[string]site.Prev, bytes.Count(b, []byte{'\n'}))
	for n := 1; len(b) > 0; n++ {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return nil, fmt.Errorf("%s: line %d: no line end (the file was cut short)", name, n)
		}
		b = rest
		f := strings.Split(string(line), "\t")
		var sum []byte
		var err error
		if len(f) == 3 {
			sum, err = hex.DecodeString(f[1])
		}
		if len(f) != 3 || f[0] == "" || err != nil || len(sum) != sha256.Size || (f[2] != "" && len(f[2]) != len("2006-01-02")) {
			return nil, fmt.Errorf("%s: line %d: want path, SHA-256 and date, separated by tabs", name, n)
		}
		var p site.Prev
		copy(p.SHA256[:], sum)
		p.Since = f[2]
		idx[f[0]] = p
	}
	return idx, nil
}

// indexTree indexes a tree on disk (the live site, when --state keeps no
// index of it); a missing tree has an empty index.
func indexTree(dir string) (map[string]site.Prev, error) {
	idx := map[string]site.Prev{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return filepath.SkipAll // no site yet
		}
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		prev := site.Prev{SHA256: sha256.Sum256(b)}
		if strings.HasSuffix(rel, ".html") {
			prev.Since = site.SinceOf(b)
		}
		idx[rel] = prev
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", dir, err)
	}
	return idx, nil
}

// previousIndex is the index of the site the last build published: the
// one --state keeps, or else the live tree's. The index only saves
// reading the tree: one that cannot be read is warned of and the tree
// read instead.
func previousIndex(sd *state.Dir, live string, warn func(msg string, args ...any)) (map[string]site.Prev, error) {
	if sd != nil {
		b, err := sd.SiteIndex()
		if err == nil && b != nil {
			var idx map[string]site.Prev
			if idx, err = readIndex(b, "state "+filepath.Join(sd.Path(), "site-index.tsv")); err == nil {
				return idx, nil
			}
		}
		if err != nil {
			warn("the index of the published site cannot be read: the live tree is read instead", "error", err.Error())
		}
	}
	return indexTree(live)
}

// diffTrees compares tonight's tree with the previous build's index, and
// returns what changed and tonight's index. The site's files are pages,
// hashed and compared as site.Build wrote them; the others, the
// downloads, are read and hashed here. The index lists them in the order
// a walk of the tree meets them (treeOrder), without walking the site:
// that costs system calls for every folder of a large one.
func diffTrees(tonight string, prev map[string]site.Prev, pages []site.File) (*Deploy, []byte, error) {
	d := &Deploy{Added: []string{}, Changed: []string{}, Removed: []string{}, Warnings: []string{}, Previous: len(prev)}
	known := make(map[string]bool, len(pages))
	files := make([]*site.File, 0, len(pages)+64)
	for i := range pages {
		known[pages[i].Path] = true
		files = append(files, &pages[i])
	}
	err := filepath.WalkDir(filepath.Join(tonight, "downloads"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, tonight+string(filepath.Separator)))
		if known[rel] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f := &site.File{Path: rel, Size: int64(len(b)), SHA256: sha256.Sum256(b), Change: site.Added}
		if strings.HasSuffix(rel, ".html") {
			f.Since = site.SinceOf(b)
		}
		if old, ok := prev[rel]; ok {
			f.Change = site.Changed
			if old.SHA256 == f.SHA256 {
				f.Change = site.Unchanged
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("output %s: %w", tonight, err)
	}
	slices.SortFunc(files, func(a, b *site.File) int { return treeOrder(a.Path, b.Path) })
	var index bytes.Buffer
	present := make(map[string]bool, len(files))
	for _, f := range files {
		rel := f.Path
		if strings.ContainsAny(rel, "\t\n") {
			return nil, nil, fmt.Errorf("%s: a tab or a line end in a file's name", rel)
		}
		fmt.Fprintf(&index, "%s\t%x\t%s\n", rel, f.SHA256, f.Since)
		present[rel] = true
		d.Files++
		d.Bytes += f.Size
		switch f.Change {
		case site.Added:
			d.Added = append(d.Added, rel)
		case site.Changed:
			d.Changed = append(d.Changed, rel)
		default:
			d.Unchanged++
		}
	}
	for p := range prev {
		if !present[p] {
			d.Removed = append(d.Removed, p)
		}
	}
	for _, l := range [][]string{d.Added, d.Changed, d.Removed} {
		slices.Sort(l)
	}
	for _, h := range hostLimits {
		switch {
		case h.files > 0 && float64(d.Files) >= hostWarnAt*float64(h.files):
			d.Warnings = append(d.Warnings, fmt.Sprintf("%s: the site has %s files (%.0f%% of the limit)", h.host, commas(int64(d.Files)), 100*float64(d.Files)/float64(h.files)))
		case h.bytes > 0 && float64(d.Bytes) >= hostWarnAt*float64(h.bytes):
			d.Warnings = append(d.Warnings, fmt.Sprintf("%s: the site takes %s bytes (%.0f%% of the limit)", h.host, commas(d.Bytes), 100*float64(d.Bytes)/float64(h.bytes)))
		}
	}
	return d, index.Bytes(), nil
}

// treeOrder orders slash-separated paths as a walk of their tree meets
// them, folder by folder, each folder's names in byte order: "a/b" before
// "a-b", which a plain comparison puts the other way.
func treeOrder(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			x = 0
		}
		if y == '/' {
			y = 0
		}
		return cmp.Compare(x, y)
	}
	return cmp.Compare(len(a), len(b))
}

// deleteGuard refuses a tree that would remove more than max of the live
// site's files: a build that lost most of its providers or pages (a
// wrong snapshot, a broken template) would otherwise wipe a public record
// in one night.
func deleteGuard(d *Deploy, max float64, out string) error {
	if d.Previous == 0 || float64(len(d.Removed)) <= max*float64(d.Previous) {
		return nil
	}
	return fmt.Errorf("%w: the build would delete %s of the %s files of the site at %s (%.1f%%, limit %s), such as %s; "+
		"if that is meant (a rule or a category withdrawn, providers gone for good), pass a larger --max-deletes for this build",
		ErrRefused, commas(int64(len(d.Removed))), commas(int64(d.Previous)), out, 100*float64(len(d.Removed))/float64(d.Previous),
		strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", 100*max), "0"), ".")+"%", strings.Join(d.Removed[:min(3, len(d.Removed))], ", "))
}

// write writes deploy.json, upload.txt (added and changed) and delete.txt
// into dir.
func (d *Deploy) write(dir string) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	upload := append(slices.Clone(d.Added), d.Changed...)
	slices.Sort(upload)
	for _, f := range []struct {
		name string
		b    []byte
	}{{"deploy.json", append(b, '\n')}, {"upload.txt", lines(upload)}, {"delete.txt", lines(d.Removed)}} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.b, 0o644); err != nil {
			return fmt.Errorf("deploy list: %w", err)
		}
	}
	return nil
}

func lines(ss []string) []byte {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// commas writes n with thousands separators.
func commas(n int64) string {
	if n < 0 {
		return "-" + commas(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
