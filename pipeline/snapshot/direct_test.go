package snapshot

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/pqdirect"
)

// scanAll returns every batch of every table of a snapshot as comparable
// values: the decoded columns and each row's raw JSON.
func scanAll(t *testing.T, dir string, viaArrow bool) map[string][]any {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.viaArrow = viaArrow
	out := map[string][]any{}
	type code struct {
		numbering uint64
		col       int
		code      int32
	}
	byCode := map[code]string{}
	coded := 0
	for name := range s.Tables {
		err := s.Scan(context.Background(), name, nil, func(b *Batch) error {
			for c := range b.Cols {
				v := &b.Cols[c]
				codes := v.Codes(b.Len)
				if codes != nil && b.Numbering == 0 {
					t.Fatalf("%s: column %d has codes in a batch of no numbering", name, c)
				}
				for i, k := range codes {
					if k < 0 || v.State[i] != OK {
						continue
					}
					coded++
					key := code{b.Numbering, c, k}
					if was, ok := byCode[key]; ok && was != v.Str[i] {
						t.Fatalf("%s %s row %d: code %d is %q, and %q before", name, b.Location, b.Row[i], k, v.Str[i], was)
					}
					byCode[key] = v.Str[i]
				}
			}
			raw := make([]string, b.Len)
			for i := range raw {
				raw[i] = b.RawJSON(i)
			}
			cols := make([]Vec, len(b.Cols)) // the batch's buffers are reused
			for c, v := range b.Cols {
				cols[c] = Vec{Present: v.Present, State: slices.Clone(v.State), Str: slices.Clone(v.Str), Int: slices.Clone(v.Int), Num: slices.Clone(v.Num)}
			}
			out[name] = append(out[name], b.Location, slices.Clone(b.Row), cols, raw)
			return nil
		})
		if err != nil {
			t.Fatalf("%s (via arrow %v): %v", name, viaArrow, err)
		}
	}
	if viaArrow && coded > 0 {
		t.Errorf("read through arrow: %d values with codes", coded)
	}
	if !viaArrow && coded == 0 {
		t.Error("read directly: no value with a code")
	}
	return out
}

