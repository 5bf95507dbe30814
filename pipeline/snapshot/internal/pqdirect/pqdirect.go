// Package pqdirect decodes the common Parquet column types straight from
// arrow's column chunk readers, without building arrow arrays first: flat
// columns of strings, 8- to 64-bit integers, dates, timestamps in the unit
// the file declares, decimals (INT32, INT64 and FIXED_LEN_BYTE_ARRAY),
// doubles and booleans. It reads about twice as fast as arrow records (see
// snapshot's BenchmarkScanOrders). Plan says whether it takes the columns
// of a file; a file with any other column among those read goes through
// arrow, which gives the same values (TestMatchesArrow).
package pqdirect

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/schema"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/reuse"
)

// Kind is how a direct column's physical values are read.
type Kind uint8

const (
	String Kind = iota
	Int
	Date
	Timestamp
	Decimal
	Double
	Bool
)

// Leaf describes one column the direct reader can read.
type Leaf struct {
	Kind   Kind
	Type   arrow.DataType // what arrow makes of the column: for the raw text
	MaxDef int16
}

// Plan returns how to read each of the columns in read (by index in the
// file's schema sc, whose columns arrow reads as fields) directly, or false
// when one of them needs arrow. The result is indexed by column; only the
// columns in read are set.
func Plan(sc *schema.Schema, fields []arrow.Field, read []int) ([]Leaf, bool) {
	if sc.NumColumns() != len(fields) {
		return nil, false
	}
	out := make([]Leaf, len(fields))
	for _, j := range read {
		col := sc.Column(j)
		if col.MaxRepetitionLevel() != 0 || col.MaxDefinitionLevel() > 1 || col.Name() != fields[j].Name {
			return nil, false
		}
		k, ok := leafOf(col, fields[j].Type)
		if !ok {
			return nil, false
		}
		out[j] = Leaf{Kind: k, Type: fields[j].Type, MaxDef: col.MaxDefinitionLevel()}
	}
	return out, true
}

func leafOf(col *schema.Column, dt arrow.DataType) (Kind, bool) {
	phys := col.PhysicalType()
	if d, ok := dt.(*arrow.DictionaryType); ok && isString(d.ValueType) {
		return String, phys == parquet.Types.ByteArray
	}
	switch t := dt.(type) {
	case *arrow.StringType, *arrow.BinaryType, *arrow.LargeStringType, *arrow.LargeBinaryType:
		return String, phys == parquet.Types.ByteArray
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type:
		return Int, phys == parquet.Types.Int32
	case *arrow.Int64Type:
		return Int, phys == parquet.Types.Int64
	case *arrow.Date32Type:
		return Date, phys == parquet.Types.Int32
	case *arrow.Float64Type:
		return Double, phys == parquet.Types.Double
	case *arrow.BooleanType:
		return Bool, phys == parquet.Types.Boolean
	case *arrow.TimestampType:
		lt, ok := col.LogicalType().(*schema.TimestampLogicalType)
		if !ok || phys != parquet.Types.Int64 || lt.IsAdjustedToUTC() != (t.TimeZone != "") {
			return 0, false
		}
		unit := map[schema.TimeUnitType]arrow.TimeUnit{schema.TimeUnitMillis: arrow.Millisecond,
			schema.TimeUnitMicros: arrow.Microsecond, schema.TimeUnitNanos: arrow.Nanosecond}
		u, ok := unit[lt.TimeUnit()]
		return Timestamp, ok && u == t.Unit
	case *arrow.Decimal128Type:
		lt, ok := col.LogicalType().(*schema.DecimalLogicalType)
		if !ok || lt.Scale() != t.Scale {
			return 0, false
		}
		switch phys {
		case parquet.Types.Int32, parquet.Types.Int64:
			return Decimal, true
		case parquet.Types.FixedLenByteArray:
			return Decimal, col.TypeLength() >= 1 && col.TypeLength() <= 16
		}
	}
	return 0, false
}

