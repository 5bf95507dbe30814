package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// workbook is what the regulators' workbook holds besides the tables.
type workbook struct {
	Tables     []*Table
	Summary    *Summary
	Manifest   *Manifest // inputs and versions, for the README sheet
	AsOf       model.Date
	Licence    *Licence
	Dictionary []Entry
	words      *words
	params     params
}

// sheetCol is one column of a data sheet: a table's column, or the label
// column beside it (label set), which names the codes of column src.
type sheetCol struct {
	Col
	src   int
	label func(string) string
}

// sheetCols lists a table's columns as its sheet shows them: each column,
// and after a column with a Label its Chinese names.
func sheetCols(t *Table) []sheetCol {
	var out []sheetCol
	for i, c := range t.Cols {
		out = append(out, sheetCol{Col: c, src: i})
		if c.Label != nil {
			out = append(out, sheetCol{Col: Col{Name: c.Label.Name, Kind: KText}, src: i, label: c.Label.Of})
		}
	}
	return out
}

// long reports whether a column holds sentences, which wrap.
func long(name string) bool {
	return strings.HasPrefix(name, "facts_") || name == "text" || name == "rescind_reason"
}

// colWidths are the widths of a sheet's columns in characters: wide
// enough for the widest value, up to a limit (beyond it sentences wrap,
// names are cut), and for the header: on one line, or on two above
// numbers.
func colWidths(t *Table, cols []sheetCol) []float64 {
	out := make([]float64, len(cols))
	for i, c := range cols {
		w := 0.0
		for _, row := range t.Rows {
			w = max(w, textWidth(display(c, row[c.src])))
		}
		limit := 30.0
		switch {
		case long(c.Name):
			limit = 48
		case c.Kind != KText:
			limit = 24
		}
		out[i] = max(min(w+2, limit), headerWidth(c.Name, numeric(c)), 6)
	}
	return out
}

// numeric reports whether a sheet column holds numbers or dates.
func numeric(c sheetCol) bool {
	return c.label == nil && c.Kind != KText && c.Kind != KEnum
}

// display is roughly how a cell reads in the workbook, for its width.
func display(c sheetCol, v Value) string {
	switch {
	case c.label != nil:
		return c.label(v.S)
	case v.Null:
		return ""
	case c.Kind == KMoney:
		return model.Fen(v.I).String() + ",,"
	case c.Kind == KRate:
		return "100.0%"
	case c.Kind == KBool:
		return "FALSE"
	}
	return Text(c.Col, v)
}

type styles struct {
	header, plain, wrap, date, money, score, rate, decimal, title, key, note int
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
	top := func(fmt string) *excelize.Style {
		st := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}
		if fmt != "" {
			st.CustomNumFmt = ptr(fmt)
		}
		return st
	}
	s.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	s.plain = add(top(""))
	s.wrap = add(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.date = add(top("yyyy-mm-dd"))
	s.money = add(top("#,##0.00"))
	s.score = add(top("0.0"))
	s.rate = add(top("0.0%"))
	s.decimal = add(top("0.0"))
	s.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.key = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	s.note = s.wrap
	return s, err
}

func ptr[T any](v T) *T { return &v }

// cell turns a value into a typed, styled cell: numbers as numbers in the
// format of their unit, dates as dates; nil for no value.
func (s *styles) cell(c sheetCol, v Value) any {
	if c.label != nil {
		if v.Null || v.S == "" {
			return nil
		}
		return excelize.Cell{StyleID: s.plain, Value: c.label(v.S)}
	}
	if v.Null {
		return nil
	}
	switch c.Kind {
	case KInt:
		return excelize.Cell{StyleID: s.plain, Value: v.I}
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
	case KNumber:
		return excelize.Cell{StyleID: s.plain, Value: v.F}
	case KBool:
		return excelize.Cell{StyleID: s.plain, Value: v.B}
	}
	if v.S == "" {
		return nil
	}
	if long(c.Name) {
		return excelize.Cell{StyleID: s.wrap, Value: v.S}
	}
	return excelize.Cell{StyleID: s.plain, Value: v.S}
}

