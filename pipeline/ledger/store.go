package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
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

// The ledger's files, as the state directory keeps them.
const (
	NoticesFile = "notices.parquet"
	ScoresFile  = "scores.parquet"
	BuildsFile  = "builds.json"
	TonightFile = "tonight.json"
)

var (
	money     = &arrow.Decimal128Type{Precision: 18, Scale: 2}
	tenths    = &arrow.Decimal128Type{Precision: 4, Scale: 1}
	fraction  = arrow.PrimitiveTypes.Float64
	str       = arrow.BinaryTypes.String
	date32    = arrow.FixedWidthTypes.Date32
	integer64 = arrow.PrimitiveTypes.Int64
)

// column is one column of a ledger file. Columns added after the first
// ledgers were written are optional: a file without them reads as if they
// were null.
type column struct {
	name     string
	typ      arrow.DataType
	nullable bool
	optional bool
}

var noticeColumns = []column{
	{name: "notice_id", typ: str},
	{name: "finding_key", typ: str},
	{name: "provider_id", typ: str},
	{name: "rule_id", typ: str},
	{name: "rule_version", typ: str},
	{name: "measure", typ: str},
	{name: "issued_on", typ: date32},
	{name: "effective_until", typ: date32, nullable: true},
	{name: "appeal_by", typ: date32},
	{name: "status", typ: str},
	{name: "rescinded_on", typ: date32, nullable: true},
	{name: "rescind_reason", typ: str},
	{name: "basis", typ: str},
	{name: "facts_zh", typ: str},
	{name: "facts_en", typ: str},
	{name: "provider_name", typ: str, optional: true},
	{name: "provider_category", typ: str, optional: true},
	{name: "origin", typ: str, optional: true},
	{name: "continues", typ: str, optional: true},
	{name: "window_from", typ: date32, nullable: true, optional: true},
	{name: "window_to", typ: date32, nullable: true, optional: true},
	{name: "items", typ: integer64, nullable: true, optional: true},
	{name: "on_time", typ: integer64, nullable: true, optional: true},
	{name: "threshold", typ: fraction, nullable: true, optional: true},
	{name: "points", typ: integer64, nullable: true, optional: true},
	{name: "points_level", typ: integer64, nullable: true, optional: true},
	{name: "deduction", typ: money, nullable: true, optional: true},
	{name: "gmv", typ: money, nullable: true, optional: true},
}

var scoreColumns = []column{
	{name: "as_of", typ: date32},
	{name: "provider_id", typ: str},
	{name: "grade", typ: str},
	{name: "score", typ: tenths, nullable: true},
	{name: "status", typ: str, optional: true},
}

func schemaOf(cols []column) *arrow.Schema {
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: c.nullable}
	}
	return arrow.NewSchema(fs, nil)
}

// cells reads one row's values by column name; a column the file lacks
// reads as null.
type cells struct {
	arrs map[string]arrow.Array
	i    int
}

func (c cells) null(name string) bool {
	a := c.arrs[name]
	return a == nil || a.IsNull(c.i)
}

func (c cells) str(name string) string {
	if c.null(name) {
		return ""
	}
	return c.arrs[name].(*array.String).Value(c.i)
}

func (c cells) date(name string) model.Date {
	if c.null(name) {
		return model.NoDate
	}
	return model.Date(c.arrs[name].(*array.Date32).Value(c.i))
}

func (c cells) int(name string) *int64 {
	if c.null(name) {
		return nil
	}
	v := c.arrs[name].(*array.Int64).Value(c.i)
	return &v
}

func (c cells) float(name string) *float64 {
	if c.null(name) {
		return nil
	}
	v := c.arrs[name].(*array.Float64).Value(c.i)
	return &v
}

func (c cells) fen(name string) *model.Fen {
	if c.null(name) {
		return nil
	}
	v := model.Fen(c.arrs[name].(*array.Decimal128).Value(c.i).LowBits())
	return &v
}

