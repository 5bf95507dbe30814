package snapshot

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// limitedRows reads a sheet as a table's scan does, with limit(width):
// every row's cells, and the bits of its cells that are numbers (bit j
// for column j+1), through the sheet reader or excelize.
func limitedRows(t *testing.T, path, sheet string, width int, viaExcelize bool) (map[int][]string, map[int]uint64, error) {
	t.Helper()
	s := &Snapshot{Dir: filepath.Dir(path), viaExcelize: viaExcelize}
	defer s.Close()
	r, err := s.sheetRows(Source{Path: filepath.Base(path), Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if r.fast == nil && !viaExcelize {
		t.Fatalf("%s: the sheet reader does not read sheet %s", path, sheet)
	}
	if _, _, err := r.header(); err != nil {
		return nil, nil, err
	}
	bits := make([]uint64, width)
	for j := range bits {
		bits[j] = 1 << j
	}
	if err := r.limit(width, bits); err != nil {
		return nil, nil, err
	}
	cells, nums := map[int][]string{}, map[int]uint64{}
	for {
		row, c, ok, err := r.next()
		if err != nil {
			return cells, nums, err
		}
		if !ok {
			return cells, nums, nil
		}
		if len(c) == 0 {
			continue
		}
		cells[row] = c
		n := r.numbers(row, c, r.nums(), bits)
		for j := range bits { // a number bit means nothing for an empty cell
			if j >= len(c) || c[j] == "" {
				n &^= 1 << j
			}
		}
		if n != 0 {
			nums[row] = n
		}
	}
}

// A row with one cell at XFD is read as the header's few columns, by both
// readers, without ever making the 16,384 cells excelize would.
func TestSheetCellsRightOfTheHeaderAreNeverMade(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
	}{
		{"the sheet reader", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`},
		{"excelize (a styled header)", `<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(tc.header)
			const rows = 4000
			for row := 2; row <= rows; row++ {
				fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="XFD%d"><v>1</v></c></row>`, row, row, row, row)
			}
			path := xlsxWith(t, b.String(), `<si><t>id</t></si><si><t>name</t></si>`)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cells, _, err := limitedRows(t, path, "s", 2, tc.name != "the sheet reader")
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if len(cells) != rows-1 {
				t.Errorf("%d rows read, want %d", len(cells), rows-1)
			}
			for row, c := range cells {
				if len(c) != 1 || c[0] != fmt.Sprint(row) {
					t.Fatalf("row %d: %q, want [%d]", row, c, row)
				}
			}
			// Padding every row to XFD would allocate 4,000 × 16,384 strings (1 GB).
			if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 64 {
				t.Errorf("reading allocated %d MB", mb)
			}
		})
	}
}

// The two readers agree, within a width, on random sheets that both read:
// the same cells and the same cells that are numbers.
func TestSheetReadersAgreeWithinAWidth(t *testing.T) {
	sst := `<si><t>id</t></si><si><t>name</t></si><si><t>x</t></si>`
	forms := []string{`<c r="%s"><v>45559</v></c>`, `<c r="%s" t="n"><v>1.5</v></c>`, `<c r="%s" t="s"><v>2</v></c>`, `<c r="%s" t="str"><v>45559</v></c>`,
		`<c r="%s" t="inlineStr"><is><t>45559</t></is></c>`, `<c r="%s" t="b"><v>1</v></c>`, `<c r="%s" s="2"/>`, `<c r="%s" t="d"><v>2024-01-02T00:00:00</v></c>`}
	for n := range 40 {
		var b strings.Builder
		b.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`)
		for row := 2; row < 30; row++ {
			fmt.Fprintf(&b, `<row r="%d">`, row)
			for col := 1; col <= 6; col++ {
				if (n+row*col)%3 == 0 {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(col+(row%2)*(n%4)*100, row)
				fmt.Fprintf(&b, forms[(n+row+col)%len(forms)], ref)
			}
			b.WriteString("</row>")
		}
		path := xlsxWith(t, b.String(), sst)
		for _, width := range []int{1, 3} {
			fc, fn, ferr := limitedRows(t, path, "s", width, false)
			ec, en, eerr := limitedRows(t, path, "s", width, true)
			if ferr != nil || eerr != nil {
				t.Fatalf("sheet %d: %v, %v", n, ferr, eerr)
			}
			if fmt.Sprint(fc) != fmt.Sprint(ec) || fmt.Sprint(fn) != fmt.Sprint(en) {
				t.Fatalf("sheet %d, width %d:\nsheet reader %v %v\nexcelize     %v %v", n, width, fc, fn, ec, en)
			}
			for row, c := range ec {
				if len(c) > width {
					t.Fatalf("sheet %d, width %d: row %d has %d cells", n, width, row, len(c))
				}
			}
		}
	}
}

// workbookWith writes a workbook as xlsxWith does, into dir as name, with
// the workbook part's workbookPr given (none if "").
func workbookWith(t *testing.T, dir, name, rows, sst, workbookPr string) string {
	t.Helper()
	src := xlsxWith(t, rows, sst)
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	path := filepath.Join(dir, name)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		data := unzip(t, zf)
		if zf.Name == "xl/workbook.xml" && workbookPr != "" {
			data = bytes.Replace(data, []byte("<bookViews>"), []byte(workbookPr+"<bookViews>"), 1)
			if !bytes.Contains(data, []byte(workbookPr)) {
				t.Fatalf("no place for %s in %s", workbookPr, data)
			}
		}
		zipPut(t, zw, &zip.FileHeader{Name: zf.Name, Method: zip.Deflate}, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A serial date counts only from a number cell, in the workbook's date
// system; a number written as text, or a bare year, is no date.
func TestSerialDatesOnlyFromNumberCells(t *testing.T) {
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>day</t></is></c><c r="B1" t="inlineStr"><is><t>working</t></is></c></row>`
	styled := `<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>day</t></is></c><c r="B1" t="inlineStr"><is><t>working</t></is></c></row>`
	rows := `<row r="2"><c r="A2" s="1"><v>%d</v></c><c r="B2"><v>1</v></c></row>` + // a date cell
		`<row r="3"><c r="A3" t="inlineStr"><is><t>45559</t></is></c><c r="B3"><v>1</v></c></row>` + // a number as text
		`<row r="4"><c r="A4"><v>2025</v></c><c r="B4"><v>1</v></c></row>` + // a bare year in a number cell
		`<row r="5"><c r="A5" t="inlineStr"><is><t>2025</t></is></c><c r="B5"><v>1</v></c></row>` + // and as text
		`<row r="6"><c r="A6" t="inlineStr"><is><t>2024-09-24</t></is></c><c r="B6"><v>1</v></c></row>`
	want := model.DateOf(2024, 9, 24)
	for _, tc := range []struct {
		name, header, pr string
		serial           int
	}{
		{"1900, the sheet reader", header, "", 45559},
		{"1900, excelize", styled, "", 45559},
		{"1904, the sheet reader", header, `<workbookPr date1904="1"/>`, 44097},
		{"1904, excelize", styled, `<workbookPr date1904="true"/>`, 44097},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			workbookWith(t, dir, "calendar.xlsx", tc.header+fmt.Sprintf(rows, tc.serial), "", tc.pr)
			s, err := Open(dir, Options{AsOf: "2025-06-30"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got []string
			err = s.Scan(t.Context(), "calendar", nil, func(b *Batch) error {
				for i := range b.Len {
					v := &b.Cols[0]
					if v.State[i] == OK {
						got = append(got, model.Date(v.Int[i]).String())
					} else {
						got = append(got, "bad")
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if w := []string{want.String(), "bad", "bad", "bad", want.String()}; fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("days read %v, want %v", got, w)
			}
		})
	}
}

// A workbook that would unpack to far more than a spreadsheet program
// writes is refused before excelize unpacks it.
func TestArchiveBounds(t *testing.T) {
	zipOf := func(write func(zw *zip.Writer)) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		write(zw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	bomb := zipOf(func(zw *zip.Writer) { // 64 MiB of zeros pack to 64 KiB
		zipPut(t, zw, &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate}, make([]byte, 64<<20))
	})
	liar := zipOf(func(zw *zip.Writer) { // a header that claims 3.3 GB
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Deflate, CompressedSize64: 5, UncompressedSize64: 3300 << 20})
		if err == nil {
			_, err = w.Write([]byte{3, 0, 0, 0, 0})
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	for name, b := range map[string][]byte{"a deflate bomb": bomb, "a lying header": liar} {
		_, err := openWorkbookBytes(b)
		if err == nil || !strings.Contains(err.Error(), "would unpack to") {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	if got := unpackLimit(1 << 20); got != 200<<20 {
		t.Errorf("a 1 MiB workbook may unpack to %d bytes", got)
	}
}
