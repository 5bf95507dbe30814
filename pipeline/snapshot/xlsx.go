package snapshot

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/sheetxml"
	"github.com/xuri/excelize/v2"
)

// sheetBatch is how many sheet rows go into one batch.
const sheetBatch = 4096

// The bounds of what a workbook may unpack to. A spreadsheet program's
// XML packs to about a tenth of its size; a part that unpacks to more than
// maxPackRatio times its packed size (and to more than inMemoryXML, below
// which nothing can hurt) is a zip bomb, not a workbook. A whole workbook
// unpacks to at most maxPackRatio times its file size, and never to more
// than maxUnpacked: more than an Excel sheet's 1,048,576 rows of any table
// of the contract. Parts up to inMemoryXML are read from memory, larger
// ones from a temporary file.
const (
	maxPackRatio = 200
	inMemoryXML  = 16 << 20
	maxUnpacked  = 2 << 30
)

// maxSheetColumns is how many columns of a sheet are read: 256 (A to IV,
// the width of an Excel 97 sheet), far more than any table of the
// contract has. A table whose columns go further is refused.
const maxSheetColumns = 256

// unpackLimit is the most a workbook of size bytes may unpack to.
func unpackLimit(size int64) int64 {
	return min(maxUnpacked, max(4*inMemoryXML, maxPackRatio*size))
}

// checkArchive refuses a workbook that would unpack to far more than a
// spreadsheet program writes, before excelize unpacks anything: a part
// whose declared size is absurd against its packed size, or parts that
// add up to more than unpackLimit. (archive/zip never reads a part past
// its declared size.)
func checkArchive(zr *zip.Reader, size int64) error {
	limit := unpackLimit(size)
	var total uint64
	for _, f := range zr.File {
		n := f.UncompressedSize64
		if n > inMemoryXML && n/maxPackRatio > f.CompressedSize64 {
			return fmt.Errorf("part %s would unpack to %s from %s, more than %d times its packed size: not a workbook a spreadsheet program writes",
				model.Clip(f.Name), bytesText(n), bytesText(f.CompressedSize64), maxPackRatio)
		}
		if total += n; total > uint64(limit) || total < n {
			return fmt.Errorf("its parts would unpack to more than %s (from a file of %s): not a workbook a spreadsheet program writes",
				bytesText(uint64(limit)), bytesText(uint64(size)))
		}
	}
	return nil
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatUint(n, 10) + " bytes"
}

// openWorkbook opens the workbook at path, after checkArchive.
func openWorkbook(path string) (*workbook, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	zr, err := zip.NewReader(file, st.Size())
	if err == nil {
		err = checkArchive(zr, st.Size())
	}
	file.Close()
	if err != nil {
		return nil, err
	}
	w, err := newWorkbook(func(opt excelize.Options) (*excelize.File, error) { return excelize.OpenFile(path, opt) }, st.Size())
	if err != nil {
		return nil, err
	}
	w.zip = func() (*zip.Reader, io.Closer, error) {
		rc, err := zip.OpenReader(path)
		if err != nil {
			return nil, nil, err
		}
		return &rc.Reader, rc, nil
	}
	return w, nil
}

// openWorkbookBytes opens a workbook held in memory (for tests and fuzzing:
// the snapshot reads workbooks from files).
func openWorkbookBytes(b []byte) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err == nil {
		err = checkArchive(zr, int64(len(b)))
	}
	if err != nil {
		return nil, err
	}
	w, err := newWorkbook(func(opt excelize.Options) (*excelize.File, error) {
		return excelize.OpenReader(bytes.NewReader(b), opt)
	}, int64(len(b)))
	if err != nil {
		return nil, err
	}
	w.zip = func() (*zip.Reader, io.Closer, error) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		return zr, io.NopCloser(nil), err
	}
	return w, nil
}

