// Package gen writes synthetic snapshots from a seed: skewed provider sizes,
// Chinese names, every table, and a few invalid rows. The same seed gives
// the same bytes. Orders stream to Parquet in batches, so large snapshots
// are practical.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// Options say what to generate.
type Options struct {
	Out       string
	Seed      int64
	Providers int
	Orders    int
	AsOf      model.Date
	Zone      *time.Location
	// Format is how the activity tables are written: "parquet" (the
	// default) or "xlsx" (one workbook per table, local times as text).
	// The reference tables are always in reference.xlsx.
	Format string
	// Layout is how the Parquet files are laid out; the zero value is
	// gen's own (Zstandard, one file per table, 1 Mi rows a row group,
	// money as fixed-length bytes).
	Layout Layout
}

// Layout is how a Parquet snapshot is laid out, so that gen can write the
// files other writers do (Spark, pyarrow) as well as its own.
type Layout struct {
	// Compression of the data pages: "zstd" (the default), "snappy" or
	// "none".
	Compression string
	// Partition is "" or "none" for one orders.parquet, or "month" for
	// orders in hive-style monthly folders, orders/month=YYYY-MM/
	// part-00000.parquet, by the local month of ordered_at (as Spark's
	// partitionBy writes them; the month is in the folder's name only).
	Partition string
	// RowGroupRows is the most rows of a row group (0: 1 Mi rows).
	RowGroupRows int
	// Decimal is how money (DECIMAL(18,2)) is stored: "flba" (the
	// default: FIXED_LEN_BYTE_ARRAY of 8 bytes, as pyarrow, and Spark with
	// spark.sql.parquet.writeLegacyFormat, write it) or "int64" (as Spark
	// writes it by default).
	Decimal string
}

// check says what is wrong with a layout, if anything.
func (l Layout) check() error {
	switch l.Compression {
	case "", "zstd", "snappy", "none":
	default:
		return fmt.Errorf("gen: unknown compression %q (want zstd, snappy or none)", l.Compression)
	}
	switch l.Partition {
	case "", "none", "month":
	default:
		return fmt.Errorf("gen: unknown partitioning %q (want none or month)", l.Partition)
	}
	switch l.Decimal {
	case "", "flba", "int64":
	default:
		return fmt.Errorf("gen: unknown decimal storage %q (want flba or int64)", l.Decimal)
	}
	if l.RowGroupRows < 0 {
		return fmt.Errorf("gen: a row group of %d rows", l.RowGroupRows)
	}
	return nil
}

// props are the writer properties of a layout.
func (l Layout) props() []parquet.WriterProperty {
	codec := compress.Codecs.Zstd
	switch l.Compression {
	case "snappy":
		codec = compress.Codecs.Snappy
	case "none":
		codec = compress.Codecs.Uncompressed
	}
	rows := int64(1 << 20)
	if l.RowGroupRows > 0 {
		rows = int64(l.RowGroupRows)
	}
	return []parquet.WriterProperty{parquet.WithCompression(codec), parquet.WithMaxRowGroupLength(rows),
		parquet.WithStoreDecimalAsInteger(l.Decimal == "int64")}
}

// MaxSheetRows is how many data rows an Excel sheet can hold.
const MaxSheetRows = 1048575

type provider struct {
	id, name, category, status string
	joined                     model.Date
	nameEn                     string
	services                   []string
	weight                     float64
	late                       float64 // share of late deliveries
	answer                     float64 // share of answered test calls
	deliveryDays, responseH    int     // its provider-wide commitments
}