// writeXLSX writes the workbook: README, the data sheets, summary (with
// native charts) and dictionary. Each data sheet is one Excel table with
// one header row (the CSV's column names), frozen with the first column,
// typed cells and a declared used range; every sheet prints landscape,
// as wide as the page, with its header row on every page.
func writeXLSX(path string, wb *workbook) (err error) {
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return fmt.Errorf("write %s: %w", path, err) }
	st, err := newStyles(f)
	if err != nil {
		return fail(err)
	}
	if err := f.SetSheetName("Sheet1", "README"); err != nil {
		return fail(err)
	}
	footer, err := wb.params.bilingual(wb.words.Workbook.Footer)
	if err != nil {
		return fail(fmt.Errorf("content/%s: workbook.footer: %w", DictionaryPath, err))
	}
	print := printSetup{footer: footer.Zh + " · " + footer.En}
	steps := []func() error{
		func() error { return readmeSheet(f, st, wb, print) },
	}
	for _, t := range wb.Tables {
		steps = append(steps, func() error { return tableSheet(f, st, t, print) })
	}
	steps = append(steps,
		func() error { return summarySheet(f, st, wb, print) },
		func() error { return dictionarySheet(f, st, wb, print) })
	for _, step := range steps {
		if err := step(); err != nil {
			return fail(err)
		}
	}
	// Fixed document times: the same inputs give the same bytes.
	stamp := wb.AsOf.Time().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "disclose", Title: wb.words.Workbook.Title.En + " " + wb.AsOf.String(),
		Created: stamp, Modified: stamp, LastModifiedBy: "disclose", Language: "zh-CN"}); err != nil {
		return fail(err)
	}
	if err := f.SaveAs(path); err != nil {
		return fail(err)
	}
	if err := normaliseZip(path); err != nil {
		return fail(err)
	}
	return nil
}

// printSetup is how every sheet prints: A4 landscape, one page wide, the
// header rows repeated, the sheet's name, the as-of date and the page
// number in the footer.
type printSetup struct{ footer string }

// apply sets the page up; for a streamed sheet it is called before the
// stream writer, which carries the settings into the sheet it writes.
func (p printSetup) apply(f *excelize.File, sh string, titleRows int, onePage bool) error {
	height := 0
	if onePage {
		height = 1
	}
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"),
		FitToWidth: ptr(1), FitToHeight: ptr(height)}); err != nil {
		return err
	}
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: ptr(0.4), Right: ptr(0.4), Top: ptr(0.5),
		Bottom: ptr(0.6), Header: ptr(0.25), Footer: ptr(0.25)}); err != nil {
		return err
	}
	footer := "&L&A&C" + strings.ReplaceAll(p.footer, "&", "&&") + "&R&P / &N"
	if err := f.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return err
	}
	if titleRows == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sh, titleRows), Scope: sh})
}

func tableSheet(f *excelize.File, st *styles, t *Table, print printSetup) error {
	if _, err := f.NewSheet(t.Name); err != nil {
		return err
	}
	cols := sheetCols(t)
	// The used range and the page setup are set before streaming: the
	// stream writer carries them into the sheet it writes. Streaming
	// readers (openpyxl read-only, pandas) trust the declared range.
	last, _ := excelize.CoordinatesToCellName(len(cols), len(t.Rows)+1)
	if err := f.SetSheetDimension(t.Name, "A1:"+last); err != nil {
		return err
	}
	if err := print.apply(f, t.Name, 1, false); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	widths := colWidths(t, cols)
	for i := range cols {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.Name}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: height(2)}); err != nil {
		return err
	}
	row := make([]any, len(cols))
	for r, vals := range t.Rows {
		n := 1
		for i, c := range cols {
			row[i] = st.cell(c, vals[c.src])
			if long(c.Name) && c.label == nil {
				n = max(n, lines(vals[c.src].S, widths[i]))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row, excelize.RowOpts{Height: height(n)}); err != nil {
			return err
		}
	}
	// An Excel table needs a row below its header; an empty table gets
	// an empty one (the declared range stays the header's).
	end, _ := excelize.CoordinatesToCellName(len(cols), max(len(t.Rows), 1)+1)
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: t.Name, StyleName: "TableStyleLight9", ShowRowStripes: ptr(true)}); err != nil {
		return err
	}
	return sw.Flush()
}