// newWorkbook opens a workbook of size bytes with excelize, bounded by
// unpackLimit, and reads its date system.
func newWorkbook(open func(excelize.Options) (*excelize.File, error), size int64) (w *workbook, err error) {
	defer func() { // excelize has panicked on malformed archives; a bad file is an error, not a crash
		if r := recover(); r != nil {
			w, err = nil, fmt.Errorf("malformed workbook: %v", r)
		}
	}()
	f, err := open(excelize.Options{UnzipSizeLimit: unpackLimit(size), UnzipXMLSizeLimit: inMemoryXML})
	if err != nil {
		return nil, err
	}
	w = &workbook{f: f, epoch: serialEpoch1900}
	props, err := f.GetWorkbookProps()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("workbook properties: %v", err)
	}
	if props.Date1904 != nil && *props.Date1904 {
		w.epoch = serialEpoch1904
	}
	return w, nil
}

// book returns the open workbook at name (relative to the snapshot),
// opening it on first use.
func (s *Snapshot) book(name string) (*workbook, error) {
	if w, ok := s.books[name]; ok {
		return w, nil
	}
	var w *workbook
	var err error
	if b, ok := s.mem[name]; ok {
		w, err = openWorkbookBytes(b)
	} else {
		w, err = openWorkbook(filepath.Join(s.Dir, name))
	}
	if err != nil {
		return nil, err
	}
	if s.books == nil {
		s.books = map[string]*workbook{}
	}
	s.books[name] = w
	return w, nil
}

// workbook registers the tables of one workbook: the first sheet of
// `<table>.xlsx`, and every sheet named after a table.
func (s *Snapshot) workbook(name string) error {
	w, err := s.book(name)
	if err != nil {
		return snapErr("%s: cannot open workbook: %w", name, err)
	}
	sheets := w.f.GetSheetList()
	base := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(name), ".xlsx"), ".xlsm")
	for i, sh := range sheets {
		t := s.schemaOf(sh)
		if i == 0 {
			if bt := s.schemaOf(base); bt != nil {
				t = bt
			}
		}
		if t == nil {
			continue
		}
		src := Source{Path: name, Sheet: sh}
		if err := s.add(t, src.String(), []Source{src}); err != nil {
			return err
		}
	}
	return nil
}

// workbook is an open workbook: excelize's, and what the sheet reader
// needs from it, found on first use.
type workbook struct {
	f *excelize.File
	// epoch is 1970-01-01 as a serial day number in the workbook's date
	// system (1900, or 1904 with workbookPr date1904).
	epoch int64
	// zip opens the workbook's archive again, for the parts excelize keeps
	// in temporary files.
	zip func() (*zip.Reader, io.Closer, error)
	// closeZip closes the archive the sheet reader reads, if open.
	closeZip io.Closer
	// prepared holds what prepare found of the sheets excelize reads.
	prepared map[string]*sheetPrep
	// xml is the sheet reader's view of the archive, opened on first use
	// (sheetScan); nil when the archive cannot be opened again.
	xml    *sheetxml.Book
	looked bool
}

// maxSheetXML is the largest sheet part the sheet reader reads (held in
// memory while its rows are read); a larger sheet is read by excelize,
// from a temporary file.
const maxSheetXML = 64 << 20

// sheetBook returns the sheet reader's view of the archive, opening it on
// first use; nil when the archive cannot be opened again.
func (w *workbook) sheetBook() *sheetxml.Book {
	if !w.looked {
		w.looked = true
		if zr, closer, err := w.zip(); err == nil {
			w.xml = sheetxml.Open(zr, maxSheetXML)
			w.closeZip = closer
		}
	}
	return w.xml
}

// sheetScan returns the sheet reader at the first row of a sheet, or nil
// when excelize must read the sheet (sheetxml.Book.Rows).
func (w *workbook) sheetScan(sheet string) *sheetxml.Rows {
	if b := w.sheetBook(); b != nil {
		return b.Rows(sheet)
	}
	return nil
}

// close closes the workbook and the archive the sheet reader reads.
func (w *workbook) close() error {
	err := w.f.Close()
	if w.closeZip != nil {
		if cerr := w.closeZip.Close(); err == nil {
			err = cerr
		}
		w.closeZip, w.xml, w.looked = nil, nil, false
	}
	return err
}

