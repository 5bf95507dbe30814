package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// Output is one file of the downloads directory, with what it holds.
type Output struct {
	Name   string
	Rows   int64 // -1 when the file has no rows
	Zh, En string
}

// Downloads writes every download into dir: the four tables as CSV and
// Parquet, the summary as Parquet, everything as one JSON document with its
// JSON Schema, and the regulators' workbook. It returns the files written,
// in the order the downloads page lists them, and the data dictionary of
// their columns. The manifest and SHA256SUMS come after, once every file
// exists (see Seal).
//
// The workbook, which shows the manifest, is written last, so that the
// manifest (the inputs' hashes) can still be in the making while the
// other files are written.
func Downloads(dir string, in *Input, meta Meta, manifest func() (*Manifest, error)) ([]Output, []Entry, error) {
	outs, tables, sum, err := downloads(dir, in, meta, manifest)
	if err != nil {
		return nil, nil, err
	}
	return outs, append(Dictionary(tables, sum), historyDictionary(HistoryTable(in))...), nil
}

func downloads(dir string, in *Input, meta Meta, manifest func() (*Manifest, error)) ([]Output, []*Table, *Summary, error) {
	fail := func(err error) ([]Output, []*Table, *Summary, error) { return nil, nil, nil, err }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	tables := Tables(in)
	sum := Summarise(in)
	all := append(tables, sum.Table())
	stem := "disclosure-" + in.AsOf.String()
	xlsx := stem + ".xlsx"
	outs := []Output{{Name: xlsx, Rows: -1,
		Zh: "监管工作簿：README、providers、commitments、notices、violations、summary（含图表）、dictionary 七个工作表。",
		En: "The regulators' workbook: sheets README, providers, commitments, notices, violations, summary (with charts) and dictionary."}}
	for _, t := range tables {
		if err := WriteCSV(filepath.Join(dir, t.Name+".csv"), t); err != nil {
			return fail(err)
		}
		outs = append(outs, Output{Name: t.Name + ".csv", Rows: int64(len(t.Rows)), Zh: t.Zh + "（CSV，UTF-8 带 BOM）", En: t.En + " (CSV, UTF-8 with BOM)"})
	}
	hist := HistoryTable(in)
	if err := WriteCSV(filepath.Join(dir, "history.csv"), hist); err != nil {
		return fail(err)
	}
	if err := WriteParquet(filepath.Join(dir, "history.parquet"), hist); err != nil {
		return fail(err)
	}
	if err := WriteReleases(filepath.Join(dir, "releases.json"), in.Builds, in.AsOf); err != nil {
		return fail(err)
	}
	outs = append(outs,
		Output{Name: "history.csv", Rows: int64(len(hist.Rows)), Zh: hist.Zh + "（CSV，UTF-8 带 BOM）", En: hist.En + " (CSV, UTF-8 with BOM)"},
		Output{Name: "history.parquet", Rows: int64(len(hist.Rows)), Zh: hist.Zh + "（Parquet，带类型）", En: hist.En + " (typed Parquet)"},
		Output{Name: "releases.json", Rows: int64(len(in.Builds)), Zh: "台账中的每次构建（最新在前）：数据截至日、工具与规则书版本、该次 manifest.json 的 SHA-256。",
			En: "Every build in the ledger, newest first: as-of date, tool and rule-book versions, the SHA-256 of its manifest.json."})
	js, schema := stem+".json", stem+".schema.json"
	if err := WriteJSON(filepath.Join(dir, js), meta, all); err != nil {
		return fail(err)
	}
	if err := WriteSchema(filepath.Join(dir, schema), schema, all); err != nil {
		return fail(fmt.Errorf("write %s: %w", schema, err))
	}
	var rows int64
	for _, t := range all {
		rows += int64(len(t.Rows))
	}
	outs = append(outs, Output{Name: js, Rows: rows, Zh: "以上全部表格合为一个 JSON 文档（行数为各表合计）。", En: "All the tables above in one JSON document (rows: all tables together)."},
		Output{Name: schema, Rows: -1, Zh: "该 JSON 文档的 JSON Schema（draft 2020-12）。", En: "The JSON Schema (draft 2020-12) of that document."})
	for _, t := range all {
		if err := WriteParquet(filepath.Join(dir, t.Name+".parquet"), t); err != nil {
			return fail(err)
		}
		outs = append(outs, Output{Name: t.Name + ".parquet", Rows: int64(len(t.Rows)), Zh: t.Zh + "（Parquet，带类型）", En: t.En + " (typed Parquet)"})
	}
	m, err := manifest()
	if err != nil {
		return fail(err)
	}
	if err := WriteXLSX(filepath.Join(dir, xlsx), &Workbook{Tables: tables, Summary: sum, Manifest: m, AsOf: in.AsOf}); err != nil {
		return fail(err)
	}
	return outs, tables, sum, nil
}

// Seal writes manifest.json (with every download's size, SHA-256 and row
// count) and then SHA256SUMS over every file, the manifest included. It
// returns outs with those two added, and the sums of all files but
// SHA256SUMS.
func Seal(dir string, outs []Output, m *Manifest) ([]Output, []FileSum, error) {
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
		return nil, nil, fmt.Errorf("write SHA256SUMS: %w", err)
	}
	outs = append(outs,
		Output{Name: "manifest.json", Rows: -1, Zh: "来源与完整性：工具与规则书版本、数据截至日、每个输入文件和下载文件的 SHA-256 与行数。",
			En: "Provenance and integrity: tool and rule-book versions, as-of date, SHA-256 and row counts of every input and download."},
		Output{Name: "SHA256SUMS", Rows: -1, Zh: "全部下载文件的 SHA-256 校验和。", En: "SHA-256 checksums of every download."})
	return outs, all, nil
}

func historyDictionary(t *Table) []Entry {
	var out []Entry
	for _, c := range t.Cols {
		out = append(out, Entry{Table: "history.csv / parquet", Name: c.Name, Type: c.Kind.Name(), Zh: c.Zh, En: c.En})
	}
	return out
}
