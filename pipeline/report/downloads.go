package report

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Output is one file of the downloads directory, with what it holds.
type Output struct {
	Name   string
	Rows   int64 // -1 when the file has no rows
	Zh, En string
}

// Downloads writes every download into dir: the tables as CSV and
// Parquet, the summary as Parquet, everything as one JSON document with its
// JSON Schema, the grade history (CSV and Parquet) and releases.json, and
// the regulators' workbook. It returns the files it lists
// on the downloads page, in that order (manifest.json and SHA256SUMS
// last: Seal writes them once every other file exists), and the data
// dictionary of their columns.
//
// Every word of the downloads comes from content/dictionary.json and
// content/licence.json (in.Content), with the rule book's values filled
// in; a word the dictionary lacks is an error, so is a {param} it cannot
// fill.
//
// The workbook, which shows the manifest, is written last, so that the
// manifest (the inputs' hashes) can still be in the making while the
// other files are written.
func Downloads(dir string, in *Input, meta Meta, manifest func() (*Manifest, error)) ([]Output, []Entry, error) {
	fail := func(err error) ([]Output, []Entry, error) { return nil, nil, err }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	w, err := loadWords(in.Content)
	if err != nil {
		return fail(err)
	}
	p := bookParams(in.Book, in.AsOf, w)
	if err := w.check(p); err != nil {
		return fail(err)
	}
	lic, err := LoadLicence(in.Content, meta.Platform, in.AsOf.String())
	if err != nil {
		return fail(err)
	}
	meta.Licence = lic
	p = p.with(map[string]string{"as_of": in.AsOf.String(), "platform": meta.Platform})
	tabs := tables(in, w)
	sum := Summarise(in)
	all := append(tabs, sum.Table())
	hist := HistoryTable(in)
	tr := TransparencyTable(in)
	for _, t := range append(all, hist, tr) {
		if err := w.fill(t, p); err != nil {
			return fail(err)
		}
	}
	dict, err := w.dictionary(append(all, hist, tr), p)
	if err != nil {
		return fail(err)
	}
	var names, data []string
	for _, t := range tabs {
		data = append(data, t.Name)
	}
	names = append(append([]string{"README"}, data...), "summary", "dictionary")
	p = p.with(map[string]string{"sheets_zh": strings.Join(names, w.ListZh), "sheets_en": strings.Join(names, w.ListEn),
		"sheet_count": strconv.Itoa(len(names)), "sheets_data_zh": strings.Join(data, w.ListZh), "sheets_data_en": strings.Join(data, w.ListEn)})
	file := func(key string, extra map[string]string) (Bilingual, error) {
		b, err := p.with(extra).bilingual(w.Files[key])
		if err != nil {
			return b, fmt.Errorf("content/%s: files.%s: %w", DictionaryPath, key, err)
		}
		return b, nil
	}
	out := func(name string, rows int64, key string, t *Table) (Output, error) {
		var extra map[string]string
		if t != nil {
			extra = map[string]string{"what_zh": t.Zh, "what_en": t.En}
		}
		b, err := file(key, extra)
		return Output{Name: name, Rows: rows, Zh: b.Zh, En: b.En}, err
	}

	stem := "disclosure-" + in.AsOf.String()
	xlsx := stem + ".xlsx"
	o, err := out(xlsx, -1, "xlsx", nil)
	if err != nil {
		return fail(err)
	}
	outs := []Output{o}
	for _, t := range tabs {
		if err := WriteCSV(filepath.Join(dir, t.Name+".csv"), t); err != nil {
			return fail(err)
		}
		o, err := out(t.Name+".csv", int64(len(t.Rows)), "csv", t)
		if err != nil {
			return fail(err)
		}
		outs = append(outs, o)
	}
	if err := WriteCSV(filepath.Join(dir, "history.csv"), hist); err != nil {
		return fail(err)
	}
	if err := WriteParquet(filepath.Join(dir, "history.parquet"), hist); err != nil {
		return fail(err)
	}
	if err := WriteReleases(filepath.Join(dir, "releases.json"), in.Builds, in.AsOf); err != nil {
		return fail(err)
	}
	if err := WriteCSV(filepath.Join(dir, "transparency.csv"), tr); err != nil {
		return fail(err)
	}
	for _, f := range []struct {
		name string
		rows int64
		key  string
		t    *Table
	}{{"history.csv", int64(len(hist.Rows)), "csv", hist}, {"history.parquet", int64(len(hist.Rows)), "parquet", hist},
		{"releases.json", int64(len(in.Builds)), "releases", nil}, {"transparency.csv", int64(len(tr.Rows)), "csv", tr}} {
		o, err := out(f.name, f.rows, f.key, f.t)
		if err != nil {
			return fail(err)
		}
		outs = append(outs, o)
	}
	js, schema := stem+".json", stem+".schema.json"
	if err := WriteJSON(filepath.Join(dir, js), meta, all); err != nil {
		return fail(err)
	}
	title := w.SchemaTitle.En + " / " + w.SchemaTitle.Zh
	if err := WriteSchema(filepath.Join(dir, schema), schema, title, all); err != nil {
		return fail(fmt.Errorf("write %s: %w", schema, err))
	}
	var rows int64
	for _, t := range all {
		rows += int64(len(t.Rows))
	}
	for _, f := range []struct {
		name string
		rows int64
		key  string
	}{{js, rows, "json"}, {schema, -1, "schema"}} {
		o, err := out(f.name, f.rows, f.key, nil)
		if err != nil {
			return fail(err)
		}
		outs = append(outs, o)
	}
	for _, t := range all {
		if err := WriteParquet(filepath.Join(dir, t.Name+".parquet"), t); err != nil {
			return fail(err)
		}
		o, err := out(t.Name+".parquet", int64(len(t.Rows)), "parquet", t)
		if err != nil {
			return fail(err)
		}
		outs = append(outs, o)
	}
	for _, f := range []struct{ name, key string }{{"manifest.json", "manifest"}, {SumsFile, "sums"}} {
		o, err := out(f.name, -1, f.key, nil)
		if err != nil {
			return fail(err)
		}
		outs = append(outs, o)
	}
	m, err := manifest()
	if err != nil {
		return fail(err)
	}
	if err := writeXLSX(filepath.Join(dir, xlsx), &workbook{Tables: tabs, Summary: sum, Manifest: m, AsOf: in.AsOf,
		Licence: lic, Dictionary: dict, words: w, params: p}); err != nil {
		return fail(err)
	}
	return outs, dict, nil
}

