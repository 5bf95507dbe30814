package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/report"
	"golang.org/x/net/html"
)

// python is Debian's interpreter, which has openpyxl and jsonschema (another
// python3 earlier on PATH may not).
func python(t *testing.T, modules ...string) string {
	return need(t, "python3 with "+strings.Join(modules, " and "), func() string {
		for _, p := range []string{"/usr/bin/python3", "python3"} {
			args := []string{"-c", "import " + strings.Join(modules, ", ")}
			if exec.Command(p, args...).Run() == nil {
				return p
			}
		}
		return ""
	})
}

// textOf is the text of a node, its descendants' joined.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// TestDownloads reads every download of the hostile build back with tools
// no one here wrote: sha256sum, a strict CSV parser, openpyxl, pandas,
// LibreOffice, jsonschema and DuckDB.
func TestDownloads(t *testing.T) {
	out := buildHostile(t)
	dl := filepath.Join(out, "downloads")
	xlsx := filepath.Join(dl, "disclosure-2025-07-01.xlsx")
	schema := filepath.Join(dl, "disclosure-2025-07-01.schema.json")
	data := []string{"providers", "commitments", "notices", "violations", "services"}

	// Checksums.
	cmd := exec.Command("sha256sum", "-c", "--strict", "SHA256SUMS")
	cmd.Dir = dl
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, msg)
	}

	// CSV: strict parse, contract headers, hostile text inert and intact.
	py := python(t, "csv")
	var csvs map[string][][]string
	var paths []string
	for _, n := range data {
		paths = append(paths, filepath.Join(dl, n+".csv"))
	}
	if err := json.Unmarshal(runTool(t, py, append([]string{"testdata/readback/csv_check.py"}, paths...)...), &csvs); err != nil {
		t.Fatal(err)
	}
	contract := "provider_id,name,category,status,grade,score,delivery_due,delivery_on_time,response_due,response_on_time,resolution_due,resolution_on_time,checks,checks_answered,orders_90,complaints_upheld_90,points_365,incidents_365,deduction_365,measures"
	for file, want := range map[string]string{
		// outputs.md: the first twenty keep their order; more may follow.
		"providers.csv":  contract + ",tickets_assessable,platform_status,region,joined_on,deposit",
		"notices.csv":    "notice_id,provider_id,rule_id,rule_version,measure,issued_on,effective_until,status,appeal_by,facts_zh,facts_en,provider_name,origin,rescinded_on,rescind_reason,continues,",
		"violations.csv": "provider_id,rule_id,due,points,deduction,ref,facts_zh,facts_en,provider_name,provider_category,complaint_category",
		"services.csv":   "service_id,provider_id,provider_name,title,category,price,listed_on,state,on_sale",
	} {
		if got := strings.Join(csvs[file][0], ","); !strings.HasPrefix(got, want) {
			t.Errorf("%s header: %s\nwant it to begin %s", file, got, want)
		}
	}
	cells := map[string]bool{}
	for _, rows := range csvs {
		for _, r := range rows[1:] {
			for _, c := range r {
				cells[c] = true
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("cell %q is not neutralised", c)
				}
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://evil")`, "Staff decision D1 of 2025-06-20 under Failed spot check: warning, 2 points, deposit deduction of 100.00 CNY. Facts (as stated by the platform): </td><svg onload=window.__pwned=1>抽检\n第二行 \"引号\", 逗号", "<script>window.__pwned=1</script>十天交付", "\u202eevil\u202c 24h 🙂 \"quoted\"", "javascript:alert(1)"} {
		if !cells[want] {
			var near []string
			for c := range cells {
				if len(c) > 12 && strings.Contains(want, c[:12]) {
					near = append(near, c)
				}
			}
			t.Errorf("no CSV cell holds %q exactly; near: %q", want, near)
		}
	}
	// The complaint's category beside its violation; a service is on sale
	// only at an active provider: not at P2 (suspended) nor at "P 3/x"
	// (cleared for inactivity).
	column := func(file, col string, where func(map[string]string) bool) []string {
		rows := csvs[file]
		var got []string
		for _, r := range rows[1:] {
			m := map[string]string{}
			for i, h := range rows[0] {
				m[h] = r[i]
			}
			if where(m) {
				got = append(got, m[col])
			}
		}
		return got
	}
	if got := column("violations.csv", "complaint_category", func(m map[string]string) bool { return m["ref"] == "Q1" }); strings.Join(got, ",") != "privacy_breach" {
		t.Errorf("violations.csv: complaint Q1's category %q, want privacy_breach", got)
	}
	if got := column("violations.csv", "complaint_category", func(m map[string]string) bool { return m["rule_id"] != "complaints" }); strings.Join(got, "") != "" {
		t.Errorf("violations.csv: other violations carry a complaint category: %q", got)
	}
	for id, want := range map[string]string{"S1": "true", "S2": "false", "S3": "false"} {
		if got := column("services.csv", "on_sale", func(m map[string]string) bool { return m["service_id"] == id }); strings.Join(got, ",") != want {
			t.Errorf("services.csv: %s on_sale %q, want %s", id, got, want)
		}
	}

	// The workbook, with openpyxl: every cell in both modes, one header
	// row of unique names per data sheet, each an Excel table over the
	// declared used range, typed cells, print setup.
	var wb struct {
		Sheets []string
		Tables map[string]struct {
			Header         []string
			Rows           int
			ReadOnlyRows   int `json:"read_only_rows"`
			Declared, Used string
			Freeze         string
			Autofilter     *string
			Tables         []struct {
				Name, Ref string
				Columns   []string
			}
			PrintTitles string `json:"print_titles"`
			Orientation string
			FitWidth    int  `json:"fit_width"`
			FitHeight   int  `json:"fit_height"`
			FitToPage   bool `json:"fit_to_page"`
			Types       map[string]string
			Formats     map[string]string
		}
		Debris         []string
		Text           map[string]string
		Charts         int
		DictionaryRows int `json:"dictionary_rows"`
		Print          map[string][]any
		Dimensions     map[string][]string
	}
	if err := json.Unmarshal(runTool(t, python(t, "openpyxl"), "testdata/readback/openpyxl_check.py", xlsx), &wb); err != nil {
		t.Fatal(err)
	}
	if strings.Join(wb.Sheets, ",") != "README,providers,commitments,notices,violations,services,summary,dictionary" {
		t.Errorf("sheets: %v", wb.Sheets)
	}
	for _, d := range wb.Debris {
		t.Errorf("cell holds no value: %s", d)
	}
	for _, name := range data {
		s := wb.Tables[name]
		csv := csvs[name+".csv"]
		if want := len(csv); s.Rows != want || s.ReadOnlyRows != want {
			t.Errorf("sheet %s: %d rows (%d read-only), want %d (one header row)", name, s.Rows, s.ReadOnlyRows, want)
		}
		seen := map[string]bool{}
		for _, h := range s.Header {
			if h == "" || seen[h] {
				t.Errorf("sheet %s: header %q empty or twice", name, h)
			}
			seen[h] = true
		}
		for _, h := range csv[0] {
			if !seen[h] {
				t.Errorf("sheet %s lacks CSV column %s", name, h)
			}
		}
		if s.Declared != s.Used || !strings.HasPrefix(s.Declared, "A1:") {
			t.Errorf("sheet %s declares %s, uses %s", name, s.Declared, s.Used)
		}
		if len(s.Tables) != 1 || s.Tables[0].Name != name || s.Tables[0].Ref != s.Declared || strings.Join(s.Tables[0].Columns, ",") != strings.Join(s.Header, ",") {
			t.Errorf("sheet %s: tables %+v, want one over %s named by the header", name, s.Tables, s.Declared)
		}
		if s.Freeze != "B2" || s.Autofilter != nil {
			t.Errorf("sheet %s: freeze %q, sheet autofilter %v (the table has its own)", name, s.Freeze, s.Autofilter)
		}
		if s.PrintTitles != "$1:$1" || s.Orientation != "landscape" || s.FitWidth != 1 || s.FitHeight != 0 || !s.FitToPage {
			t.Errorf("sheet %s prints with titles %q, %s, %d wide × %d tall (fit %v)", name, s.PrintTitles, s.Orientation, s.FitWidth, s.FitHeight, s.FitToPage)
		}
	}
	for sheet, d := range wb.Dimensions {
		if d[0] != d[1] {
			t.Errorf("sheet %s declares %s, uses %s", sheet, d[0], d[1])
		}
	}
	for sheet, p := range wb.Print {
		if p[0] != "landscape" {
			t.Errorf("sheet %s prints %v", sheet, p[0])
		}
	}
	p := wb.Tables["providers"]
	number := func(typ string) bool { return typ == "int" || typ == "float" }
	if !number(p.Types["deduction_365"]) || p.Formats["deduction_365"] != "#,##0.00" || p.Types["delivery_due"] != "int" ||
		p.Types["score"] != "float" || p.Formats["score"] != "0.0" || p.Formats["delivery_smoothed"] != "0.0%" || p.Formats["weighted"] != "0.0" ||
		p.Formats["deposit"] != "#,##0.00" || p.Types["joined_on"] != "date" || p.Types["category_zh"] != "str" {
		t.Errorf("providers cell types %v formats %v", p.Types, p.Formats)
	}
	if n := wb.Tables["notices"]; n.Types["issued_on"] != "date" || n.Types["appeal_by"] != "date" || n.Formats["issued_on"] != "yyyy-mm-dd" || n.Types["measure_zh"] != "str" {
		t.Errorf("notices cell types %v formats %v", n.Types, n.Formats)
	}
	if c := wb.Tables["commitments"]; c.Formats["kept_rate"] != "0.0%" || c.Formats["target"] != "General" || c.Types["target"] != "int" {
		t.Errorf("commitments cell types %v formats %v (a target of 10 days reads 10)", c.Types, c.Formats)
	}
	if s := wb.Tables["services"]; s.Types["on_sale"] != "bool" {
		t.Errorf("services cell types %v", s.Types)
	}
	if wb.Charts < 2 {
		t.Errorf("%d charts on the summary sheet, want 2", wb.Charts)
	}
	if wb.DictionaryRows < 80 {
		t.Errorf("dictionary has %d rows", wb.DictionaryRows)
	}
	for _, want := range []string{"CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", "<b>test</b> 服务商履约公示，数据截至 2025-07-01",
		"Source: <b>test</b> provider accountability register, data as of 2025-07-01"} {
		if !strings.Contains(wb.Text["README"], want) {
			t.Errorf("README sheet lacks %q", want)
		}
	}
	for _, want := range []string{"软件工具 Software tools", "月份 Month"} {
		if !strings.Contains(wb.Text["summary"], want) {
			t.Errorf("summary sheet lacks the header %q", want)
		}
	}

	// The workbook and the CSVs, with pandas, as an analyst reads them.
	var pd struct {
		Tables map[string]struct {
			SheetRows   int               `json:"sheet_rows"`
			CSVRows     int               `json:"csv_rows"`
			SheetDtypes map[string]string `json:"sheet_dtypes"`
			CSVDtypes   map[string]string `json:"csv_dtypes"`
		}
		Problems []string
	}
	if err := json.Unmarshal(runTool(t, python(t, "pandas", "openpyxl"), "testdata/readback/pandas_check.py", xlsx, schema, dl), &pd); err != nil {
		t.Fatal(err)
	}
	for _, p := range pd.Problems {
		t.Errorf("pandas: %s", p)
	}
	for _, name := range data {
		s := pd.Tables[name]
		if want := len(csvs[name+".csv"]) - 1; s.SheetRows != want || s.CSVRows != want {
			t.Errorf("pandas: %s: %d rows in the sheet, %d in the CSV, want %d", name, s.SheetRows, s.CSVRows, want)
		}
	}
	if d := pd.Tables["providers"]; d.SheetDtypes["orders_90"] != "int64" || d.CSVDtypes["orders_90"] != "int64" {
		t.Errorf("pandas: providers orders_90 is %s in the sheet, %s in the CSV", d.SheetDtypes["orders_90"], d.CSVDtypes["orders_90"])
	}

	// The downloads page: every file with its real size and checksum,
	// SHA256SUMS too, and the licence.
	f, err := os.Open(filepath.Join(dl, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := html.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{} // file → size, rows, what, SHA-256
	var licence []string
	for n := range page.Descendants() {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var th string
			var tds []string
			for c := range n.ChildNodes() {
				switch {
				case c.Type == html.ElementNode && c.Data == "th":
					th = textOf(c)
				case c.Type == html.ElementNode && c.Data == "td":
					tds = append(tds, textOf(c))
				}
			}
			if len(tds) == 4 {
				listed[th] = tds
			}
		}
		if n.Type == html.ElementNode && n.Data == "a" && attr(n, "rel") == "license" {
			licence = append(licence, attr(n, "href"), textOf(n))
		}
	}
	for _, name := range []string{"SHA256SUMS", "manifest.json", "services.csv", "disclosure-2025-07-01.xlsx"} {
		got := listed[name]
		sum, err := report.Sum(filepath.Join(dl, name), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0] == "0 B" || got[0] == "" || got[3] != sum.SHA256 || got[2] == "" {
			t.Errorf("downloads page lists %s as %q, want its size, what it holds and SHA-256 %s", name, got, sum.SHA256)
		}
	}
	if len(licence) != 2 || licence[0] != "https://creativecommons.org/licenses/by/4.0/" || !strings.Contains(licence[1], "CC BY 4.0") {
		t.Errorf("downloads page licence link %q", licence)
	}
	if !strings.Contains(textOf(page), "数据来源：<b>test</b> 服务商履约公示，数据截至 2025-07-01") {
		t.Errorf("downloads page lacks the attribution wording")
	}

	// The workbook, with LibreOffice: every sheet converts, row counts agree.
	soffice := need(t, "LibreOffice", func() string { p, _ := exec.LookPath("soffice"); return p })
	conv := t.TempDir()
	runTool(t, soffice, "-env:UserInstallation=file://"+filepath.Join(conv, "profile"), "--headless", "--convert-to",
		"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", conv, xlsx)
	for _, name := range data {
		b, err := os.ReadFile(filepath.Join(conv, "disclosure-2025-07-01-"+name+".csv"))
		if err != nil {
			t.Fatalf("LibreOffice did not convert sheet %s: %v", name, err)
		}
		lines := strings.Count(strings.TrimRight(string(b), "\n"), "\n") + 1
		if want := len(csvs[name+".csv"]); lines < want {
			t.Errorf("LibreOffice sheet %s: %d lines, want %d", name, lines, want)
		}
		if head, _, _ := strings.Cut(string(b), "\n"); !strings.Contains(head, "provider_id") {
			t.Errorf("LibreOffice sheet %s lacks its header", name)
		}
	}

	// JSON against its schema, with jsonschema; the licence stated in it.
	runTool(t, python(t, "jsonschema"), "testdata/readback/jsonschema_check.py", filepath.Join(dl, "disclosure-2025-07-01.json"), schema)
	var doc struct {
		Licence struct {
			ID, URL string
			Zh, En  struct{ Terms, Attribution string }
		}
		Tables map[string][]map[string]any
	}
	b, err := os.ReadFile(filepath.Join(dl, "disclosure-2025-07-01.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Licence.ID != "CC-BY-4.0" || doc.Licence.Zh.Terms == "" || !strings.Contains(doc.Licence.En.Attribution, "2025-07-01") {
		t.Errorf("JSON licence %+v", doc.Licence)
	}
	if len(doc.Tables["services"]) != len(csvs["services.csv"])-1 {
		t.Errorf("JSON: %d services, want %d", len(doc.Tables["services"]), len(csvs["services.csv"])-1)
	}

	// Parquet, with DuckDB.
	toolFile(t, "DuckDB (npm @duckdb/node-api)", "node_modules/@duckdb/node-api/package.json")
	mjs := filepath.Join(toolsDir(), "parquet_check.mjs") // beside node_modules, so the import resolves
	src := readFile(t, "testdata/readback/parquet_check.mjs")
	os.WriteFile(mjs, src, 0o644)
	var pq map[string]struct {
		Types map[string]string
		Rows  int
	}
	var files []string
	for _, n := range append(data, "summary") {
		files = append(files, filepath.Join(dl, n+".parquet"))
	}
	if err := json.Unmarshal(runTool(t, "node", append([]string{mjs}, files...)...), &pq); err != nil {
		t.Fatal(err)
	}
	for _, n := range data {
		if pq[n+".parquet"].Rows != len(csvs[n+".csv"])-1 {
			t.Errorf("%s.parquet: %d rows, want %d", n, pq[n+".parquet"].Rows, len(csvs[n+".csv"])-1)
		}
	}
	for file, want := range map[string]map[string]string{
		"providers.parquet":   {"deduction_365": "DECIMAL(18,2)", "score": "DECIMAL(5,1)", "delivery_due": "BIGINT", "name": "VARCHAR"},
		"notices.parquet":     {"issued_on": "DATE", "effective_until": "DATE"},
		"violations.parquet":  {"deduction": "DECIMAL(18,2)", "due": "DATE", "complaint_category": "VARCHAR"},
		"services.parquet":    {"price": "DECIMAL(18,2)", "listed_on": "DATE", "on_sale": "BOOLEAN"},
		"commitments.parquet": {"target": "DOUBLE", "provider_name": "VARCHAR"},
	} {
		for col, typ := range want {
			if got := pq[file].Types[col]; got != typ {
				t.Errorf("%s: %s is %s, want %s", file, col, got, typ)
			}
		}
	}
}
