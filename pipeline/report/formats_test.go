package report_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/report"
)

// TestParquetOneEncoding writes Parquet files whose columns hold more
// distinct text than a dictionary page may (1 MB by default) and wants
// every column chunk's data pages in one encoding: arrow lists a chunk's
// page encodings in the order of a Go map, so a chunk with two would not
// give the same bytes from one run to the next.
func TestParquetOneEncoding(t *testing.T) {
	dir := t.TempDir()
	tab := &report.Table{Name: "violations", Cols: []report.Col{{Name: "facts", Kind: report.KText}, {Name: "n", Kind: report.KInt}}}
	for i := range 60000 {
		tab.Rows = append(tab.Rows, []report.Value{{S: fmt.Sprintf("a finding of provider SP%06d, with its facts", i)}, {I: int64(i % 7)}})
	}
	path := filepath.Join(dir, "violations.parquet")
	if err := report.WriteParquet(path, tab); err != nil {
		t.Fatal(err)
	}
	oneEncoding(t, path)

	snap := filepath.Join(dir, "gen")
	if err := gen.Write(gen.Options{Out: snap, Seed: 1, Providers: 20, Orders: 200000, AsOf: model.DateOf(2025, time.June, 30), Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"orders", "tickets", "complaints", "contact_checks", "shop_gmv"} {
		oneEncoding(t, filepath.Join(snap, name+".parquet"))
	}
}

func oneEncoding(t *testing.T, path string) {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for g := range r.NumRowGroups() {
		rg := r.MetaData().RowGroup(g)
		for c := range rg.NumColumns() {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			data := 0
			for _, st := range cc.EncodingStats() {
				if st.PageType.String() != "DICTIONARY_PAGE" {
					data++
				}
			}
			if data > 1 {
				t.Errorf("%s: row group %d, column %s: data pages in %d encodings", filepath.Base(path), g, cc.PathInSchema(), data)
			}
		}
	}
}
