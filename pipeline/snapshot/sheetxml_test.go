package snapshot

import (
	"archive/zip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// sheetResult is what reading a sheet gives: its rows with any cell, by
// number, and the error that ended the reading.
type sheetResult struct {
	rows map[int][]string
	err  string
}

// excelizeSheet reads a sheet with excelize alone, as the snapshot read
// sheets before the sheet reader: row 1 formatted, the others raw.
func excelizeSheet(t *testing.T, path, sheet string) sheetResult {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := sheetResult{rows: map[int][]string{}}
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for row := 1; rows.Next(); row++ {
		var cells []string
		if row == 1 {
			cells, err = rows.Columns()
		} else {
			cells, err = rows.Columns(excelize.Options{RawCellValue: true})
		}
		if err != nil {
			res.err = err.Error()
			return res
		}
		if len(cells) > 0 {
			res.rows[row] = cells
		}
	}
	if err := rows.Error(); err != nil {
		res.err = err.Error()
	}
	return res
}

// sheetRowsOf reads a sheet as the snapshot does, and reports whether the
// sheet reader read it to the end.
func sheetRowsOf(t *testing.T, path, sheet string) (sheetResult, bool) {
	t.Helper()
	s := &Snapshot{Dir: filepath.Dir(path)}
	defer s.Close()
	res := sheetResult{rows: map[int][]string{}}
	r, err := s.sheetRows(Source{Path: filepath.Base(path), Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	header, ok, err := r.header()
	if len(header) > 0 {
		res.rows[1] = header
	}
	for ok && err == nil {
		var row int
		var cells []string
		row, cells, ok, err = r.next()
		if ok && len(cells) > 0 {
			res.rows[row] = cells
		}
	}
	if err != nil {
		res.err = err.Error()
	}
	return res, r.fast != nil
}

// TestSheetReaderWorkbooks reads every sheet of the workbooks at hand both
// ways: the same rows, and the plain ones read by the sheet reader alone.
func TestSheetReaderWorkbooks(t *testing.T) {
	books := []string{
		"../../data/sample/reference.xlsx",
		"../../testdata/conformance/snapshot-mixed/reference.xlsx",
		"../../testdata/conformance/snapshot-parquet/reference.xlsx",
		"testdata/libreoffice.xlsx", // written by LibreOffice Calc
		// written by LibreOffice Calc, with a bold, filled, bordered header
		// (a style of number format 164, General) and a frozen first row
		"testdata/libreoffice-bold-header.xlsx",
	}
	for _, path := range books {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		f.Close()
		for _, sh := range sheets {
			want := excelizeSheet(t, path, sh)
			got, fast := sheetRowsOf(t, path, sh)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s [%s]: sheet reader gives\n%v\nexcelize\n%v", path, sh, got, want)
			}
			if !fast {
				t.Errorf("%s [%s]: excelize read a plain sheet", path, sh)
			}
		}
	}
}

// xlsxWith writes a workbook with one sheet "s" whose worksheet XML has
// rows as its sheetData, and whose shared strings are sst (none if "").
func xlsxWith(t *testing.T, rows, sst string) string {
	t.Helper()
	dir := t.TempDir()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "s")
	f.SetCellStr("s", "A1", "placeholder")
	base := filepath.Join(dir, "base.xlsx")
	if err := f.SaveAs(base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(base)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	path := filepath.Join(dir, "book.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			if strings.HasPrefix(rows, "<worksheet") { // a whole worksheet
				io.WriteString(w, rows)
				break
			}
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
				`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>`+rows+`</sheetData></worksheet>`)
		case "xl/sharedStrings.xml":
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+sst+`</sst>`)
		default:
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(w, rc)
			rc.Close()
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return path
}

