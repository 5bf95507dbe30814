package snapshot

import (
	"context"
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
	"github.com/disclose-project/disclose/pipeline/model"
)

// The direct reader decodes the common Parquet column types straight from
// the column chunk readers into a batch, without building arrow arrays
// first: flat columns of strings, 8- to 64-bit integers, dates, timestamps
// in the unit the file declares, decimals, doubles and booleans. It reads
// about twice as fast as going through arrow records. A file with any other
// column among those read goes through arrow (parquet.go), which gives the
// same values.

// leafKind is how a direct column's physical values are read.
type leafKind uint8

const (
	leafString leafKind = iota
	leafInt
	leafDate
	leafTimestamp
	leafDecimal
	leafDouble
	leafBool
)

// leaf describes one column the direct reader can read.
type leaf struct {
	kind   leafKind
	typ    arrow.DataType // what arrow would make of it: for the raw text
	maxDef int16
}

// directLeaves returns how to read each of the columns in read directly,
// or false when one of them needs arrow.
func directLeaves(p *parquetFile, read []int) ([]leaf, bool) {
	sc := p.pf.MetaData().Schema
	fields := p.schema.Fields()
	if sc.NumColumns() != len(fields) {
		return nil, false
	}
	out := make([]leaf, len(fields))
	for _, j := range read {
		col := sc.Column(j)
		if col.MaxRepetitionLevel() != 0 || col.MaxDefinitionLevel() > 1 || col.Name() != fields[j].Name {
			return nil, false
		}
		k, ok := leafOf(col, fields[j].Type)
		if !ok {
			return nil, false
		}
		out[j] = leaf{kind: k, typ: fields[j].Type, maxDef: col.MaxDefinitionLevel()}
	}
	return out, true
}

func leafOf(col *schema.Column, dt arrow.DataType) (leafKind, bool) {
	phys := col.PhysicalType()
	if d, ok := dt.(*arrow.DictionaryType); ok && isString(d.ValueType.ID()) {
		return leafString, phys == parquet.Types.ByteArray
	}
	switch t := dt.(type) {
	case *arrow.StringType, *arrow.BinaryType, *arrow.LargeStringType, *arrow.LargeBinaryType:
		return leafString, phys == parquet.Types.ByteArray
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type:
		return leafInt, phys == parquet.Types.Int32
	case *arrow.Int64Type:
		return leafInt, phys == parquet.Types.Int64
	case *arrow.Date32Type:
		return leafDate, phys == parquet.Types.Int32
	case *arrow.Float64Type:
		return leafDouble, phys == parquet.Types.Double
	case *arrow.BooleanType:
		return leafBool, phys == parquet.Types.Boolean
	case *arrow.TimestampType:
		lt, ok := col.LogicalType().(*schema.TimestampLogicalType)
		if !ok || phys != parquet.Types.Int64 || lt.IsAdjustedToUTC() != (t.TimeZone != "") {
			return 0, false
		}
		unit := map[schema.TimeUnitType]arrow.TimeUnit{schema.TimeUnitMillis: arrow.Millisecond,
			schema.TimeUnitMicros: arrow.Microsecond, schema.TimeUnitNanos: arrow.Nanosecond}
		u, ok := unit[lt.TimeUnit()]
		return leafTimestamp, ok && u == t.Unit
	case *arrow.Decimal128Type:
		lt, ok := col.LogicalType().(*schema.DecimalLogicalType)
		if !ok || lt.Scale() != t.Scale {
			return 0, false
		}
		switch phys {
		case parquet.Types.Int32, parquet.Types.Int64:
			return leafDecimal, true
		case parquet.Types.FixedLenByteArray:
			return leafDecimal, col.TypeLength() >= 1 && col.TypeLength() <= 16
		}
	}
	return 0, false
}

// leafValues holds one column of a batch as read: valid[i] says whether
// row i has a value; the values sit in the slice of the leaf's kind, one per
// row (not packed), so that the raw text of a row can be given later.
type leafValues struct {
	valid []bool
	str   []string
	ints  []int64
	dec   []decimal128.Num
	flt   []float64
	bools []bool
	code  []int32 // a string column's codes (see Vec.Code); -1: none
}

