package snapshot

import (
	"bytes"
	"context"
	"fmt"
	"unsafe"

	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/pqdirect"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/reuse"
)

// Keys streams one id column of a table, source by source, in batches:
// keys[i] is row i's id as Scan gives it (Vec.Key of a column whose State
// is OK), ok[i] false when the row has no valid id. It is for passes that
// only count or look up ids, which need neither the other columns nor a
// string per row that outlives them: a Parquet string column is read
// without copying its bytes, so the bytes of keys are borrowed, valid only
// until fn returns and changed after (copy what is kept). Anything the
// direct reader does not take goes through Scan, with the same keys and
// errors.
func (s *Snapshot) Keys(ctx context.Context, name, col string, fn func(keys [][]byte, ok []bool) error) error {
	return s.KeysPart(ctx, name, col, 0, 1, fn)
}

// KeysPart is Keys for one of parts parts of a table's rows, so that the
// parts can be read side by side: part p is the row groups of the Parquet
// sources read directly that are numbered p modulo parts (numbered across
// the sources, in order), and part 0 also has every source read otherwise.
// Together the parts give each row's key once.
func (s *Snapshot) KeysPart(ctx context.Context, name, col string, part, parts int, fn func(keys [][]byte, ok []bool) error) error {
	t := s.Tables[name]
	if t == nil {
		return nil
	}
	c := t.Col(col)
	if c < 0 {
		return nil
	}
	var keys [][]byte
	var ok []bool
	var arena []byte
	var ends []int
	fallback := func(b *Batch) error {
		keys, ok, ends = reuse.Len(keys, b.Len), reuse.Len(ok, b.Len), reuse.Len(ends, b.Len)
		v := &b.Cols[c]
		arena = arena[:0]
		for i := range b.Len {
			ok[i] = v.Present && v.State[i] == OK
			if ok[i] {
				arena = append(arena, v.Key(i)...)
			}
			ends[i] = len(arena)
		}
		start := 0
		for i := range b.Len {
			keys[i] = nil
			if ok[i] {
				keys[i] = arena[start:ends[i]:ends[i]]
			}
			start = ends[i]
		}
		return fn(keys, ok)
	}
	want := make([]bool, len(t.Columns))
	want[c] = true
	rg := 0 // row groups read directly so far, by all parts
	for _, src := range t.Sources {
		r := s.source(t, src)
		done, err := r.keys(ctx, c, &rg, part, parts, fn)
		if !done && part == 0 {
			err = r.scan(ctx, want, fallback)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// keys reads an id column of the file directly, for KeysPart: the row
// groups of part, counting them on from *rg. It returns false, having
// read nothing, when the column is not an id the direct reader takes as a
// string column (scan then reads it, and reports what is wrong with it).
func (r parquetSource) keys(ctx context.Context, c int, rg *int, part, parts int,
	fn func([][]byte, []bool) error) (done bool, err error) {
	s, t, src := r.s, r.t, r.src
	if t.Columns[c].Type != model.TypeID {
		return false, nil
	}
	p, err := s.parquet(src.Path)
	if err != nil {
		return false, nil
	}
	defer p.Close()
	fields, header := p.schema.Fields(), p.header()
	idx, fen, err := bind(t.Table, src, header)
	if err != nil || idx[c] < 0 || compatible(t.Columns[c], fields[idx[c]].Type, fen[c]) != nil {
		return false, nil
	}
	j := idx[c]
	leaves, direct := s.plan(p, []int{j})
	if !direct || leaves[j].Kind != pqdirect.String {
		return false, nil
	}
	defer func() {
		if r := recover(); r != nil {
			done, err = true, snapErr("%s: corrupt Parquet data: %v", src.Path, r)
		}
	}()
	defer func() { *rg += p.pf.NumRowGroups() }()
	maxDef := leaves[j].MaxDef
	var (
		vals [][]byte
		ok   []bool
		def  []int16
		ba   []parquet.ByteArray
	)
	for rg, first := 0, *rg; rg < p.pf.NumRowGroups(); rg++ {
		if (first+rg)%parts != part {
			continue
		}
		cr, err := p.pf.RowGroup(rg).Column(j)
		if err != nil {
			return true, snapErr("%s: row group %d: %w", src.Path, rg, err)
		}
		r, isBytes := cr.(*file.ByteArrayColumnChunkReader)
		if !isBytes {
			return true, snapErr("%s: row group %d: column %s: unexpected column reader %T", src.Path, rg, header[j], cr)
		}
		for left := p.pf.RowGroup(rg).NumRows(); left > 0; {
			if err := ctx.Err(); err != nil {
				return true, err
			}
			n := int(min(left, parquetBatch))
			left -= int64(n)
			ba, def, vals, ok = reuse.Len(ba, n), reuse.Len(def, n), reuse.Len(vals, n), reuse.Len(ok, n)
			var d []int16
			if maxDef > 0 {
				d = def
			}
			total, _, err := r.ReadBatch(int64(n), ba, d, nil)
			if err == nil && total != int64(n) {
				err = fmt.Errorf("column chunk ends after %d of %d rows", total, n)
			}
			if err != nil {
				return true, snapErr("%s: row group %d: column %s: %w", src.Path, rg, header[j], err)
			}
			k := 0
			for i := range n {
				vals[i], ok[i] = nil, false
				if d != nil && d[i] < maxDef {
					continue
				}
				vals[i], ok[i] = parseIDBytes(ba[k])
				k++
			}
			if err := fn(vals, ok); err != nil {
				return true, err
			}
		}
	}
	return true, nil
}

// parseIDBytes is ParseID of the bytes b, as a slice of b (or, for an id
// numericID rewrites, of a copy), without making a string of every id.
func parseIDBytes(b []byte) ([]byte, bool) {
	if len(b) == 0 || !plainByte(b[0]) || !plainByte(b[len(b)-1]) {
		b = bytes.TrimSpace(b)
	}
	// The string is read here and not kept: it only borrows b's bytes.
	s := unsafe.String(unsafe.SliceData(b), len(b))
	if s == "" || !textOK(s) {
		return nil, false
	}
	if id := numericID(s); len(id) != len(s) || id != s {
		return []byte(id), true
	}
	return b, true
}
