package snapshot

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/disclose-project/disclose/pipeline/model"
)

// UINT64 values above 2^63 keep their digits as ids (two never become one)
// and are out of range as money; a DATE cannot carry a time.
func TestParquetTypesAtTheirLimits(t *testing.T) {
	dir := t.TempDir()
	fields := nullable(arrow.Field{Name: "check_id", Type: arrow.PrimitiveTypes.Uint64}, arrow.Field{Name: "provider_id", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "day", Type: arrow.FixedWidthTypes.Date32}, arrow.Field{Name: "gmv", Type: arrow.PrimitiveTypes.Uint64})
	writeParquet(t, filepath.Join(dir, "shop_gmv.parquet"), fields, compress.Codecs.Snappy, func(b *array.RecordBuilder) {
		b.Field(0).(*array.Uint64Builder).AppendValues([]uint64{1<<63 + 1, 1<<63 + 2, 7}, nil)
		b.Field(1).(*array.StringBuilder).AppendValues([]string{"P1", "P1", "P1"}, nil)
		b.Field(2).(*array.Date32Builder).AppendValues([]arrow.Date32{20000, 20000, 20000}, nil)
		b.Field(3).(*array.Uint64Builder).AppendValues([]uint64{1 << 63, 1<<64 - 1, 12}, nil)
	})
	s, err := Open(dir, Options{AsOf: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	var gmv []string
	err = s.Scan(t.Context(), "shop_gmv", nil, func(b *Batch) error {
		for i := range b.Len {
			v := &b.Cols[2]
			gmv = append(gmv, map[uint8]string{OK: fmt.Sprint(v.Int[i]), Bad: "bad"}[v.State[i]])
		}
		return nil
	})
	if err != nil || fmt.Sprint(gmv) != "[bad bad 1200]" {
		t.Errorf("UINT64 yuan read as %v (%v), want [bad bad 1200]", gmv, err)
	}
	id := model.Column{Name: "check_id", Type: model.TypeID}
	v := Vec{}
	v.reset(2, model.TypeID)
	bld := array.NewUint64Builder(memory.DefaultAllocator)
	bld.AppendValues([]uint64{1<<63 + 1, 1<<63 + 2}, nil)
	setUints(&v, id, false, bld.NewUint64Array())
	if v.Str[0] != "9223372036854775809" || v.Str[1] != "9223372036854775810" {
		t.Errorf("UINT64 ids read as %q", v.Str)
	}
	called := model.Column{Name: "called_at", Type: model.TypeTime}
	if err := compatible(called, arrow.FixedWidthTypes.Date32, false); err == nil || !strings.Contains(err.Error(), "want TIMESTAMP") {
		t.Errorf("DATE for a time: %v", err)
	}
	amount := model.Column{Name: "amount", Type: model.TypeMoney}
	if err := compatible(amount, &arrow.Decimal128Type{Precision: 10, Scale: 12}, false); err == nil {
		t.Error("DECIMAL(10,12) accepted")
	}
}
