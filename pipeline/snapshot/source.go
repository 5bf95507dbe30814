package snapshot

import "context"

// source is one source of a table's rows as its reader reads it: a
// Parquet file (parquetSource) or a sheet of a workbook (sheetSource).
// Which reader a source has is decided in one place, Snapshot.source; how
// each reads, and when it takes its fast path, is the reader's own:
//
//   - a Parquet file is read directly (direct.go) when every column read
//     is one the direct reader takes and the snapshot is not held to
//     arrow (viaArrow), else through arrow records (parquetFile.plan);
//   - a sheet is read by the sheet reader (internal/sheetxml) when it can read
//     the whole sheet and the snapshot is not held to excelize
//     (viaExcelize), else by excelize (workbook.sheetScan).
type source interface {
	// header returns the names of the source's columns, in order.
	header() ([]string, error)
	// scan streams the source's rows in batches, as Scan does.
	scan(ctx context.Context, want []bool, fn func(*Batch) error) error
	// keys reads table column c for KeysPart, as Keys gives it: the
	// parts of the source's row groups numbered from *rg on (it adds its
	// own). It returns false, having read nothing, when it has no faster
	// way than scan: KeysPart then scans the source in part 0.
	keys(ctx context.Context, c int, rg *int, part, parts int, fn func([][]byte, []bool) error) (bool, error)
}

// source returns the reader of one source of a table.
func (s *Snapshot) source(t *Table, src Source) source {
	if src.Sheet != "" {
		return sheetSource{s, t, src}
	}
	return parquetSource{s, t, src}
}

// sheetSource is a sheet of a workbook, read by the sheet reader or by
// excelize (xlsx.go).
type sheetSource struct {
	s   *Snapshot
	t   *Table
	src Source
}

func (r sheetSource) header() ([]string, error) { return r.s.sheetHeader(r.src) }

func (r sheetSource) scan(ctx context.Context, want []bool, fn func(*Batch) error) error {
	return r.s.scanSheet(ctx, r.t, r.src, want, fn)
}

// keys: a sheet's ids are read as its rows are.
func (sheetSource) keys(context.Context, int, *int, int, int, func([][]byte, []bool) error) (bool, error) {
	return false, nil
}

// parquetSource is a Parquet file, read directly or through arrow records
// (parquet.go, direct.go, keys.go).
type parquetSource struct {
	s   *Snapshot
	t   *Table
	src Source
}