// pkgPart returns a part of the package as excelize holds it in memory
// (large parts it keeps in temporary files instead: those are not found).
func pkgPart(f *excelize.File, name string) ([]byte, bool) {
	v, ok := f.Pkg.Load(name)
	if !ok {
		return nil, false
	}
	b, ok := v.([]byte)
	return b, ok
}

// sheetRows reads the rows of a sheet: with the sheet reader (sheetxml)
// when it can read the whole sheet, else with excelize.
type sheetRows struct {
	w     *workbook
	src   Source
	fast  *sheetxml.Rows
	rows  *excelize.Rows
	row   int // the number of the row excelize read last
	held  *heldRow
	width int        // how many columns are read (0: all)
	prep  *sheetPrep // what excelize does not tell of its rows (nil: nothing known)
}

// heldRow is a row read while looking for the header, given back next.
type heldRow struct {
	row   int
	cells []string
	num   []bool
}

func (s *Snapshot) sheetRows(src Source) (*sheetRows, error) {
	w, err := s.book(src.Path)
	if err != nil {
		return nil, snapErr("%s: cannot open workbook: %w", src.Path, err)
	}
	if fast := w.sheetScan(src.Sheet); fast != nil && !s.viaExcelize {
		return &sheetRows{w: w, src: src, fast: fast}, nil
	}
	rows, err := w.f.Rows(src.Sheet)
	if err != nil {
		return nil, snapErr("%s: %w", src, err)
	}
	return &sheetRows{w: w, src: src, rows: rows}, nil
}

// header reads row 1, the header, as excelize gives it (formatted); false
// when the sheet has no rows at all.
func (r *sheetRows) header() ([]string, bool, error) {
	row, cells, ok, err := r.next()
	if err != nil || !ok {
		return nil, ok, err
	}
	if row != 1 {
		r.held = &heldRow{row, cells, append([]bool(nil), r.nums()...)}
		return nil, true, nil
	}
	return cells, true, nil
}

// limit has the rows after the header read up to column width only (the
// cells right of it are never kept), and learns which cells of the given
// source columns are numbers (bits[j] is the bit of source column j; see
// numbers). It is called after header, before the first row is read.
func (r *sheetRows) limit(width int, bits []uint64) error {
	r.width = width
	if r.fast != nil {
		r.fast.SetWidth(width)
		return nil
	}
	prep, err := r.w.prepare(r.src, width, bits)
	if err != nil {
		return err
	}
	r.prep = prep
	if prep.reopen && r.held == nil {
		// The sheet's XML was cut: read it again, past its header.
		r.rows.Close()
		rows, err := r.w.f.Rows(r.src.Sheet)
		if err != nil {
			return snapErr("%s: %w", r.src, err)
		}
		r.rows, r.row = rows, 0
		if _, _, _, err := r.next(); err != nil {
			return snapErr("%s: header: %w", r.src, err)
		}
	}
	return nil
}

// next returns the next row, its number and its cells (raw values but for
// row 1); ok is false after the last.
func (r *sheetRows) next() (row int, cells []string, ok bool, err error) {
	if h := r.held; h != nil {
		r.held = nil
		return h.row, h.cells, true, nil
	}
	if r.fast != nil {
		row, cells, ok := r.fast.Next()
		return row, cells, ok, nil
	}
	if !r.rows.Next() {
		return r.row + 1, nil, false, r.rows.Error()
	}
	r.row++
	if r.row == 1 {
		cells, err = r.rows.Columns()
	} else {
		cells, err = r.rows.Columns(excelize.Options{RawCellValue: true})
	}
	if r.width > 0 && len(cells) > r.width {
		cells = cells[:r.width:r.width] // only in a sheet prepare could not read (then left as it was)
	}
	return r.row, cells, err == nil, err
}

// nums returns, for the sheet reader, which cells of the row read last are
// numbers; nil for excelize's rows (see numbers).
func (r *sheetRows) nums() []bool {
	if r.fast != nil {
		return r.fast.Numbers()
	}
	return nil
}

