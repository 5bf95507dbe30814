package report

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

var defaultRe = regexp.MustCompile(`<Default [^>]*?(?:/>|></Default>)`)

// normaliseZip rewrites an Office file so that the same content always
// gives the same bytes: entries in name order ([Content_Types].xml first),
// no entry times, and the content-type defaults (which excelize writes in
// map order) sorted.
func normaliseZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	type entry struct {
		name string
		data []byte
	}
	var entries []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			zr.Close()
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			zr.Close()
			return err
		}
		if f.Name == "[Content_Types].xml" {
			b = sortDefaults(b)
		}
		entries = append(entries, entry{f.Name, b})
	}
	zr.Close()
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.name == b.name:
			return 0
		case a.name == "[Content_Types].xml":
			return -1
		case b.name == "[Content_Types].xml":
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := w.Write(e.data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// sortDefaults sorts the run of <Default …> elements of [Content_Types].xml.
func sortDefaults(b []byte) []byte {
	locs := defaultRe.FindAllIndex(b, -1)
	if len(locs) < 2 {
		return b
	}
	var ds [][]byte
	for _, l := range locs {
		ds = append(ds, b[l[0]:l[1]])
	}
	slices.SortFunc(ds, bytes.Compare)
	var out bytes.Buffer
	prev := 0
	for i, l := range locs {
		out.Write(b[prev:l[0]])
		out.Write(ds[i])
		prev = l[1]
	}
	out.Write(b[prev:])
	return out.Bytes()
}