// styled is a value with a style, for the sheets written cell by cell.
type styled struct {
	v     any
	style int
}

// put writes one row of cells from column A; a nil cell is left empty.
func put(f *excelize.File, sh string, row int, cells ...any) error {
	for i, c := range cells {
		v, style := c, 0
		if s, ok := c.(styled); ok {
			v, style = s.v, s.style
		}
		if v == nil {
			continue
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := f.SetCellValue(sh, ref, v); err != nil {
			return err
		}
		if style != 0 {
			if err := f.SetCellStyle(sh, ref, ref, style); err != nil {
				return err
			}
		}
	}
	return nil
}

// declare sets a sheet's used range (<dimension>) to the rows about to
// be written from A1: the normal writer leaves it at A1, and streaming
// readers (openpyxl read-only, pandas) trust it.
func declare(f *excelize.File, sh string, rows [][]any) error {
	cols := 1
	for _, r := range rows {
		for i := len(r) - 1; i >= 0; i-- {
			if v := r[i]; v != nil && v != (styled{}) {
				cols = max(cols, i+1)
				break
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(cols, max(len(rows), 1))
	return f.SetSheetDimension(sh, "A1:"+last)
}

// both is a bilingual label on one line (once when the two agree).
func both(b Bilingual) string {
	if b.Zh == b.En {
		return b.Zh
	}
	return b.Zh + " " + b.En
}

func readmeSheet(f *excelize.File, st *styles, wb *workbook, print printSetup) error {
	const sh = "README"
	m, w, l := wb.Manifest, &wb.words.Workbook, wb.Licence
	key := func(b Bilingual) styled { return styled{both(b), st.key} }
	note := func(s string) styled { return styled{s, st.note} }
	rows := [][]any{
		{styled{w.Title.Zh + " · " + w.Title.En, st.title}},
		{},
		{key(w.Facts.AsOf), wb.AsOf.String()},
		{key(w.Facts.Platform), m.Platform},
		{key(w.Facts.Tool), m.Tool + " " + m.ToolVersion},
		{key(w.Facts.Rulebook), m.RulebookVersion},
		{key(w.Facts.Licence), note(l.Zh.Licence + "\n" + l.En.Licence + "\n" + l.URL)},
		{},
	}
	for _, n := range w.Notes {
		b, err := wb.params.bilingual(Bilingual{Zh: n.Zh, En: n.En})
		if err != nil {
			return fmt.Errorf("content/%s: workbook.notes: %w", DictionaryPath, err)
		}
		rows = append(rows, []any{key(n.Key), note(b.Zh)}, []any{nil, note(b.En)})
	}
	rows = append(rows,
		[]any{key(w.Terms), note(l.Zh.Terms)}, []any{nil, note(l.En.Terms)},
		[]any{key(w.Attribution), note(l.Zh.Attribution)}, []any{nil, note(l.En.Attribution)},
		[]any{},
		[]any{styled{both(w.Inputs.File), st.header}, styled{both(w.Inputs.SHA256), st.header},
			styled{both(w.Inputs.Bytes), st.header}, styled{both(w.Inputs.Rows), st.header}})
	for _, in := range m.Inputs.Files {
		var n any
		if in.Rows != nil {
			n = *in.Rows
		}
		rows = append(rows, []any{in.Path, in.SHA256, in.Bytes, n})
	}
	const textWidth = 100 // column B
	if err := declare(f, sh, rows); err != nil {
		return err
	}
	for i, r := range rows {
		if err := put(f, sh, i+1, r...); err != nil {
			return err
		}
		if len(r) > 1 {
			if s, ok := r[1].(styled); ok && s.style == st.note {
				if err := f.SetRowHeight(sh, i+1, height(lines(s.v.(string), textWidth))); err != nil {
					return err
				}
			}
		}
	}
	for _, cw := range []struct {
		col string
		w   float64
	}{{"A", 30}, {"B", textWidth}, {"C", 12}, {"D", 10}} {
		if err := f.SetColWidth(sh, cw.col, cw.col, cw.w); err != nil {
			return err
		}
	}
	return print.apply(f, sh, 0, false)
}

func summarySheet(f *excelize.File, st *styles, wb *workbook, print printSetup) error {
	const sh = "summary"
	s, w := wb.Summary, &wb.words.Workbook.Summary
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	n := len(s.Months)
	blocks := []struct {
		title Bilingual
		data  [][]int64
	}{{w.Notices, s.Notices}, {w.Violations, s.Violations}}
	row := 1
	var starts []int
	for _, b := range blocks {
		if err := put(f, sh, row, styled{b.title.Zh + " · " + b.title.En, st.key}); err != nil {
			return err
		}
		head := []any{styled{both(w.Month), st.header}}
		for _, c := range s.Categories {
			head = append(head, styled{model.CategoryEnum.Label(c) + " " + model.CategoryEnum.LabelEn(c), st.header})
		}
		if err := put(f, sh, row+1, head...); err != nil {
			return err
		}
		if err := f.SetRowHeight(sh, row+1, height(2)); err != nil {
			return err
		}
		for m := 0; m < n; m++ {
			r := []any{s.Months[m]}
			for c := range s.Categories {
				r = append(r, b.data[m][c])
			}
			if err := put(f, sh, row+2+m, r...); err != nil {
				return err
			}
		}
		starts = append(starts, row+1)
		row += n + 4
	}
	end, _ := excelize.CoordinatesToCellName(len(s.Categories)+1, starts[len(starts)-1]+n)
	if err := f.SetSheetDimension(sh, "A1:"+end); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "A", "A", 12); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(s.Categories) + 1)
	if err := f.SetColWidth(sh, "B", last, 16); err != nil {
		return err
	}
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
		anchor, _ := excelize.CoordinatesToCellName(len(s.Categories)+3, head)
		if err := f.AddChart(sh, anchor, &excelize.Chart{Type: excelize.ColStacked, Series: series,
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: b.title.Zh + " · " + b.title.En}}},
			Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: 300}}); err != nil {
			return err
		}
	}
	return print.apply(f, sh, 0, true)
}