// Values holds one column of a batch as read: valid[i] says whether
// row i has a value; the values sit in the slice of the Leaf's kind, one per
// row (not packed), so that the raw text of a row can be given later.
type Values struct {
	Valid []bool
	Str   []string
	Ints  []int64 // Int, Date (days since 1970-01-01) and Timestamp (in the Leaf's unit)
	Dec   []decimal128.Num
	Flt   []float64
	Bools []bool
	// Code numbers a String column's values (see Interner); -1: none.
	Code []int32
}

// Reader reads the columns of one row group, batch by batch.
type Reader struct {
	leaves  []Leaf
	readers []file.ColumnChunkReader // by source column; nil: not read
	intern  *Interner
	plain   []bool // by source column: the chunk has no dictionary, so no value repeats by address
	// scratch buffers, reused from batch to batch
	def     []int16
	bytes   []parquet.ByteArray
	flba    []parquet.FixedLenByteArray
	int32s  []int32
	int64s  []int64
	float64 []float64
	bools   []bool
}

// NewReader returns a reader of the columns in read of a row group, read
// as leaves (from Plan) says; in numbers their strings, across the row
// groups of a pass. The chunks' readers come from ch, which keeps their
// buffers from one row group to the next (nil: arrow makes them anew).
// A reader must be done with before ch makes the next row group's.
func NewReader(g *file.RowGroupReader, read []int, leaves []Leaf, in *Interner, ch *Chunks) (*Reader, error) {
	r := &Reader{leaves: leaves, readers: make([]file.ColumnChunkReader, len(leaves)), intern: in, plain: make([]bool, len(leaves))}
	for _, j := range read {
		cr, err := ch.column(g, j)
		if err != nil {
			return nil, err
		}
		r.readers[j] = cr
		if md, err := g.MetaData().ColumnChunk(j); err == nil {
			r.plain[j] = !md.HasDictionaryPage()
		}
	}
	return r, nil
}

// Next reads the next n rows of column j into lv (whose slices are
// reused).
func (r *Reader) Next(j, n int, lv *Values) error {
	lf := r.leaves[j]
	lv.Valid = reuse.Cleared(lv.Valid, n)
	r.def = reuse.Len(r.def, n)
	var def []int16
	if lf.MaxDef > 0 {
		def = r.def
	}
	var (
		total int64
		err   error
	)
	want := int64(n)
	switch cr := r.readers[j].(type) {
	case *file.ByteArrayColumnChunkReader:
		r.bytes = reuse.Len(r.bytes, n)
		total, _, err = cr.ReadBatch(want, r.bytes, def, nil)
		if err == nil && total == want {
			lv.Str = reuse.Len(lv.Str, n)
			lv.Code = reuse.Len(lv.Code, n)
			var arena []byte
			var slots *internTable
			if !r.plain[j] {
				if slots = r.intern.column(j); slots.futile() {
					slots = nil
				}
			}
			k := 0
			for i := 0; i < n; i++ {
				lv.Code[i] = -1
				if def != nil && def[i] < lf.MaxDef {
					continue
				}
				lv.Valid[i] = true
				if slots == nil {
					lv.Str[i], arena = copyText(r.bytes[k], arena)
				} else {
					lv.Str[i], lv.Code[i], arena = slots.text(r.bytes[k], arena)
				}
				k++
			}
		}
	case *file.Int32ColumnChunkReader:
		r.int32s = reuse.Len(r.int32s, n)
		total, _, err = cr.ReadBatch(want, r.int32s, def, nil)
		if err == nil && total == want {
			spreadInts(r, lv, lf, def, n, r.int32s)
		}
	case *file.Int64ColumnChunkReader:
		r.int64s = reuse.Len(r.int64s, n)
		total, _, err = cr.ReadBatch(want, r.int64s, def, nil)
		if err == nil && total == want {
			spreadInts(r, lv, lf, def, n, r.int64s)
		}
	case *file.FixedLenByteArrayColumnChunkReader:
		r.flba = reuse.Len(r.flba, n)
		total, _, err = cr.ReadBatch(want, r.flba, def, nil)
		if err == nil && total == want {
			lv.Dec = reuse.Len(lv.Dec, n)
			r.spread(lv, def, n, func(i, k int) { lv.Dec[i] = BigEndianDecimal(r.flba[k]) })
		}
	case *file.Float64ColumnChunkReader:
		r.float64 = reuse.Len(r.float64, n)
		total, _, err = cr.ReadBatch(want, r.float64, def, nil)
		if err == nil && total == want {
			lv.Flt = reuse.Len(lv.Flt, n)
			r.spread(lv, def, n, func(i, k int) { lv.Flt[i] = r.float64[k] })
		}
	case *file.BooleanColumnChunkReader:
		r.bools = reuse.Len(r.bools, n)
		total, _, err = cr.ReadBatch(want, r.bools, def, nil)
		if err == nil && total == want {
			lv.Bools = reuse.Len(lv.Bools, n)
			r.spread(lv, def, n, func(i, k int) { lv.Bools[i] = r.bools[k] })
		}
	default:
		return fmt.Errorf("unexpected column reader %T", cr)
	}
	if err != nil {
		return err
	}
	if total != want {
		return fmt.Errorf("column chunk ends after %d of %d rows", total, want)
	}
	return nil
}

