package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// Workbook is what the regulators' workbook holds besides the tables.
type Workbook struct {
	Tables   []*Table
	Summary  *Summary
	Manifest *Manifest // inputs and versions, for the README sheet
	AsOf     model.Date
}

// label is a column's short Chinese header: its meaning up to the first
// clause mark.
func label(c Col) string {
	s := c.Zh
	for _, sep := range []string{"：", "（", "；", "，"} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return s
}

func width(c Col) float64 {
	switch {
	case strings.HasPrefix(c.Name, "facts_"), c.Name == "text", c.Name == "rescind_reason":
		return 60
	case c.Name == "name", c.Name == "measures":
		return 30
	case strings.HasSuffix(c.Name, "_id"), c.Name == "ref":
		return 18
	case c.Kind == KDate:
		return 12
	}
	return 13
}

type styles struct {
	header, date, money, score, rate, decimal, wrap, title int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{}
	var err error
	add := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	s.date = add(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	s.money = add(&excelize.Style{CustomNumFmt: ptr("#,##0.00")})
	s.score = add(&excelize.Style{CustomNumFmt: ptr("0.0")})
	s.rate = add(&excelize.Style{CustomNumFmt: ptr("0.0%")})
	s.decimal = add(&excelize.Style{CustomNumFmt: ptr("0.0000")})
	s.wrap = add(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	return s, err
}

func ptr[T any](v T) *T { return &v }

// cell turns a value into a typed, styled cell.
func (s *styles) cell(c Col, v Value) any {
	if v.Null {
		return nil
	}
	switch c.Kind {
	case KInt:
		return v.I
	case KMoney:
		return excelize.Cell{StyleID: s.money, Value: float64(v.I) / 100}
	case KDate:
		y, m, d := model.Date(v.I).Time().Date()
		return excelize.Cell{StyleID: s.date, Value: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	case KScore:
		return excelize.Cell{StyleID: s.score, Value: float64(v.I) / 10}
	case KRate:
		return excelize.Cell{StyleID: s.rate, Value: v.F}
	case KDecimal:
		return excelize.Cell{StyleID: s.decimal, Value: v.F}
	}
	return v.S
}

// WriteXLSX writes the workbook: README, the tables, summary (with native
// charts) and dictionary. Table sheets have two header rows (Chinese
// labels, then the column names of the CSV files), frozen, with an
// autofilter, typed cells and a declared used range.
func WriteXLSX(path string, wb *Workbook) (err error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.SetSheetName("Sheet1", "README"); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	steps := []func() error{
		func() error { return readmeSheet(f, st, wb) },
	}
	for _, t := range wb.Tables {
		steps = append(steps, func() error { return tableSheet(f, st, t) })
	}
	steps = append(steps,
		func() error { return summarySheet(f, st, wb.Summary) },
		func() error { return dictionarySheet(f, st, wb) })
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	// Fixed document times: the same inputs give the same bytes.
	stamp := wb.AsOf.Time().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "disclose", Title: "Provider accountability register " + wb.AsOf.String(),
		Created: stamp, Modified: stamp, LastModifiedBy: "disclose", Language: "zh-CN"}); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := normaliseZip(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func tableSheet(f *excelize.File, st *styles, t *Table) error {
	if _, err := f.NewSheet(t.Name); err != nil {
		return err
	}
	// The used range and the autofilter are set before streaming: the
	// stream writer carries them into the sheet it writes. Streaming
	// readers (openpyxl read-only, pandas) trust the declared range.
	last, _ := excelize.CoordinatesToCellName(len(t.Cols), len(t.Rows)+2)
	if err := f.SetSheetDimension(t.Name, "A1:"+last); err != nil {
		return err
	}
	if err := f.AutoFilter(t.Name, "A2:"+last, nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	for i, c := range t.Cols {
		if err := sw.SetColWidth(i+1, i+1, width(c)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	zh, en := make([]any, len(t.Cols)), make([]any, len(t.Cols))
	for i, c := range t.Cols {
		zh[i] = excelize.Cell{StyleID: st.header, Value: label(c)}
		en[i] = excelize.Cell{StyleID: st.header, Value: c.Name}
	}
	if err := sw.SetRow("A1", zh); err != nil {
		return err
	}
	if err := sw.SetRow("A2", en); err != nil {
		return err
	}
	row := make([]any, len(t.Cols))
	for r, vals := range t.Rows {
		for i, c := range t.Cols {
			row[i] = st.cell(c, vals[i])
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func readmeSheet(f *excelize.File, st *styles, wb *Workbook) error {
	const sh = "README"
	m := wb.Manifest
	rows := [][]any{
		{excelize.Cell{StyleID: st.title, Value: "服务商履约公示 · Provider accountability register"}},
		{},
		{"数据截至 As of", wb.AsOf.String()},
		{"平台 Platform", m.Platform},
		{"工具 Tool", m.Tool + " " + m.ToolVersion},
		{"规则书版本 Rule book", m.RulebookVersion},
		{},
		{"内容 What this is", "本工作簿收录数据截至日的服务商评级、服务承诺及履约、全部违规公示、计入积分的违规明细和按月汇总。每个数字都可与网站和 CSV/JSON/Parquet 下载核对。"},
		{"", "This workbook holds, as of the date above, every provider's rating, every published promise and how well it was kept, every enforcement notice, every violation counted towards points, and monthly figures. Every figure can be checked against the site and the CSV, JSON and Parquet downloads."},
		{"表头 Headers", "数据表第 1 行为中文列名，第 2 行为与 CSV 文件相同的英文列名（筛选按钮在此行），数据从第 3 行开始。各列含义见 dictionary 工作表。"},
		{"", "In the data sheets row 1 holds Chinese labels and row 2 the column names used by the CSV files (with the filter buttons); data start in row 3. The dictionary sheet explains every column."},
		{"追溯 Tracing a score", "providers 表的 weighted 减去 points_deducted 即为得分；积分来自 violations 表中该服务商的各项违规。"},
		{"", "In providers, score = weighted − points_deducted; the points come from the provider's rows in violations."},
		{"个人信息 Personal data", "不含商家身份、投诉内容或任何可识别个人的信息。 No merchant identities, complaint texts or anything else that identifies a person."},
		{},
		{excelize.Cell{StyleID: st.header, Value: "输入文件 Input file"}, excelize.Cell{StyleID: st.header, Value: "字节 Bytes"},
			excelize.Cell{StyleID: st.header, Value: "SHA-256"}, excelize.Cell{StyleID: st.header, Value: "行数 Rows"}},
	}
	for _, in := range m.Inputs.Files {
		var n any
		if in.Rows != nil {
			n = *in.Rows
		}
		rows = append(rows, []any{in.Path, in.Bytes, in.SHA256, n})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
	}
	f.SetColWidth(sh, "A", "A", 24)
	f.SetColWidth(sh, "B", "B", 90)
	f.SetColWidth(sh, "C", "C", 68)
	return f.SetColStyle(sh, "B", st.wrap)
}

func summarySheet(f *excelize.File, st *styles, s *Summary) error {
	const sh = "summary"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	n := len(s.Months)
	blocks := []struct {
		zh, en string
		data   [][]int64
	}{{"违规公示数（按发布月份）", "Notices issued, by month", s.Notices}, {"违规数（按认定月份）", "Violations counted, by month", s.Violations}}
	row := 1
	var starts []int
	for _, b := range blocks {
		if err := f.SetCellValue(sh, fmt.Sprintf("A%d", row), b.zh+" · "+b.en); err != nil {
			return err
		}
		head := []any{excelize.Cell{StyleID: st.header, Value: "month"}}
		for _, c := range s.Categories {
			head = append(head, excelize.Cell{StyleID: st.header, Value: model.CategoryEnum.Label(c) + " " + c})
		}
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", row+1), &head); err != nil {
			return err
		}
		for m := 0; m < n; m++ {
			r := []any{s.Months[m]}
			for c := range s.Categories {
				r = append(r, b.data[m][c])
			}
			if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", row+2+m), &r); err != nil {
				return err
			}
		}
		starts = append(starts, row+1)
		row += n + 4
	}
	f.SetColWidth(sh, "A", "A", 12)
	f.SetColWidth(sh, "B", "H", 14)
	for i, b := range blocks {
		head := starts[i]
		var series []excelize.ChartSeries
		for c := range s.Categories {
			col, _ := excelize.ColumnNumberToName(c + 2)
			series = append(series, excelize.ChartSeries{
				Name:       fmt.Sprintf("summary!$%s$%d", col, head),
				Categories: fmt.Sprintf("summary!$A$%d:$A$%d", head+1, head+n),
				Values:     fmt.Sprintf("summary!$%s$%d:$%s$%d", col, head+1, col, head+n),
			})
		}
		anchor := fmt.Sprintf("J%d", head)
		if err := f.AddChart(sh, anchor, &excelize.Chart{Type: excelize.ColStacked, Series: series,
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: b.zh + " · " + b.en}}},
			Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: 300}}); err != nil {
			return err
		}
	}
	return nil
}

func dictionarySheet(f *excelize.File, st *styles, wb *Workbook) error {
	const sh = "dictionary"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{}
	for _, h := range []string{"file", "column", "type", "含义", "meaning"} {
		head = append(head, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := f.SetSheetRow(sh, "A1", &head); err != nil {
		return err
	}
	r := 2
	for _, e := range Dictionary(wb.Tables, wb.Summary) {
		row := []any{e.Table, e.Name, e.Type, e.Zh, e.En}
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", r), &row); err != nil {
			return err
		}
		r++
	}
	f.SetColWidth(sh, "A", "A", 26)
	f.SetColWidth(sh, "B", "B", 24)
	f.SetColWidth(sh, "C", "C", 20)
	f.SetColWidth(sh, "D", "E", 60)
	f.SetColStyle(sh, "D:E", st.wrap)
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return f.AutoFilter(sh, fmt.Sprintf("A1:E%d", r-1), nil)
}

// Entry is one line of the data dictionary.
type Entry struct {
	Table, Name, Type, Zh, En string
}

// Dictionary lists every column of every download: the tables (in the
// CSV, workbook, JSON and Parquet, or not in the CSV where marked), the
// summary, and the CSV neutralising rule.
func Dictionary(tables []*Table, s *Summary) []Entry {
	var out []Entry
	for _, t := range append(tables, s.Table()) {
		where := t.Name + ".csv / xlsx / json / parquet"
		if t.Name == "summary" {
			where = "summary (xlsx / json / parquet)"
		}
		for _, c := range t.Cols {
			w := where
			if c.Extra {
				w = t.Name + " (xlsx / json / parquet)"
			}
			out = append(out, Entry{Table: w, Name: c.Name, Type: c.Kind.Name(), Zh: c.Zh, En: c.En})
		}
	}
	return append(out, Entry{Table: "*.csv", Name: "—", Type: "rule", Zh: NeutralRuleZh, En: NeutralRuleEn})
}