func dictionarySheet(f *excelize.File, st *styles, wb *workbook, print printSetup) error {
	const sh = "dictionary"
	w := &wb.words.Workbook.Dictionary
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{}
	for _, h := range []Bilingual{w.File, w.Column, w.Type, w.Zh, w.En} {
		head = append(head, styled{both(h), st.header})
	}
	if err := put(f, sh, 1, head...); err != nil {
		return err
	}
	const typeWidth, meaningWidth = 24, 60 // columns C, and D and E
	for i, e := range wb.Dictionary {
		ty := e.TypeZh + " " + e.TypeEn
		if err := put(f, sh, i+2, styled{e.Table, st.plain}, styled{e.Name, st.plain}, styled{ty, st.wrap},
			styled{e.Zh, st.wrap}, styled{e.En, st.wrap}); err != nil {
			return err
		}
		n := max(lines(e.Zh, meaningWidth), lines(e.En, meaningWidth), lines(ty, typeWidth))
		if err := f.SetRowHeight(sh, i+2, height(n)); err != nil {
			return err
		}
	}
	for _, cw := range []struct {
		cols string
		w    float64
	}{{"A", 40}, {"B", 26}, {"C", typeWidth}, {"D", meaningWidth}, {"E", meaningWidth}} {
		if err := f.SetColWidth(sh, cw.cols, cw.cols, cw.w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.SetSheetDimension(sh, fmt.Sprintf("A1:E%d", len(wb.Dictionary)+1)); err != nil {
		return err
	}
	end := fmt.Sprintf("E%d", max(len(wb.Dictionary), 1)+1)
	if err := f.AddTable(sh, &excelize.Table{Range: "A1:" + end, Name: "dictionary", StyleName: "TableStyleLight9", ShowRowStripes: ptr(true)}); err != nil {
		return err
	}
	return print.apply(f, sh, 1, false)
}
