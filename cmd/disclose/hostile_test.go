package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/site"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// The hostile inputs of an export: values and shapes no rule allows, as a
// careless or hostile exporter would write them. Each case adds its
// hostile file to a small valid snapshot (reference tables in a workbook,
// activity tables in Parquet, both written here), builds it with the real
// command in a child process, and wants the row quarantined with its
// reason, or the snapshot refused naming the file and the column, with
// every published figure as it is without the hostile rows, and the
// process within a memory and time ceiling.

// The ceilings of one build of a small snapshot: a build of the base takes
// about 0.5 s and 60 MB here; the cases this guards against took 1.2 to 17
// GB and up to 34 s.
const (
	maxBuildRSS  = 300 << 20
	maxBuildTime = 15 * time.Second
)

// col is a Parquet column written by the tests: its name, type, and one
// value per row (nil for null).
type col struct {
	name string
	typ  arrow.DataType
	vals []any
}

// writeParquetTable writes columns as one Parquet file.
func writeParquetTable(t *testing.T, path string, cols ...col) {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	sc := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i, c := range cols {
		for _, v := range c.vals {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.Append(v.(string))
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.Uint64Builder:
				fb.Append(v.(uint64))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.Decimal128Builder:
				fb.Append(decimal128.FromI64(v.(int64)))
			case *array.Date32Builder:
				fb.Append(arrow.Date32FromTime(v.(time.Time)))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
			default:
				t.Fatalf("column %s: no writer for %T", c.name, fb)
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(sc, f, parquet.NewWriterProperties(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

var (
	str     = arrow.BinaryTypes.String
	i64     = arrow.PrimitiveTypes.Int64
	u64     = arrow.PrimitiveTypes.Uint64
	yuan    = &arrow.Decimal128Type{Precision: 18, Scale: 2}
	instant = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	day     = arrow.FixedWidthTypes.Date32
	boolean = arrow.FixedWidthTypes.Boolean
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return tm
}

// sheets is a workbook's content: sheet name, then rows of cells.
type sheets []struct {
	name string
	rows [][]any
}

// referenceSheets are the base snapshot's reference tables. Dates are date
// cells (serial numbers), so that the workbook's date system matters.
func referenceSheets() sheets {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	return sheets{
		{"providers", [][]any{
			{"provider_id", "name", "name_en", "category", "joined_on", "deposit", "status"},
			{"P1", "甲数据服务", "Jia Data", "营销推广", d("2024-01-01"), 10000, "正常"},
			{"P2", "乙软件", "Yi Software", "software", d("2024-03-01"), 20000, "active"},
			{"P3", "丙代运营", "Bing Ops", "operations", d("2025-06-01"), 5000, "active"},
		}},
		{"services", [][]any{
			{"service_id", "provider_id", "title", "price", "listed_on", "state"},
			{"S1", "P1", "投放托管", 1999, d("2024-01-02"), "在架"},
			{"S2", "P2", "ERP", 800, d("2024-03-02"), "on_shelf"},
			{"S3", "P3", "店铺代运营", 3000, d("2025-06-01"), "on_shelf"},
		}},
		{"commitments", [][]any{
			{"commitment_id", "provider_id", "service_id", "kind", "target", "effective_from", "text"},
			{"C1", "P1", "S1", "delivery_days", 3, d("2024-01-02"), "三天交付"},
			{"C2", "P2", "", "first_response_hours", 8, d("2024-03-01"), "8小时内响应"},
		}},
		{"complaints", [][]any{
			{"complaint_id", "provider_id", "order_id", "filed_at", "category", "status", "decided_at", "summary"},
			{"Q1", "P2", "O2-1", at("2025-05-01 10:00"), "poor_quality", "upheld", at("2025-05-10 10:00"), "私密"},
			{"Q2", "P1", "", at("2025-05-03 10:00"), "other", "pending", nil, ""},
		}},
	}
}

// writeWorkbook writes sheets as a workbook, in the 1904 date system when
// asked.
func writeWorkbook(t *testing.T, path string, content sheets, date1904 bool) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	for i, s := range content {
		if i == 0 {
			f.SetSheetName("Sheet1", s.name)
		} else {
			f.NewSheet(s.name)
		}
		for r, row := range s.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if v == nil {
					continue
				}
				if err := f.SetCellValue(s.name, cell, v); err != nil {
					t.Fatal(err)
				}
				if _, ok := v.(time.Time); ok {
					f.SetCellStyle(s.name, cell, cell, dateStyle)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// writeBase writes the base snapshot into dir: three providers, one with
// a demotion in force from 24 points of staff decisions and a deposit
// deduction, one with an upheld complaint and an unreachable service line.
func writeBase(t *testing.T, dir string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": "2025-06-30", "timezone": "Asia/Shanghai", "platform": "test"}`), 0o644)
	writeWorkbook(t, filepath.Join(dir, "reference.xlsx"), referenceSheets(), false)
	var id, prov, svc, status []any
	var ordered, delivered, amount []any
	for _, pn := range []struct {
		p string
		n int
	}{{"P1", 30}, {"P2", 25}} {
		p, n := pn.p, pn.n
		for i := 1; i <= n; i++ {
			id = append(id, fmt.Sprintf("O%s-%d", p[1:], i))
			prov = append(prov, p)
			svc = append(svc, "S"+p[1:])
			o := at("2025-05-01 10:00").Add(time.Duration(i) * 24 * time.Hour)
			ordered = append(ordered, o)
			late := time.Duration(i%7) * 24 * time.Hour // a few past the 3-day promise
			delivered = append(delivered, o.Add(late))
			amount = append(amount, int64(10000+i))
			status = append(status, "delivered")
		}
	}
	writeOrders(t, filepath.Join(dir, "orders", "part-0.parquet"), id, prov, svc, ordered, amount, delivered, status)
	writeParquetTable(t, filepath.Join(dir, "tickets.parquet"),
		col{"ticket_id", str, []any{"T1", "T2", "T3"}}, col{"order_id", str, []any{"O1-1", "O2-1", "O2-2"}},
		col{"opened_at", instant, []any{at("2025-05-05 10:00"), at("2025-05-05 10:00"), at("2025-05-06 10:00")}},
		col{"first_response_at", instant, []any{at("2025-05-05 11:00"), at("2025-05-06 10:00"), nil}},
		col{"resolved_at", instant, []any{at("2025-05-06 10:00"), nil, nil}})
	writeParquetTable(t, filepath.Join(dir, "contact_checks.parquet"),
		col{"check_id", str, []any{"K1", "K2", "K3", "K4"}}, col{"provider_id", str, []any{"P2", "P2", "P2", "P1"}},
		col{"called_at", instant, []any{at("2025-06-01 10:00"), at("2025-06-01 11:00"), at("2025-06-01 12:00"), at("2025-06-01 12:00")}},
		col{"answered", boolean, []any{false, false, false, true}})
	writeDecisions(t, filepath.Join(dir, "decisions", "part-0.parquet"),
		[]any{"D1", "D2"}, []any{"P1", "P1"}, []any{at("2025-06-10 10:00"), at("2025-06-12 10:00")},
		[]any{"warning", "deposit_deduction"}, []any{int64(12), int64(12)}, []any{nil, int64(30000)}, []any{"抽检不符", "再次抽检不符"})
	writeParquetTable(t, filepath.Join(dir, "shop_gmv.parquet"),
		col{"provider_id", str, []any{"P3", "P3"}}, col{"day", day, []any{at("2025-06-10 00:00"), at("2025-06-11 00:00")}},
		col{"gmv", yuan, []any{int64(500000), int64(700000)}})
}

func writeOrders(t *testing.T, path string, id, prov, svc, ordered, amount, delivered, status []any) {
	t.Helper()
	writeParquetTable(t, path, col{"order_id", str, id}, col{"provider_id", str, prov}, col{"service_id", str, svc},
		col{"ordered_at", instant, ordered}, col{"amount", yuan, amount}, col{"delivered_at", instant, delivered}, col{"status", str, status})
}

func writeDecisions(t *testing.T, path string, id, prov, decided, measure, points, deduction, facts []any) {
	t.Helper()
	rules := make([]any, len(id))
	for i := range rules {
		rules[i] = "spot-check"
	}
	writeParquetTable(t, path, col{"decision_id", str, id}, col{"provider_id", str, prov}, col{"rule_id", str, rules},
		col{"decided_at", instant, decided}, col{"measure", str, measure}, col{"points", i64, points},
		col{"deduction", yuan, deduction}, col{"facts", str, facts})
}

// measured is one build in a child process: exit status, output, peak
// resident memory and wall time.
type measured struct {
	code int
	out  string
	rss  int64
	wall time.Duration
}

// buildChild runs `disclose build` on a snapshot in a child process (the
// test binary, see TestMain), into out, with the quarantine beside it.
func buildChild(t *testing.T, snap, out string) measured {
	t.Helper()
	cmd := child("", "build", "--snapshot", snap, "--out", out, "--quarantine", out+".quarantine.csv",
		"--max-reject", "100%", "--quiet", "--jobs", "2")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(4 * maxBuildTime):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the build ran for more than %v", 4*maxBuildTime)
	}
	c := measured{code: cmd.ProcessState.ExitCode(), out: buf.String(), wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return c
}

// published reads the figures a build published: every download table but
// the manifest's, which names the inputs.
func published(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, name := range []string{"providers.csv", "notices.csv", "violations.csv", "commitments.csv"} {
		b, err := os.ReadFile(filepath.Join(out, "downloads", name))
		if err != nil {
			t.Fatal(err)
		}
		got[name] = string(b)
	}
	return got
}

// quarantined reads a quarantine as "table reason" lines, one per row.
func quarantined(t *testing.T, path string) []string {
	t.Helper()
	var lines []string
	for _, r := range readCSV(t, path) {
		lines = append(lines, r["table"]+" "+r["reason"])
	}
	return lines
}

// A hostile case: what it adds to the base snapshot (hostile), what the
// base needs to publish the same figures when the case's rows are valid
// after all (same, nil for none), and what it wants: the rows
// quarantined ("table reason", in the quarantine's order), or the
// refusal's words.
type hostileCase struct {
	name    string
	hostile func(t *testing.T, dir string)
	same    func(t *testing.T, dir string)
	want    []string // quarantined rows
	refused []string // words of the refusal (exit 3)
	check   func(t *testing.T, out string)
}

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds in child processes")
	}
	outside := t.TempDir()
	cases := []hostileCase{
		{name: "negative, huge and wrapping points and deductions",
			hostile: func(t *testing.T, dir string) {
				writeDecisions(t, filepath.Join(dir, "decisions", "part-1.parquet"),
					[]any{"D7", "D8", "D9", "D10"}, []any{"P1", "P1", "P1", "P1"},
					[]any{at("2025-06-20 10:00"), at("2025-06-20 10:00"), at("2025-06-20 10:00"), at("2025-06-20 10:00")},
					[]any{"warning", "warning", "warning", "deposit_deduction"},
					[]any{int64(-1000), int64(math.MaxInt64), int64(math.MaxInt64), int64(0)},
					[]any{nil, nil, nil, int64(-9999900)}, []any{"", "", "", ""})
			},
			want: []string{"decisions invalid_value", "decisions invalid_value", "decisions invalid_value", "decisions invalid_value"}},
		{name: "UINT64 ids and amounts above 2^63",
			hostile: func(t *testing.T, dir string) {
				writeParquetTable(t, filepath.Join(dir, "orders", "part-1.parquet"),
					col{"order_id", u64, []any{uint64(1<<63 + 1), uint64(1<<63 + 2), uint64(1<<63 + 3)}},
					col{"provider_id", str, []any{"P1", "P1", "P1"}}, col{"service_id", str, []any{"S1", "S1", "S1"}},
					col{"ordered_at", instant, []any{at("2025-06-01 10:00"), at("2025-06-01 10:00"), at("2025-06-01 10:00")}},
					col{"amount", u64, []any{uint64(100), uint64(200), uint64(1<<64 - 1)}},
					col{"delivered_at", instant, []any{at("2025-06-02 10:00"), at("2025-06-02 10:00"), nil}},
					col{"status", str, []any{"delivered", "delivered", "paid"}})
			},
			same: func(t *testing.T, dir string) { // the two valid orders, with their ids as text
				writeOrders(t, filepath.Join(dir, "orders", "part-1.parquet"), []any{"9223372036854775809", "9223372036854775810"},
					[]any{"P1", "P1"}, []any{"S1", "S1"}, []any{at("2025-06-01 10:00"), at("2025-06-01 10:00")}, []any{int64(10000), int64(20000)},
					[]any{at("2025-06-02 10:00"), at("2025-06-02 10:00")}, []any{"delivered", "delivered"})
			},
			want: []string{"orders invalid_value"}},
		{name: "a workbook in the 1904 date system",
			hostile: func(t *testing.T, dir string) {
				writeWorkbook(t, filepath.Join(dir, "reference.xlsx"), referenceSheets(), true)
			},
			check: func(t *testing.T, out string) {
				b := readFile(t, filepath.Join(out, "downloads", "commitments.csv"))
				if !strings.Contains(string(b), "2024-01-02") {
					t.Errorf("commitments.csv lacks C1's effective_from 2024-01-02:\n%s", b)
				}
				// Read as the 1900 system, the same serials put every date
				// four years early, and the figures move: the case is one.
				dir := filepath.Join(filepath.Dir(out), "1904-read-as-1900")
				writeBase(t, dir)
				writeWorkbook(t, filepath.Join(dir, "reference.xlsx"), referenceSheets(), true)
				rewritePart(t, filepath.Join(dir, "reference.xlsx"), "xl/workbook.xml", func(b []byte) []byte {
					return regexp.MustCompile(` date1904="[^"]*"`).ReplaceAll(b, nil)
				})
				if c := buildChild(t, dir, dir+"-out"); c.code != 0 || published(t, dir+"-out")["providers.csv"] == published(t, out)["providers.csv"] {
					t.Errorf("read as the 1900 system, the 1904 workbook publishes the same providers (exit %d)", c.code)
				}
			}},
		{name: "a bare year in a date column, as a number and as text",
			hostile: func(t *testing.T, dir string) {
				s := referenceSheets()
				s[0].rows = append(s[0].rows, []any{"P8", "年份数字", "", "other", 2025, 0, "active"}, []any{"P9", "年份文字", "", "other", "2025", 0, "active"})
				writeWorkbook(t, filepath.Join(dir, "reference.xlsx"), s, false)
			},
			want: []string{"providers invalid_value", "providers invalid_value"}},
		{name: "4,000 rows with a cell at XFD, read by the sheet reader",
			hostile: func(t *testing.T, dir string) { padToXFD(t, filepath.Join(dir, "reference.xlsx"), false) }},
		{name: "4,000 rows with a cell at XFD, read by excelize",
			hostile: func(t *testing.T, dir string) { padToXFD(t, filepath.Join(dir, "reference.xlsx"), true) }},
		{name: "a zip bomb beside the tables",
			hostile: func(t *testing.T, dir string) { writeBomb(t, filepath.Join(dir, "notes.xlsx")) },
			refused: []string{"notes.xlsx", "would unpack to", "xl/media/image1.png"}},
		{name: "money text that is not a decimal number",
			hostile: func(t *testing.T, dir string) {
				texts := []string{"1/3", "0x10", "0b101", "010/1", "1_000", "1p3", "1e9999"}
				for range 30 {
					texts = append(texts, "1p9999999")
				}
				var id, prov, svc, ordered, amount, status []any
				for i, s := range texts {
					id, prov, svc = append(id, fmt.Sprint("OX", i)), append(prov, "P1"), append(svc, "S1")
					ordered, amount, status = append(ordered, at("2025-06-01 10:00")), append(amount, s), append(status, "paid")
				}
				writeParquetTable(t, filepath.Join(dir, "orders", "part-1.parquet"), col{"order_id", str, id}, col{"provider_id", str, prov},
					col{"service_id", str, svc}, col{"ordered_at", instant, ordered}, col{"amount", str, amount}, col{"status", str, status})
			},
			want: repeat("orders invalid_value", 37)},
		{name: "invalid UTF-8 and control characters in names and facts",
			hostile: func(t *testing.T, dir string) {
				writeDecisions(t, filepath.Join(dir, "decisions", "part-1.parquet"),
					[]any{"D8", "D9", "D10"}, []any{"P1", "P1", "P1"}, []any{at("2025-06-20 10:00"), at("2025-06-20 10:00"), at("2025-06-20 10:00")},
					[]any{"warning", "warning", "warning"}, []any{int64(1), int64(1), int64(1)}, []any{nil, nil, nil},
					[]any{"抽检\xff不符", "NUL\x00here", "escape\x1b[31m"})
				// A control character reaches a workbook as an _xHHHH_ escape
				// (excelize writes U+FFFD, which is text, in its place).
				s := referenceSheets()
				s[0].rows = append(s[0].rows, []any{"P9", "控制BELL字符", "", "other", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 0, "active"})
				writeWorkbook(t, filepath.Join(dir, "reference.xlsx"), s, false)
				rewritePart(t, filepath.Join(dir, "reference.xlsx"), "xl/sharedStrings.xml", func(b []byte) []byte {
					return bytes.Replace(b, []byte("BELL"), []byte("_x0007_"), 1)
				})
			},
			want: []string{"providers invalid_value", "decisions invalid_value", "decisions invalid_value", "decisions invalid_value"}},
		{name: "text longer than a workbook cell holds",
			hostile: func(t *testing.T, dir string) {
				writeDecisions(t, filepath.Join(dir, "decisions", "part-1.parquet"), []any{"D9"}, []any{"P1"}, []any{at("2025-06-20 10:00")},
					[]any{"warning"}, []any{int64(1)}, []any{nil}, []any{strings.Repeat("长", 40000)})
			},
			want: []string{"decisions invalid_value"}},
		{name: "a DATE for a time column",
			hostile: func(t *testing.T, dir string) {
				writeParquetTable(t, filepath.Join(dir, "contact_checks.parquet"),
					col{"check_id", str, []any{"K1"}}, col{"provider_id", str, []any{"P2"}},
					col{"called_at", day, []any{at("2025-06-01 00:00")}}, col{"answered", boolean, []any{false}})
			},
			refused: []string{"contact_checks.parquet", "table contact_checks", "column called_at", "want TIMESTAMP"}},
		{name: "a zone that depends on the machine",
			hostile: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": "2025-06-30", "timezone": "Local"}`), 0o644)
			},
			refused: []string{"snapshot.json", "timezone", "Local", "depends on the machine"}},
		{name: "a table linked from outside the snapshot",
			hostile: func(t *testing.T, dir string) {
				writeOrders(t, filepath.Join(outside, "orders.parquet"), []any{"OZ"}, []any{"P1"}, []any{"S1"}, []any{at("2025-06-01 10:00")},
					[]any{int64(1)}, []any{nil}, []any{"paid"})
				if err := os.Symlink(filepath.Join(outside, "orders.parquet"), filepath.Join(dir, "orders", "part-1.parquet")); err != nil {
					t.Fatal(err)
				}
			},
			refused: []string{"orders/part-1.parquet", "symbolic link"}},
		{name: "a named pipe for a table",
			hostile: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, "tickets.parquet"))
				if err := syscall.Mkfifo(filepath.Join(dir, "tickets.parquet"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			refused: []string{"tickets.parquet", "named pipe"}},
		{name: "a Parquet file whose pages arrow would read for ever (found by FuzzOpen)",
			hostile: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "orders", "part-1.parquet"), fuzzSeed(t, "FuzzOpen", "778526e6cd6098c6"), 0o644)
			},
			refused: []string{"orders/part-1.parquet", "row group 0", "column ordered_at", "the page header at byte 257"}},
		{name: "a Parquet page whose 20 bytes of Snappy claim 1.2 GiB (found by FuzzReadParquet)",
			hostile: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "orders", "part-1.parquet"), fuzzSeed(t, "FuzzReadParquet", "bf5d2ecd5a730dd7"), 0o644)
			},
			refused: []string{"orders/part-1.parquet", "row group 0", "column provider_id", "the page header at byte 116"}},
		{name: "snapshot.json read from /dev/zero",
			hostile: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, "snapshot.json"))
				os.Symlink("/dev/zero", filepath.Join(dir, "snapshot.json"))
			},
			refused: []string{"snapshot.json", "symbolic link"}},
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "base")
	writeBase(t, base)
	baseOut := filepath.Join(dir, "base-out")
	c := buildChild(t, base, baseOut)
	if c.code != 0 {
		t.Fatalf("the base snapshot: exit %d: %s", c.code, c.out)
	}
	t.Logf("the base snapshot: %.1f s, %d MB", c.wall.Seconds(), c.rss>>20)
	if q := quarantined(t, baseOut+".quarantine.csv"); len(q) != 0 {
		t.Fatalf("the base snapshot has rows rejected: %v", q)
	}
	baseFigures := published(t, baseOut)
	if !strings.Contains(baseFigures["notices.csv"], "demotion") {
		t.Fatalf("the base snapshot has no demotion in force:\n%s", baseFigures["notices.csv"])
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := filepath.Join(dir, fmt.Sprint("case", i))
			writeBase(t, snap)
			tc.hostile(t, snap)
			out := filepath.Join(dir, fmt.Sprint("out", i))
			c := buildChild(t, snap, out)
			t.Logf("%.2f s, %d MB", c.wall.Seconds(), c.rss>>20)
			if c.rss > maxBuildRSS || c.wall > maxBuildTime {
				t.Errorf("the build took %v and %d MB (ceilings %v, %d MB)", c.wall, c.rss>>20, maxBuildTime, maxBuildRSS>>20)
			}
			if tc.refused != nil {
				if c.code != 3 {
					t.Fatalf("exit %d, want 3 (refused): %s", c.code, c.out)
				}
				for _, w := range tc.refused {
					if !strings.Contains(c.out, w) {
						t.Errorf("the refusal does not say %q: %s", w, c.out)
					}
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a refused snapshot published %s", out)
				}
				return
			}
			if c.code != 0 {
				t.Fatalf("exit %d, want 0 (published): %s", c.code, c.out)
			}
			if got := quarantined(t, out+".quarantine.csv"); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("quarantined %q, want %q", got, tc.want)
			}
			want := baseFigures
			if tc.same != nil {
				same := filepath.Join(dir, fmt.Sprint("same", i))
				writeBase(t, same)
				tc.same(t, same)
				sameOut := filepath.Join(dir, fmt.Sprint("same-out", i))
				if c := buildChild(t, same, sameOut); c.code != 0 {
					t.Fatalf("the case's valid rows alone: exit %d: %s", c.code, c.out)
				}
				want = published(t, sameOut)
			}
			for name, w := range want {
				if g := published(t, out)[name]; g != w {
					t.Errorf("%s moved:\n--- got\n%s--- want\n%s", name, g, w)
				}
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// rewritePart rewrites one part of a workbook in place.
func rewritePart(t *testing.T, path, part string, edit func([]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, zf := range zr.File {
		data := unzip(t, zf)
		if zf.Name == part {
			data, found = edit(data), true
		}
		zipPut(t, zw, zf.Name, data)
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no part %s", path, part)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// padToXFD gives the providers sheet (the workbook's first) a cell at XFD
// in every row and 4,000 more rows holding only such a cell, as a stray
// paste far to the right does; with excelize, its header cell is styled,
// which the sheet reader leaves to excelize.
func padToXFD(t *testing.T, path string, styled bool) {
	t.Helper()
	rewritePart(t, path, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		// Every row after the header gets a cell at XFD.
		s := regexp.MustCompile(`<row r="(\d+)"([^>]*)>(.*?)</row>`).ReplaceAllStringFunc(string(b), func(row string) string {
			m := regexp.MustCompile(`<row r="(\d+)"`).FindStringSubmatch(row)
			if m[1] == "1" {
				return row
			}
			return strings.TrimSuffix(row, "</row>") + fmt.Sprintf(`<c r="XFD%s"><v>7</v></c></row>`, m[1])
		})
		var extra strings.Builder
		for r := 100; r < 4100; r++ {
			fmt.Fprintf(&extra, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
		s = strings.Replace(s, "</sheetData>", extra.String()+"</sheetData>", 1)
		if styled {
			s = strings.Replace(s, `<c r="A1"`, `<c r="A1" s="1"`, 1)
		}
		return []byte(s)
	})
}

// fuzzSeed returns the bytes of a fuzz target's seed in pipeline/snapshot.
func fuzzSeed(t *testing.T, target, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "pipeline", "snapshot", "testdata", "fuzz", target, name))
	if err != nil {
		t.Fatal(err)
	}
	// go test fuzz v1, then one line: []byte("…")
	_, arg, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	v, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(arg, "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s/%s: %v", target, name, err)
	}
	return []byte(v)
}

// writeBomb writes a workbook whose image part unpacks to 256 MiB from
// about a quarter of a megabyte.
func writeBomb(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	var base bytes.Buffer
	if err := f.Write(&base); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		zipPut(t, zw, zf.Name, unzip(t, zf))
	}
	w, err := zw.Create("xl/media/image1.png")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 256 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// unzip returns the bytes of a zip part, failing the test if it cannot be
// read.
func unzip(t testing.TB, zf *zip.File) []byte {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", zf.Name, err)
	}
	return data
}

// zipPut writes a deflated part, failing the test if it cannot.
func zipPut(t testing.TB, zw *zip.Writer, name string, data []byte) {
	t.Helper()
	w, err := zw.Create(name)
	if err == nil {
		_, err = w.Write(data)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// Provider ids that cannot be a path as they are publish like any other:
// "index.html", 300 letters, 30 Chinese characters.
func TestIdsThatCannotBeAPath(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	writeBase(t, snap)
	ids := []string{"index.html", "Feed.XML", strings.Repeat("A", 300), strings.Repeat("长", 30)}
	s := referenceSheets()
	for _, id := range ids {
		s[0].rows = append(s[0].rows, []any{id, "名" + id[:3], "", "other", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 0, "active"})
	}
	writeWorkbook(t, filepath.Join(snap, "reference.xlsx"), s, false)
	out := filepath.Join(dir, "out")
	c := buildChild(t, snap, out)
	if c.code != 0 {
		t.Fatalf("exit %d: %s", c.code, c.out)
	}
	for _, id := range ids {
		for _, lang := range []string{"", "en/"} {
			page := filepath.Join(out, lang+"providers", site.Slug(id), "index.html")
			b, err := os.ReadFile(page)
			if err != nil || !bytes.Contains(b, []byte("名"+id[:3])) {
				t.Errorf("%q: %s: %v", id, page, err)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "providers", "index.html")); err != nil || !bytes.Contains(b, []byte(site.Slug(ids[2]))) {
		t.Errorf("the providers page does not link the long id's page: %v", err)
	}
	files := treeBytes(t, out)
	checkLinks(t, files, "")
}

// A right-to-left override in a name reorders nothing around it: on every
// page the name is inside a <bdi> (or an element with dir), in a title and
// a feed between isolates.
func TestBidiIsolated(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	writeBase(t, snap)
	const rlo = "\u202e"
	s := referenceSheets()
	s[0].rows[1][1] = "甲" + rlo + "ataD" // P1's name
	s[0].rows[1][2] = "Jia " + rlo + "ataD"
	s[1].rows[1][2] = "投放" + rlo + "托管" // S1's title
	s[2].rows[1][6] = rlo + "三天交付"      // C1's wording
	writeWorkbook(t, filepath.Join(snap, "reference.xlsx"), s, false)
	writeDecisions(t, filepath.Join(snap, "decisions", "part-1.parquet"), []any{"D9"}, []any{"P1"}, []any{at("2025-06-20 10:00")},
		[]any{"warning"}, []any{int64(0)}, []any{nil}, []any{"事实" + rlo + "倒序"})
	out := filepath.Join(dir, "out")
	if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	pages := 0
	for name, body := range treeBytes(t, out) {
		if !strings.Contains(body, rlo) {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".html"):
			pages++
			checkIsolated(t, name, body, rlo)
		case strings.HasSuffix(name, "feed.xml"):
			for _, line := range strings.Split(body, "\n") {
				if strings.Contains(line, rlo) && !regexp.MustCompile("\u2068[^\u2069]*"+rlo+"[^\u2069]*\u2069").MatchString(line) {
					t.Errorf("%s: not isolated: %s", name, line)
				}
			}
		}
	}
	if pages < 6 {
		t.Errorf("the override shows on %d pages; the test no longer looks at them", pages)
	}
}

// checkIsolated wants every text of a page that holds s inside a <bdi> or
// an element with a dir attribute, or, in the title, between FIRST STRONG
// ISOLATE and POP DIRECTIONAL ISOLATE.
func checkIsolated(t *testing.T, name, body, s string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var walk func(n *html.Node, isolated bool, inTitle bool)
	walk = func(n *html.Node, isolated, inTitle bool) {
		if n.Type == html.ElementNode {
			isolated = isolated || n.Data == "bdi"
			for _, a := range n.Attr {
				isolated = isolated || a.Key == "dir"
			}
			inTitle = inTitle || n.Data == "title"
		}
		if n.Type == html.TextNode && strings.Contains(n.Data, s) {
			switch {
			case inTitle:
				if !strings.Contains(n.Data, "\u2068") || !strings.Contains(n.Data, "\u2069") {
					t.Errorf("%s: the title %q is not isolated", name, n.Data)
				}
			case !isolated:
				t.Errorf("%s: %q is printed without isolation (in <%s>)", name, n.Data, n.Parent.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, isolated, inTitle)
		}
	}
	walk(doc, false, false)
}

// A text of the most characters the export may hold is published whole in
// every download: with the wording around a decision's facts, the
// workbook's cell still holds it.
func TestLongestTextFitsTheWorkbook(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	writeBase(t, snap)
	facts := strings.Repeat("长", 32000)
	writeDecisions(t, filepath.Join(snap, "decisions", "part-1.parquet"), []any{"D9"}, []any{"P1"}, []any{at("2025-06-20 10:00")},
		[]any{"warning"}, []any{int64(0)}, []any{nil}, []any{facts})
	out := filepath.Join(dir, "out")
	if code, msg := runCLI(t, "build", "--snapshot", snap, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	var csvFacts []string
	for _, r := range readCSV(t, filepath.Join(out, "downloads", "notices.csv")) {
		if strings.Contains(r["facts_zh"], facts) {
			csvFacts = append(csvFacts, r["facts_zh"], r["facts_en"])
		}
	}
	if len(csvFacts) != 2 {
		t.Fatalf("notices.csv has the facts in %d cells, want 2", len(csvFacts))
	}
	f, err := excelize.OpenFile(filepath.Join(out, "downloads", "disclosure-2025-06-30.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("notices")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, row := range rows {
		for _, cell := range row {
			for _, want := range csvFacts {
				if cell == want {
					found++
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("the workbook's notices sheet holds %d of the 2 facts cells whole (of %d and %d characters)", found,
			len([]rune(csvFacts[0])), len([]rune(csvFacts[1])))
	}
}