var (
	prefixes   = []string{"天天", "智锐", "数汇", "星图", "越宏", "启思", "云帆", "百川", "恒信", "聚力", "锦程", "鼎新"}
	prefixesEn = []string{"Tiantian", "Zhirui", "Shuhui", "Xingtu", "Yuehong", "Qisi", "Yunfan", "Baichuan", "Hengxin", "Juli", "Jincheng", "Dingxin"}
	suffixes   = []string{"电商服务有限公司", "网络科技有限公司", "数据有限公司", "信息技术有限公司", "营销策划有限公司"}
	suffixesEn = []string{"E-commerce Services Co., Ltd.", "Network Technology Co., Ltd.", "Data Co., Ltd.", "Information Technology Co., Ltd.", "Marketing Co., Ltd."}
	// cities tell apart two providers the draws would give one name, as
	// registered company names are told apart.
	cities   = []string{"杭州", "深圳", "广州", "成都", "武汉", "南京", "西安", "苏州"}
	citiesEn = []string{"Hangzhou", "Shenzhen", "Guangzhou", "Chengdu", "Wuhan", "Nanjing", "Xi'an", "Suzhou"}
	// decisionFacts are the facts a staff decision of each rule states.
	decisionFacts = map[string]string{
		"operating-standards": "服务商未按平台运营规范提供服务，经提醒后仍未整改。",
		"false-advertising":   "服务详情页承诺的效果与实际交付明显不符。",
		"spot-check":          "平台抽检发现服务与描述不符。",
		"privacy":             "服务商留存并向第三方提供了商家店铺的经营数据。",
		"private-dealing":     "服务商引导商家绕开平台私下交易。",
		"fraud":               "服务商虚构交付记录收取服务费。",
	}
	titles = []string{"店铺代运营", "ERP工具", "直播代播", "客服外包", "详情页设计", "运营培训", "投放推广"}
)

// Write generates a snapshot into o.Out.
func Write(o Options) error {
	if o.Providers < 4 || o.Orders < 0 {
		return fmt.Errorf("gen: want at least four providers and no negative order count")
	}
	switch o.Format {
	case "", "parquet":
	case "xlsx":
		if o.Orders > MaxSheetRows-10 {
			return fmt.Errorf("gen: %d orders do not fit an Excel sheet (at most %d rows); write Parquet", o.Orders, MaxSheetRows-10)
		}
	default:
		return fmt.Errorf("gen: unknown format %q (want parquet or xlsx)", o.Format)
	}
	if err := o.Layout.check(); err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	clock := model.NewClock(o.Zone)
	T := clock.Midnight(o.AsOf + 1)
	cats := model.CategoryEnum.Codes
	ps := make([]*provider, o.Providers)
	names := map[string]int{} // how many providers drew a name before
	total := 0.0
	for i := range ps {
		a, b, c := r.IntN(len(prefixes)), r.IntN(len(prefixes)), r.IntN(len(suffixes))
		p := &provider{id: fmt.Sprintf("SP%06d", i+1), category: cats[r.IntN(len(cats))], status: "active",
			name:   prefixes[a] + prefixes[b] + suffixes[c],
			nameEn: prefixesEn[a] + " " + prefixesEn[b] + " " + suffixesEn[c],
			joined: o.AsOf - model.Date(90+r.IntN(900)), weight: math.Pow(float64(i+1), -0.7),
			late: []float64{0.01, 0.03, 0.05, 0.12, 0.35}[r.IntN(5)], answer: []float64{0.99, 0.95, 0.7}[r.IntN(3)],
			deliveryDays: 10 + r.IntN(20), responseH: []int{4, 12, 24, 48}[r.IntN(4)]}
		if i == 0 {
			p.joined = o.AsOf - 90 // joined exactly 90 days before as-of
			p.category = "operations"
		}
		// Two providers that keep their promises badly, so that the
		// lowest grades have someone to show.
		switch i {
		case 4:
			p.late, p.answer = 0.6, 0.6
		case 5:
			p.late, p.answer = 0.95, 0.2
		}
		if k := names[p.name]; k > 0 {
			city := (k - 1) % len(cities)
			p.name = prefixes[a] + prefixes[b] + "（" + cities[city] + "）" + suffixes[c]
			p.nameEn = prefixesEn[a] + " " + prefixesEn[b] + " (" + citiesEn[city] + ") " + suffixesEn[c]
			if k > len(cities) {
				p.name, p.nameEn = p.name+strconv.Itoa(k), p.nameEn+" "+strconv.Itoa(k)
			}
		}
		names[prefixes[a]+prefixes[b]+suffixes[c]]++
		if r.IntN(40) == 0 {
			p.status = "suspended"
		}
		for s := 0; s < 1+r.IntN(3); s++ {
			p.services = append(p.services, fmt.Sprintf("%s-S%d", p.id, s))
		}
		total += p.weight
		ps[i] = p
	}
	cum := make([]float64, len(ps))
	acc := 0.0
	for i, p := range ps {
		acc += p.weight / total
		cum[i] = acc
	}
	pick := func() *provider {
		x := r.Float64()
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return ps[lo]
	}
	if err := writeReference(o, r, ps); err != nil {
		return err
	}
	return writeActivity(o, r, ps, pick, clock, T)
}