// TestSheetReaderForms checks the sheet reader against excelize on the
// forms worksheets take, and which of them it reads to the end.
func TestSheetReaderForms(t *testing.T) {
	header := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`
	sst := `<si><t>id</t></si><si><t xml:space="preserve"> name </t></si><si><r><rPr><b/><sz val="11"/></rPr><t>ri</t></r><r><t>ch</t></r></si>` +
		`<si><t>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</t></si><si><t>line&#10;two&#13;</t></si><si><t>x</t><rPh sb="0" eb="1"><t>ignored</t></rPh><phoneticPr fontId="1"/></si><si/>`
	cases := []struct {
		name string
		rows string
		sst  string
		fast bool // read to the end by the sheet reader
	}{
		{"plain", header + `<row r="2" spans="1:3"><c r="A2" t="s"><v>2</v></c><c r="B2" s="3"><v>12.50</v></c><c r="C2" t="b"><v>1</v></c></row>` +
			`<row r="3"><c r="A3" t="str"><v>text</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="d"><v>2024-01-02T03:04:05Z</v></c><c r="D3" t="n"><v>1e3</v></c></row>`, sst, true},
		{"shared strings of every form", header + `<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v> 4 </v></c><c r="C2" t="s"><v>5</v></c><c r="D2" t="s"><v>6</v></c><c r="E2" t="s"><v></v></c></row>`, sst, true},
		{"no references", `<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c><v>1</v></c><c/><c><v>3</v></c></row><row/><row><c><v>4</v></c></row>`, sst, true},
		{"gaps", header + `<row r="3"><c r="C3"><v>1</v></c><c r="F3"><v>2</v></c></row><row r="7"/><row r="9"><c r="AB9" s="2"/><c r="AC9"><v>x</v></c></row>`, sst, true},
		{"no header", `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="B3"><v>2</v></c></row>`, sst, true},
		{"no rows", ``, sst, true},
		{"whitespace and quotes", header + "\n  <row r='2' >\n <c r='A2' t='str' ><v xml:space=\"preserve\">  a  </v></c>\r\n</row >\n", sst, true},
		{"inline string", header + `<row r="2"><c r="A2" t="inlineStr"><is><t>in &amp; line</t></is></c><c r="B2" t="inlineStr"><v>v</v></c></row>`, sst, true},
		{"line ends and references", header + "<row r=\"2\"><c r=\"A2\" t=\"str\"><v>a\r\nb\rc&#13;&#x41;&#20320;\tz</v></c><c r=\"B2\" t=\"str\"><v>中文 ✓ 😀</v></c></row>", sst, true},
		{"cell metadata", header + `<row r="2" x14ac:dyDescent="0.25"><c r="A2" vm="1" cm="1"><v>5</v></c></row>`, sst, true},
		{"formula mid-sheet", header + `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><f>1+1</f><v>2</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>`, sst, true},
		{"empty formula", header + `<row r="2"><c r="A2"><f>""</f></c><c r="B2"><v>x</v></c></row>`, sst, true},
		{"LibreOffice's TRUE", header + `<row r="2"><c r="A2" s="0" t="b"><f aca="false">TRUE()</f><v>1</v></c></row>`, sst, true},
		{"a shared formula", header + `<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B2+1</f><v>3</v></c></row><row r="3"><c r="A3"><f t="shared" si="0"/><v>4</v></c></row>`, sst, true},
		{"a formula in the header", `<row r="1"><c r="A1" t="str"><f>"id"</f><v>id</v></c></row>`, sst, false},
		{"rich inline string", header + `<row r="2"><c r="A2" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>`, sst, false},
		{"styled header", `<row r="1"><c r="A1" s="1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>`, sst, false},
		{"numeric header", `<row r="1"><c r="A1"><v>1.50</v></c><c r="B1" t="b"><v>1</v></c></row><row r="2"><c r="A2"><v>1.50</v></c></row>`, sst, false},
		{"escaped shared string", header + `<row r="2"><c r="A2" t="s"><v>2</v></c></row>`, `<si><t>id</t></si><si><t>name</t></si><si><t>a_x000D_b</t></si>`, false},
		{"two values", header + `<row r="2"><c r="A2"><v>1</v><v>2</v></c><c r="B2" t="s"><v>0</v><v>1</v></c></row>`, sst, true},
		{"two inline strings", header + `<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is><is><t>b</t></is></c></row>`, sst, true},
		{"shared string with two texts", header + `<row r="2"><c r="A2" t="s"><v>2</v></c></row>`, `<si><t>id</t></si><si><t>name</t></si><si><t>a</t><t>b</t></si>`, false},
		{"shared string with its text after a run", header + `<row r="2"><c r="A2" t="s"><v>2</v></c></row>`, `<si><t>id</t></si><si><t>name</t></si><si><r><t>a</t></r><t>b</t></si>`, false},
		{"shared string out of range", header + `<row r="2"><c r="A2" t="s"><v>99</v></c></row>`, sst, false},
		{"no shared strings", `<row r="1"><c r="A1" t="str"><v>id</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "", false},
		{"cells out of order", header + `<row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>2</v></c></row>`, sst, false},
		{"same cell twice", header + `<row r="2"><c r="B2"><v>1</v></c><c r="B2"><v>2</v></c></row>`, sst, false},
		{"rows out of order", header + `<row r="5"><c r="A5"><v>5</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>`, sst, false},
		{"row beyond the last", header + `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`, sst, false},
		{"prefixed attribute", header + `<row r="2"><c x:r="C2"><v>1</v></c></row>`, sst, false},
		{"unknown entity", header + `<row r="2"><c r="A2" t="str"><v>a&nbsp;b</v></c></row>`, sst, false},
		{"control character", header + "<row r=\"2\"><c r=\"A2\" t=\"str\"><v>a\x01b</v></c></row>", sst, false},
		{"bad UTF-8", header + "<row r=\"2\"><c r=\"A2\" t=\"str\"><v>a\xffb</v></c></row>", sst, false},
		{"comment", header + `<!-- note --><row r="2"><c r="A2"><v>1</v></c></row>`, sst, false},
		{"bad style", header + `<row r="2"><c r="A2" s="x"><v>1</v></c><c r="B2"><v>2</v></c></row>`, sst, false},
		{"lower-case reference", header + `<row r="2"><c r="b2"><v>1</v></c></row>`, sst, false},
		{"a prologue of invalid UTF-8", "<worksheet xmlns=\"x\xde\"><sheetData>" + header + `<row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>`, sst, false},
		{"an attribute whose name starts with a digit", header + `<row r="2"><c 9="A2"><v>1</v></c></row>`, sst, false},
		{"a prologue cut short", `<worksheet xmlns="x"><sheetPr <sheetData>` + header + `</sheetData></worksheet>`, sst, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := xlsxWith(t, tc.rows, tc.sst)
			want := excelizeSheet(t, path, "s")
			got, fast := sheetRowsOf(t, path, "s")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("sheet reader gives\n%#v\nexcelize\n%#v", got, want)
			}
			if fast != tc.fast {
				t.Errorf("read to the end by the sheet reader: %v, want %v", fast, tc.fast)
			}
		})
	}
}

// TestSheetReaderRandom writes workbooks of random cells with excelize and
// reads them both ways.
func TestSheetReaderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	texts := []string{"a", " padded ", "a & b", "<tag>", `"q" 'q'`, "line\nbreak", "cr\r\nlf", "tab\tx", "中文", "😀", "0012", "1e5", "TRUE", "  ", "=1+1", "x_y"}
	for n := 0; n < 20; n++ {
		path := filepath.Join(t.TempDir(), "r.xlsx")
		f := excelize.NewFile()
		for c := 1; c <= 5; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, 1)
			f.SetCellStr("Sheet1", cell, fmt.Sprintf("col%d", c))
		}
		for row := 2; row < 60; row++ {
			if r.IntN(6) == 0 {
				continue
			}
			for c := 1; c <= 6; c++ {
				cell, _ := excelize.CoordinatesToCellName(c, row)
				switch r.IntN(7) {
				case 0:
					f.SetCellStr("Sheet1", cell, texts[r.IntN(len(texts))])
				case 1:
					f.SetCellInt("Sheet1", cell, r.Int64N(1e12)-5e11)
				case 2:
					f.SetCellFloat("Sheet1", cell, r.Float64()*1e6, -1, 64)
				case 3:
					f.SetCellBool("Sheet1", cell, r.IntN(2) == 0)
				case 4:
					f.SetCellValue("Sheet1", cell, time.Date(2024, 1, 1+r.IntN(300), r.IntN(24), 0, 0, 0, time.UTC))
				case 5:
					f.SetCellRichText("Sheet1", cell, []excelize.RichTextRun{{Text: "bold", Font: &excelize.Font{Bold: true}}, {Text: texts[r.IntN(len(texts))]}})
				}
			}
		}
		if n%5 == 4 {
			f.SetCellFormula("Sheet1", "B30", "1+1")
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		want := excelizeSheet(t, path, "Sheet1")
		got, _ := sheetRowsOf(t, path, "Sheet1")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("workbook %d: sheet reader gives\n%#v\nexcelize\n%#v", n, got, want)
		}
	}
}

// FuzzSheetReader reads a worksheet of arbitrary rows both ways: the
// sheet reader, when it takes the sheet, gives excelize's cells.
func FuzzSheetReader(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2" t="str"><v>a &amp; b</v></c><c r="C2"><v>1.50</v></c></row>`)
	f.Add(`<row><c t="inlineStr"><is><t xml:space="preserve"> x </t></is></c></row><row r="4"><c r="D4" t="b"><v>1</v></c></row>`)
	f.Add(`<row r="1"><c r="A1" t="s"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="e"><v>#N/A</v></c></row>`)
	sst := `<si><t>id</t></si><si><t xml:space="preserve"> name </t></si><si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></si>`
	f.Fuzz(func(t *testing.T, rows string) {
		if strings.Contains(rows, "sheetData") || !utf8.ValidString(rows) {
			return // the worksheet around the rows must stay what it is
		}
		path := xlsxWith(t, rows, sst)
		f, err := excelize.OpenFile(path)
		if err != nil {
			return
		}
		f.Close()
		want := excelizeSheet(t, path, "s")
		got, _ := sheetRowsOf(t, path, "s")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sheet reader gives\n%#v\nexcelize\n%#v", got, want)
		}
	})
}

