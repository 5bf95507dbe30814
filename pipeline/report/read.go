package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// ReadParquet reads back a table WriteParquet wrote, taking the columns
// named in cols (by name, each of its kind's type); a column the file lacks
// is an error.
func ReadParquet(path string, cols []Col) (t *Table, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: %v", path, r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		fi := sc.FieldIndices(c.Name)
		if len(fi) == 0 {
			return nil, fmt.Errorf("read %s: no column %s", path, c.Name)
		}
		if got, want := sc.Field(fi[0]).Type, arrowType(c.Kind); !arrow.TypeEqual(got, want) {
			return nil, fmt.Errorf("read %s: column %s is %s, want %s", path, c.Name, got, want)
		}
		idx[i] = fi[0]
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	t = &Table{Name: strings.TrimSuffix(filepath.Base(path), ".parquet"), Cols: cols}
	for rr.Next() {
		rec := rr.Record()
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]Value, len(cols))
			for i, c := range cols {
				a := rec.Column(idx[i])
				if a.IsNull(r) {
					row[i] = null()
					continue
				}
				switch c.Kind {
				case KInt:
					row[i] = num(a.(*array.Int64).Value(r))
				case KMoney, KScore:
					row[i] = num(int64(a.(*array.Decimal128).Value(r).LowBits()))
				case KDate:
					row[i] = date(model.Date(a.(*array.Date32).Value(r)))
				case KRate, KDecimal, KNumber:
					row[i] = dec(a.(*array.Float64).Value(r))
				case KBool:
					row[i] = boolean(a.(*array.Boolean).Value(r))
				default:
					row[i] = txt(a.(*array.String).Value(r))
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return t, nil
}

// Schema lists every download table with its columns (and no rows), as a
// build with this rule book writes them: named (orders_90 under a 90-day
// window), without the words.
func Schema(book *rulebook.Book) []*Table {
	in := &Input{Book: book}
	ts := append(tables(in, &words{}), HistoryTable(in))
	for _, t := range ts {
		for i := range t.Cols {
			t.Cols[i].Name = ColumnName(book, t.Cols[i].Name, t.Cols[i].params)
		}
	}
	return ts
}

// ColumnName is the name of a column declared as name, which may hold
// {rates_days} or {points_days} (orders_{rates_days}), under the rule book
// b; extra are the column's own {param}s. A name with no {param} is itself.
func ColumnName(b *rulebook.Book, name string, extra map[string]string) string {
	p := params{"rates_days": strconv.Itoa(b.Windows.RatesDays), "points_days": strconv.Itoa(b.Windows.PointsDays)}
	s, err := p.with(extra).expand(name)
	if err != nil {
		return name
	}
	return s
}

// Published is what a build's downloads hold of its ledger.
type Published struct {
	Ledger   *ledger.Ledger
	Log      *record.Log // log.jsonl
	Manifest []byte      // downloads/manifest.json
}

// ReadPublished reads the ledger back from a published downloads folder:
// every notice ever issued (notices.parquet), every provider's grade in
// every build (history.parquet), the builds (releases.json, and the
// manifest's own hash for the newest). The files are checked against
// SHA256SUMS first.
func ReadPublished(dir string) (*Published, error) {
	files := []string{"notices.parquet", "history.parquet", "releases.json", "manifest.json", "log.jsonl"}
	if err := checkSums(dir, files); err != nil {
		return nil, err
	}
	nt, err := ReadParquet(filepath.Join(dir, "notices.parquet"), noticesTable(&Input{}, newIndex(&Input{})).Cols)
	if err != nil {
		return nil, err
	}
	l := &ledger.Ledger{}
	l.Notices = NoticesOf(nt)
	// notices.csv lists the newest first; the ledger keeps them by issue date and id.
	ledger.Sort(l.Notices)
	ht, err := ReadParquet(filepath.Join(dir, "history.parquet"), HistoryTable(&Input{}).Cols)
	if err != nil {
		return nil, err
	}
	for _, row := range ht.Rows {
		s := ledger.Score{ProviderID: row[0].S, AsOf: model.Date(row[1].I), Grade: row[2].S, Status: model.ProviderStatus(row[4].S)}
		if !row[3].Null {
			s.Scored, s.ScoreTenths = true, row[3].I
		}
		l.Scores = append(l.Scores, s)
	}
	ledger.SortScores(l.Scores)
	man, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var rel struct {
		Builds []release `json:"builds"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "releases.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &rel); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, "releases.json"), err)
	}
	var m Manifest
	if err := json.Unmarshal(man, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	sum := sha256.Sum256(man)
	for i := len(rel.Builds) - 1; i >= 0; i-- {
		r := rel.Builds[i]
		d, err := model.ParseDate(r.AsOf)
		if err != nil {
			return nil, fmt.Errorf("read %s: build %s: %w", filepath.Join(dir, "releases.json"), r.AsOf, err)
		}
		bd := ledger.Build{AsOf: d, ToolVersion: r.ToolVersion, RulebookVersion: r.RulebookVersion}
		switch {
		case r.ManifestSHA256 != nil:
			bd.ManifestSHA256 = *r.ManifestSHA256
		case r.AsOf == m.AsOf:
			bd.ManifestSHA256 = hex.EncodeToString(sum[:])
		}
		l.Builds = append(l.Builds, bd)
	}
	lb, err := os.ReadFile(filepath.Join(dir, "log.jsonl"))
	if err != nil {
		return nil, err
	}
	log, err := record.Decode(lb, filepath.Join(dir, "log.jsonl"))
	if err != nil {
		return nil, err
	}
	return &Published{Ledger: l, Log: log, Manifest: man}, nil
}

// NoticesOf turns the rows of a notices table read back (ReadParquet)
// into notices.
func NoticesOf(t *Table) []model.Notice {
	out := make([]model.Notice, 0, len(t.Rows))
	for _, row := range t.Rows {
		out = append(out, noticeOf(t, row))
	}
	return out
}

// noticeOf turns a row of the notices table back into a notice.
func noticeOf(t *Table, row []Value) model.Notice {
	col := map[string]Value{}
	for i, c := range t.Cols {
		col[c.Name] = row[i]
	}
	d := func(name string) model.Date {
		if col[name].Null {
			return model.NoDate
		}
		return model.Date(col[name].I)
	}
	i := func(name string) *int64 {
		if col[name].Null {
			return nil
		}
		v := col[name].I
		return &v
	}
	f := func(name string) *float64 {
		if col[name].Null {
			return nil
		}
		v := col[name].F
		return &v
	}
	m := func(name string) *model.Fen {
		if col[name].Null {
			return nil
		}
		v := model.Fen(col[name].I)
		return &v
	}
	n := model.Notice{ID: col["notice_id"].S, ProviderID: col["provider_id"].S, RuleID: col["rule_id"].S,
		RuleVersion: col["rule_version"].S, Measure: model.Measure(col["measure"].S), IssuedOn: d("issued_on"),
		EffectiveUntil: d("effective_until"), AppealBy: d("appeal_by"), Status: col["status"].S,
		RescindedOn: d("rescinded_on"), RescindReason: col["rescind_reason"].S, FactsZh: col["facts_zh"].S,
		FactsEn: col["facts_en"].S, ProviderName: col["provider_name"].S, ProviderCategory: col["provider_category"].S,
		Origin: col["origin"].S, Continues: col["continues"].S,
		Figures: model.Figures{WindowFrom: d("window_from"), WindowTo: d("window_to"), Items: i("items"), OnTime: i("on_time"),
			Threshold: f("threshold"), Points: i("points"), PointsLevel: i("points_level"), Deduction: m("deduction"), GMV: m("gmv")}}
	if b := col["basis"].S; b != "" {
		n.Basis = strings.Split(b, ";")
	}
	n.Key = ledger.KeyOf(&n)
	return n
}

// checkSums checks the named files of dir against its SHA256SUMS.
func checkSums(dir string, names []string) error {
	b, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if sum, name, ok := strings.Cut(line, "  "); ok {
			want[name] = sum
		}
	}
	for _, name := range names {
		s, err := Sum(filepath.Join(dir, name), name)
		if err != nil {
			return fmt.Errorf("read %s: %w", dir, err)
		}
		if w, ok := want[name]; !ok || w != s.SHA256 {
			return fmt.Errorf("read %s: %s does not match SHA256SUMS", dir, name)
		}
	}
	return nil
}