func writeReference(o Options, r *rand.Rand, ps []*provider) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := func(name string, header []string, rows [][]any) error {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := f.SetSheetRow(name, "A1", &header); err != nil {
			return err
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				return err
			}
		}
		return nil
	}
	label := func(e *model.Enum, code string) string { return e.Label(code) }
	var prov, svc, com [][]any
	for _, p := range ps {
		prov = append(prov, []any{p.id, p.name, p.nameEn, label(model.CategoryEnum, p.category), "上海",
			p.joined.String(), 10000, label(model.ProviderStatusEnum, p.status)})
		for k, s := range p.services {
			svc = append(svc, []any{s, p.id, titles[r.IntN(len(titles))] + "·" + strconv.Itoa(k), label(model.CategoryEnum, p.category),
				float64(100+r.IntN(20000)) + 0.5, p.joined.String(), "在架"})
		}
		n := len(com)
		com = append(com,
			[]any{fmt.Sprintf("C%d", n+1), p.id, "", "交付时限", p.deliveryDays, p.joined.String(), "", "下单后按约定天数内交付"},
			[]any{fmt.Sprintf("C%d", n+2), p.id, "", "售后首次响应", p.responseH, p.joined.String(), "", "工作时间内尽快响应"},
			[]any{fmt.Sprintf("C%d", n+3), p.id, p.services[0], "售后处理时限", 2 + r.IntN(5), p.joined.String(), "", "按约定工作日内处理完毕"})
	}
	prov = append(prov, []any{"SP-BAD-ENUM", "坏类别", "", "占星", "", o.AsOf.String(), "", "正常"})
	com = append(com, []any{"C-LOOSE", ps[0].id, "", "售后首次响应", 72, ps[0].joined.String(), "", "72小时内响应"},
		// A stricter promise for one service that overlaps the provider-wide
		// one from 60 days before as-of, and a later one overlapping it.
		[]any{"C-SVC-A", ps[1].id, ps[1].services[0], "交付时限", 7, (o.AsOf - 200).String(), "", "本服务7天交付"},
		[]any{"C-SVC-B", ps[1].id, ps[1].services[0], "交付时限", 5, (o.AsOf - 60).String(), "", "本服务5天交付"})
	var cal [][]any
	for d := o.AsOf - 120; d <= o.AsOf; d++ {
		if r.IntN(30) == 0 {
			cal = append(cal, []any{d.String(), d.Weekday() == time.Saturday || d.Weekday() == time.Sunday})
		}
	}
	steps := []struct {
		name   string
		header []string
		rows   [][]any
	}{
		{"providers", []string{"provider_id", "name", "name_en", "category", "region", "joined_on", "deposit", "status"}, prov},
		{"services", []string{"service_id", "provider_id", "title", "category", "price", "listed_on", "state"}, svc},
		{"commitments", []string{"commitment_id", "provider_id", "service_id", "kind", "target", "effective_from", "effective_to", "text"}, com},
		{"calendar", []string{"day", "working"}, cal},
	}
	for _, s := range steps {
		if err := sheet(s.name, s.header, s.rows); err != nil {
			return fmt.Errorf("gen: reference.xlsx: %w", err)
		}
	}
	f.DeleteSheet("Sheet1")
	if err := f.SaveAs(filepath.Join(o.Out, "reference.xlsx")); err != nil {
		return fmt.Errorf("gen: reference.xlsx: %w", err)
	}
	meta := fmt.Sprintf("{\"as_of\": %q, \"timezone\": %q, \"platform\": \"示例服务市场\"}\n", o.AsOf.String(), o.Zone.String())
	return os.WriteFile(filepath.Join(o.Out, "snapshot.json"), []byte(meta), 0o644)
}

