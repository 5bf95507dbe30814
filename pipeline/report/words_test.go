package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/rulebook/rulebooktest"
	"github.com/xuri/excelize/v2"
)

func shippedBook(t *testing.T) *rulebook.Book {
	t.Helper()
	b, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// smallInput is two providers with a bit of everything: a rating, a
// violation from a complaint, a commitment, a notice that hides services,
// and services on and off sale.
func smallInput(book *rulebook.Book) *Input {
	asOf := model.DateOf(2025, time.June, 30)
	p1 := &model.Provider{ID: "P1", Name: "甲工具", Category: "software", Region: "上海", JoinedOn: asOf - 400, Deposit: 1000000, Status: "active"}
	p2 := &model.Provider{ID: "P2", Name: "乙设计", Category: "design", JoinedOn: asOf - 30, Status: "active"}
	f1 := &model.Facts{Provider: p1, DeliveryDue: 29, DeliveryOnTime: 27, Orders90: 29, ComplaintsUpheld90: 1, Points365: 2,
		Violations: []model.Violation{{ProviderID: "P1", RuleID: "complaints", Due: asOf - 10, Points: 2, Ref: "Q1", Category: "poor_quality",
			FactsZh: "投诉Q1经核实成立。", FactsEn: "Complaint Q1 upheld."}},
		Commitments: map[string]model.Perf{"C1": {Judged: 29, Kept: 27}}}
	f2 := &model.Facts{Provider: p2}
	var dims []model.DimensionScore
	for _, d := range book.Rating.Dimensions {
		dims = append(dims, model.DimensionScore{ID: d.ID, Smoothed: 0.93})
	}
	return &Input{Book: book, AsOf: asOf, Facts: []*model.Facts{f1, f2},
		Ratings: []model.Rating{
			{ProviderID: "P1", Grade: "B", ScoreTenths: 885, Scored: true, Dimensions: dims, Weighted: 90.5, PointsDeducted: 2, Status: model.StatusActive},
			{ProviderID: "P2", Grade: model.Unrated, Status: model.StatusActive}},
		Notices: []model.Notice{{ID: "N1", ProviderID: "P2", RuleID: "delivery", RuleVersion: "1", Measure: "hidden", IssuedOn: asOf,
			EffectiveUntil: asOf + 29, AppealBy: asOf + 15, Status: model.InForce, RescindedOn: model.NoDate, FactsZh: "事实", FactsEn: "Facts",
			ProviderName: "乙设计", ProviderCategory: "design", Origin: model.OriginComputed,
			Figures: model.Figures{WindowFrom: asOf - 89, WindowTo: asOf, Items: ptr(int64(29)), OnTime: ptr(int64(20)), Threshold: ptr(0.9)}}},
		Commitments: []model.Commitment{{ID: "C1", ProviderID: "P1", Kind: model.KindDelivery, Target: 29, EffectiveFrom: asOf - 200,
			EffectiveTo: model.NoDate, Text: "29天交付"}},
		Services: []model.Service{
			{ID: "S1", ProviderID: "P1", Title: "工具", Category: "software", Price: 9900, HasPrice: true, ListedOn: asOf - 50, State: "on_shelf"},
			{ID: "S2", ProviderID: "P2", Title: "设计", Category: "design", ListedOn: model.NoDate, State: "on_shelf"}},
	}
}

// build writes the downloads of in into a fresh directory and seals them.
func build(t *testing.T, in *Input) (string, []Output, []Entry, []FileSum) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "downloads")
	m := &Manifest{Tool: "disclose", ToolVersion: "test", RulebookVersion: in.Book.Version, AsOf: in.AsOf.String(), Platform: "test"}
	outs, dict, err := Downloads(dir, in, Meta{AsOf: in.AsOf.String(), Platform: "test"}, func() (*Manifest, error) { return m, nil })
	if err != nil {
		t.Fatal(err)
	}
	// A file the build writes after the downloads, as it does the log.
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outs = append(outs, Output{Name: "log.jsonl", Rows: 1, Zh: "日志", En: "Log"})
	outs, sums, err := Seal(dir, outs, m)
	if err != nil {
		t.Fatal(err)
	}
	return dir, outs, dict, sums
}