// keysMatchScan wants Keys, reading directly, to give every id column of
// a snapshot as Scan through arrow records does: the same ids (trimmed,
// numbers normalised) and the same rows without one.
func keysMatchScan(t *testing.T, dir string) {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checked := 0
	for name, tab := range s.Tables {
		for c, col := range tab.Columns {
			if col.Type != model.TypeID {
				continue
			}
			var want, got []string
			s.viaArrow = true
			err := s.Scan(context.Background(), name, []string{col.Name}, func(b *Batch) error {
				v := &b.Cols[c]
				for i := range b.Len {
					k := "<none>"
					if v.Present && v.State[i] == OK {
						k = v.Key(i)
					}
					want = append(want, k)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			s.viaArrow = false
			if err := s.Keys(context.Background(), name, col.Name, collectKeys(&got)); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s.%s: Keys gives %q\nScan gives %q", name, col.Name, got[:min(len(got), 20)], want[:min(len(want), 20)])
			}
			// In parts, every key once, in some order.
			for _, parts := range []int{2, 3} {
				var all []string
				for part := range parts {
					if err := s.KeysPart(context.Background(), name, col.Name, part, parts, collectKeys(&all)); err != nil {
						t.Fatal(err)
					}
				}
				slices.Sort(all)
				sorted := slices.Sorted(slices.Values(want))
				if !slices.Equal(all, sorted) {
					t.Errorf("%s.%s: KeysPart in %d parts gives %d keys, Scan %d (or other keys)", name, col.Name, parts, len(all), len(want))
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no id column checked")
	}
}

// collectKeys returns a function for Keys that appends the keys to dst,
// "<none>" for a row without one.
func collectKeys(dst *[]string) func(keys [][]byte, ok []bool) error {
	return func(keys [][]byte, ok []bool) error {
		for i, k := range keys {
			if !ok[i] {
				k = []byte("<none>")
			}
			*dst = append(*dst, string(k))
		}
		return nil
	}
}

// randomColumn fills a column of any of the types the direct reader takes
// with values that include nulls, extremes and invalid ones.
func randomColumn(r *rand.Rand, b array.Builder, n int) {
	for range n {
		if r.IntN(5) == 0 {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.StringBuilder:
			b.Append([]string{"", " ", "42", "4.2E+1", "x\"y\\", "已交付", "delivered", "2025-06-30 12:00:00", "-1.005", "true"}[r.IntN(10)])
		case *array.Int8Builder:
			b.Append(int8(r.IntN(256) - 128))
		case *array.Int16Builder:
			b.Append(int16(r.IntN(65536) - 32768))
		case *array.Int32Builder:
			b.Append([]int32{0, 1, -1, math.MaxInt32, math.MinInt32, int32(r.Int32())}[r.IntN(6)])
		case *array.Int64Builder:
			b.Append([]int64{0, 1, 2, math.MaxInt64, math.MinInt64, r.Int64(), -r.Int64N(1 << 40)}[r.IntN(7)])
		case *array.Float64Builder:
			b.Append([]float64{0, -0.005, 1.015, math.NaN(), math.Inf(1), 1e300, r.Float64() * 1000}[r.IntN(7)])
		case *array.BooleanBuilder:
			b.Append(r.IntN(2) == 0)
		case *array.Date32Builder:
			b.Append(arrow.Date32(r.IntN(40000) - 10000))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(r.Int64N(4e12) - 1e12))
		case *array.Decimal128Builder:
			hi := []int64{0, -1, 0, -1, 1 << 20}[r.IntN(5)]
			b.Append(decimal128.New(hi, r.Uint64()>>uint(r.IntN(64))))
		case *array.BinaryDictionaryBuilder:
			b.AppendString([]string{"paid", "cancelled", "x"}[r.IntN(3)])
		default:
			panic(fmt.Sprintf("no values for %T", b))
		}
	}
}

// TestDirectMatchesArrow reads the same files with the direct reader and
// through arrow records, and wants the same batches, values, states and raw
// text: for every column type the direct reader takes, with nulls, small
// pages and several row groups, and for a generated snapshot.
func TestDirectMatchesArrow(t *testing.T) {
	dir := t.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	if err := gen.Write(gen.Options{Out: dir, Seed: 5, Providers: 6, Orders: 3000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone}); err != nil {
		t.Fatal(err)
	}
	str := arrow.BinaryTypes.String
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: str}
	i8, i16, i32, i64 := arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64
	f64, boolean, date := arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32
	ts := func(u arrow.TimeUnit, tz string) arrow.DataType { return &arrow.TimestampType{Unit: u, TimeZone: tz} }
	dec := func(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }
	// Each table's columns get every type in turn, so that each column type
	// of the contract meets each physical type.
	types := []arrow.DataType{str, i8, i16, i32, i64, f64, boolean, date, ts(arrow.Millisecond, ""), ts(arrow.Microsecond, "UTC"),
		ts(arrow.Nanosecond, "Asia/Shanghai"), dec(9, 2), dec(18, 3), dec(38, 2), dict}
	tables := map[string][]string{
		"orders":      {"order_id", "provider_id", "service_id", "ordered_at", "amount", "promised_by", "delivered_at", "status"},
		"providers":   {"provider_id", "name", "joined_on", "deposit", "status", "category"},
		"commitments": {"commitment_id", "provider_id", "target", "effective_from", "effective_to", "kind"},
		"calendar":    {"day", "working"},
		"shop_gmv":    {"provider_id", "day", "gmv"},
	}
	// A generated snapshot, and one of random tables beside it.
	if !reflect.DeepEqual(scanAll(t, dir, false), scanAll(t, dir, true)) {
		t.Error("the generated snapshot reads differently directly and via arrow")
	}
	keysMatchScan(t, dir)
	meta, err := os.ReadFile(filepath.Join(dir, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json"), meta, 0o644); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, cols := range tables {
		schema := s.schemaOf(name)
		for k := range len(types) {
			var fields []arrow.Field
			for c, col := range cols {
				var fit []arrow.DataType // the types that can carry this column
				for _, dt := range types {
					if compatible(schema.Columns[schema.Col(col)], dt, false) == nil {
						fit = append(fit, dt)
					}
				}
				fields = append(fields, arrow.Field{Name: col, Type: fit[(k+c)%len(fit)], Nullable: true})
			}
			path := filepath.Join(dir, name, fmt.Sprintf("part-%02d.parquet", k))
			writeRandomParquet(t, path, fields, r, k)
			p, err := openParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := pqdirect.Plan(p.pf.MetaData().Schema, p.schema.Fields(), []int{0, 1}); !ok {
				t.Errorf("%s: the direct reader does not take %v", path, fields[:2])
			}
			p.Close()
		}
	}
	s.Close()
	keysMatchScan(t, dir)
	direct, viaArrow := scanAll(t, dir, false), scanAll(t, dir, true)
	for name := range viaArrow {
		if !reflect.DeepEqual(direct[name], viaArrow[name]) {
			a, b := direct[name], viaArrow[name]
			for i := range min(len(a), len(b)) {
				if !reflect.DeepEqual(a[i], b[i]) {
					t.Fatalf("%s: item %d differs:\ndirect %v\narrow  %v", name, i, a[i], b[i])
				}
			}
			t.Fatalf("%s: %d items directly, %d via arrow", name, len(a), len(b))
		}
	}
}

// writeRandomParquet writes 700 random rows in row groups of 300 and small
// pages, compressed or not and dictionary-encoded or not by variant.
func writeRandomParquet(t *testing.T, path string, fields []arrow.Field, r *rand.Rand, variant int) {
	t.Helper()
	codec := []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Zstd, compress.Codecs.Snappy}[variant%3]
	props := parquet.NewWriterProperties(parquet.WithCompression(codec), parquet.WithMaxRowGroupLength(300),
		parquet.WithDataPageSize(512), parquet.WithDictionaryDefault(variant%2 == 0))
	writeRecord(t, path, fields, props, func(b *array.RecordBuilder) {
		for _, fb := range b.Fields() {
			randomColumn(r, fb, 700)
		}
	})
}
