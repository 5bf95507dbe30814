package snapshot

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// The fuzz targets read files held in memory, as the snapshot reads them
// from a directory, so that each input costs its reading and no more
// (no directory to make, no file to write).

// memSnapshot is a snapshot of files held in memory: each Parquet file is
// the table it is named after, each workbook gives its tables.
func memSnapshot(files map[string][]byte) (*Snapshot, error) {
	zone := time.FixedZone("CST", 8*3600)
	s := &Snapshot{Dir: "mem", Tables: map[string]*Table{}, Schema: model.Tables(), mem: files, Zone: zone,
		AsOf: model.DateOf(2025, time.June, 30)}
	s.T = model.NewClock(zone).Midnight(s.AsOf + 1)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var err error
		switch {
		case strings.HasSuffix(name, ".parquet"):
			err = s.add(s.schemaOf(strings.TrimSuffix(name, ".parquet")), name, []Source{{Path: name}})
		case strings.HasSuffix(name, ".xlsx"):
			err = s.workbook(name)
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readAll scans every table of a snapshot and describes what it read:
// every value with its state and every row's raw JSON, then the error
// that ended the reading, if any. An error must be the snapshot's and
// name a file; a value never escapes its column's range of text.
func readAll(t *testing.T, s *Snapshot) string {
	var b strings.Builder
	names := make([]string, 0, len(s.Tables))
	for name := range s.Tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		err := s.Scan(t.Context(), name, nil, func(bt *Batch) error {
			for i := range bt.Len {
				fmt.Fprintf(&b, "%s %s %d:", name, bt.Location, bt.Row[i])
				for c, col := range bt.Table.Columns {
					v := &bt.Cols[c]
					if !v.Present {
						continue
					}
					fmt.Fprintf(&b, " %d", v.State[i])
					if v.State[i] == OK {
						fmt.Fprintf(&b, "=%s", v.Key(i))
						if (col.Type == model.TypeID && !col.Private || col.Type == model.TypeText && !col.Private) && !textOK(v.Str[i]) {
							t.Fatalf("%s: %s %q is not text the register publishes", name, col.Name, v.Str[i])
						}
					}
				}
				fmt.Fprintf(&b, " %s\n", bt.RawJSON(i))
			}
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrSnapshot) || !strings.Contains(err.Error(), ".") {
				t.Fatalf("%s: an error that names no file: %v", name, err)
			}
			fmt.Fprintf(&b, "%s: error %v\n", name, err)
		}
	}
	return b.String()
}

// FuzzOpen reads arbitrary bytes as a Parquet file and as a workbook: an
// error naming the file, never a panic.
func FuzzOpen(f *testing.F) {
	for _, seed := range [][]byte{seedParquet(f), seedWorkbook(f, sampleSheet, false)} {
		f.Add(seed)
	}
	f.Add([]byte("PAR1garbagePAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"orders.parquet", "decisions.xlsx"} {
			if s, err := memSnapshot(map[string][]byte{name: b}); err == nil {
				readAll(t, s)
				s.Close()
			}
		}
	})
}

// FuzzReadParquet reads fuzzed Parquet files of orders directly and
// through arrow records: no panic, and the same values either way.
func FuzzReadParquet(f *testing.F) {
	f.Add(seedParquet(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got [2]string
		for k, viaArrow := range []bool{false, true} {
			s, err := memSnapshot(map[string][]byte{"orders.parquet": b})
			if err != nil {
				return
			}
			s.viaArrow = viaArrow
			got[k] = readAll(t, s)
			var keys []string
			s.Keys(t.Context(), "orders", "order_id", collectKeys(&keys))
		}
		// Both readers read a file that both can read alike; an error
		// may come at another row (the direct reader reads ahead).
		if !strings.Contains(got[0]+got[1], "error") && got[0] != got[1] {
			t.Fatalf("read directly:\n%s\nthrough arrow:\n%s", got[0], got[1])
		}
	})
}

// FuzzReadXLSX reads fuzzed worksheets of decisions (in the 1900 or 1904
// date system) with the sheet reader and with excelize alone: no panic,
// and the same batches either way.
func FuzzReadXLSX(f *testing.F) {
	for _, seed := range []string{sampleSheet, strings.Replace(sampleSheet, `<c r="A1"`, `<c r="A1" s="1"`, 1),
		strings.Replace(sampleSheet, `</row><row r="3">`, `<c r="XFD2"><v>1</v></c></row><row r="3">`, 1)} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	parts := baseParts(f)
	f.Fuzz(func(t *testing.T, sheet []byte, date1904 bool) {
		book := workbookOf(parts, string(sheet), date1904)
		var got [2]string
		for k, viaExcelize := range []bool{false, true} {
			s, err := memSnapshot(map[string][]byte{"decisions.xlsx": book})
			if err != nil {
				return
			}
			s.viaExcelize = viaExcelize
			got[k] = readAll(t, s)
			s.Close()
		}
		if got[0] != got[1] {
			t.Fatalf("sheet %q:\nthe sheet reader gives\n%s\nexcelize\n%s", sheet, got[0], got[1])
		}
	})
}