// sink takes the rows of one activity table.
type sink interface {
	row(vals ...any) error
	close() error
}

// newSink opens the activity table name in o's format.
func newSink(o Options, name string, fields []arrow.Field) (sink, error) {
	if o.Format == "xlsx" {
		return newSheet(filepath.Join(o.Out, name+".xlsx"), name, fields, o.Zone)
	}
	if name == "orders" && o.Layout.Partition == "month" {
		return &months{dir: filepath.Join(o.Out, name), name: name, fields: fields, layout: o.Layout, zone: o.Zone, parts: map[string]*table{}}, nil
	}
	t, err := newTable(filepath.Join(o.Out, name+".parquet"), name, fields, o.Layout)
	if err != nil {
		return nil, fmt.Errorf("gen: %s: %w", name, err)
	}
	return t, nil
}

// table streams rows of one Parquet file.
type table struct {
	path string
	b    *array.RecordBuilder
	w    *pqarrow.FileWriter
	f    *os.File
	n    int
}

// writerProps keeps every column chunk of a generated table to one
// encoding of its data pages. Arrow lists a chunk's page encodings in the
// order of a Go map, which varies from run to run, so a chunk whose
// dictionary outgrew its limit and went on in plain pages would not give
// the same bytes twice. Strings that repeat (providers, services, states)
// get a dictionary that is never given up; ids that do not repeat,
// numbers and instants are plain from the start.
func writerProps(table string, fields []arrow.Field) []parquet.WriterProperty {
	props := []parquet.WriterProperty{parquet.WithDictionaryDefault(false), parquet.WithDictionaryPageSizeLimit(math.MaxInt64)}
	for _, f := range fields {
		if f.Type.ID() == arrow.STRING && !slices.Contains(uniqueColumns(table), f.Name) {
			props = append(props, parquet.WithDictionaryFor(f.Name, true))
		}
	}
	return props
}

// uniqueColumns are the string columns of a generated table whose values
// are (nearly) all different.
func uniqueColumns(table string) []string {
	switch table {
	case "orders":
		return []string{"order_id"}
	case "tickets":
		return []string{"ticket_id", "order_id"}
	case "complaints":
		return []string{"complaint_id", "order_id"}
	case "contact_checks":
		return []string{"check_id"}
	}
	return nil
}

func newTable(path, name string, fields []arrow.Field, l Layout) (*table, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	sc := arrow.NewSchema(fields, nil)
	props := parquet.NewWriterProperties(append(append(writerProps(name, fields), l.props()...),
		parquet.WithCreatedBy("disclose gen"))...)
	w, err := pqarrow.NewFileWriter(sc, f, props, pqarrow.NewArrowWriterProperties())
	if err != nil {
		f.Close()
		return nil, err
	}
	return &table{path: path, b: array.NewRecordBuilder(memory.DefaultAllocator, sc), w: w, f: f}, nil
}

func (t *table) row(vals ...any) error {
	for i, v := range vals {
		fb := t.b.Field(i)
		if v == nil {
			fb.AppendNull()
			continue
		}
		switch b := fb.(type) {
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(model.Instant)))
		case *array.Decimal128Builder:
			b.Append(decimal128.FromI64(int64(v.(model.Fen))))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Date32Builder:
			b.Append(arrow.Date32(v.(model.Date)))
		case *array.Int64Builder:
			b.Append(v.(int64))
		}
	}
	t.n++
	if t.n%65536 == 0 {
		return t.flush()
	}
	return nil
}

