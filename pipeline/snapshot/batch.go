package snapshot

import (
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/pqdirect"
	"github.com/disclose-project/disclose/pipeline/snapshot/internal/reuse"
)

// Cell states of a Vec.
const (
	OK   uint8 = iota // a value of the column's type
	Null              // no value
	Bad               // a value that is not of the column's type
)

// Vec is one column of a batch, decoded to the column's type. Which slice
// holds the values depends on the type: Str for id, text and enum (the
// enum's code), Int for int, money (fen), bool (0/1), date (model.Date) and
// time (model.Instant), Num for number.
//
// An id or enum column read from a dictionary-encoded Parquet column also
// carries codes: when len(Code) is the batch's length, Code[i] >= 0
// numbers row i's value among the values the column has had in the
// batches of the same Batch.Numbering, so that two rows with the same code
// have the same Str (and a consumer can remember what it made of a value
// by its code; two codes may still give one Str, as " 42" and "42" do);
// -1 is a row without one.
type Vec struct {
	Present bool // the source has the column
	State   []uint8
	Str     []string
	Int     []int64
	Num     []float64
	Code    []int32
}

// Codes returns the codes of the first n rows, or nil when the column has
// none (see Vec).
func (v *Vec) Codes(n int) []int32 {
	if len(v.Code) != n {
		return nil
	}
	return v.Code
}

func (v *Vec) reset(n int, t model.Type) {
	v.State = reuse.Cleared(v.State, n)
	v.Code = v.Code[:0]
	switch t {
	case model.TypeID, model.TypeText, model.TypeEnum:
		v.Str = reuse.Cleared(v.Str, n)
	case model.TypeNumber:
		v.Num = reuse.Cleared(v.Num, n)
	default:
		v.Int = reuse.Cleared(v.Int, n)
	}
}

// Batch is a run of rows of one table from one source.
type Batch struct {
	Table    *model.Table
	Source   string // the file, relative to the snapshot directory
	Location string // "row group 3" or "sheet orders"
	Len      int
	Row      []int64 // each row's number in its source (1-based; a sheet's own row number)
	Cols     []Vec   // parallel to Table.Columns
	// Numbering names the numbering of the columns' codes (see Vec): the
	// same in every batch of one pass over one source, another in the
	// next; 0 when no column has codes.
	Numbering uint64
	raw       func(i int) [][2]string
	leaves    []pqdirect.Values // the columns as read, when read directly
}

// RawJSON returns row i's values as they stand in the source, as a JSON
// object in the source's column order, for the quarantine.
func (b *Batch) RawJSON(i int) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for j, kv := range b.raw(i) {
		if j > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Quote(kv[0]))
		sb.WriteByte(':')
		sb.WriteString(jsonString(kv[1]))
	}
	sb.WriteByte('}')
	return sb.String()
}

// jsonString quotes s as a JSON string (valid UTF-8 kept, the rest escaped).
func jsonString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			sb.WriteString(`\"`)
		case r == '\\':
			sb.WriteString(`\\`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0xfffd:
			sb.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			sb.WriteString(strings.Repeat("0", 4-len(h)) + h)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// Key returns row i's value as a string, for duplicate detection.
func (v *Vec) Key(i int) string {
	switch {
	case v.Str != nil:
		return v.Str[i]
	case v.Num != nil:
		return strconv.FormatFloat(v.Num[i], 'g', -1, 64)
	}
	return strconv.FormatInt(v.Int[i], 10)
}