// spreadInts puts the integers read into lv: as decimals for a decimal
// column, else as int64s.
func spreadInts[T int32 | int64](r *Reader, lv *Values, lf Leaf, def []int16, n int, vals []T) {
	if lf.Kind == Decimal {
		lv.Dec = reuse.Len(lv.Dec, n)
		r.spread(lv, def, n, func(i, k int) { lv.Dec[i] = decimal128.FromI64(int64(vals[k])) })
		return
	}
	lv.Ints = reuse.Len(lv.Ints, n)
	r.spread(lv, def, n, func(i, k int) { lv.Ints[i] = int64(vals[k]) })
}

// Interner turns the bytes of a string column into strings, and numbers
// the values of a column that has few (see Vec.Code). The reader reuses
// its page buffers, so the bytes are copied out; values repeated through a
// dictionary are copied once. Every value of a dictionary page comes as a
// slice of the same bytes, so a small table indexed by the bytes' address
// finds the string made the last time, checked by content (so a miss or
// an address reused by another page is only a lookup by content). The
// addresses are the reader's own business: what leaves it is a string and
// its code.
type Interner struct {
	id   uint64 // the numbering of its codes (Batch.Numbering)
	cols map[int]*internTable
}

// internTable is one column's table of the strings made last, by the
// address of the bytes they were made from, with how often it found one,
// and the column's numbering of its values.
type internTable struct {
	slots        [internSlots]interned
	hits, misses int
	codes        map[string]int32 // by value: its code
	values       []string         // by code: the value
}

// futile reports whether the column has more distinct values than the
// table can remember (a merchant id, say), so that looking values up
// misses more often than not: its values are then only copied.
func (t *internTable) futile() bool {
	return t.misses > 1<<14 && t.misses > t.hits
}

// interned is a string made from the bytes at address src, and its code.
type interned struct {
	src  uintptr
	s    string
	code int32
}

const (
	internSlots = 1 << 15
	// maxCodes is the most values a column numbers; later ones have no
	// code (memory grows with a column's values, not its rows).
	maxCodes = 1 << 16
)

// NewInterner returns an interner whose codes are of the numbering id.
func NewInterner(id uint64) *Interner { return &Interner{id: id, cols: map[int]*internTable{}} }

// ID returns the numbering of the interner's codes.
func (in *Interner) ID() uint64 { return in.id }

// column returns the table of source column j.
func (in *Interner) column(j int) *internTable {
	t := in.cols[j]
	if t == nil {
		t = new(internTable)
		in.cols[j] = t
	}
	return t
}

