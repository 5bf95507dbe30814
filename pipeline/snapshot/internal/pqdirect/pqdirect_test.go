package pqdirect

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// columns are the types the direct reader takes, each a column of the
// test files.
var columns = []arrow.Field{
	{Name: "str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
	{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "ts_us_utc", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Asia/Shanghai"}, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "dec9", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
	{Name: "dec18", Type: &arrow.Decimal128Type{Precision: 18, Scale: 3}, Nullable: true},
	{Name: "dec38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 2}, Nullable: true},
}

// record makes n rows of random values, a tenth of them null, with few
// distinct strings (so that they repeat through dictionaries) and
// extremes among the numbers.
func record(r *rand.Rand, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(columns, nil))
	defer b.Release()
	words := []string{"", "a", "服务商", " padded ", "S0001", "x\x00y", "😀"}
	for range n {
		for c, f := range columns {
			fb := b.Field(c)
			if f.Nullable && r.IntN(10) == 0 {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.Append(words[r.IntN(len(words))] + fmt.Sprint(r.IntN(3)))
			case *array.BinaryDictionaryBuilder:
				fb.AppendString(words[r.IntN(len(words))])
			case *array.Int8Builder:
				fb.Append(int8(r.IntN(256) - 128))
			case *array.Int32Builder:
				fb.Append(r.Int32() - 1<<30)
			case *array.Int64Builder:
				fb.Append([]int64{0, -1, 1 << 62, -1 << 63, r.Int64()}[r.IntN(5)])
			case *array.Date32Builder:
				fb.Append(arrow.Date32(r.IntN(40000) - 1000))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(r.Int64N(1<<50) - 1<<40))
			case *array.Float64Builder:
				fb.Append(r.NormFloat64() * 1e6)
			case *array.BooleanBuilder:
				fb.Append(r.IntN(2) == 0)
			case *array.Decimal128Builder:
				p := f.Type.(*arrow.Decimal128Type).Precision
				lim := int64(1)
				for range min(p, 18) {
					lim *= 10
				}
				v := decimal128.FromI64(r.Int64N(2*lim-1) - lim + 1)
				if p > 18 && r.IntN(3) == 0 {
					v = v.Mul(decimal128.FromI64(1 << 40))
				}
				fb.Append(v)
			}
		}
	}
	return b.NewRecord()
}

// TestMatchesArrow writes files of every column type the direct reader
// takes in several layouts (compressions, dictionary and plain pages, many
// row groups and pages, decimals as INT32, INT64 and FIXED_LEN_BYTE_ARRAY)
// and wants the reader to give what arrow's records give: the same nulls,
// the same values and the same raw text.
func TestMatchesArrow(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	rec := record(r, 5000)
	defer rec.Release()
	flba, i32, i64 := parquet.Types.FixedLenByteArray, parquet.Types.Int32, parquet.Types.Int64
	layouts := []struct {
		name      string
		props     []parquet.WriterProperty
		arrow     []pqarrow.WriterOption
		rowGroups int             // at least
		dict      bool            // the string columns have dictionary pages
		decimals  [3]parquet.Type // the physical types of dec9, dec18, dec38
	}{
		{"snappy, dictionaries", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy)}, nil, 1, true, [3]parquet.Type{flba, flba, flba}},
		{"zstd, plain pages", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(false)}, nil,
			1, false, [3]parquet.Type{flba, flba, flba}},
		{"uncompressed, many row groups and pages", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Uncompressed),
			parquet.WithMaxRowGroupLength(700), parquet.WithDataPageSize(512), parquet.WithDictionaryPageSizeLimit(256)}, nil,
			7, true, [3]parquet.Type{flba, flba, flba}},
		{"decimals as integers", []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithStoreDecimalAsInteger(true),
			parquet.WithMaxRowGroupLength(2048)}, nil, 3, true, [3]parquet.Type{i32, i64, flba}},
	}
	for _, lay := range layouts {
		t.Run(lay.name, func(t *testing.T) {
			var buf bytes.Buffer
			props := parquet.NewWriterProperties(lay.props...)
			aprops := pqarrow.NewArrowWriterProperties(append(lay.arrow, pqarrow.WithStoreSchema())...)
			w, err := pqarrow.NewFileWriter(rec.Schema(), &buf, props, aprops)
			if err != nil {
				t.Fatal(err)
			}
			for start := int64(0); start < rec.NumRows(); start += 1000 {
				part := rec.NewSlice(start, min(start+1000, rec.NumRows()))
				if err := w.WriteBuffered(part); err != nil {
					t.Fatal(err)
				}
				part.Release()
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			md := pf.MetaData()
			if len(md.RowGroups) < lay.rowGroups {
				t.Errorf("%d row groups, want %d or more", len(md.RowGroups), lay.rowGroups)
			}
			for k, name := range []string{"dec9", "dec18", "dec38"} {
				if got := md.Schema.Column(md.Schema.ColumnIndexByName(name)).PhysicalType(); got != lay.decimals[k] {
					t.Errorf("%s stored as %s, want %s", name, got, lay.decimals[k])
				}
			}
			if cc, err := md.RowGroup(0).ColumnChunk(0); err != nil || cc.HasDictionaryPage() != lay.dict {
				t.Errorf("column str: dictionary page %v, want %v (%v)", cc != nil && cc.HasDictionaryPage(), lay.dict, err)
			}
			pf.Close()
			if coded := compare(t, buf.Bytes()); (coded > 0) != lay.dict {
				t.Errorf("%d strings with a code; dictionary pages %v", coded, lay.dict)
			}
		})
	}
}

