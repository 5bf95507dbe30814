package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/pqdirect"
)

// parquetBatch is how many rows are decoded at a time: a batch of orders
// (about 3 MB decoded) stays in the processors' shared cache between the
// decoding goroutine and validation, which 64 K rows did not.
const parquetBatch = 16 * 1024

type parquetFile struct {
	pf     *file.Reader
	fr     *pqarrow.FileReader
	schema *arrow.Schema
	src    io.ReaderAt // the file's bytes, size long
	size   int64
}

func (p *parquetFile) Close() { p.pf.Close() }

func openParquet(path string) (p *parquetFile, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil {
		p, err = openParquetWith(f, st.Size())
	}
	if err != nil {
		f.Close() // else the parquetFile's Close closes it
		return nil, err
	}
	return p, nil
}

// parquet opens a Parquet file of the snapshot, by its path in the
// snapshot (from memory, for a snapshot a test holds there).
func (s *Snapshot) parquet(name string) (*parquetFile, error) {
	if b, ok := s.mem[name]; ok {
		return openParquetWith(bytes.NewReader(b), int64(len(b)))
	}
	return openParquet(filepath.Join(s.Dir, name))
}

// openParquetWith opens the Parquet file of size bytes that r reads.
func openParquetWith(r parquet.ReaderAtSeeker, size int64) (p *parquetFile, err error) {
	defer func() { // arrow can panic on corrupt metadata: make it an error
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("corrupt Parquet file: %v", r)
		}
	}()
	// Stream column chunks through a small buffer instead of reading each
	// whole chunk into memory: a row group may hold millions of rows.
	props := parquet.NewReaderProperties(memory.DefaultAllocator)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	pf, err := file.NewParquetReader(r, file.WithReadProps(props))
	if err != nil {
		return nil, err
	}
	// The Parquet schema is what the file holds; the arrow schema that
	// arrow's writers store beside it ("ARROW:schema") only repeats it in
	// arrow's terms, and arrow's reader trusts its lengths: a corrupt one
	// of a few hundred bytes has it allocate gigabytes. It is not read.
	if md := pf.MetaData(); md.FileMetaData != nil {
		kvs := md.FileMetaData.KeyValueMetadata
		keep := kvs[:0:0]
		for _, kv := range kvs {
			if kv != nil && kv.Key != "ARROW:schema" {
				keep = append(keep, kv)
			}
		}
		md.FileMetaData.KeyValueMetadata = keep
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatch}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, err
	}
	sc, err := fr.Schema()
	if err != nil {
		pf.Close()
		return nil, err
	}
	for _, f := range sc.Fields() {
		if nested(f.Type) {
			pf.Close()
			return nil, fmt.Errorf("column %s: nested type %s is not supported", f.Name, f.Type)
		}
	}
	// Every column chunk's metadata is read here, where a panic of
	// arrow's over a corrupt one becomes an error: arrow reads them again
	// on goroutines of its own, where it would end the process. So are
	// the headers of their pages, which arrow trusts (pages.go).
	if err := checkChunks(r, size, pf.MetaData()); err != nil {
		pf.Close()
		return nil, err
	}
	// Each column chunk read gets a buffer of its own, cleared when made:
	// none need be larger than the largest chunk (files written in many
	// row groups, as Spark writes them, have chunks of a few hundred KB).
	props.BufferSize = min(props.BufferSize, max(largestChunk(pf.MetaData()), 4<<10))
	return &parquetFile{pf: pf, fr: fr, schema: sc, src: r, size: size}, nil
}

func nested(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.STRUCT, arrow.MAP, arrow.FIXED_SIZE_LIST, arrow.SPARSE_UNION, arrow.DENSE_UNION:
		return true
	}
	return false
}

func (r parquetSource) header() ([]string, error) {
	p, err := r.s.parquet(r.src.Path)
	if err != nil {
		return nil, snapErr("%s: %w", r.src.Path, err)
	}
	defer p.Close()
	return p.header(), nil
}

