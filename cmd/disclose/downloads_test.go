package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
// no one here wrote: sha256sum, a strict CSV parser, openpyxl, LibreOffice,
// jsonschema and DuckDB.
func TestDownloads(t *testing.T) {
	out := buildHostile(t)
	dl := filepath.Join(out, "downloads")
	xlsx := filepath.Join(dl, "disclosure-2025-07-01.xlsx")

	// Checksums.
	cmd := exec.Command("sha256sum", "-c", "--strict", "SHA256SUMS")
	cmd.Dir = dl
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, msg)
	}

	// CSV: strict parse, contract headers, hostile text inert and intact.
	py := python(t, "csv")
	var csvs map[string][][]string
	names := []string{"providers.csv", "notices.csv", "commitments.csv", "violations.csv"}
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dl, n))
	}
	if err := json.Unmarshal(runTool(t, py, append([]string{"testdata/readback/csv_check.py"}, paths...)...), &csvs); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(csvs["providers.csv"][0], ","); got != "provider_id,name,category,status,grade,score,delivery_due,delivery_on_time,response_due,response_on_time,resolution_due,resolution_on_time,checks,checks_answered,orders_90,complaints_upheld_90,points_365,incidents_365,deduction_365,measures" {
		t.Errorf("providers.csv header: %s", got)
	}
	// The contract's columns come first, in order (outputs.md); more may follow.
	if got := strings.Join(csvs["notices.csv"][0], ","); !strings.HasPrefix(got, "notice_id,provider_id,rule_id,rule_version,measure,issued_on,effective_until,status,appeal_by,facts_zh,facts_en,provider_name,origin,rescinded_on,rescind_reason,continues,") {
		t.Errorf("notices.csv header: %s", got)
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
	for _, want := range []string{`'=HYPERLINK("http://evil")`, "Staff decision D1 of 2025-06-20 under Failed spot check: warning, 2 points, deposit deduction of 100.00 CNY. Facts (as stated by the platform): </td><svg onload=window.__pwned=1>抽检\n第二行 \"引号\", 逗号", "<script>window.__pwned=1</script>十天交付", "\u202eevil\u202c 24h 🙂 \"quoted\""} {
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

	// The workbook, with openpyxl.
	var wb struct {
		Sheets []string
		Tables map[string]struct {
			Freeze, Autofilter string
			Rows               int
			Header             []string
			Types, Formats     map[string]string
		}
		Charts         int
		ReadOnlyRows   map[string]int `json:"read_only_rows"`
		DictionaryRows int            `json:"dictionary_rows"`
	}
	if err := json.Unmarshal(runTool(t, python(t, "openpyxl"), "testdata/readback/openpyxl_check.py", xlsx), &wb); err != nil {
		t.Fatal(err)
	}
	if strings.Join(wb.Sheets, ",") != "README,providers,commitments,notices,violations,summary,dictionary" {
		t.Errorf("sheets: %v", wb.Sheets)
	}
	for _, name := range []string{"providers", "commitments", "notices", "violations"} {
		s := wb.Tables[name]
		want := len(csvs[name+".csv"]) + 1 // two header rows against one
		if s.Rows != want || wb.ReadOnlyRows[name] != want {
			t.Errorf("sheet %s: %d rows (%d read-only), want %d", name, s.Rows, wb.ReadOnlyRows[name], want)
		}
		if s.Freeze != "A3" || !strings.HasPrefix(strings.ReplaceAll(s.Autofilter, "$", ""), "A2:") {
			t.Errorf("sheet %s: freeze %q, autofilter %q", name, s.Freeze, s.Autofilter)
		}
	}
	p := wb.Tables["providers"]
	number := func(typ string) bool { return typ == "int" || typ == "float" }
	if !number(p.Types["deduction_365"]) || p.Formats["deduction_365"] != "#,##0.00" || p.Types["delivery_due"] != "int" || p.Types["score"] != "float" {
		t.Errorf("providers cell types %v formats %v", p.Types, p.Formats)
	}
	if n := wb.Tables["notices"]; n.Types["issued_on"] != "date" || n.Types["appeal_by"] != "date" {
		t.Errorf("notices cell types %v", n.Types)
	}
	if c := wb.Tables["commitments"]; c.Formats["kept_rate"] != "0.0%" {
		t.Errorf("commitments formats %v", c.Formats)
	}
	if wb.Charts < 1 {
		t.Errorf("no chart on the summary sheet")
	}
	if wb.DictionaryRows < 50 {
		t.Errorf("dictionary has %d rows", wb.DictionaryRows)
	}

	// The workbook, with LibreOffice: every sheet converts, row counts agree.
	soffice := need(t, "LibreOffice", func() string { p, _ := exec.LookPath("soffice"); return p })
	conv := t.TempDir()
	runTool(t, soffice, "-env:UserInstallation=file://"+filepath.Join(conv, "profile"), "--headless", "--convert-to",
		"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", conv, xlsx)
	for _, name := range []string{"providers", "notices"} {
		b, err := os.ReadFile(filepath.Join(conv, "disclosure-2025-07-01-"+name+".csv"))
		if err != nil {
			t.Fatalf("LibreOffice did not convert sheet %s: %v", name, err)
		}
		lines := strings.Count(strings.TrimRight(string(b), "\n"), "\n") + 1
		if want := len(csvs[name+".csv"]) + 1; lines < want {
			t.Errorf("LibreOffice sheet %s: %d lines, want %d", name, lines, want)
		}
		if !strings.Contains(string(b), "provider_id") {
			t.Errorf("LibreOffice sheet %s lacks its header", name)
		}
	}

	// JSON against its schema, with jsonschema.
	runTool(t, python(t, "jsonschema"), "testdata/readback/jsonschema_check.py", filepath.Join(dl, "disclosure-2025-07-01.json"), filepath.Join(dl, "disclosure-2025-07-01.schema.json"))

	// Parquet, with DuckDB.
	toolFile(t, "DuckDB (npm @duckdb/node-api)", "node_modules/@duckdb/node-api/package.json")
	mjs := filepath.Join(toolsDir(), "parquet_check.mjs") // beside node_modules, so the import resolves
	src, _ := os.ReadFile("testdata/readback/parquet_check.mjs")
	os.WriteFile(mjs, src, 0o644)
	var pq map[string]struct {
		Types map[string]string
		Rows  int
	}
	var files []string
	for _, n := range []string{"providers", "commitments", "notices", "violations", "summary"} {
		files = append(files, filepath.Join(dl, n+".parquet"))
	}
	if err := json.Unmarshal(runTool(t, "node", append([]string{mjs}, files...)...), &pq); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"providers", "commitments", "notices", "violations"} {
		if pq[n+".parquet"].Rows != len(csvs[n+".csv"])-1 {
			t.Errorf("%s.parquet: %d rows, want %d", n, pq[n+".parquet"].Rows, len(csvs[n+".csv"])-1)
		}
	}
	for file, want := range map[string]map[string]string{
		"providers.parquet":  {"deduction_365": "DECIMAL(18,2)", "score": "DECIMAL(5,1)", "delivery_due": "BIGINT", "name": "VARCHAR"},
		"notices.parquet":    {"issued_on": "DATE", "effective_until": "DATE"},
		"violations.parquet": {"deduction": "DECIMAL(18,2)", "due": "DATE"},
	} {
		for col, typ := range want {
			if got := pq[file].Types[col]; got != typ {
				t.Errorf("%s: %s is %s, want %s", file, col, got, typ)
			}
		}
	}
}
