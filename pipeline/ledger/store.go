package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/model"
)

// ErrDamaged marks a ledger that exists but cannot be read: the build must
// fail rather than start a new ledger over it.
var ErrDamaged = errors.New("damaged ledger")

const (
	noticesFile = "notices.parquet"
	scoresFile  = "scores.parquet"
)

var noticeSchema = arrow.NewSchema([]arrow.Field{
	{Name: "notice_id", Type: arrow.BinaryTypes.String},
	{Name: "finding_key", Type: arrow.BinaryTypes.String},
	{Name: "provider_id", Type: arrow.BinaryTypes.String},
	{Name: "rule_id", Type: arrow.BinaryTypes.String},
	{Name: "rule_version", Type: arrow.BinaryTypes.String},
	{Name: "measure", Type: arrow.BinaryTypes.String},
	{Name: "issued_on", Type: arrow.FixedWidthTypes.Date32},
	{Name: "effective_until", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "appeal_by", Type: arrow.FixedWidthTypes.Date32},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "rescinded_on", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "rescind_reason", Type: arrow.BinaryTypes.String},
	{Name: "basis", Type: arrow.BinaryTypes.String},
	{Name: "facts_zh", Type: arrow.BinaryTypes.String},
	{Name: "facts_en", Type: arrow.BinaryTypes.String},
}, nil)

var scoreSchema = arrow.NewSchema([]arrow.Field{
	{Name: "as_of", Type: arrow.FixedWidthTypes.Date32},
	{Name: "provider_id", Type: arrow.BinaryTypes.String},
	{Name: "grade", Type: arrow.BinaryTypes.String},
	{Name: "score", Type: &arrow.Decimal128Type{Precision: 4, Scale: 1}, Nullable: true},
}, nil)

// Read loads the ledger from the state directory. A directory without a
// ledger gives an empty one; a ledger that cannot be read is ErrDamaged.
func Read(dir string) (*Ledger, error) {
	l := &Ledger{}
	if dir == "" {
		return l, nil
	}
	np, sp := filepath.Join(dir, noticesFile), filepath.Join(dir, scoresFile)
	_, nerr := os.Stat(np)
	_, serr := os.Stat(sp)
	if errors.Is(nerr, fs.ErrNotExist) && errors.Is(serr, fs.ErrNotExist) {
		return l, nil
	}
	if err := readTable(np, noticeSchema, func(c []arrow.Array, i int) {
		str := func(k int) string { return c[k].(*array.String).Value(i) }
		date := func(k int) model.Date {
			if c[k].IsNull(i) {
				return model.NoDate
			}
			return model.Date(c[k].(*array.Date32).Value(i))
		}
		var basis []string
		if b := str(12); b != "" {
			basis = strings.Split(b, ";")
		}
		l.Notices = append(l.Notices, model.Notice{ID: str(0), Key: str(1), ProviderID: str(2), RuleID: str(3),
			RuleVersion: str(4), Measure: str(5), IssuedOn: date(6), EffectiveUntil: date(7), AppealBy: date(8),
			Status: str(9), RescindedOn: date(10), RescindReason: str(11), Basis: basis, FactsZh: str(13), FactsEn: str(14)})
	}); err != nil {
		return nil, err
	}
	if err := readTable(sp, scoreSchema, func(c []arrow.Array, i int) {
		s := Score{AsOf: model.Date(c[0].(*array.Date32).Value(i)), ProviderID: c[1].(*array.String).Value(i),
			Grade: c[2].(*array.String).Value(i)}
		if !c[3].IsNull(i) {
			s.Scored, s.ScoreTenths = true, int64(c[3].(*array.Decimal128).Value(i).LowBits())
		}
		l.Scores = append(l.Scores, s)
	}); err != nil {
		return nil, err
	}
	for _, n := range l.Notices {
		if n.ID == "" || (n.Status != model.InForce && n.Status != model.Expired && n.Status != model.Rescinded) {
			return nil, fmt.Errorf("%w: %s: notice %q has status %q", ErrDamaged, np, n.ID, n.Status)
		}
	}
	return l, nil
}

func readTable(path string, want *arrow.Schema, row func([]arrow.Array, int)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrDamaged, path, r)
		}
	}()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	if len(sc.Fields()) != len(want.Fields()) {
		return fmt.Errorf("%w: %s: want columns %v", ErrDamaged, path, want.Fields())
	}
	for i, f := range want.Fields() {
		if g := sc.Field(i); g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			return fmt.Errorf("%w: %s: column %d is %s %s, want %s %s", ErrDamaged, path, i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			row(rec.Columns(), i)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	}
	return nil
}

// Write stores the ledger in the state directory, each file written beside
// its final name and renamed into place.
func (l *Ledger) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state %s: %w", dir, err)
	}
	mem := memory.DefaultAllocator
	nb := array.NewRecordBuilder(mem, noticeSchema)
	defer nb.Release()
	date := func(b array.Builder, d model.Date) {
		if d == model.NoDate {
			b.AppendNull()
			return
		}
		b.(*array.Date32Builder).Append(arrow.Date32(d))
	}
	for _, n := range l.Notices {
		for k, s := range []string{n.ID, n.Key, n.ProviderID, n.RuleID, n.RuleVersion, n.Measure} {
			nb.Field(k).(*array.StringBuilder).Append(s)
		}
		date(nb.Field(6), n.IssuedOn)
		date(nb.Field(7), n.EffectiveUntil)
		date(nb.Field(8), n.AppealBy)
		nb.Field(9).(*array.StringBuilder).Append(n.Status)
		date(nb.Field(10), n.RescindedOn)
		for k, s := range []string{n.RescindReason, strings.Join(n.Basis, ";"), n.FactsZh, n.FactsEn} {
			nb.Field(11 + k).(*array.StringBuilder).Append(s)
		}
	}
	if err := writeRecord(filepath.Join(dir, noticesFile), nb.NewRecord()); err != nil {
		return err
	}
	sb := array.NewRecordBuilder(mem, scoreSchema)
	defer sb.Release()
	for _, s := range l.Scores {
		sb.Field(0).(*array.Date32Builder).Append(arrow.Date32(s.AsOf))
		sb.Field(1).(*array.StringBuilder).Append(s.ProviderID)
		sb.Field(2).(*array.StringBuilder).Append(s.Grade)
		if s.Scored {
			sb.Field(3).(*array.Decimal128Builder).Append(decimal128FromInt(s.ScoreTenths))
		} else {
			sb.Field(3).AppendNull()
		}
	}
	return writeRecord(filepath.Join(dir, scoresFile), sb.NewRecord())
}

// WriteParquet writes one record to path atomically, zstd-compressed,
// without a creation time, so that the same record gives the same bytes.
func writeRecord(path string, rec arrow.Record) error {
	defer rec.Release()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.parquet")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// A column's dictionary never gives way to plain pages: arrow would
	// list the two encodings in random order.
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("disclose"),
		parquet.WithDictionaryPageSizeLimit(math.MaxInt64))
	w, err := pqarrow.NewFileWriter(rec.Schema(), tmp, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err == nil {
		err = w.Write(rec)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	} else {
		tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func decimal128FromInt(v int64) decimal128.Num { return decimal128.FromI64(v) }