// plan decides how the columns in read of a file are read: directly,
// with how to read each (true), or through arrow records (false). It is
// the one place the choice is made, for scans and for keys alike.
func (s *Snapshot) plan(p *parquetFile, read []int) ([]pqdirect.Leaf, bool) {
	if s.viaArrow {
		return nil, false
	}
	return pqdirect.Plan(p.pf.MetaData().Schema, p.schema.Fields(), read)
}

// parquetScan is one scan of a Parquet source: what its batches are made
// from, worked out once.
type parquetScan struct {
	t      *Table
	src    Source
	want   []bool   // by table column: decode it
	idx    []int    // by table column: its source column (-1: absent)
	fen    []bool   // by table column: the source column is its _fen form
	read   []int    // the source columns read, in order
	pos    []int    // by source column: its position in an arrow record (-1: not read)
	header []string // the source's column names
	clock  *model.Clock
	leaves []pqdirect.Leaf // how the direct reader reads each source column; nil through arrow
	memo   []textMemo      // by table column: what the direct reader's coded values decoded to
}

// header returns the names of the file's columns, in order.
func (p *parquetFile) header() []string {
	fields := p.schema.Fields()
	h := make([]string, len(fields))
	for i, f := range fields {
		h[i] = f.Name
	}
	return h
}