func (t *table) flush() error {
	rec := t.b.NewRecord()
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	return t.w.WriteBuffered(rec)
}

func (t *table) close() error {
	err := t.flush()
	if e := t.w.Close(); err == nil {
		err = e
	}
	t.b.Release()
	if err != nil {
		return fmt.Errorf("gen: %s: %w", t.path, err)
	}
	return nil
}

// months streams the rows of a table into one Parquet file per local
// month of its first instant column (ordered_at), each in a hive-style
// folder month=YYYY-MM, opened when the month's first row comes.
type months struct {
	dir, name string
	fields    []arrow.Field
	layout    Layout
	zone      *time.Location
	parts     map[string]*table
	keys      []string // the months in the order their first rows came
}

func (m *months) row(vals ...any) error {
	month := "unknown"
	for i, f := range m.fields {
		if at, ok := vals[i].(model.Instant); ok && f.Type.ID() == arrow.TIMESTAMP {
			month = time.UnixMicro(int64(at)).In(m.zone).Format("2006-01")
			break
		}
	}
	t := m.parts[month]
	if t == nil {
		dir := filepath.Join(m.dir, "month="+month)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		var err error
		if t, err = newTable(filepath.Join(dir, "part-00000.parquet"), m.name, m.fields, m.layout); err != nil {
			return fmt.Errorf("gen: %s: %w", m.name, err)
		}
		m.parts[month] = t
		m.keys = append(m.keys, month)
	}
	return t.row(vals...)
}

func (m *months) close() error {
	var err error
	for _, k := range m.keys {
		if e := m.parts[k].close(); err == nil {
			err = e
		}
	}
	return err
}

var (
	tsUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	money = &arrow.Decimal128Type{Precision: 18, Scale: 2}
	str   = arrow.BinaryTypes.String
)

func fields(spec ...any) []arrow.Field {
	var fs []arrow.Field
	for i := 0; i < len(spec); i += 2 {
		fs = append(fs, arrow.Field{Name: spec[i].(string), Type: spec[i+1].(arrow.DataType), Nullable: true})
	}
	return fs
}

