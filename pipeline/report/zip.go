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
// map order) sorted. Entries are streamed, not held in memory.
func normaliseZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		switch {
		case a.Name == b.Name:
			return 0
		case a.Name == "[Content_Types].xml":
			return -1
		case b.Name == "[Content_Types].xml":
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	zw := zip.NewWriter(out)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			out.Close()
			return err
		}
		rc, err := f.Open()
		if err != nil {
			out.Close()
			return err
		}
		if f.Name == "[Content_Types].xml" {
			var b []byte
			if b, err = io.ReadAll(rc); err == nil {
				_, err = w.Write(sortDefaults(b))
			}
		} else {
			_, err = io.Copy(w, rc)
		}
		rc.Close()
		if err != nil {
			out.Close()
			return err
		}
	}
	err = zw.Close()
	if e := out.Close(); err == nil {
		err = e
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
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