// SumsFile is the checksums file, which lists every other file.
const SumsFile = "SHA256SUMS"

// Seal writes manifest.json (with every download's size, SHA-256 and row
// count) and then SHA256SUMS over every file, the manifest included. It
// returns outs with those two moved last (files written after Downloads,
// such as the log of notices, come before them), and the sums of every
// file, SHA256SUMS last: a file cannot list its own checksum, but the
// downloads page can.
func Seal(dir string, outs []Output, m *Manifest) ([]Output, []FileSum, error) {
	last := func(o Output) bool { return o.Name == "manifest.json" || o.Name == SumsFile }
	outs = append(slices.DeleteFunc(slices.Clone(outs), last), slices.DeleteFunc(slices.Clone(outs), func(o Output) bool { return !last(o) })...)
	rows := map[string]int64{}
	for _, o := range outs {
		rows[o.Name] = o.Rows
	}
	sums, err := SumTree(dir)
	if err != nil {
		return nil, nil, err
	}
	for i := range sums {
		if n, ok := rows[sums[i].Path]; ok && n >= 0 {
			sums[i].Rows = &n
		}
	}
	m.Outputs = sums
	if err := m.Write(filepath.Join(dir, "manifest.json")); err != nil {
		return nil, nil, err
	}
	all, err := SumTree(dir)
	if err != nil {
		return nil, nil, err
	}
	if err := WriteSums(dir, all); err != nil {
		return nil, nil, fmt.Errorf("write %s: %w", SumsFile, err)
	}
	self, err := Sum(filepath.Join(dir, SumsFile), SumsFile)
	if err != nil {
		return nil, nil, fmt.Errorf("write %s: %w", SumsFile, err)
	}
	return outs, append(all, self), nil
}