// text returns b as a string and its code, copying it to the end of arena
// (a new one when full) unless the column met it before; it returns the
// arena.
func (t *internTable) text(b []byte, arena []byte) (string, int32, []byte) {
	if len(b) == 0 {
		return "", -1, arena
	}
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	// A dictionary's values lie one after the other, each behind its
	// 4-byte length, so values of 4 bytes or more are 8 or more apart:
	// the address over 8 gives each of up to internSlots consecutive
	// values a slot of its own (ten thousand services fit).
	slot := &t.slots[(addr>>3)%internSlots]
	if slot.src == addr && slot.s == string(b) {
		t.hits++
		return slot.s, slot.code, arena
	}
	t.misses++
	var s string
	code, known := t.codes[string(b)]
	switch {
	case known:
		s = t.values[code] // made before: the value's one string
	case len(t.values) < maxCodes:
		if t.codes == nil {
			t.codes = map[string]int32{}
		}
		s, arena = copyText(b, arena)
		code = int32(len(t.values))
		t.codes[s] = code
		t.values = append(t.values, s)
	default:
		s, arena = copyText(b, arena)
		code = -1
	}
	*slot = interned{src: addr, s: s, code: code}
	return s, code, arena
}

// copyText returns b as a string copied to the end of arena (a new one
// when full), and the arena.
func copyText(b []byte, arena []byte) (string, []byte) {
	if len(b) == 0 {
		return "", arena
	}
	if cap(arena)-len(arena) < len(b) {
		arena = make([]byte, 0, max(64<<10, len(b)))
	}
	start := len(arena)
	arena = append(arena, b...)
	return unsafe.String(unsafe.SliceData(arena[start:]), len(b)), arena
}

// spread marks the rows that have a value and hands each its packed index.
func (r *Reader) spread(lv *Values, def []int16, n int, set func(i, k int)) {
	k := 0
	for i := 0; i < n; i++ {
		if def != nil && def[i] == 0 {
			continue
		}
		lv.Valid[i] = true
		set(i, k)
		k++
	}
}

// BigEndianDecimal reads a two's complement big-endian integer of 1 to 16
// bytes.
func BigEndianDecimal(b []byte) decimal128.Num {
	var hi int64
	var lo uint64
	if len(b) > 0 && b[0]&0x80 != 0 {
		hi, lo = -1, math.MaxUint64
	}
	for _, c := range b {
		hi = hi<<8 | int64(lo>>56)
		lo = lo<<8 | uint64(c)
	}
	return decimal128.New(hi, lo)
}

// RawText gives row i's value as arrow's ValueStr gives it, for the
// quarantine.
func RawText(lf Leaf, lv *Values, i int) string {
	if !lv.Valid[i] {
		return ""
	}
	switch lf.Kind {
	case String:
		return lv.Str[i]
	case Int:
		return strconv.FormatInt(lv.Ints[i], 10)
	case Bool:
		return strconv.FormatBool(lv.Bools[i])
	case Double:
		return strconv.FormatFloat(lv.Flt[i], 'g', -1, 64)
	case Date:
		return arrow.Date32(lv.Ints[i]).FormattedString()
	case Timestamp:
		toTime, err := lf.Type.(*arrow.TimestampType).GetToTimeFunc()
		if err != nil {
			return strconv.FormatInt(lv.Ints[i], 10)
		}
		return toTime(arrow.Timestamp(lv.Ints[i])).Format("2006-01-02 15:04:05.999999999Z0700")
	case Decimal:
		t := lf.Type.(*arrow.Decimal128Type)
		f := new(big.Float).SetInt(lv.Dec[i].BigInt())
		m := new(big.Float).SetInt(decimal128.GetScaleMultiplier(int(abs32(t.Scale))).BigInt())
		if t.Scale < 0 {
			f.SetPrec(128).Mul(f, m)
		} else {
			f.SetPrec(128).Quo(f, m)
		}
		return f.Text('g', int(t.Precision))
	}
	return ""
}

func isString(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING_VIEW:
		return true
	}
	return false
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// Numbering returns the numbering of the codes the reader gives (its
// interner's).
func (r *Reader) Numbering() uint64 { return r.intern.id }
