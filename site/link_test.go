package site

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestUnchangedFilesAreLinked builds the fixture twice, the second time
// with the first as the live site: every file whose bytes are the live
// one's is the same file (a hard link), not a copy, except one whose live
// bytes were changed by hand after the index was made, which is written
// anew with tonight's bytes.
func TestUnchangedFilesAreLinked(t *testing.T) {
	in := fixture(t, loadBook(t))
	live, tonight := t.TempDir(), t.TempDir()
	files, err := Build(live, in, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	prev := map[string]Prev{}
	for _, f := range files {
		prev[f.Path] = Prev{SHA256: f.SHA256, Since: f.Since}
	}
	tampered := filepath.Join(live, "about", "index.html")
	want := readFile(t, tampered)
	if err := os.WriteFile(tampered, append(bytes.Clone(want), " "...), 0o644); err != nil {
		t.Fatal(err)
	}
	private := filepath.Join(live, "methodology", "index.html")
	if err := os.Chmod(private, 0o600); err != nil {
		t.Fatal(err)
	}
	files, err = Build(tonight, in, Options{Jobs: 2, Previous: prev, Live: live})
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, f := range files {
		a, b := filepath.Join(live, filepath.FromSlash(f.Path)), filepath.Join(tonight, filepath.FromSlash(f.Path))
		ia, err := os.Stat(a)
		if err != nil {
			t.Fatal(err)
		}
		ib, err := os.Stat(b)
		if err != nil {
			t.Fatal(err)
		}
		same := os.SameFile(ia, ib)
		if same {
			linked++
		}
		switch {
		case f.Path == "about/index.html":
			if same || !bytes.Equal(readFile(t, b), want) {
				t.Errorf("%s: a live file changed by hand was linked, or tonight's bytes were not written", f.Path)
			}
		case f.Path == "methodology/index.html":
			if same {
				t.Errorf("%s: a live file of mode 0600 was linked", f.Path)
			}
		case f.Change == Unchanged && !same:
			t.Errorf("%s: unchanged, and written as a copy", f.Path)
		case f.Change != Unchanged && same:
			t.Errorf("%s: %v, and linked to the live file", f.Path, f.Change)
		}
	}
	if linked < len(files)/2 {
		t.Errorf("%d of %d files linked", linked, len(files))
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