func writeActivity(o Options, r *rand.Rand, ps []*provider, pick func() *provider, clock *model.Clock, T model.Instant) error {
	orders, err := newSink(o, "orders", fields("order_id", str, "provider_id", str, "service_id", str,
		"merchant_id", str, "ordered_at", tsUTC, "amount", money, "promised_by", tsUTC, "delivered_at", tsUTC, "status", str))
	if err != nil {
		return err
	}
	tickets, err := newSink(o, "tickets", fields("ticket_id", str, "order_id", str, "opened_at", tsUTC,
		"first_response_at", tsUTC, "resolved_at", tsUTC, "kind", str))
	if err != nil {
		return err
	}
	complaints, err := newSink(o, "complaints", fields("complaint_id", str, "provider_id", str, "order_id", str,
		"filed_at", tsUTC, "category", str, "status", str, "decided_at", tsUTC, "summary", str))
	if err != nil {
		return err
	}
	span := int64(400) * model.MicrosPerDay
	start := T - model.Instant(span)
	day := model.Instant(model.MicrosPerDay)
	hour := model.Instant(model.MicrosPerHour)
	cats := model.ComplaintCategoryEnum.Codes
	// since moves an instant of the span [start, T) into the part of it
	// after the provider joined, keeping its place in proportion: no
	// provider has activity from before it joined.
	since := func(p *provider, at model.Instant) model.Instant {
		joined := clock.Midnight(p.joined)
		if joined <= start {
			return at
		}
		return joined + model.Instant(float64(at-start)/float64(span)*float64(T-joined))
	}
	for i := 0; i < o.Orders; i++ {
		p := pick()
		id := fmt.Sprintf("O%d", i+1)
		at := since(p, start+model.Instant(r.Int64N(span)))
		status := "delivered"
		var promised, delivered any
		if r.IntN(10) == 0 {
			promised = at + model.Instant(5+r.IntN(20))*day
		}
		lateness := model.Instant(r.Int64N(int64(8 * day)))
		if r.Float64() < p.late {
			lateness = model.Instant(int64(35*day) + r.Int64N(int64(10*day)))
		}
		if d := at + lateness; d < T {
			delivered = d
		} else {
			status = "paid"
		}
		switch x := r.IntN(50); {
		case x == 0:
			status, delivered = "cancelled", nil
		case x == 1:
			status, delivered = "refunded", nil
		}
		svc := p.services[r.IntN(len(p.services))]
		if err := orders.row(id, p.id, svc, fmt.Sprintf("M%d", r.IntN(50000)), at, model.Fen(1000+r.IntN(500000)), promised, delivered, status); err != nil {
			return err
		}
		if r.IntN(9) == 0 {
			opened := at + model.Instant(r.Int64N(int64(20*day)))
			if opened < T {
				var resp, res any
				if x := opened + model.Instant(r.Int64N(int64([]model.Instant{3 * hour, 3 * hour, 3 * hour, 60 * hour}[r.IntN(4)]))); x < T {
					resp = x
				}
				if x := opened + model.Instant(r.Int64N(int64([]model.Instant{2 * day, 2 * day, 9 * day}[r.IntN(3)]))); x < T {
					res = x
				}
				if err := tickets.row("TK"+id[1:], id, opened, resp, res, []string{"refund", "quality", "other"}[r.IntN(3)]); err != nil {
					return err
				}
			}
		}
		if r.IntN(120) == 0 {
			filed := at + model.Instant(r.Int64N(int64(30*day)))
			if filed < T-model.Instant(2*day) {
				status := []string{"upheld", "rejected", "pending", "withdrawn"}[r.IntN(4)]
				var decided any
				if status == "upheld" || status == "rejected" {
					decided = filed + model.Instant(r.Int64N(int64(2*day)))
				}
				if err := complaints.row("Q"+id[1:], p.id, id, filed, cats[r.IntN(len(cats))], status, decided, "商家反映的情况（不公开）"); err != nil {
					return err
				}
			}
		}
	}
	// The edge cases the rules turn on: a delivery on time to the second
	// and one a second late against a service's own promise; an order and a
	// ticket at 23:59:59 local; a first reply exactly at its deadline; an
	// upheld complaint overturned on appeal.
	e := ps[1]
	at := T - model.Instant(20*day) + 10*hour
	due := at + model.Instant(5*day)
	sec := model.Instant(model.MicrosPerSecond)
	edge := []error{
		orders.row("O-EDGE-ONTIME", e.id, e.services[0], "M1", at, model.Fen(9900), nil, due, "delivered"),
		orders.row("O-EDGE-LATE", e.id, e.services[0], "M1", at, model.Fen(9900), nil, due+sec, "delivered"),
		orders.row("O-EDGE-MIDNIGHT", e.id, e.services[0], "M1", T-model.Instant(15*day)-sec, model.Fen(9900), nil, nil, "paid"),
		tickets.row("TK-EDGE-MIDNIGHT", "O-EDGE-ONTIME", T-model.Instant(10*day)-sec, T-model.Instant(10*day)-sec+model.Instant(e.responseH)*hour, nil, "quality"),
		complaints.row("Q-EDGE-OVERTURNED", e.id, "O-EDGE-LATE", T-model.Instant(12*day), "privacy_breach", "upheld", T-model.Instant(11*day), "（不公开）"),
	}
	for _, err := range edge {
		if err != nil {
			return err
		}
	}
	// A few invalid rows of common kinds.
	last := T - model.Instant(3*day)
	orders.row("O-BAD-SERVICE", ps[0].id, "NO-SUCH-SERVICE", "M1", last, model.Fen(100), nil, nil, "paid")
	orders.row("O-BAD-FUTURE", ps[0].id, ps[0].services[0], "M1", T+hour, model.Fen(100), nil, nil, "paid")
	tickets.row("TK-BAD-ORDER", "NO-SUCH-ORDER", last, nil, nil, "other")
	for _, t := range []sink{orders, tickets, complaints} {
		if err := t.close(); err != nil {
			return err
		}
	}
	checks, err := newSink(o, "contact_checks", fields("check_id", str, "provider_id", str, "called_at", tsUTC, "answered", arrow.FixedWidthTypes.Boolean))
	if err != nil {
		return err
	}
	gmv, err := newSink(o, "shop_gmv", fields("provider_id", str, "day", arrow.FixedWidthTypes.Date32, "gmv", money))
	if err != nil {
		return err
	}
	// Runs of three unanswered test calls whose first and third are exactly
	// 24 h apart (an incident) and 24 h + 1 s apart (none), with no other
	// call of those providers in between.
	runAt := T - model.Instant(30*day)
	runs := map[*provider]model.Instant{ps[2]: 0, ps[3]: sec}
	n := 0
	for _, p := range ps {
		if extra, ok := runs[p]; ok {
			for k, t := range []model.Instant{runAt, runAt + 12*hour, runAt + 24*hour + extra} {
				if err := checks.row(fmt.Sprintf("K-EDGE-%s-%d", p.id, k+1), p.id, t, false); err != nil {
					return err
				}
			}
		}
		for at := since(p, start) + model.Instant(r.Int64N(int64(3*day))); at < T; at += model.Instant(int64(2*day) + r.Int64N(int64(3*day))) {
			if _, ok := runs[p]; ok && at > runAt-model.Instant(2*day) && at < runAt+model.Instant(2*day) {
				continue
			}
			n++
			if err := checks.row(fmt.Sprintf("K%d", n), p.id, at, r.Float64() < p.answer); err != nil {
				return err
			}
		}
		if p.category == "operations" {
			quiet := r.IntN(5) == 0
			for d := max(o.AsOf-120, p.joined); d <= o.AsOf; d++ {
				v := model.Fen(r.IntN(3000000))
				if quiet {
					v = 0
				}
				if err := gmv.row(p.id, d, v); err != nil {
					return err
				}
			}
		}
	}
	for _, t := range []sink{checks, gmv} {
		if err := t.close(); err != nil {
			return err
		}
	}
	decisions, err := newSink(o, "decisions", fields("decision_id", str, "provider_id", str, "rule_id", str,
		"decided_at", tsUTC, "measure", str, "points", arrow.PrimitiveTypes.Int64, "deduction", money, "facts", str))
	if err != nil {
		return err
	}
	appeals, err := newSink(o, "appeals", fields("appeal_id", str, "provider_id", str, "subject_kind", str,
		"subject_id", str, "filed_at", tsUTC, "decided_at", tsUTC, "outcome", str))
	if err != nil {
		return err
	}
	rules := []string{"operating-standards", "false-advertising", "spot-check", "privacy", "private-dealing", "fraud"}
	measures := []string{"warning", "hidden", "delisted", "disabled", "suspension"}
	for i := 0; i < max(2, len(ps)/20); i++ {
		p := ps[r.IntN(len(ps))]
		at := since(p, T-model.Instant(int64(day)+r.Int64N(int64(300*day))))
		id := fmt.Sprintf("D%d", i+1)
		rule := rules[r.IntN(len(rules))]
		decisions.row(id, p.id, rule, at, measures[r.IntN(len(measures))], int64(2*r.IntN(7)), nil, decisionFacts[rule])
		if i%3 == 0 {
			decided := at + model.Instant(5*day)
			if decided < T {
				appeals.row(fmt.Sprintf("A%d", i+1), p.id, "decision", id, at+day, decided, "overturned")
			}
		}
	}
	if err := appeals.row("A-EDGE", e.id, "complaint", "Q-EDGE-OVERTURNED", T-model.Instant(10*day), T-model.Instant(5*day), "overturned"); err != nil {
		return err
	}
	for _, t := range []sink{decisions, appeals} {
		if err := t.close(); err != nil {
			return err
		}
	}
	return nil
}