// compare reads a file both ways, row group by row group in batches of
// an odd size, and fails at the first difference: the direct reader with
// arrow's own chunk readers and with those of Chunks. It returns how many
// strings had a code.
func compare(t *testing.T, data []byte) int {
	t.Helper()
	coded := compareWith(t, data, false)
	if again := compareWith(t, data, true); again != coded {
		t.Fatalf("%d strings had a code through Chunks, %d without", again, coded)
	}
	return coded
}

func compareWith(t *testing.T, data []byte, chunks bool) int {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 333}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	read := make([]int, len(sc.Fields()))
	for j := range read {
		read[j] = j
	}
	leaves, ok := Plan(pf.MetaData().Schema, sc.Fields(), read)
	if !ok {
		t.Fatalf("the direct reader does not take the file's columns %v", sc.Fields())
	}
	if pf.NumRowGroups() < 1 {
		t.Fatal("no row groups")
	}
	in := NewInterner(1)
	vals := make([]Values, len(read))
	coded := 0
	var ch *Chunks
	if chunks {
		ch = NewChunks(bytes.NewReader(data), int64(len(data)), pf.MetaData(), pf.BufferPool())
	}
	for rg := range pf.NumRowGroups() {
		dr, err := NewReader(pf.RowGroup(rg), read, leaves, in, ch)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := fr.GetRecordReader(context.Background(), read, []int{rg})
		if err != nil {
			t.Fatal(err)
		}
		row := 0
		for rr.Next() {
			rec := rr.Record()
			n := int(rec.NumRows())
			for j := range read {
				if err := dr.Next(j, n, &vals[j]); err != nil {
					t.Fatalf("row group %d, row %d, column %s: %v", rg, row, sc.Field(j).Name, err)
				}
				col := rec.Column(j)
				for i := range n {
					name := fmt.Sprintf("row group %d, row %d, column %s", rg, row+i, sc.Field(j).Name)
					if got, want := vals[j].Valid[i], col.IsValid(i); got != want {
						t.Fatalf("%s: valid %v, arrow %v", name, got, want)
					}
					if !col.IsValid(i) {
						continue
					}
					if got, want := RawText(leaves[j], &vals[j], i), col.ValueStr(i); got != want {
						t.Fatalf("%s: %q, arrow %q", name, got, want)
					}
					if leaves[j].Kind == String && vals[j].Code[i] >= 0 {
						coded++
					}
				}
			}
			row += n
		}
		if err := rr.Err(); err != nil && err.Error() != "EOF" {
			t.Fatal(err)
		}
		rr.Release()
	}
	return coded
}