// numbers returns the bits (of limit's bits) of the cells of row that are
// numbers, given the row's cells: from the sheet reader, or from what
// prepare found. A sheet whose XML prepare could not find has every cell
// that reads as a decimal number taken for a number.
func (r *sheetRows) numbers(row int, cells []string, num []bool, bits []uint64) uint64 {
	var n uint64
	switch {
	case num != nil || r.fast != nil:
		for j, b := range bits {
			if b != 0 && j < len(num) && num[j] {
				n |= b
			}
		}
	case r.prep != nil && r.prep.known:
		if row < len(r.prep.nums) {
			n = r.prep.nums[row]
		}
	default:
		for j, b := range bits {
			if b != 0 && j < len(cells) {
				if _, ok := model.ParseDecimal(cells[j]); ok {
					n |= b
				}
			}
		}
	}
	return n
}

func (r *sheetRows) close() {
	if r.rows != nil {
		r.rows.Close()
	}
}

// sheetPrep is what excelize does not say of a sheet's rows, found by
// prepare.
type sheetPrep struct {
	known  bool     // the sheet's XML was found and read
	nums   []uint64 // by row number: the bits of the cells that are numbers
	reopen bool     // the XML excelize reads was cut since the sheet was opened
}

// prepare reads the XML of a sheet that excelize reads, as excelize's row
// iterator reads it (rows and cells by their local names, a cell's column
// from its reference or its place), for two things excelize does not do:
// it notes which cells of the columns in bits are numbers, and it cuts
// from the XML the cells of rows after the header right of column width,
// which excelize would otherwise fill out with empty cells up to the last
// one (a row with one cell at XFD becomes 16,384). The cut XML replaces the
// sheet's part in excelize's package. A sheet too large to be held in
// memory, or not in UTF-8, is not cut: one that would need it is refused.
func (w *workbook) prepare(src Source, width int, bits []uint64) (*sheetPrep, error) {
	key := fmt.Sprint(src.Sheet, width, bits)
	if p, ok := w.prepared[key]; ok {
		return &sheetPrep{known: p.known, nums: p.nums}, nil
	}
	p, err := w.prepareXML(src, width, bits)
	if err != nil {
		return nil, err
	}
	if w.prepared == nil {
		w.prepared = map[string]*sheetPrep{}
	}
	w.prepared[key] = p
	return p, nil
}

