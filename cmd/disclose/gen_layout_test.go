package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/xuri/excelize/v2"
)

// TestGenLayouts writes one seed in each Parquet layout gen knows (the
// files Spark and pyarrow write: Snappy or no compression, orders in
// monthly hive folders, small row groups, money as INT64), checks that the
// files are laid out as asked, builds each, and wants the published tree
// of the default layout: the same bytes, but for the record of the input
// files (their names, sizes and digests in manifest.json, the workbook's
// README, the downloads pages and SHA256SUMS).
func TestGenLayouts(t *testing.T) {
	dir := t.TempDir()
	layouts := []struct {
		name  string
		flags []string
		codec compress.Compression
		parts int // monthly folders of orders (0: one orders.parquet)
		// groupRows is the rows of each row group of an orders file but
		// its last.
		groupRows int64
		decimal   parquet.Type
	}{
		{"default", nil, compress.Codecs.Zstd, 0, 1 << 20, parquet.Types.FixedLenByteArray},
		{"snappy", []string{"--compression", "snappy"}, compress.Codecs.Snappy, 0, 1 << 20, parquet.Types.FixedLenByteArray},
		{"none", []string{"--compression", "none"}, compress.Codecs.Uncompressed, 0, 1 << 20, parquet.Types.FixedLenByteArray},
		{"spark", []string{"--compression", "snappy", "--partition", "month", "--row-group-rows", "150", "--decimal", "int64"},
			compress.Codecs.Snappy, 14, 150, parquet.Types.Int64},
		{"pyarrow", []string{"--compression", "snappy", "--partition", "month", "--row-group-rows", "150"},
			compress.Codecs.Snappy, 14, 150, parquet.Types.FixedLenByteArray},
	}
	var base map[string]string
	for _, l := range layouts {
		snap := filepath.Join(dir, "gen-"+l.name)
		args := append([]string{"gen", "--out", snap, "--seed", "7", "--providers", "40", "--orders", "6000"}, l.flags...)
		if code, msg := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: gen exit %d: %s", l.name, code, msg)
		}
		orders := []string{filepath.Join(snap, "orders.parquet")}
		if l.parts > 0 {
			orders, _ = filepath.Glob(filepath.Join(snap, "orders", "month=*", "part-*.parquet"))
			if len(orders) < l.parts {
				t.Errorf("%s: orders in %d monthly folders, want at least %d", l.name, len(orders), l.parts)
			}
			if _, err := os.Stat(filepath.Join(snap, "orders.parquet")); err == nil {
				t.Errorf("%s: orders.parquet beside the partitioned orders", l.name)
			}
		}
		groups := 0
		for _, p := range orders {
			groups += checkLayout(t, l.name, p, l.codec, l.groupRows, l.decimal)
		}
		if l.parts > 0 && groups < 2*len(orders) {
			t.Errorf("%s: %d row groups in %d files of orders, want several a file", l.name, groups, len(orders))
		}
		site := filepath.Join(dir, "site-"+l.name)
		if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", site, "--quarantine", filepath.Join(dir, l.name+".csv"),
			"--max-reject", "5%", "--quiet"); code != 0 {
			t.Fatalf("%s: build exit %d: %s", l.name, code, msg)
		}
		tree := treeBytes(t, site)
		if l.parts > 0 && !strings.Contains(tree[filepath.Join("downloads", "manifest.json")], `"orders/month=`) {
			t.Errorf("%s: the manifest does not name the partitioned orders files", l.name)
		}
		if base == nil {
			base = tree
			continue
		}
		sameSite(t, l.name, base, tree, filepath.Join(dir, "site-default"), site)
	}
}

