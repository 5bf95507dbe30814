package snapshot

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/pqdirect"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/reuse"
)

// A Parquet file whose columns read are all of the kinds the direct reader
// (pqdirect) takes is read with it, straight from the column chunks into a
// batch; any other goes through arrow records (parquet.go), which give the
// same values. The choice is plan's.

// directBatch reads the next n rows of row group rg, which follow row
// rows of the file, into a batch, reusing the buffers of old, a batch its
// consumer is done with (or nil).
func (ps *parquetScan) directBatch(ctx context.Context, r *pqdirect.Reader, old *Batch, rg int, row int64, n int) (*Batch, error) {
	t, src, want, idx, fen, read, header, clock := ps.t, ps.src, ps.want, ps.idx, ps.fen, ps.read, ps.header, ps.clock
	b := old
	if b == nil || len(b.leaves) != len(ps.leaves) {
		b = &Batch{Cols: make([]Vec, len(t.Columns)), leaves: make([]pqdirect.Values, len(ps.leaves))}
	}
	b.Table, b.Source, b.Location, b.Len = t.Table, src.Path, fmt.Sprintf("row group %d", rg), n
	b.Numbering = r.Numbering()
	b.Row = reuse.Len(b.Row, n)
	for i := range b.Row {
		b.Row[i] = row + int64(i) + 1
	}
	vals := b.leaves
	for _, j := range read {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.Next(j, n, &vals[j]); err != nil {
			return nil, snapErr("%s: row group %d: column %s: %w", src.Path, rg, header[j], err)
		}
	}
	if len(ps.memo) != len(t.Columns) {
		ps.memo = make([]textMemo, len(t.Columns))
	}
	decodeColumns(b, t, src, want, idx, fen, clock, func(v *Vec, col model.Column, c int) error {
		memo := &ps.memo[c]
		if memo.numbering != b.Numbering {
			*memo = textMemo{numbering: b.Numbering}
		}
		decodeLeaf(v, col, ps.leaves[idx[c]], &vals[idx[c]], fen[c], clock, memo)
		return nil
	})
	b.raw = func(i int) [][2]string {
		kv := make([][2]string, 0, len(read))
		for _, j := range read {
			kv = append(kv, [2]string{header[j], pqdirect.RawText(ps.leaves[j], &vals[j], i)})
		}
		return kv
	}
	return b, nil
}

// textMemo remembers, by code (see pqdirect.Interner), what setText made
// of the values of one column that the direct reader numbered: a value
// repeated through a dictionary (a provider's or service's id, a status)
// is trimmed, checked and looked up once, not on every row. The codes are
// those of one numbering.
type textMemo struct {
	numbering uint64
	str       []string
	state     []uint8 // the value's State plus one; 0: not seen yet
}

// decodeLeaf decodes a column read directly into v, as decodeArrow decodes
// the arrow array of the same column; memo is the column's, of the
// numbering of lv's codes.
func decodeLeaf(v *Vec, col model.Column, lf pqdirect.Leaf, lv *pqdirect.Values, fen bool, clock *model.Clock, memo *textMemo) {
	n := len(lv.Valid)
	for i := 0; i < n; i++ {
		if !lv.Valid[i] {
			v.State[i] = Null
		}
	}
	switch lf.Kind {
	case pqdirect.String:
		codes := lv.Code
		if len(codes) < n || (col.Type != model.TypeID && col.Type != model.TypeEnum && col.Type != model.TypeText) {
			codes = nil // the memo holds strings: not for a number, a date or a time written as text
		}
		for i := 0; i < n; i++ {
			if !lv.Valid[i] {
				continue
			}
			code := int32(-1)
			if codes != nil {
				code = codes[i]
			}
			if code >= 0 && int(code) < len(memo.state) && memo.state[code] != 0 {
				v.Str[i], v.State[i] = memo.str[code], memo.state[code]-1
				continue
			}
			setText(v, i, col, fen, lv.Str[i], clock, 0)
			if code >= 0 {
				if int(code) >= len(memo.state) {
					memo.str = slices.Grow(memo.str, int(code)+1-len(memo.str))[:code+1]
					memo.state = slices.Grow(memo.state, int(code)+1-len(memo.state))[:code+1]
				}
				memo.str[code], memo.state[code] = v.Str[i], v.State[i]+1
			}
		}
		if col.Type == model.TypeID || col.Type == model.TypeEnum {
			// What setText makes of a value depends on the value alone, so
			// the value's code numbers the Str made of it too.
			v.Code = append(v.Code[:0], lv.Code[:n]...)
		}
	case pqdirect.Int:
		setInts(v, col, fen, func(i int) int64 { return lv.Ints[i] })
	case pqdirect.Bool:
		for i := 0; i < n; i++ {
			if v.State[i] == OK && lv.Bools[i] {
				v.Int[i] = 1
			}
		}
	case pqdirect.Double:
		setFloats(v, col, func(i int) float64 { return lv.Flt[i] })
	case pqdirect.Date:
		setDays(v, col.Type, func(i int) int64 { return lv.Ints[i] }, clock)
	case pqdirect.Timestamp:
		t := lf.Type.(*arrow.TimestampType)
		setTimestamps(v, col.Type, t.Unit, t.TimeZone == "", func(i int) int64 { return lv.Ints[i] }, clock)
	case pqdirect.Decimal:
		scale := lf.Type.(*arrow.Decimal128Type).Scale
		setDecimals(v, col, scale, func(i int) decimal128.Num { return lv.Dec[i] })
	}
}