func (r parquetSource) scan(ctx context.Context, want []bool, fn func(*Batch) error) (err error) {
	s, t, src := r.s, r.t, r.src
	p, err := s.parquet(src.Path)
	if err != nil {
		return snapErr("%s: %w", src.Path, err)
	}
	defer p.Close()
	defer func() {
		if r := recover(); r != nil {
			err = snapErr("%s: corrupt Parquet data: %v", src.Path, r)
		}
	}()
	fields, header := p.schema.Fields(), p.header()
	idx, fen, err := bind(t.Table, src, header)
	if err != nil {
		return err
	}
	all := true
	for _, w := range want {
		all = all && w
	}
	// Read every column when all are wanted (the quarantine shows whole
	// rows), else only the wanted ones.
	var read []int
	pos := make([]int, len(fields)) // source column -> position in the record
	for j := range fields {
		pos[j] = -1
	}
	for j := range fields {
		use := all
		for c := range t.Columns {
			if idx[c] == j && want[c] {
				use = true
			}
		}
		if use {
			pos[j] = len(read)
			read = append(read, j)
		}
	}
	for c, col := range t.Columns {
		if idx[c] >= 0 && want[c] {
			if err := compatible(col, fields[idx[c]].Type, fen[c]); err != nil {
				return snapErr("%s: table %s: column %s: %w", src.Path, t.Name, fields[idx[c]].Name, err)
			}
		}
	}
	leaves, direct := s.plan(p, read)
	ps := &parquetScan{t: t, src: src, want: want, idx: idx, fen: fen, read: read, pos: pos, header: header, clock: s.Clock(), leaves: leaves}
	// Decoding runs one step ahead of fn in its own goroutine, so that on
	// two cores reading the next batch overlaps validating this one. Batches
	// still reach fn one at a time and in order.
	type item = parquetItem
	items := make(chan item, 1)
	stop := make(chan struct{})
	// Batches read directly come back through free once fn is done with
	// them, and their buffers are reused.
	free := make(chan *Batch, 3)
	go func() {
		defer close(items)
		defer func() {
			if r := recover(); r != nil {
				items <- item{err: snapErr("%s: corrupt Parquet data: %v", src.Path, r)}
			}
		}()
		send := func(it item) bool {
			select {
			case items <- it:
				return true
			case <-stop:
				it.release()
				return false
			}
		}
		row := int64(0)
		intern := pqdirect.NewInterner(s.numberings.Add(1))
		chunks := pqdirect.NewChunks(p.src, p.size, p.pf.MetaData(), p.pf.BufferPool())
		for rg := 0; rg < p.pf.NumRowGroups(); rg++ {
			if err := ctx.Err(); err != nil {
				send(item{err: err})
				return
			}
			if direct {
				dr, err := pqdirect.NewReader(p.pf.RowGroup(rg), read, leaves, intern, chunks)
				if err != nil {
					send(item{err: snapErr("%s: row group %d: %w", src.Path, rg, err)})
					return
				}
				for left := p.pf.RowGroup(rg).NumRows(); left > 0; {
					n := int(min(left, parquetBatch))
					var old *Batch
					select {
					case old = <-free:
					default:
					}
					b, err := ps.directBatch(ctx, dr, old, rg, row, n)
					if err != nil {
						send(item{err: err})
						return
					}
					row += int64(n)
					left -= int64(n)
					if !send(item{b: b}) {
						return
					}
				}
				continue
			}
			rr, err := p.fr.GetRecordReader(ctx, read, []int{rg})
			if err != nil {
				send(item{err: snapErr("%s: row group %d: %w", src.Path, rg, err)})
				return
			}
			for rr.Next() {
				rec := rr.Record()
				b, err := ps.arrowBatch(rg, row, rec)
				if err != nil {
					rr.Release()
					send(item{err: err})
					return
				}
				row += int64(b.Len)
				rec.Retain()
				if !send(item{b: b, rec: rec}) {
					rr.Release()
					return
				}
			}
			err = rr.Err()
			rr.Release()
			if err != nil && !errors.Is(err, io.EOF) {
				send(item{err: snapErr("%s: row group %d: %w", src.Path, rg, err)})
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for it := range items {
			it.release()
		}
	}()
	for it := range items {
		if it.err != nil {
			return it.err
		}
		if err := ctx.Err(); err != nil {
			it.release()
			return err
		}
		err := fn(it.b)
		it.release()
		if err != nil {
			return err
		}
		if it.rec == nil {
			select {
			case free <- it.b:
			default:
			}
		}
	}
	return nil
}

// parquetItem is a batch on its way from the decoding goroutine, with the
// arrow record it points into (nil when read directly).
type parquetItem struct {
	b   *Batch
	rec arrow.Record
	err error
}

func (it parquetItem) release() {
	if it.rec != nil {
		it.rec.Release()
	}
}

// decodeColumns fills the wanted columns of b: from the hive partition
// value when the source has no such column, else with decode.
func decodeColumns(b *Batch, t *Table, src Source, want []bool, idx []int, fen []bool, clock *model.Clock,
	decode func(v *Vec, col model.Column, c int) error) error {
	for c, col := range t.Columns {
		if !want[c] {
			continue
		}
		v := &b.Cols[c]
		if idx[c] < 0 {
			if pv, ok := src.Partition[col.Name]; ok {
				v.Present = true
				v.reset(b.Len, col.Type)
				for i := 0; i < b.Len; i++ {
					setText(v, i, col, fen[c], pv, clock, 0)
				}
			}
			continue
		}
		v.Present = true
		v.reset(b.Len, col.Type)
		if err := decode(v, col, c); err != nil {
			return err
		}
	}
	return nil
}

// arrowBatch turns one record of row group rg, whose first row follows
// row rows of the file, into a batch of typed columns.
func (ps *parquetScan) arrowBatch(rg int, row int64, rec arrow.Record) (*Batch, error) {
	t, src, want, idx, pos, fen, read, header, clock := ps.t, ps.src, ps.want, ps.idx, ps.pos, ps.fen, ps.read, ps.header, ps.clock
	n := int(rec.NumRows())
	b := &Batch{Table: t.Table, Source: src.Path, Location: fmt.Sprintf("row group %d", rg), Len: n,
		Row: make([]int64, n), Cols: make([]Vec, len(t.Columns))}
	for i := range b.Row {
		b.Row[i] = row + int64(i) + 1
	}
	err := decodeColumns(b, t, src, want, idx, fen, clock, func(v *Vec, col model.Column, c int) error {
		if err := decodeArrow(v, col, rec.Column(pos[idx[c]]), fen[c], clock); err != nil {
			return snapErr("%s: row group %d: column %s: %w", src.Path, rg, header[idx[c]], err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.raw = func(i int) [][2]string {
		kv := make([][2]string, 0, len(read))
		for k, j := range read {
			col := rec.Column(k)
			val := ""
			if col.IsValid(i) {
				val = col.ValueStr(i)
			}
			kv = append(kv, [2]string{header[j], val})
		}
		return kv
	}
	return b, nil
}

// compatible checks that a Parquet column's type can carry a column of the
// contract; text columns can carry any type, read as Excel text is.
func compatible(col model.Column, dt arrow.DataType, fen bool) error {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		dt = d.ValueType
	}
	id := dt.ID()
	if isString(id) {
		return nil
	}
	ok := false
	switch col.Type {
	case model.TypeID, model.TypeText:
		ok = isInt(id)
	case model.TypeEnum:
	case model.TypeInt:
		ok = isInt(id) || id == arrow.DECIMAL128 || id == arrow.DECIMAL256
	case model.TypeNumber:
		ok = isInt(id) || isFloat(id) || id == arrow.DECIMAL128 || id == arrow.DECIMAL256
	case model.TypeMoney:
		ok = isInt(id) || (!fen && (isFloat(id) || id == arrow.DECIMAL128 || id == arrow.DECIMAL256))
	case model.TypeBool:
		ok = id == arrow.BOOL || isInt(id)
	case model.TypeDate:
		ok = id == arrow.DATE32 || id == arrow.DATE64 || id == arrow.TIMESTAMP
	case model.TypeTime:
		// A DATE is not a time: it would put every event at midnight.
		ok = id == arrow.TIMESTAMP
	}
	if !ok {
		return fmt.Errorf("want %s, got %s", wantName(col.Type, fen), dt)
	}
	if d, isDec := dt.(arrow.DecimalType); isDec && (d.GetScale() < 0 || d.GetScale() > d.GetPrecision() || d.GetPrecision() > 76) {
		// The Parquet format allows none of these, and a value's cost
		// would grow with the scale.
		return fmt.Errorf("%s: the scale must lie between 0 and the precision (at most 76)", dt)
	}
	return nil
}

func wantName(t model.Type, fen bool) string {
	switch t {
	case model.TypeID:
		return "STRING or INT"
	case model.TypeText, model.TypeEnum:
		return "STRING"
	case model.TypeInt:
		return "INT32 or INT64"
	case model.TypeNumber:
		return "a number"
	case model.TypeMoney:
		if fen {
			return "INT64 fen"
		}
		return "DECIMAL, DOUBLE or INT64 *_fen"
	case model.TypeBool:
		return "BOOLEAN"
	case model.TypeDate:
		return "DATE"
	}
	return "TIMESTAMP"
}

func isString(id arrow.Type) bool {
	return id == arrow.STRING || id == arrow.LARGE_STRING || id == arrow.BINARY || id == arrow.LARGE_BINARY || id == arrow.STRING_VIEW
}

func isInt(id arrow.Type) bool {
	switch id {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isFloat(id arrow.Type) bool {
	return id == arrow.FLOAT16 || id == arrow.FLOAT32 || id == arrow.FLOAT64
}

// decodeArrow decodes an arrow column into v.
func decodeArrow(v *Vec, col model.Column, arr arrow.Array, fen bool, clock *model.Clock) error {
	n := arr.Len()
	if d, ok := arr.(*array.Dictionary); ok {
		dict := d.Dictionary()
		var dv Vec
		dv.reset(dict.Len(), col.Type)
		if err := decodeArrow(&dv, col, dict, fen, clock); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if d.IsNull(i) {
				v.State[i] = Null
				continue
			}
			k := d.GetValueIndex(i)
			v.State[i] = dv.State[k]
			switch {
			case dv.Str != nil:
				v.Str[i] = dv.Str[k]
			case dv.Num != nil:
				v.Num[i] = dv.Num[k]
			default:
				v.Int[i] = dv.Int[k]
			}
		}
		return nil
	}
	if str := stringGetter(arr); str != nil {
		for i := 0; i < n; i++ {
			if arr.IsNull(i) {
				v.State[i] = Null
				continue
			}
			setText(v, i, col, fen, str(i), clock, 0)
		}
		return nil
	}
	for i := 0; i < n; i++ {
		if arr.IsNull(i) {
			v.State[i] = Null
		}
	}
	if isInt(arr.DataType().ID()) {
		u, isU := arr.(*array.Uint64)
		switch {
		case !isU:
			setInts(v, col, fen, intGetter(arr))
			return nil
		case col.Type != model.TypeInt && col.Type != model.TypeNumber:
			setUints(v, col, fen, u)
			return nil
		}
	}
	switch col.Type {
	case model.TypeInt, model.TypeNumber:
		return decodeNumeric(v, arr, ratSetter(v, col))
	case model.TypeMoney:
		return decodeMoney(v, col, arr)
	case model.TypeBool:
		if b, ok := arr.(*array.Boolean); ok {
			for i := 0; i < n; i++ {
				if v.State[i] == OK && b.Value(i) {
					v.Int[i] = 1
				}
			}
		}
	case model.TypeDate, model.TypeTime:
		return decodeTemporal(v, col.Type, arr, clock)
	}
	return nil
}

// setInts decodes the valid rows of an integer column.
func setInts(v *Vec, col model.Column, fen bool, get func(int) int64) {
	for i := range v.State {
		if v.State[i] != OK {
			continue
		}
		x := get(i)
		switch col.Type {
		case model.TypeID, model.TypeText:
			v.Str[i] = strconv.FormatInt(x, 10)
		case model.TypeInt:
			v.Int[i] = x
		case model.TypeNumber:
			v.Num[i] = float64(x)
		case model.TypeMoney:
			switch {
			case fen:
				v.Int[i] = x
			case x > math.MaxInt64/100 || x < math.MinInt64/100:
				v.State[i] = Bad
			default:
				v.Int[i] = x * 100 // whole yuan
			}
		case model.TypeBool:
			switch x {
			case 0:
			case 1:
				v.Int[i] = 1
			default:
				v.State[i] = Bad
			}
		}
	}
}

// setUints decodes the valid rows of a UINT64 column of any type but int
// and number (which decodeNumeric reads exactly). An id or a text gets the
// value's decimal digits, whatever its size; in any other column a value
// above 2^63-1 is out of range, so not of the column's type (it must not
// wrap to a negative number: two large ids would become one).
func setUints(v *Vec, col model.Column, fen bool, a *array.Uint64) {
	if col.Type == model.TypeID || col.Type == model.TypeText {
		for i := range v.State {
			if v.State[i] == OK {
				v.Str[i] = strconv.FormatUint(a.Value(i), 10)
			}
		}
		return
	}
	for i := range v.State {
		if v.State[i] == OK && a.Value(i) > math.MaxInt64 {
			v.State[i] = Bad
		}
	}
	setInts(v, col, fen, func(i int) int64 { return int64(a.Value(i)) })
}

// setFloats decodes the valid rows of a DOUBLE column of type number or
// money (yuan, rounded half-even to the fen).
func setFloats(v *Vec, col model.Column, get func(int) float64) {
	for i := range v.State {
		if v.State[i] != OK {
			continue
		}
		f := get(i)
		if col.Type == model.TypeMoney {
			x, err := model.FloatFen(f)
			if err != nil {
				v.State[i] = Bad
				continue
			}
			v.Int[i] = int64(x)
			continue
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			v.State[i] = Bad
			continue
		}
		v.Num[i] = f
	}
}

// ratSetter returns how a column of type int, number or money takes an
// exact value.
func ratSetter(v *Vec, col model.Column) func(int, *big.Rat) {
	switch col.Type {
	case model.TypeInt:
		return func(i int, r *big.Rat) {
			if r.IsInt() && r.Num().IsInt64() {
				v.Int[i] = r.Num().Int64()
			} else {
				v.State[i] = Bad
			}
		}
	case model.TypeMoney:
		return func(i int, r *big.Rat) {
			x, err := model.RatFen(r)
			if err != nil {
				v.State[i] = Bad
				return
			}
			v.Int[i] = int64(x)
		}
	}
	return func(i int, r *big.Rat) {
		f, _ := r.Float64()
		v.Num[i] = f
	}
}

// setDecimals decodes the valid rows of a decimal column with the given
// scale.
func setDecimals(v *Vec, col model.Column, scale int32, get func(int) decimal128.Num) {
	if col.Type == model.TypeMoney && scale == 2 {
		for i := range v.State { // the common case: DECIMAL(p,2) holds fen exactly
			if v.State[i] != OK {
				continue
			}
			x := get(i)
			if fits64(x) {
				v.Int[i] = int64(x.LowBits())
			} else {
				v.State[i] = Bad
			}
		}
		return
	}
	set := ratSetter(v, col)
	r := new(big.Rat)
	for i := range v.State {
		if v.State[i] == OK {
			set(i, scaled(r, get(i).BigInt(), scale))
		}
	}
}

func stringGetter(arr arrow.Array) func(int) string {
	switch a := arr.(type) {
	case *array.String:
		return a.Value
	case *array.LargeString:
		return a.Value
	case *array.Binary:
		return a.ValueString
	case *array.LargeBinary:
		return func(i int) string { return string(a.Value(i)) }
	case *array.StringView:
		return a.Value
	}
	return nil
}

func intGetter(arr arrow.Array) func(int) int64 {
	switch a := arr.(type) {
	case *array.Int8:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int16:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int32:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int64:
		return a.Value
	case *array.Uint8:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint16:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint32:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint64:
		// Only for values an int64 holds: setUints and decodeNumeric read
		// the others.
		return func(i int) int64 { return int64(a.Value(i)) }
	}
	return func(int) int64 { return 0 }
}

// decodeNumeric hands every valid value of a numeric column to set as an
// exact rational.
func decodeNumeric(v *Vec, arr arrow.Array, set func(int, *big.Rat)) error {
	n := arr.Len()
	r := new(big.Rat)
	switch a := arr.(type) {
	case *array.Float32, *array.Float64, *array.Float16:
		for i := 0; i < n; i++ {
			if v.State[i] != OK {
				continue
			}
			f := floatValue(a, i)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				v.State[i] = Bad
				continue
			}
			r.SetFloat64(f)
			set(i, r)
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := 0; i < n; i++ {
			if v.State[i] == OK {
				set(i, scaled(r, a.Value(i).BigInt(), scale))
			}
		}
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		for i := 0; i < n; i++ {
			if v.State[i] == OK {
				set(i, scaled(r, a.Value(i).BigInt(), scale))
			}
		}
	default:
		if uu, ok := arr.(*array.Uint64); ok {
			for i := 0; i < n; i++ {
				if v.State[i] == OK {
					set(i, r.SetInt(new(big.Int).SetUint64(uu.Value(i))))
				}
			}
			return nil
		}
		get := intGetter(arr)
		for i := 0; i < n; i++ {
			if v.State[i] == OK {
				set(i, r.SetInt64(get(i)))
			}
		}
	}
	return nil
}

func floatValue(a arrow.Array, i int) float64 {
	switch a := a.(type) {
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Float16:
		return float64(a.Value(i).Float32())
	}
	return math.NaN()
}

func scaled(r *big.Rat, unscaled *big.Int, scale int32) *big.Rat {
	r.SetInt(unscaled)
	if scale != 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(scale))), nil)
		if scale > 0 {
			r.Quo(r, new(big.Rat).SetInt(p))
		} else {
			r.Mul(r, new(big.Rat).SetInt(p))
		}
	}
	return r
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// decodeMoney reads DECIMAL (any precision and scale) and floating-point
// yuan, rounding half-even to the fen; integers are setInts'.
func decodeMoney(v *Vec, col model.Column, arr arrow.Array) error {
	switch a := arr.(type) {
	case *array.Decimal128:
		setDecimals(v, col, a.DataType().(*arrow.Decimal128Type).Scale, a.Value)
		return nil
	case *array.Float64:
		setFloats(v, col, a.Value)
		return nil
	case *array.Float32:
		setFloats(v, col, func(i int) float64 { return float64(a.Value(i)) })
		return nil
	}
	return decodeNumeric(v, arr, ratSetter(v, col))
}

func fits64(x decimal128.Num) bool {
	hi, lo := x.HighBits(), x.LowBits()
	return (hi == 0 && lo <= math.MaxInt64) || (hi == -1 && lo > math.MaxInt64)
}

// decodeTemporal reads DATE and TIMESTAMP columns into dates or instants. A
// TIMESTAMP with a time zone is an instant; one without is a local
// wall-clock reading in the snapshot's zone.
func decodeTemporal(v *Vec, want model.Type, arr arrow.Array, clock *model.Clock) error {
	switch a := arr.(type) {
	case *array.Date32:
		setDays(v, want, func(i int) int64 { return int64(a.Value(i)) }, clock)
	case *array.Date64:
		setDays(v, want, func(i int) int64 { return floorDiv(int64(a.Value(i)), 86400000) }, clock)
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		setTimestamps(v, want, tt.Unit, tt.TimeZone == "", func(i int) int64 { return int64(a.Value(i)) }, clock)
	default:
		return fmt.Errorf("want DATE or TIMESTAMP, got %s", arr.DataType())
	}
	return nil
}

// setDays decodes the valid rows of a column of days since 1970-01-01 into
// dates, or into instants at local midnight.
func setDays(v *Vec, want model.Type, get func(int) int64, clock *model.Clock) {
	for i := range v.State {
		if v.State[i] != OK {
			continue
		}
		d := model.Date(get(i))
		if want == model.TypeDate {
			v.Int[i] = int64(d)
		} else {
			v.Int[i] = int64(clock.Midnight(d))
		}
	}
}

// setTimestamps decodes the valid rows of a timestamp column. A local one
// is a wall-clock reading in the snapshot's zone.
func setTimestamps(v *Vec, want model.Type, unit arrow.TimeUnit, local bool, get func(int) int64, clock *model.Clock) {
	var mul, div int64 = 1, 1
	switch unit {
	case arrow.Second:
		mul = 1_000_000
	case arrow.Millisecond:
		mul = 1000
	case arrow.Nanosecond:
		div = 1000
	}
	for i := range v.State {
		if v.State[i] != OK {
			continue
		}
		raw := get(i)
		if mul > 1 && (raw > math.MaxInt64/mul || raw < math.MinInt64/mul) {
			v.State[i] = Bad
			continue
		}
		us := floorDiv(raw*mul, div)
		switch {
		case want == model.TypeDate && local:
			v.Int[i] = floorDiv(us, model.MicrosPerDay)
		case want == model.TypeDate:
			v.Int[i] = int64(clock.Day(model.Instant(us)))
		case local:
			v.Int[i] = int64(clock.FromWall(us))
		default:
			v.Int[i] = us
		}
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
