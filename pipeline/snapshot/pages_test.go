package snapshot

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
)

// pagedOrders writes a Parquet file of 200 orders, all alike, with
// dictionaries or not, and returns its bytes and where the pages of its
// first column, order_id, start.
func pagedOrders(t *testing.T, codec compress.Compression, dict bool) ([]byte, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "orders.parquet")
	props := parquet.NewWriterProperties(parquet.WithCompression(codec), parquet.WithDictionaryDefault(dict))
	str := arrow.BinaryTypes.String
	fields := nullable(arrow.Field{Name: "order_id", Type: str}, arrow.Field{Name: "provider_id", Type: str}, arrow.Field{Name: "service_id", Type: str},
		arrow.Field{Name: "ordered_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		arrow.Field{Name: "amount", Type: arrow.PrimitiveTypes.Int64}, arrow.Field{Name: "status", Type: str})
	writeRecord(t, path, fields, props, func(b *array.RecordBuilder) {
		for range 200 {
			b.Field(0).(*array.StringBuilder).Append("ORDER-0001")
			b.Field(1).(*array.StringBuilder).Append("P1")
			b.Field(2).(*array.StringBuilder).Append("S1")
			b.Field(3).(*array.TimestampBuilder).Append(1748736000000000)
			b.Field(4).(*array.Int64Builder).Append(100)
			b.Field(5).(*array.StringBuilder).Append("delivered")
		}
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := pf.MetaData().RowGroup(0).ColumnChunk(0)
	if err != nil {
		t.Fatal(err)
	}
	pos := cc.DataPageOffset()
	if cc.HasDictionaryPage() {
		pos = cc.DictionaryPageOffset()
	}
	w := &pageReader{r: bytes.NewReader(data), size: int64(len(data))}
	var pages []int64
	for end := pos + cc.TotalCompressedSize(); pos < end; {
		h, n, err := w.header(pos, end)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, pos)
		pos += n + int64(h.compressed)
	}
	return data, pages
}

// headerField is where the value of a field of the page header at pos
// lies, as arrow writes one: type, uncompressed_page_size,
// compressed_page_size (each an I32 field after the one before), then the
// type's header, whose first field is num_values.
func headerField(t *testing.T, data []byte, pos int64, name string) int {
	t.Helper()
	i := int(pos)
	skip := func() { // an I32 field: its header byte, then a varint
		if data[i] != 0x15 {
			t.Fatalf("page at byte %d: byte %d is %#x, not an I32 field", pos, i, data[i])
		}
		_, n := binary.Uvarint(data[i+1:])
		i += 1 + n
	}
	for _, f := range []string{"type", "uncompressed", "compressed"} {
		if f == name {
			return i + 1
		}
		skip()
	}
	if data[i] == 0x15 { // crc
		skip()
	}
	if data[i]&0x0f != 0x0c {
		t.Fatalf("page at byte %d: byte %d is %#x, not a struct field", pos, i, data[i])
	}
	i++
	if data[i] != 0x15 {
		t.Fatalf("page at byte %d: byte %d is %#x, not num_values", pos, i, data[i])
	}
	return i + 1
}

// setI32 sets the Thrift compact varint of an I32 at off to v, which must
// take as many bytes.
func setI32(t *testing.T, data []byte, off int, v int32) {
	t.Helper()
	_, n := binary.Uvarint(data[off:])
	zz := uint64(uint32(v<<1) ^ uint32(v>>31))
	b := binary.AppendUvarint(nil, zz)
	if len(b) != n {
		t.Fatalf("%d takes %d bytes, the field %d", v, len(b), n)
	}
	copy(data[off:], b)
}

func getI32(data []byte, off int) int32 {
	zz, _ := binary.Uvarint(data[off:])
	return int32(zz>>1) ^ -int32(zz&1)
}

// A Parquet file whose page headers lie is refused when it is opened,
// before arrow reads a page, naming the file, row group, column and page:
// arrow would loop for ever on a page it skips, or allocate what a page
// claims to unpack to.
func TestPagesThatLieAreRefused(t *testing.T) {
	type edit struct {
		page  int // 0: the dictionary page when there is one
		field string
		set   func(old int32) int32
	}
	for _, tc := range []struct {
		name  string
		codec compress.Compression
		dict  bool
		edit  edit
		want  string
	}{
		{"a page of a type the reader cannot skip", compress.Codecs.Snappy, true, edit{1, "type", func(int32) int32 { return 7 }},
			"is of type 7, which the reader cannot skip"},
		{"an index page", compress.Codecs.Uncompressed, true, edit{1, "type", func(int32) int32 { return 1 }},
			"is of type 1, which the reader cannot skip"},
		{"a data page of fewer values than its column chunk", compress.Codecs.Snappy, true, edit{1, "num", func(v int32) int32 { return v - 1 }},
			"the column chunk's pages end after 199 of its 200 values"},
		{"a data page of more values than its column chunk", compress.Codecs.Snappy, true, edit{1, "num", func(v int32) int32 { return v + 1 }},
			"the column chunk's pages hold 201 values, its metadata 200"},
		{"a page whose data runs past its column chunk", compress.Codecs.Snappy, true, edit{1, "compressed", func(v int32) int32 { return v + 1 }},
			"past the end of its column chunk"},
		{"an uncompressed page claiming more than it holds", compress.Codecs.Uncompressed, false, edit{0, "uncompressed", func(v int32) int32 { return v + 1 }},
			"not compressed, claims to unpack to 2808 bytes from 2807"},
		{"a Snappy page claiming more than Snappy unpacks to", compress.Codecs.Snappy, false, edit{0, "uncompressed", func(int32) int32 { return 8000 }},
			"would unpack to 7.8 KiB from"},
		{"a dictionary of more values than its bytes can hold", compress.Codecs.Snappy, true, edit{0, "num", func(int32) int32 { return 60 }},
			"claims 60 values in 14 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, pages := pagedOrders(t, tc.codec, tc.dict)
			off := headerField(t, data, pages[tc.edit.page], tc.edit.field)
			setI32(t, data, off, tc.edit.set(getI32(data, off)))
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "orders.parquet"), data, 0o644)
			s, err := Open(dir, Options{AsOf: "2025-06-30"})
			if err == nil {
				err = s.Scan(t.Context(), "orders", nil, func(*Batch) error { return nil })
			}
			prefix := "orders.parquet: row group 0: column order_id: "
			if err == nil || !strings.Contains(err.Error(), prefix) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open: %v, want %q … %q", err, prefix, tc.want)
			}
		})
	}
	for _, codec := range []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Zstd, compress.Codecs.Brotli} {
		for _, dict := range []bool{false, true} {
			data, _ := pagedOrders(t, codec, dict)
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "orders.parquet"), data, 0o644)
			s, err := Open(dir, Options{AsOf: "2025-06-30"})
			if err == nil {
				err = s.Scan(t.Context(), "orders", nil, func(*Batch) error { return nil })
			}
			if err != nil {
				t.Errorf("%s, dictionary %v: %v", codec, dict, err)
			}
		}
	}
}
