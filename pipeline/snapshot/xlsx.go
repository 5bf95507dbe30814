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
func (s *Snapshot) book(name string) (*excelize.File, error) {
	if f, ok := s.books[name]; ok {
		return f, nil
	}
	f, err := openWorkbook(filepath.Join(s.Dir, name))
	if err != nil {
		return nil, err
	}
	if s.books == nil {
		s.books = map[string]*excelize.File{}
	}
	s.books[name] = f
	return f, nil
}

// workbook registers the tables of one workbook: the first sheet of
// `<table>.xlsx`, and every sheet named after a table.
func (s *Snapshot) workbook(name string) error {
	f, err := s.book(name)
	if err != nil {
		return snapErr("%s: cannot open workbook: %v", name, err)
	}
	sheets := f.GetSheetList()
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

func (s *Snapshot) sheetHeader(src Source) ([]string, error) {
	f, err := s.book(src.Path)
	if err != nil {
		return nil, snapErr("%s: cannot open workbook: %v", src.Path, err)
	}
	rows, err := f.Rows(src.Sheet)
	if err != nil {
		return nil, snapErr("%s: %v", src, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, nil
	}
	return rows.Columns()
}

func (s *Snapshot) scanSheet(ctx context.Context, t *Table, src Source, want []bool, fn func(*Batch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = snapErr("%s: malformed sheet: %v", src, r)
		}
	}()
	f, err := s.book(src.Path)
	if err != nil {
		return snapErr("%s: cannot open workbook: %v", src.Path, err)
	}
	rows, err := f.Rows(src.Sheet)
	if err != nil {
		return snapErr("%s: %v", src, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return snapErr("%s: table %s: the sheet is empty (row 1 must be the header)", src, t.Name)
	}
	header, err := rows.Columns()
	if err != nil {
		return snapErr("%s: header: %v", src, err)
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
	row := int64(1)
	for rows.Next() {
		row++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return snapErr("%s: row %d: %v", src, row, err)
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
		rowNo = append(rowNo, row)
		if len(pending) == sheetBatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Error(); err != nil {
		return snapErr("%s: %v", src, err)
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
