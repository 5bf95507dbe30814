package snapshot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// logical orders, the same in every representation.
type order struct {
	id, provider, service string
	ordered, delivered    time.Time // delivered zero: null
	fen                   int64
	status                string
}

func logicalOrders() []order {
	l := func(s string) time.Time { t, _ := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai); return t }
	return []order{
		{"1001", "7", "70", l("2025-06-01 00:00:00"), l("2025-06-05 23:59:59"), 12345, "delivered"},
		{"1002", "7", "71", l("2025-06-30 23:59:59"), time.Time{}, 5, "paid"},
		{"1003", "8", "80", l("2024-12-31 16:00:00"), time.Time{}, 99999900, "cancelled"},
	}
}

func writeParquet(t testing.TB, path string, fields []arrow.Field, codec compress.Compression, fill func(b *array.RecordBuilder)) {
	t.Helper()
	writeRecord(t, path, fields, parquet.NewWriterProperties(parquet.WithCompression(codec)), fill)
}

// writeRecord writes one record, filled by fill, to a Parquet file with
// the writer properties given.
func writeRecord(t testing.TB, path string, fields []arrow.Field, props *parquet.WriterProperties, fill func(b *array.RecordBuilder)) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	fill(b)
	rec := b.NewRecord()
	defer rec.Release()
	w, err := pqarrow.NewFileWriter(sc, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func nullable(fs ...arrow.Field) []arrow.Field {
	for i := range fs {
		fs[i].Nullable = true
	}
	return fs
}

func TestRepresentations(t *testing.T) {
	os_ := logicalOrders()
	str := arrow.BinaryTypes.String
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: str}
	ts := func(u arrow.TimeUnit, tz string) *arrow.TimestampType {
		return &arrow.TimestampType{Unit: u, TimeZone: tz}
	}
	wall := func(tm time.Time) int64 { // local wall clock as if UTC, in microseconds
		y, m, d := tm.Date()
		return time.Date(y, m, d, tm.Hour(), tm.Minute(), tm.Second(), 0, time.UTC).UnixMicro()
	}
	reps := map[string]func(dir string){
		"parquet strings, DECIMAL(18,2), UTC us": func(dir string) {
			writeParquet(t, filepath.Join(dir, "orders.parquet"), nullable(arrow.Field{Name: "order_id", Type: str}, arrow.Field{Name: "provider_id", Type: str},
				arrow.Field{Name: "service_id", Type: str}, arrow.Field{Name: "ordered_at", Type: ts(arrow.Microsecond, "UTC")},
				arrow.Field{Name: "amount", Type: &arrow.Decimal128Type{Precision: 18, Scale: 2}}, arrow.Field{Name: "delivered_at", Type: ts(arrow.Microsecond, "UTC")},
				arrow.Field{Name: "status", Type: str}), compress.Codecs.Uncompressed, func(b *array.RecordBuilder) {
				for _, o := range os_ {
					b.Field(0).(*array.StringBuilder).Append(o.id)
					b.Field(1).(*array.StringBuilder).Append(o.provider)
					b.Field(2).(*array.StringBuilder).Append(o.service)
					b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(o.ordered.UnixMicro()))
					b.Field(4).(*array.Decimal128Builder).Append(decimal128.FromI64(o.fen))
					if o.delivered.IsZero() {
						b.Field(5).AppendNull()
					} else {
						b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(o.delivered.UnixMicro()))
					}
					b.Field(6).(*array.StringBuilder).Append(o.status)
				}
			})
		},
		"parquet int ids, _fen, local ms, dictionary, zstd, hive folders": func(dir string) {
			for i, o := range os_ {
				writeParquet(t, filepath.Join(dir, "orders", fmt.Sprintf("month=%d", i), "part-0.parquet"), nullable(arrow.Field{Name: "ORDER_ID", Type: arrow.PrimitiveTypes.Int64},
					arrow.Field{Name: " Provider_ID ", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "service_id", Type: arrow.PrimitiveTypes.Int64},
					arrow.Field{Name: "ordered_at", Type: ts(arrow.Millisecond, "")}, arrow.Field{Name: "amount_fen", Type: arrow.PrimitiveTypes.Int64},
					arrow.Field{Name: "delivered_at", Type: ts(arrow.Millisecond, "")}, arrow.Field{Name: "status", Type: dict},
					arrow.Field{Name: "extra_note", Type: str}), compress.Codecs.Zstd, func(b *array.RecordBuilder) {
					var id, p, s int64
					fmt.Sscan(o.id, &id)
					fmt.Sscan(o.provider, &p)
					fmt.Sscan(o.service, &s)
					b.Field(0).(*array.Int64Builder).Append(id)
					b.Field(1).(*array.Int32Builder).Append(int32(p))
					b.Field(2).(*array.Int64Builder).Append(s)
					b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(wall(o.ordered) / 1000))
					b.Field(4).(*array.Int64Builder).Append(o.fen)
					if o.delivered.IsZero() {
						b.Field(5).AppendNull()
					} else {
						b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(wall(o.delivered) / 1000))
					}
					b.Field(6).(*array.BinaryDictionaryBuilder).AppendString(o.status)
					b.Field(7).(*array.StringBuilder).Append("x")
				})
			}
		},
		"parquet DOUBLE money, UTC s and ns, snappy": func(dir string) {
			writeParquet(t, filepath.Join(dir, "orders.parquet"), nullable(arrow.Field{Name: "order_id", Type: str}, arrow.Field{Name: "provider_id", Type: str},
				arrow.Field{Name: "service_id", Type: str}, arrow.Field{Name: "ordered_at", Type: ts(arrow.Second, "UTC")},
				arrow.Field{Name: "amount", Type: arrow.PrimitiveTypes.Float64}, arrow.Field{Name: "delivered_at", Type: ts(arrow.Nanosecond, "Asia/Shanghai")},
				arrow.Field{Name: "status", Type: str}), compress.Codecs.Snappy, func(b *array.RecordBuilder) {
				for _, o := range os_ {
					b.Field(0).(*array.StringBuilder).Append(o.id)
					b.Field(1).(*array.StringBuilder).Append(o.provider)
					b.Field(2).(*array.StringBuilder).Append(o.service)
					b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(o.ordered.Unix()))
					b.Field(4).(*array.Float64Builder).Append(float64(o.fen) / 100)
					if o.delivered.IsZero() {
						b.Field(5).AppendNull()
					} else {
						b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(o.delivered.UnixNano()))
					}
					b.Field(6).(*array.StringBuilder).Append(o.status)
				}
			})
		},
		"excel sheet, Chinese labels, text times": func(dir string) {
			f := excelize.NewFile()
			f.NewSheet("orders")
			f.SetSheetRow("orders", "A1", &[]any{"order_id", "provider_id", "service_id", "Ordered_At", "amount", "delivered_at", "status"})
			for i, o := range os_ {
				d := ""
				if !o.delivered.IsZero() {
					d = o.delivered.Format("2006-01-02 15:04:05")
				}
				id, p := 0, 0
				fmt.Sscan(o.id, &id)
				fmt.Sscan(o.provider, &p)
				f.SetSheetRow("orders", fmt.Sprintf("A%d", i+3), &[]any{id, p, o.service, o.ordered.Format(time.RFC3339), float64(o.fen) / 100, d, model.OrderStatusEnum.Label(o.status)})
			}
			f.SaveAs(filepath.Join(dir, "activity.xlsx"))
		},
		"orders.xlsx first sheet, serial date-time cells": func(dir string) {
			f := excelize.NewFile()
			f.SetSheetRow("Sheet1", "A1", &[]any{"order_id", "provider_id", "service_id", "ordered_at", "amount", "delivered_at", "status"})
			for i, o := range os_ {
				var d any
				if !o.delivered.IsZero() {
					d = wallTime(o.delivered)
				}
				f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{o.id, o.provider, o.service, wallTime(o.ordered), float64(o.fen) / 100, d, o.status})
			}
			f.SaveAs(filepath.Join(dir, "orders.xlsx"))
		},
	}
	var want [][]any
	for name, write := range reps {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(dir)
			os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of":"2025-06-30","timezone":"Asia/Shanghai"}`), 0o644)
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]any
			err = s.Scan(context.Background(), model.TOrders, nil, func(b *Batch) error {
				for i := 0; i < b.Len; i++ {
					var row []any
					for c := range b.Table.Columns {
						v := &b.Cols[c]
						switch {
						case !v.Present || v.State[i] == Null:
							row = append(row, nil)
						case v.State[i] == Bad:
							row = append(row, "BAD")
						case v.Str != nil:
							row = append(row, v.Str[i])
						default:
							row = append(row, v.Int[i])
						}
					}
					got = append(got, row)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(os_) {
				t.Fatalf("%d rows, want %d", len(got), len(os_))
			}
			for i, o := range os_ {
				if got[i][0] != o.id || got[i][4] != o.ordered.UnixMicro() || got[i][5] != o.fen || got[i][8] != o.status {
					t.Errorf("row %d = %v, want %+v", i, got[i], o)
				}
			}
			if want == nil {
				want = got
			} else if !reflect.DeepEqual(got, want) {
				t.Errorf("rows differ from another representation:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// wallTime gives excelize a local wall-clock time, which it stores as a
// serial date-time cell.
func wallTime(tm time.Time) time.Time {
	y, m, d := tm.Date()
	return time.Date(y, m, d, tm.Hour(), tm.Minute(), tm.Second(), 0, time.UTC)
}