// ReadNotices reads a ledger's notices.parquet; name is how errors call it.
func ReadNotices(r parquet.ReaderAtSeeker, name string) ([]model.Notice, error) {
	var out []model.Notice
	err := readTable(r, name, noticeColumns, func(c cells) {
		var basis []string
		if b := c.str("basis"); b != "" {
			basis = strings.Split(b, ";")
		}
		n := model.Notice{ID: c.str("notice_id"), Key: c.str("finding_key"), ProviderID: c.str("provider_id"),
			RuleID: c.str("rule_id"), RuleVersion: c.str("rule_version"), Measure: model.Measure(c.str("measure")),
			IssuedOn: c.date("issued_on"), EffectiveUntil: c.date("effective_until"), AppealBy: c.date("appeal_by"),
			Status: c.str("status"), RescindedOn: c.date("rescinded_on"), RescindReason: c.str("rescind_reason"),
			Basis: basis, FactsZh: c.str("facts_zh"), FactsEn: c.str("facts_en"),
			ProviderName: c.str("provider_name"), ProviderCategory: c.str("provider_category"),
			Origin: c.str("origin"), Continues: c.str("continues"),
			Figures: model.Figures{WindowFrom: c.date("window_from"), WindowTo: c.date("window_to"),
				Items: c.int("items"), OnTime: c.int("on_time"), Threshold: c.float("threshold"),
				Points: c.int("points"), PointsLevel: c.int("points_level"), Deduction: c.fen("deduction"), GMV: c.fen("gmv")}}
		if n.Origin == "" {
			n.Origin = originOf(n.Key)
		}
		out = append(out, n)
	})
	if err != nil {
		return nil, err
	}
	for _, n := range out {
		if n.ID == "" || (n.Status != model.InForce && n.Status != model.Expired && n.Status != model.Rescinded) {
			return nil, fmt.Errorf("%w: %s: notice %q has status %q", ErrDamaged, name, n.ID, n.Status)
		}
	}
	return out, nil
}

// ReadScores reads a ledger's scores.parquet.
func ReadScores(r parquet.ReaderAtSeeker, name string) ([]Score, error) {
	var out []Score
	err := readTable(r, name, scoreColumns, func(c cells) {
		s := Score{AsOf: c.date("as_of"), ProviderID: c.str("provider_id"), Grade: c.str("grade"), Status: model.ProviderStatus(c.str("status"))}
		if !c.null("score") {
			s.Scored, s.ScoreTenths = true, int64(c.arrs["score"].(*array.Decimal128).Value(c.i).LowBits())
		}
		out = append(out, s)
	})
	return out, err
}

// buildJSON is one build as builds.json keeps it.
type buildJSON struct {
	AsOf            string `json:"as_of"`
	ToolVersion     string `json:"tool_version"`
	RulebookVersion string `json:"rulebook_version"`
	ManifestSHA256  string `json:"manifest_sha256"`
}

// ReadBuilds reads a ledger's builds.json.
func ReadBuilds(b []byte, name string) ([]Build, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var raw []buildJSON
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, name, err)
	}
	var out []Build
	for i, r := range raw {
		d, err := model.ParseDate(r.AsOf)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: build %d: as_of: %v", ErrDamaged, name, i+1, err)
		}
		out = append(out, Build{AsOf: d, ToolVersion: r.ToolVersion, RulebookVersion: r.RulebookVersion, ManifestSHA256: r.ManifestSHA256})
	}
	return out, nil
}

// EncodeBuilds writes builds as builds.json keeps them.
func EncodeBuilds(builds []Build) []byte {
	raw := make([]buildJSON, 0, len(builds))
	for _, b := range builds {
		raw = append(raw, buildJSON{AsOf: b.AsOf.String(), ToolVersion: b.ToolVersion, RulebookVersion: b.RulebookVersion, ManifestSHA256: b.ManifestSHA256})
	}
	out, _ := json.MarshalIndent(raw, "", "  ")
	return append(out, '\n')
}

// BuildsFromScores lists one build per as-of date of the scores, for
// ledgers kept before builds were recorded.
func BuildsFromScores(scores []Score) []Build {
	var out []Build
	for _, s := range scores {
		if !slices.ContainsFunc(out, func(b Build) bool { return b.AsOf == s.AsOf }) {
			out = append(out, Build{AsOf: s.AsOf})
		}
	}
	slices.SortFunc(out, func(a, b Build) int { return int(a.AsOf) - int(b.AsOf) })
	return out
}

