package report

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/parquet/file"
)

// TestParquetRowGroups writes tables in row groups of 1,024 and 3,072
// rows and of the whole table, and wants each file to hold the row groups
// it should and to read back as the same table: row groups only bound
// the memory a table takes while it is written.
func TestParquetRowGroups(t *testing.T) {
	dir := t.TempDir()
	cols := []Col{{Name: "id", Kind: KText}, {Name: "state", Kind: KEnum}, {Name: "n", Kind: KInt}, {Name: "fen", Kind: KMoney},
		{Name: "score", Kind: KScore}, {Name: "day", Kind: KDate}, {Name: "rate", Kind: KRate}, {Name: "x", Kind: KDecimal},
		{Name: "f", Kind: KNumber}, {Name: "ok", Kind: KBool}}
	for _, rows := range []int{0, 1, 1023, 1024, 5000, 70000} {
		tab := &Table{Name: "t", Cols: cols}
		for i := range rows {
			null := i%13 == 0
			tab.Rows = append(tab.Rows, []Value{{S: fmt.Sprintf("SP%06d", i)}, {S: []string{"a", "b", "c"}[i%3]},
				{I: int64(i % 97), Null: null}, {I: int64(i * 31), Null: null}, {I: int64(i % 1000)}, {I: int64(20000 + i%400)},
				{F: float64(i%100) / 100, Null: null}, {F: float64(i) / 7}, {F: float64(i) * 1.5}, {B: i%2 == 0}})
		}
		for _, batch := range []int{1 << 30, 1024, 3072} {
			path := filepath.Join(dir, fmt.Sprintf("t-%d-%d.parquet", rows, batch))
			if err := writeParquet(path, tab, batch); err != nil {
				t.Fatal(err)
			}
			r, err := file.OpenParquetFile(path, false)
			if err != nil {
				t.Fatal(err)
			}
			groups := r.NumRowGroups()
			r.Close()
			if want := max(1, (rows+batch-1)/batch); groups != want {
				t.Errorf("%d rows in row groups of %d: %d row groups, want %d", rows, batch, groups, want)
			}
			got, err := ReadParquet(path, cols)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rows) != rows {
				t.Fatalf("%d rows in row groups of %d: read back %d rows", rows, batch, len(got.Rows))
			}
			for i := range got.Rows {
				want := slices.Clone(tab.Rows[i])
				for j := range want {
					if want[j].Null {
						want[j] = Value{Null: true} // a null has no value
					}
				}
				if !reflect.DeepEqual(got.Rows[i], want) {
					t.Fatalf("%d rows in row groups of %d: row %d reads back as %v, want %v", rows, batch, i, got.Rows[i], want)
				}
			}
		}
	}
}