// TestSheetReaderRandomXML reads worksheets of random rows, well and badly
// formed, both ways: where the sheet reader takes a sheet, it gives
// excelize's cells.
func TestSheetReaderRandomXML(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	texts := []string{"", "a", " a ", "a &amp; b", "&lt;x&gt;", "&quot;q&apos;", "1.50", "12", "-0", "1e3", "TRUE", "中文", "😀",
		"x\r\ny", "x\ry", "&#13;&#10;", "&#x41;", "  ", "\t", "0", "2", " 1 "}
	bad := []string{"&#0;", "&nbsp;", "a\x01", "_x000D_", "99", "a\xffb", "<![CDATA[x]]>"} // texts the sheet reader leaves to excelize
	types := []string{"", "s", "s", "str", "inlineStr", "b", "e", "n", "d", "x"}
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	text := func() string {
		if r.IntN(25) == 0 {
			return pick(bad)
		}
		return pick(texts)
	}
	sst := `<si><t>id</t></si><si><t xml:space="preserve"> name </t></si><si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></si>`
	fast := 0
	const sheets = 600
	for n := 0; n < sheets; n++ {
		var b strings.Builder
		row := 0
		if r.IntN(2) == 0 { // a header, as sheets have
			b.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
			row = 1
		}
		for range 1 + r.IntN(5) {
			row += 1 + r.IntN(2) - 2*boolInt(r.IntN(40) == 0) // now and then the same row or one before
			switch r.IntN(4) {
			case 0:
				b.WriteString("<row>")
			default:
				fmt.Fprintf(&b, `<row r="%d" spans="1:4">`, row)
			}
			col := 0
			for range r.IntN(5) {
				col += 1 + r.IntN(2) - 2*boolInt(r.IntN(40) == 0)
				ref := ""
				if r.IntN(5) > 0 {
					name, _ := excelize.CoordinatesToCellName(max(col, 1), max(row, 1))
					if r.IntN(60) == 0 {
						name = strings.ToLower(name)
					}
					ref = fmt.Sprintf(` r="%s"`, name)
				}
				attrs := ref
				typ := pick(types)
				if typ != "" {
					attrs += fmt.Sprintf(` t="%s"`, typ)
				}
				val := text()
				if typ == "s" && r.IntN(10) > 0 {
					val = pick([]string{"0", "1", "2", " 1 ", ""})
				}
				if r.IntN(4) == 0 {
					attrs += fmt.Sprintf(` s="%d"`, r.IntN(3))
				}
				switch r.IntN(40) {
				case 0, 1, 2:
					fmt.Fprintf(&b, `<c%s/>`, attrs)
				case 3, 4, 5:
					fmt.Fprintf(&b, `<c%s><is><t>%s</t></is></c>`, attrs, val)
				case 6:
					fmt.Fprintf(&b, `<c%s><f>1+1</f><v>%s</v></c>`, attrs, val)
				default:
					fmt.Fprintf(&b, `<c%s><v>%s</v></c>`, attrs, val)
				}
			}
			b.WriteString("</row>")
		}
		path := xlsxWith(t, b.String(), sst)
		want := excelizeSheet(t, path, "s")
		got, read := sheetRowsOf(t, path, "s")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows %q: sheet reader gives\n%#v\nexcelize\n%#v", b.String(), got, want)
		}
		if read {
			fast++
			// Within a width, excelize (with prepare) gives the same
			// cells and the same cells that are numbers.
			if len(got.rows[1]) > 0 {
				fc, fn, ferr := limitedRows(t, path, "s", 2, false)
				ec, en, eerr := limitedRows(t, path, "s", 2, true)
				if fmt.Sprint(fc, fn, ferr) != fmt.Sprint(ec, en, eerr) {
					t.Fatalf("rows %q, two columns: sheet reader gives\n%v %v %v\nexcelize\n%v %v %v", b.String(), fc, fn, ferr, ec, en, eerr)
				}
			}
		}
	}
	if fast < sheets/4 {
		t.Errorf("the sheet reader took %d of %d random sheets; the test no longer exercises it", fast, sheets)
	}
	t.Logf("the sheet reader took %d of %d random sheets", fast, sheets)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