// sampleSheet is a worksheet of decisions with a value of every column.
const sampleSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>decision_id</t></is></c><c r="B1" t="inlineStr"><is><t>provider_id</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>rule_id</t></is></c><c r="D1" t="inlineStr"><is><t>decided_at</t></is></c>` +
	`<c r="E1" t="inlineStr"><is><t>measure</t></is></c><c r="F1" t="inlineStr"><is><t>points</t></is></c>` +
	`<c r="G1" t="inlineStr"><is><t>deduction</t></is></c><c r="H1" t="inlineStr"><is><t>facts</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>D1</t></is></c><c r="B2"><v>42</v></c><c r="C2" t="inlineStr"><is><t>spot-check</t></is></c>` +
	`<c r="D2" s="0"><v>45830.5</v></c><c r="E2" t="inlineStr"><is><t>警告</t></is></c><c r="F2"><v>2</v></c><c r="G2"><v>300.5</v></c>` +
	`<c r="H2" t="inlineStr"><is><t>抽检 &amp; "facts"</t></is></c></row>` +
	`<row r="3"><c r="A3" t="inlineStr"><is><t>D2</t></is></c><c r="B3" t="inlineStr"><is><t>P1</t></is></c>` +
	`<c r="D3" t="inlineStr"><is><t>2025-06-20 10:00</t></is></c><c r="E3" t="inlineStr"><is><t>warning</t></is></c>` +
	`<c r="F3" t="inlineStr"><is><t>-1000</t></is></c><c r="G3" t="inlineStr"><is><t>1p9999999</t></is></c></row>` +
	`</sheetData></worksheet>`

// seedWorkbook is a workbook of one sheet whose XML is sheet, in the 1904
// date system or not, packed without compression.
func seedWorkbook(t testing.TB, sheet string, date1904 bool) []byte {
	return workbookOf(baseParts(t), sheet, date1904)
}

// baseParts are the parts of an empty workbook that excelize writes.
func baseParts(t testing.TB) []zipPart {
	f := excelize.NewFile()
	defer f.Close()
	var base bytes.Buffer
	if err := f.Write(&base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var parts []zipPart
	for _, zf := range zr.File {
		parts = append(parts, zipPart{zf.Name, unzip(t, zf)})
	}
	return parts
}

type zipPart struct {
	name string
	data []byte
}

// workbookOf packs parts as a workbook whose first sheet's XML is sheet,
// in the 1904 date system or not.
func workbookOf(parts []zipPart, sheet string, date1904 bool) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		data := p.data
		switch p.name {
		case "xl/worksheets/sheet1.xml":
			data = []byte(sheet)
		case "xl/workbook.xml":
			if date1904 {
				data = bytes.Replace(data, []byte("<bookViews>"), []byte(`<workbookPr date1904="1"/><bookViews>`), 1)
			}
		}
		if w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store}); err != nil {
			panic(err) // in memory: only a bad name fails
		} else if _, err := w.Write(data); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// unzip returns the bytes of a zip part, failing the test if it cannot be
// read.
func unzip(t testing.TB, zf *zip.File) []byte {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", zf.Name, err)
	}
	return data
}

// zipPut writes a part, failing the test if it cannot.
func zipPut(t testing.TB, zw *zip.Writer, h *zip.FileHeader, data []byte) {
	t.Helper()
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = w.Write(data)
	}
	if err != nil {
		t.Fatalf("%s: %v", h.Name, err)
	}
}

// seedParquet is a small Parquet file of orders with a value of every
// type the readers take, nulls and a dictionary.
func seedParquet(t testing.TB) []byte {
	path := filepath.Join(t.TempDir(), "orders.parquet")
	str, dict := arrow.BinaryTypes.String, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	fields := nullable(arrow.Field{Name: "order_id", Type: str}, arrow.Field{Name: "provider_id", Type: dict},
		arrow.Field{Name: "service_id", Type: arrow.PrimitiveTypes.Uint64}, arrow.Field{Name: "ordered_at", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		arrow.Field{Name: "amount", Type: &arrow.Decimal128Type{Precision: 18, Scale: 2}}, arrow.Field{Name: "delivered_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		arrow.Field{Name: "status", Type: str}, arrow.Field{Name: "promised_by", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}})
	writeParquet(t, path, fields, compress.Codecs.Snappy, func(b *array.RecordBuilder) {
		b.Field(0).(*array.StringBuilder).AppendValues([]string{"O1", "O2", "O\x003", ""}, []bool{true, true, true, false})
		db := b.Field(1).(*array.BinaryDictionaryBuilder)
		for _, v := range []string{"P1", "P1", "P\xff", "P2"} {
			db.AppendString(v)
		}
		b.Field(2).(*array.Uint64Builder).AppendValues([]uint64{1, 1<<63 + 5, 3, 4}, nil)
		b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1748736000000, -1, 1748736000000, 0}, nil)
		b.Field(4).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(10050), decimal128.FromI64(-1), decimal128.FromI64(0), decimal128.FromI64(1)}, nil)
		b.Field(5).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1748822400000000, 0, 0, 0}, []bool{true, false, true, true})
		b.Field(6).(*array.StringBuilder).AppendValues([]string{"delivered", "paid", "已退款", "lost"}, nil)
		b.Field(7).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1748822400000000000, 1 << 62, 0, -5}, nil)
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