func (w *workbook) prepareXML(src Source, width int, bits []uint64) (*sheetPrep, error) {
	p := &sheetPrep{}
	book := w.sheetBook()
	if book == nil {
		return p, nil
	}
	name, ok := book.Path(src.Sheet)
	if !ok {
		return p, nil
	}
	data, inMemory := pkgPart(w.f, name)
	var in io.Reader = bytes.NewReader(data)
	if !inMemory {
		zr, closer, err := w.zip()
		if err != nil {
			return p, nil
		}
		defer closer.Close()
		var part *zip.File
		for _, f := range zr.File {
			if strings.ReplaceAll(f.Name, `\`, "/") == name {
				part = f // the last, as excelize keeps it
			}
		}
		if part == nil {
			return p, nil
		}
		rc, err := part.Open()
		if err != nil {
			return p, nil
		}
		defer rc.Close()
		in = rc
	}
	p.known = true
	d := xml.NewDecoder(in)
	d.CharsetReader = w.f.CharsetReader
	var cuts [][2]int64
	row, col, inRow := 0, 0, false
	cutRow, cutCol := 0, 0
	for {
		// RawToken is Token without the checks of nesting and the
		// translation of prefixes: half the time, and the same tokens up
		// to where excelize would stop at an error.
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			break // excelize meets the same error, and reports it
		}
		if e, ok := tok.(xml.EndElement); ok && e.Name.Local == "sheetData" {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			row++
			if n, err := attrInt(se.Attr, "r"); err == nil && n != 0 {
				row = n
			}
			col, inRow = 0, true
		case "c":
			if !inRow {
				continue
			}
			col++
			typ := ""
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "r":
					if c, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col = c
					}
				case "t":
					typ = a.Value
				}
			}
			if !skipCell(d, se) {
				break
			}
			switch {
			case width > 0 && col > width && row > 1:
				cuts = append(cuts, [2]int64{start, d.InputOffset()})
				if cutRow == 0 {
					cutRow, cutCol = row, col
				}
			case col-1 < len(bits) && bits[col-1] != 0 && (typ == "" || typ == "n"):
				for len(p.nums) <= row {
					p.nums = append(p.nums, 0)
				}
				p.nums[row] |= bits[col-1]
			}
		}
	}
	if len(cuts) == 0 {
		return p, nil
	}
	if !inMemory || !sheetxml.UTF8Declared(data) {
		cell, _ := excelize.CoordinatesToCellName(cutCol, cutRow)
		return nil, snapErr("%s: cell %s holds a value right of the table's last column (%d), in a sheet too large (or not UTF-8) to be read around it: clear the cells right of the table",
			src, cell, width)
	}
	out := make([]byte, 0, len(data))
	at := int64(0)
	for _, c := range cuts {
		out = append(out, data[at:c[0]]...)
		at = c[1]
	}
	out = append(out, data[at:]...)
	w.f.Pkg.Store(name, out)
	p.reopen = true
	return p, nil
}

// skipCell reads the rest of a cell as excelize does: its value, formula
// and inline string whole, anything else token by token, up to the first
// end tag of the cell's name. It reports false at an error of the XML.
func skipCell(d *xml.Decoder, start xml.StartElement) bool {
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v", "f", "is":
				if !skipElement(d) {
					return false
				}
			}
		case xml.EndElement:
			if t.Name == start.Name {
				return true
			}
		}
	}
}

// skipElement reads tokens up to the end of the element just started.
func skipElement(d *xml.Decoder) bool {
	for depth := 1; depth > 0; {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return true
}

// attrInt returns the integer value of the attribute with a local name, as
// excelize reads it (the last such attribute).
func attrInt(attrs []xml.Attr, name string) (int, error) {
	n := 0
	var err error
	for _, a := range attrs {
		if a.Name.Local == name {
			if n, err = strconv.Atoi(a.Value); err != nil {
				return 0, err
			}
		}
	}
	return n, err
}

func (s *Snapshot) sheetHeader(src Source) ([]string, error) {
	rows, err := s.sheetRows(src)
	if err != nil {
		return nil, err
	}
	defer rows.close()
	header, _, err := rows.header()
	if err != nil {
		return nil, snapErr("%s: header: %w", src, err)
	}
	return header, nil
}

func (s *Snapshot) scanSheet(ctx context.Context, t *Table, src Source, want []bool, fn func(*Batch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = snapErr("%s: malformed sheet: %v", src, r)
		}
	}()
	rows, err := s.sheetRows(src)
	if err != nil {
		return err
	}
	defer rows.close()
	header, ok, err := rows.header()
	if err != nil {
		return snapErr("%s: header: %w", src, err)
	}
	if !ok {
		return snapErr("%s: table %s: the sheet is empty (row 1 must be the header)", src, t.Name)
	}
	idx, fen, err := bind(t.Table, src, header)
	if err != nil {
		return err
	}
	// Only the header's columns are read, at most maxSheetColumns of them;
	// the cells of the date and time columns are told apart by type, as
	// only a number is a serial date.
	width := min(len(header), maxSheetColumns)
	bits := make([]uint64, width)
	for c, col := range t.Columns {
		j := idx[c]
		if j >= maxSheetColumns {
			cell, _ := excelize.CoordinatesToCellName(j+1, 1)
			return snapErr("%s: table %s: column %s is in column %s, right of the %d columns read (A to IV)", src, t.Name, col.Name,
				strings.TrimSuffix(cell, "1"), maxSheetColumns)
		}
		if j >= 0 && (col.Type == model.TypeDate || col.Type == model.TypeTime) {
			bits[j] |= 1 << c
		}
	}
	if err := rows.limit(width, bits); err != nil {
		return err
	}
	header = header[:width]
	clock := s.Clock()
	var pending [][]string
	var rowNo []int64
	var nums []uint64
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		b := sheetToBatch(t.Table, src, header, idx, fen, want, pending, rowNo, nums, clock, rows.w.epoch)
		pending, rowNo, nums = nil, nil, nil
		return fn(b)
	}
	for {
		held := rows.held
		row, cells, ok, err := rows.next()
		if err != nil {
			return snapErr("%s: row %d: %w", src, row, err)
		}
		if !ok {
			break
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		num := rows.nums()
		if held != nil {
			num = held.num
		}
		if len(cells) > width {
			cells, num = cells[:width], num[:min(len(num), width)]
		}
		pending = append(pending, cells)
		rowNo = append(rowNo, int64(row))
		nums = append(nums, rows.numbers(row, cells, num, bits))
		if len(pending) == sheetBatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// sheetToBatch turns rows of cells into a batch. nums[i] has bit c set
// when row i's cell of table column c is a number (see sheetRows.numbers).
func sheetToBatch(t *model.Table, src Source, header []string, idx []int, fen, want []bool, cells [][]string, rowNo []int64, nums []uint64,
	clock *model.Clock, epoch int64) *Batch {
	n := len(cells)
	b := &Batch{Table: t, Source: src.Path, Location: "sheet " + src.Sheet, Len: n, Row: rowNo,
		Cols: make([]Vec, len(t.Columns))}
	b.raw = func(i int) [][2]string {
		kv := make([][2]string, 0, len(header))
		for j, h := range header {
			v := ""
			if j < len(cells[i]) {
				v = cells[i][j]
			}
			kv = append(kv, [2]string{h, v})
		}
		return kv
	}
	for c, col := range t.Columns {
		v := &b.Cols[c]
		pv, fromPart := src.Partition[col.Name]
		if !want[c] || (idx[c] < 0 && !fromPart) {
			continue
		}
		v.Present = true
		v.reset(n, col.Type)
		for i := 0; i < n; i++ {
			s, e := pv, int64(0)
			if idx[c] >= 0 {
				s = ""
				if idx[c] < len(cells[i]) {
					s = cells[i][idx[c]]
				}
				if nums[i]&(1<<c) != 0 {
					e = epoch
				}
			}
			setText(v, i, col, fen[c], s, clock, e)
		}
	}
	return b
}

// setText decodes one textual value into row i of v. A money value from a
// `_fen` column is a whole number of fen. epoch is 0 for text; for the
// value of a numeric cell of a workbook it is the serial day number of
// 1970-01-01 in the workbook's date system, and a date or a time is then
// read as a serial (and only then: a number in a text cell is no date).
func setText(v *Vec, i int, col model.Column, fen bool, s string, clock *model.Clock, epoch int64) {
	if trimSpace(s) == "" {
		v.State[i] = Null
		return
	}
	ok := true
	switch col.Type {
	case model.TypeID:
		if col.Private {
			v.Str[i] = numericID(trimSpace(s))
			break
		}
		v.Str[i], ok = ParseID(s)
	case model.TypeText:
		v.Str[i], ok = s, col.Private || textOK(s)
	case model.TypeEnum:
		v.Str[i], ok = col.Enum.Lookup(s)
	case model.TypeInt:
		n, err := ParseInt(s)
		v.Int[i], ok = n, err == nil
	case model.TypeNumber:
		f, err := ParseNumber(s)
		v.Num[i], ok = f, err == nil
	case model.TypeMoney:
		if fen {
			n, err := ParseInt(s)
			v.Int[i], ok = n, err == nil
			break
		}
		f, err := model.ParseFen(s)
		v.Int[i], ok = int64(f), err == nil
	case model.TypeBool:
		bv, err := ParseBool(s)
		ok = err == nil
		if bv {
			v.Int[i] = 1
		}
	case model.TypeDate:
		var d model.Date
		var err error
		if epoch != 0 {
			d, err = SerialDate(s, epoch)
		} else {
			d, err = ParseDate(s, clock)
		}
		v.Int[i], ok = int64(d), err == nil
	case model.TypeTime:
		var t model.Instant
		var err error
		if epoch != 0 {
			t, err = SerialTime(s, epoch, clock)
		} else {
			t, err = ParseTime(s, clock)
		}
		v.Int[i], ok = int64(t), err == nil
	}
	if !ok {
		v.State[i] = Bad
	}
}