// TestDictionaryWords checks content/dictionary.json against the tables:
// every {param} of every text is one the downloads fill in and resolves
// with the shipped rule book, every column has its words, and no words
// are left over for a column that no longer exists.
func TestDictionaryWords(t *testing.T) {
	book := shippedBook(t)
	w, err := loadWords(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	in := smallInput(book)
	p := bookParams(book, in.AsOf, w)
	if err := w.check(p); err != nil {
		t.Error(err)
	}
	for _, name := range contextParams {
		p = p.with(map[string]string{name: "x"})
	}
	eachText(w, func(where, s string) {
		if _, err := p.expand(s); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	})

	all := append(tables(in, w), Summarise(in).Table(), HistoryTable(in), TransparencyTable(in))
	for _, tab := range all {
		used := map[string]bool{}
		for _, c := range tab.Cols {
			used[c.Name] = true
		}
		for key := range w.Tables[tab.Name].Columns {
			if !used[key] {
				t.Errorf("content/dictionary.json: tables.%s.columns.%s: no such column", tab.Name, key)
			}
		}
		if err := w.fill(tab, p); err != nil {
			t.Error(err)
		}
		for _, c := range tab.Cols {
			if c.Zh == "" || c.En == "" {
				t.Errorf("%s.%s: meaning %q / %q", tab.Name, c.Name, c.Zh, c.En)
			}
		}
	}
	for name := range w.Tables {
		if !slices.ContainsFunc(all, func(t *Table) bool { return t.Name == name }) {
			t.Errorf("content/dictionary.json: tables.%s: no such table", name)
		}
	}
}

// TestUnknownParameter wants a {param} the downloads cannot fill to stop
// the build, naming the file and where.
func TestUnknownParameter(t *testing.T) {
	w, err := loadWords(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	w.Tables["providers"].Columns["orders_{rates_days}"] = Bilingual{Zh: "近{rate_days}天", En: "x"}
	in := smallInput(shippedBook(t))
	tab := tables(in, w)[0]
	p := bookParams(in.Book, in.AsOf, w)
	err = w.fill(tab, p)
	if err == nil || !strings.Contains(err.Error(), "content/dictionary.json") || !strings.Contains(err.Error(), "{rate_days}") {
		t.Errorf("fill with {rate_days}: %v, want an error naming the file and the parameter", err)
	}
	if p.known("rate_days") || p.known("measure_nosuch_zh") || !p.known("measure_hidden_en") || !p.known("reachability.run_calls") {
		t.Errorf("known accepts a misspelt parameter or refuses a measure's name or a rule's parameter")
	}
	if err := w.check(p); err == nil || !strings.Contains(err.Error(), "{rate_days}") {
		t.Errorf("check with {rate_days}: %v, want an error naming the parameter", err)
	}
}

var staleRe = regexp.MustCompile(`(^|[^0-9])(90|365)([^0-9]|$)`)

// TestWindowsChangeEveryWord builds the downloads with other windows than
// the shipped rule book's (60 and 400 days, not 90 and 365) and wants no
// 90 or 365 left in any word: the dictionary, the CSV headers, every
// text of the workbook but the data rows, and the JSON Schema; and the new
// numbers where the old ones were.
func TestWindowsChangeEveryWord(t *testing.T) {
	book := rulebooktest.Book(t, map[string]any{"rates_days": 60, "points_days": 400})
	dir, outs, dict, _ := build(t, smallInput(book))
	stale := func(where, s string) {
		if staleRe.MatchString(s) {
			t.Errorf("%s: %q still says 90 or 365", where, s)
		}
	}
	for _, e := range dict {
		stale("dictionary "+e.Table+" "+e.Name, e.Name+" "+e.Zh+" "+e.En)
	}
	for _, o := range outs {
		stale("downloads page "+o.Name, o.Zh+" "+o.En)
	}
	headers := ""
	for _, name := range []string{"providers", "commitments", "notices", "violations", "services"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(b), "\r\n")
		stale(name+".csv header", head)
		headers += head + ","
	}
	for _, want := range []string{"orders_60", "complaints_upheld_60", "points_400", "incidents_400", "deduction_400"} {
		if !strings.Contains(headers, ","+want+",") {
			t.Errorf("no CSV column %s in %s", want, headers)
		}
	}

	f, err := excelize.OpenFile(filepath.Join(dir, "disclosure-2025-06-30.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hex := regexp.MustCompile(`^[0-9a-f]{64}$`)
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		data := sh != "README" && sh != "summary" && sh != "dictionary"
		for r, row := range rows {
			if data && r > 0 {
				break // the data rows hold facts, not words
			}
			for c, cell := range row {
				if !hex.MatchString(cell) {
					stale(sh+" row "+itoa(r+1)+" column "+itoa(c+1), cell)
				}
			}
		}
	}

	var schema any
	b, err := os.ReadFile(filepath.Join(dir, "disclosure-2025-06-30.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				stale("schema "+path+" key", k)
				if s, ok := x.(string); ok && (k == "description" || k == "title") {
					stale("schema "+path+"."+k, s)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		}
	}
	walk("$", schema)
	if !strings.Contains(string(b), "近60天") || !strings.Contains(string(b), "last 400 days") {
		t.Errorf("the schema's descriptions do not give the windows of the rule book")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestOnSale is the one answer to "is this service shown as on sale?".
func TestOnSale(t *testing.T) {
	for _, c := range []struct {
		name, state string
		status      model.ProviderStatus
		measures    []model.Measure
		want        bool
	}{
		{"on the shelf of an active provider", "on_shelf", "active", nil, true},
		{"on the shelf under a warning and a demotion", "on_shelf", "active", []model.Measure{"warning", "demotion"}, true},
		{"hidden by the provider", "hidden", "active", nil, false},
		{"delisted in the export", "delisted", "active", nil, false},
		{"of a suspended provider", "on_shelf", "suspended", []model.Measure{"suspension"}, false},
		{"of a cleared provider", "on_shelf", "cleared", nil, false},
		{"while services are hidden", "on_shelf", "active", []model.Measure{"warning", "hidden"}, false},
		{"while services are delisted", "on_shelf", "active", []model.Measure{"delisted"}, false},
		{"while services are disabled", "on_shelf", "active", []model.Measure{"disabled"}, false},
		{"of a provider with no status", "on_shelf", "", nil, false},
	} {
		if got := OnSale(c.state, c.status, c.measures); got != c.want {
			t.Errorf("%s: OnSale(%q, %q, %v) = %v, want %v", c.name, c.state, c.status, c.measures, got, c.want)
		}
	}
}

// TestServicesAndLabels reads the small input's services and labels back
// from the tables: on sale only where nothing takes it off, and a Chinese
// name beside each code in the workbook.
func TestServicesAndLabels(t *testing.T) {
	book := shippedBook(t)
	in := smallInput(book)
	w, err := loadWords(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	tabs := tables(in, w)
	byName := map[string]*Table{}
	for _, tab := range tabs {
		if err := w.fill(tab, bookParams(book, in.AsOf, w)); err != nil {
			t.Fatal(err)
		}
		byName[tab.Name] = tab
	}
	cell := func(table string, row int, col string) string {
		tab := byName[table]
		for _, c := range sheetCols(tab) {
			if c.Name == col {
				v := tab.Rows[row][c.src]
				if c.label != nil {
					return c.label(v.S)
				}
				return Text(c.Col, v)
			}
		}
		t.Fatalf("%s has no column %s", table, col)
		return ""
	}
	for _, c := range []struct {
		table string
		row   int
		col   string
		want  string
	}{
		{"services", 0, "on_sale", "true"},
		{"services", 1, "on_sale", "false"}, // P2's services are hidden by notice N1
		{"services", 0, "provider_name", "甲工具"},
		{"services", 0, "price", "99.00"},
		{"services", 1, "price", ""},
		{"services", 0, "state_zh", "在架"},
		{"providers", 0, "category_zh", "软件工具"},
		{"providers", 1, "measures", "hidden"},
		{"providers", 1, "measures_zh", "服务隐藏"},
		{"providers", 0, "region", "上海"},
		{"providers", 0, "deposit", "10000.00"},
		{"commitments", 0, "kind_zh", "交付时限（单位：天）"},
		{"commitments", 0, "target", "29"},
		{"commitments", 0, "provider_category_zh", "软件工具"},
		{"notices", 0, "measure_zh", "服务隐藏"},
		{"notices", 0, "status_zh", "生效中"},
		{"notices", 0, "rule_zh", book.Rule("delivery").Zh.Name},
		{"notices", 0, "provider_category", "design"},
		{"notices", 0, "provider_category_zh", "设计"},
		{"notices", 0, "origin_zh", "系统按规则计算"},
		{"notices", 0, "rate", "0.6896551724137931"},
		{"violations", 0, "complaint_category", "poor_quality"},
		{"violations", 0, "complaint_category_zh", "服务质量差"},
		{"violations", 0, "provider_name", "甲工具"},
	} {
		if got := cell(c.table, c.row, c.col); got != c.want {
			t.Errorf("%s row %d %s = %q, want %q", c.table, c.row+1, c.col, got, c.want)
		}
	}
}

// TestSeal wants every file the downloads page lists described in both
// languages, and the page given SHA256SUMS's own size and checksum, which
// the file itself cannot list.
func TestSeal(t *testing.T) {
	dir, outs, _, sums := build(t, smallInput(shippedBook(t)))
	if n := len(outs); n < 3 || outs[n-3].Name != "log.jsonl" || outs[n-2].Name != "manifest.json" || outs[n-1].Name != SumsFile {
		t.Errorf("the downloads page does not list manifest.json and SHA256SUMS last: %v", outs)
	}
	bySum := map[string]FileSum{}
	for _, s := range sums {
		bySum[s.Path] = s
	}
	for _, o := range outs {
		if o.Zh == "" || o.En == "" || strings.Contains(o.Zh+o.En, "{") {
			t.Errorf("%s: described as %q / %q", o.Name, o.Zh, o.En)
		}
		if _, err := os.Stat(filepath.Join(dir, o.Name)); err != nil {
			t.Errorf("%s is listed but not written: %v", o.Name, err)
		}
		if bySum[o.Name].Bytes == 0 || bySum[o.Name].SHA256 == "" {
			t.Errorf("%s: size %d, SHA-256 %q", o.Name, bySum[o.Name].Bytes, bySum[o.Name].SHA256)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if err != nil {
		t.Fatal(err)
	}
	if s := bySum[SumsFile]; s.Bytes != int64(len(b)) || strings.Contains(string(b), SumsFile) {
		t.Errorf("SHA256SUMS: %d bytes listed, %d written; lists itself: %v", s.Bytes, len(b), strings.Contains(string(b), SumsFile))
	}
}

// TestLicence wants the licence whole in both languages, with the
// attribution's platform and date filled in.
func TestLicence(t *testing.T) {
	l, err := LoadLicence(nil, "某平台", "2025-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "CC-BY-4.0" || !strings.HasPrefix(l.URL, "https://creativecommons.org/licenses/by/4.0") {
		t.Errorf("licence %s at %s, want CC-BY-4.0", l.ID, l.URL)
	}
	for _, lt := range []LicenceText{l.Zh, l.En} {
		for _, s := range []string{lt.Title, lt.Licence, lt.Terms, lt.Attribution} {
			if s == "" || strings.ContainsAny(s, "{}") {
				t.Errorf("licence text %q", s)
			}
		}
		if !strings.Contains(lt.Attribution, "某平台") || !strings.Contains(lt.Attribution, "2025-06-30") || !strings.Contains(lt.Terms, "CC BY 4.0") {
			t.Errorf("attribution %q, terms %q", lt.Attribution, lt.Terms)
		}
	}
}