// directReader reads the columns of one row group, batch by batch.
type directReader struct {
	leaves  []leaf
	readers []file.ColumnChunkReader // by source column; nil: not read
	intern  *interner
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

func newDirectReader(p *parquetFile, rg int, read []int, leaves []leaf, in *interner) (*directReader, error) {
	r := &directReader{leaves: leaves, readers: make([]file.ColumnChunkReader, len(leaves)), intern: in, plain: make([]bool, len(leaves))}
	g := p.pf.RowGroup(rg)
	for _, j := range read {
		cr, err := g.Column(j)
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

func growTo[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// next reads the next n rows of source column j into lv (whose slices
// are reused).
func (r *directReader) next(j, n int, lv *leafValues) error {
	lf := r.leaves[j]
	lv.valid = grow(lv.valid, n)
	r.def = growTo(r.def, n)
	var def []int16
	if lf.maxDef > 0 {
		def = r.def
	}
	var (
		total int64
		err   error
	)
	want := int64(n)
	switch cr := r.readers[j].(type) {
	case *file.ByteArrayColumnChunkReader:
		r.bytes = growTo(r.bytes, n)
		total, _, err = cr.ReadBatch(want, r.bytes, def, nil)
		if err == nil && total == want {
			lv.str = growTo(lv.str, n)
			lv.code = growTo(lv.code, n)
			var arena []byte
			var slots *internTable
			if !r.plain[j] {
				if slots = r.intern.column(j); slots.futile() {
					slots = nil
				}
			}
			k := 0
			for i := 0; i < n; i++ {
				lv.code[i] = -1
				if def != nil && def[i] < lf.maxDef {
					continue
				}
				lv.valid[i] = true
				if slots == nil {
					lv.str[i], arena = copyText(r.bytes[k], arena)
				} else {
					lv.str[i], lv.code[i], arena = slots.text(r.bytes[k], arena)
				}
				k++
			}
		}
	case *file.Int32ColumnChunkReader:
		r.int32s = growTo(r.int32s, n)
		total, _, err = cr.ReadBatch(want, r.int32s, def, nil)
		if err == nil && total == want {
			spreadInts(r, lv, lf, def, n, r.int32s)
		}
	case *file.Int64ColumnChunkReader:
		r.int64s = growTo(r.int64s, n)
		total, _, err = cr.ReadBatch(want, r.int64s, def, nil)
		if err == nil && total == want {
			spreadInts(r, lv, lf, def, n, r.int64s)
		}
	case *file.FixedLenByteArrayColumnChunkReader:
		r.flba = growTo(r.flba, n)
		total, _, err = cr.ReadBatch(want, r.flba, def, nil)
		if err == nil && total == want {
			lv.dec = growTo(lv.dec, n)
			r.spread(lv, def, n, func(i, k int) { lv.dec[i] = bigEndianDecimal(r.flba[k]) })
		}
	case *file.Float64ColumnChunkReader:
		r.float64 = growTo(r.float64, n)
		total, _, err = cr.ReadBatch(want, r.float64, def, nil)
		if err == nil && total == want {
			lv.flt = growTo(lv.flt, n)
			r.spread(lv, def, n, func(i, k int) { lv.flt[i] = r.float64[k] })
		}
	case *file.BooleanColumnChunkReader:
		r.bools = growTo(r.bools, n)
		total, _, err = cr.ReadBatch(want, r.bools, def, nil)
		if err == nil && total == want {
			lv.bools = growTo(lv.bools, n)
			r.spread(lv, def, n, func(i, k int) { lv.bools[i] = r.bools[k] })
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
func spreadInts[T int32 | int64](r *directReader, lv *leafValues, lf leaf, def []int16, n int, vals []T) {
	if lf.kind == leafDecimal {
		lv.dec = growTo(lv.dec, n)
		r.spread(lv, def, n, func(i, k int) { lv.dec[i] = decimal128.FromI64(int64(vals[k])) })
		return
	}
	lv.ints = growTo(lv.ints, n)
	r.spread(lv, def, n, func(i, k int) { lv.ints[i] = int64(vals[k]) })
}

// interner turns the bytes of a string column into strings, and numbers
// the values of a column that has few (see Vec.Code). The reader reuses
// its page buffers, so the bytes are copied out; values repeated through a
// dictionary are copied once. Every value of a dictionary page comes as a
// slice of the same bytes, so a small table indexed by the bytes' address
// finds the string made the last time, checked by content (so a miss or
// an address reused by another page is only a lookup by content). The
// addresses are the reader's own business: what leaves it is a string and
// its code.
type interner struct {
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

func newInterner(id uint64) *interner { return &interner{id: id, cols: map[int]*internTable{}} }

// column returns the table of source column j.
func (in *interner) column(j int) *internTable {
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
func (r *directReader) spread(lv *leafValues, def []int16, n int, set func(i, k int)) {
	k := 0
	for i := 0; i < n; i++ {
		if def != nil && def[i] == 0 {
			continue
		}
		lv.valid[i] = true
		set(i, k)
		k++
	}
}

// bigEndianDecimal reads a two's complement big-endian integer of 1 to 16
// bytes.
func bigEndianDecimal(b []byte) decimal128.Num {
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

// directBatch reads the next n rows of row group rg, which follow row
// rows of the file, into a batch, reusing the buffers of old, a batch its
// consumer is done with (or nil).
func (ps *parquetScan) directBatch(ctx context.Context, r *directReader, old *Batch, rg int, row int64, n int) (*Batch, error) {
	t, src, want, idx, fen, read, header, clock := ps.t, ps.src, ps.want, ps.idx, ps.fen, ps.read, ps.header, ps.clock
	b := old
	if b == nil || len(b.leaves) != len(r.leaves) {
		b = &Batch{Cols: make([]Vec, len(t.Columns)), leaves: make([]leafValues, len(r.leaves))}
	}
	b.Table, b.Source, b.Location, b.Len = t.Table, src.Path, fmt.Sprintf("row group %d", rg), n
	b.Numbering = r.intern.id
	b.Row = growTo(b.Row, n)
	for i := range b.Row {
		b.Row[i] = row + int64(i) + 1
	}
	vals := b.leaves
	for _, j := range read {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.next(j, n, &vals[j]); err != nil {
			return nil, snapErr("%s: row group %d: column %s: %w", src.Path, rg, header[j], err)
		}
	}
	decodeColumns(b, t, src, want, idx, fen, clock, func(v *Vec, col model.Column, c int) error {
		decodeLeaf(v, col, r.leaves[idx[c]], &vals[idx[c]], fen[c], clock)
		return nil
	})
	b.raw = func(i int) [][2]string {
		kv := make([][2]string, 0, len(read))
		for _, j := range read {
			kv = append(kv, [2]string{header[j], rawText(r.leaves[j], &vals[j], i)})
		}
		return kv
	}
	return b, nil
}

// decodeLeaf decodes a column read directly into v, as decodeArrow decodes
// the arrow array of the same column.
func decodeLeaf(v *Vec, col model.Column, lf leaf, lv *leafValues, fen bool, clock *model.Clock) {
	n := len(lv.valid)
	for i := 0; i < n; i++ {
		if !lv.valid[i] {
			v.State[i] = Null
		}
	}
	switch lf.kind {
	case leafString:
		for i := 0; i < n; i++ {
			if lv.valid[i] {
				setText(v, i, col, fen, lv.str[i], clock, 0)
			}
		}
		if col.Type == model.TypeID || col.Type == model.TypeEnum {
			// What setText makes of a value depends on the value alone, so
			// the value's code numbers the Str made of it too.
			v.Code = append(v.Code[:0], lv.code[:n]...)
		}
	case leafInt:
		setInts(v, col, fen, func(i int) int64 { return lv.ints[i] })
	case leafBool:
		for i := 0; i < n; i++ {
			if v.State[i] == OK && lv.bools[i] {
				v.Int[i] = 1
			}
		}
	case leafDouble:
		setFloats(v, col, func(i int) float64 { return lv.flt[i] })
	case leafDate:
		setDays(v, col.Type, func(i int) int64 { return lv.ints[i] }, clock)
	case leafTimestamp:
		t := lf.typ.(*arrow.TimestampType)
		setTimestamps(v, col.Type, t.Unit, t.TimeZone == "", func(i int) int64 { return lv.ints[i] }, clock)
	case leafDecimal:
		scale := lf.typ.(*arrow.Decimal128Type).Scale
		setDecimals(v, col, scale, func(i int) decimal128.Num { return lv.dec[i] })
	}
}

// rawText gives a value as arrow's ValueStr gives it, for the quarantine.
func rawText(lf leaf, lv *leafValues, i int) string {
	if !lv.valid[i] {
		return ""
	}
	switch lf.kind {
	case leafString:
		return lv.str[i]
	case leafInt:
		return strconv.FormatInt(lv.ints[i], 10)
	case leafBool:
		return strconv.FormatBool(lv.bools[i])
	case leafDouble:
		return strconv.FormatFloat(lv.flt[i], 'g', -1, 64)
	case leafDate:
		return arrow.Date32(lv.ints[i]).FormattedString()
	case leafTimestamp:
		toTime, err := lf.typ.(*arrow.TimestampType).GetToTimeFunc()
		if err != nil {
			return strconv.FormatInt(lv.ints[i], 10)
		}
		return toTime(arrow.Timestamp(lv.ints[i])).Format("2006-01-02 15:04:05.999999999Z0700")
	case leafDecimal:
		t := lf.typ.(*arrow.Decimal128Type)
		f := new(big.Float).SetInt(lv.dec[i].BigInt())
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