func readTable(r parquet.ReaderAtSeeker, name string, cols []column, row func(cells)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: %v", ErrDamaged, name, p)
		}
	}()
	damaged := func(e error) error { return fmt.Errorf("%w: %s: %v", ErrDamaged, name, e) }
	pf, err := file.NewParquetReader(r)
	if err != nil {
		return damaged(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.DefaultAllocator)
	if err != nil {
		return damaged(err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return damaged(err)
	}
	for _, c := range cols {
		idx := sc.FieldIndices(c.name)
		if len(idx) == 0 {
			if c.optional {
				continue
			}
			return fmt.Errorf("%w: %s: no column %s", ErrDamaged, name, c.name)
		}
		if got := sc.Field(idx[0]).Type; !arrow.TypeEqual(got, c.typ) {
			return fmt.Errorf("%w: %s: column %s is %s, want %s", ErrDamaged, name, c.name, got, c.typ)
		}
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return damaged(err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.Record()
		arrs := map[string]arrow.Array{}
		for i, f := range rec.Schema().Fields() {
			arrs[f.Name] = rec.Column(i)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row(cells{arrs: arrs, i: i})
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return damaged(err)
	}
	return nil
}

// WriteNotices writes notices as notices.parquet keeps them.
func WriteNotices(w io.Writer, notices []model.Notice) error {
	sc := schemaOf(noticeColumns)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	at := func(name string) array.Builder { return b.Field(sc.FieldIndices(name)[0]) }
	for _, n := range notices {
		for name, s := range map[string]string{"notice_id": n.ID, "finding_key": n.Key, "provider_id": n.ProviderID,
			"rule_id": n.RuleID, "rule_version": n.RuleVersion, "measure": string(n.Measure), "status": n.Status,
			"rescind_reason": n.RescindReason, "basis": strings.Join(n.Basis, ";"), "facts_zh": n.FactsZh,
			"facts_en": n.FactsEn, "provider_name": n.ProviderName, "provider_category": n.ProviderCategory,
			"origin": n.Origin, "continues": n.Continues} {
			at(name).(*array.StringBuilder).Append(s)
		}
		g := &n.Figures
		for name, d := range map[string]model.Date{"issued_on": n.IssuedOn, "effective_until": n.EffectiveUntil,
			"appeal_by": n.AppealBy, "rescinded_on": n.RescindedOn, "window_from": g.WindowFrom, "window_to": g.WindowTo} {
			appendDate(at(name), d)
		}
		for name, v := range map[string]*int64{"items": g.Items, "on_time": g.OnTime, "points": g.Points, "points_level": g.PointsLevel} {
			if v == nil {
				at(name).AppendNull()
			} else {
				at(name).(*array.Int64Builder).Append(*v)
			}
		}
		if g.Threshold == nil {
			at("threshold").AppendNull()
		} else {
			at("threshold").(*array.Float64Builder).Append(*g.Threshold)
		}
		for name, v := range map[string]*model.Fen{"deduction": g.Deduction, "gmv": g.GMV} {
			if v == nil {
				at(name).AppendNull()
			} else {
				at(name).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(*v)))
			}
		}
	}
	return writeRecord(w, b.NewRecord())
}

// WriteScores writes scores as scores.parquet keeps them.
func WriteScores(w io.Writer, scores []Score) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schemaOf(scoreColumns))
	defer b.Release()
	for _, s := range scores {
		b.Field(0).(*array.Date32Builder).Append(arrow.Date32(s.AsOf))
		b.Field(1).(*array.StringBuilder).Append(s.ProviderID)
		b.Field(2).(*array.StringBuilder).Append(s.Grade)
		if s.Scored {
			b.Field(3).(*array.Decimal128Builder).Append(decimal128.FromI64(s.ScoreTenths))
		} else {
			b.Field(3).AppendNull()
		}
		b.Field(4).(*array.StringBuilder).Append(string(s.Status))
	}
	return writeRecord(w, b.NewRecord())
}

func appendDate(b array.Builder, d model.Date) {
	if d == model.NoDate {
		b.AppendNull()
		return
	}
	b.(*array.Date32Builder).Append(arrow.Date32(d))
}

// writeRecord writes one record as a zstd-compressed Parquet file without
// a creation time, so that the same record gives the same bytes.
func writeRecord(w io.Writer, rec arrow.Record) error {
	defer rec.Release()
	// A column's dictionary never gives way to plain pages: arrow would
	// list the two encodings in random order.
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("disclose"),
		parquet.WithDictionaryPageSizeLimit(math.MaxInt64))
	fw, err := pqarrow.NewFileWriter(rec.Schema(), w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	err = fw.Write(rec)
	if cerr := fw.Close(); err == nil {
		err = cerr
	}
	return err
}

// tonightJSON is Tonight as tonight.json keeps it.
type tonightJSON struct {
	AsOf    string  `json:"as_of"`
	Changes Changes `json:"changes"`
}

// EncodeTonight writes what the last night changed as tonight.json keeps it.
func EncodeTonight(t *Tonight) []byte {
	out, _ := json.MarshalIndent(tonightJSON{AsOf: t.AsOf.String(), Changes: t.Changes}, "", "  ")
	return append(out, '\n')
}

// ReadTonight reads tonight.json.
func ReadTonight(b []byte, name string) (*Tonight, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var raw tonightJSON
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, name, err)
	}
	d, err := model.ParseDate(raw.AsOf)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: as_of: %v", ErrDamaged, name, err)
	}
	return &Tonight{AsOf: d, Changes: raw.Changes}, nil
}