// checkLayout wants a Parquet file of orders compressed with codec, in row
// groups of groupRows rows but the last, its money stored as decimal, and
// says how many row groups it has.
func checkLayout(t *testing.T, name, path string, codec compress.Compression, groupRows int64, decimal parquet.Type) int {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer r.Close()
	md := r.MetaData()
	for g := 0; g < r.NumRowGroups(); g++ {
		rg := md.RowGroup(g)
		if n := rg.NumRows(); n > groupRows || n < groupRows && g < r.NumRowGroups()-1 {
			t.Errorf("%s: %s row group %d has %d rows, want %d", name, path, g, n, groupRows)
		}
		for c := 0; c < rg.NumColumns(); c++ {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			if cc.Compression() != codec {
				t.Errorf("%s: %s column %s compressed with %s, want %s", name, path, cc.PathInSchema(), cc.Compression(), codec)
			}
		}
	}
	col := md.Schema.ColumnIndexByName("amount")
	if col < 0 {
		t.Fatalf("%s: %s has no amount", name, path)
	}
	if c := md.Schema.Column(col); c.PhysicalType() != decimal || c.LogicalType().String() != "Decimal(precision=18, scale=2)" {
		t.Errorf("%s: amount is %s %s, want %s DECIMAL(18,2)", name, c.PhysicalType(), c.LogicalType(), decimal)
	}
	return r.NumRowGroups()
}

// inputRecord are the published files that record the input files.
var inputRecord = []string{"downloads/manifest.json", "downloads/SHA256SUMS", "downloads/index.html", "en/downloads/index.html"}

// sameSite wants two builds' trees byte for byte the same, but for the
// record of the input files: there the manifest but for its inputs and the
// digests of the files that hold them, and the workbook's every cell but
// for the input files under the README.
func sameSite(t *testing.T, name string, want, got map[string]string, wantDir, gotDir string) {
	t.Helper()
	for p := range want {
		if _, ok := got[p]; !ok {
			t.Errorf("%s: %s missing", name, p)
		}
	}
	for p, b := range got {
		w, ok := want[p]
		switch {
		case !ok:
			t.Errorf("%s: %s not in the default layout's site", name, p)
		case slices.Contains(inputRecord, filepath.ToSlash(p)) || strings.HasSuffix(p, ".xlsx"):
		case w != b:
			t.Errorf("%s: %s differs from the default layout's", name, p)
		}
	}
	manifest := func(s string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "inputs")
		var outs []any
		for _, o := range m["outputs"].([]any) {
			if p := o.(map[string]any)["path"].(string); !strings.HasSuffix(p, ".xlsx") {
				outs = append(outs, o)
			}
		}
		m["outputs"] = outs
		b, _ := json.Marshal(m)
		return string(b)
	}
	mp := filepath.Join("downloads", "manifest.json")
	if manifest(want[mp]) != manifest(got[mp]) {
		t.Errorf("%s: manifest.json differs from the default layout's beyond its inputs", name)
	}
	xs, _ := filepath.Glob(filepath.Join(wantDir, "downloads", "*.xlsx"))
	if len(xs) != 1 {
		t.Fatalf("want one workbook, found %v", xs)
	}
	a, b := cells(t, xs[0]), cells(t, filepath.Join(gotDir, "downloads", filepath.Base(xs[0])))
	if len(a) != len(b) {
		t.Errorf("%s: the workbook has %d sheets, want %d", name, len(b), len(a))
	}
	for sh, rows := range a {
		other := b[sh]
		if sh == "README" {
			rows, other = beforeInputs(rows), beforeInputs(other)
		}
		if !slices.EqualFunc(rows, other, slices.Equal) {
			t.Errorf("%s: the workbook's sheet %s differs from the default layout's", name, sh)
		}
	}
}

// cells reads every cell of a workbook, by sheet.
func cells(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][][]string{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		m[sh] = rows
	}
	return m
}

// beforeInputs are the README's rows down to the header of the input files.
func beforeInputs(rows [][]string) [][]string {
	for i, r := range rows {
		if len(r) > 1 && strings.Contains(r[0], "Input file") && strings.Contains(r[1], "SHA-256") {
			return rows[:i]
		}
	}
	return append(rows, []string{"no header of the input files"})
}
