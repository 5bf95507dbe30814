package snapshot

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// sheetBatch is how many sheet rows go into one batch.
const sheetBatch = 4096

func openWorkbook(path string) (f *excelize.File, err error) {
	defer func() { // excelize has panicked on malformed archives; a bad file is an error, not a crash
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("malformed workbook: %v", r)
		}
	}()
	return excelize.OpenFile(path)
}

// book returns the open workbook at name (relative to the snapshot),
// opening it on first use.
func (s *Snapshot) book(name string) (*workbook, error) {
	if w, ok := s.books[name]; ok {
		return w, nil
	}
	f, err := openWorkbook(filepath.Join(s.Dir, name))
	if err != nil {
		return nil, err
	}
	if s.books == nil {
		s.books = map[string]*workbook{}
	}
	w := &workbook{f: f}
	s.books[name] = w
	return w, nil
}

// workbook registers the tables of one workbook: the first sheet of
// `<table>.xlsx`, and every sheet named after a table.
func (s *Snapshot) workbook(name string) error {
	w, err := s.book(name)
	if err != nil {
		return snapErr("%s: cannot open workbook: %v", name, err)
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

// sheetRows reads the rows of a sheet: with the sheet reader (sheetxml.go)
// when it can read the whole sheet, else with excelize.
type sheetRows struct {
	fast *sheetScan
	rows *excelize.Rows
	row  int // the number of the row excelize read last
	held *heldRow
}

// heldRow is a row read while looking for the header, given back next.
type heldRow struct {
	row   int
	cells []string
}

func (s *Snapshot) sheetRows(src Source) (*sheetRows, error) {
	w, err := s.book(src.Path)
	if err != nil {
		return nil, snapErr("%s: cannot open workbook: %v", src.Path, err)
	}
	if fast := w.sheetScan(src.Sheet); fast != nil {
		return &sheetRows{fast: fast}, nil
	}
	rows, err := w.f.Rows(src.Sheet)
	if err != nil {
		return nil, snapErr("%s: %v", src, err)
	}
	return &sheetRows{rows: rows}, nil
}

// header reads row 1, the header, as excelize gives it (formatted); false
// when the sheet has no rows at all.
func (r *sheetRows) header() ([]string, bool, error) {
	row, cells, ok, err := r.next()
	if err != nil || !ok {
		return nil, ok, err
	}
	if row != 1 {
		r.held = &heldRow{row, cells}
		return nil, true, nil
	}
	return cells, true, nil
}

// next returns the next row, its number and its cells (raw values but for
// row 1); ok is false after the last.
func (r *sheetRows) next() (row int, cells []string, ok bool, err error) {
	if h := r.held; h != nil {
		r.held = nil
		return h.row, h.cells, true, nil
	}
	if r.fast != nil {
		return r.fast.next() // never errUnsupported: the sheet was checked
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
	return r.row, cells, err == nil, err
}

func (r *sheetRows) close() {
	if r.rows != nil {
		r.rows.Close()
	}
}

func (s *Snapshot) sheetHeader(src Source) ([]string, error) {
	rows, err := s.sheetRows(src)
	if err != nil {
		return nil, err
	}
	defer rows.close()
	header, _, err := rows.header()
	if err != nil {
		return nil, snapErr("%s: header: %v", src, err)
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
		return snapErr("%s: header: %v", src, err)
	}
	if !ok {
		return snapErr("%s: table %s: the sheet is empty (row 1 must be the header)", src, t.Name)
	}
	idx, fen, err := bind(t.Table, src, header)
	if err != nil {
		return err
	}
	clock := s.Clock()
	var pending [][]string
	var rowNo []int64
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		b := sheetToBatch(t.Table, src, header, idx, fen, want, pending, rowNo, clock)
		pending, rowNo = nil, nil
		return fn(b)
	}
	for {
		row, cells, ok, err := rows.next()
		if err != nil {
			return snapErr("%s: row %d: %v", src, row, err)
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
		pending = append(pending, cells)
		rowNo = append(rowNo, int64(row))
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

func sheetToBatch(t *model.Table, src Source, header []string, idx []int, fen, want []bool, cells [][]string, rowNo []int64, clock *model.Clock) *Batch {
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
			s := pv
			if idx[c] >= 0 {
				s = ""
				if idx[c] < len(cells[i]) {
					s = cells[i][idx[c]]
				}
			}
			setText(v, i, col, fen[c], s, clock)
		}
	}
	return b
}

// setText decodes one textual value into row i of v.
// A money value from a `_fen` column is a whole number of fen.
func setText(v *Vec, i int, col model.Column, fen bool, s string, clock *model.Clock) {
	if trimSpace(s) == "" {
		v.State[i] = Null
		return
	}
	ok := true
	switch col.Type {
	case model.TypeID:
		v.Str[i], ok = ParseID(s)
	case model.TypeText:
		v.Str[i] = s
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
		d, err := ParseDate(s, clock)
		v.Int[i], ok = int64(d), err == nil
	case model.TypeTime:
		t, err := ParseTime(s, clock)
		v.Int[i], ok = int64(t), err == nil
	}
	if !ok {
		v.State[i] = Bad
	}
}
