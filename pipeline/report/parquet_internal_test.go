package report

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestParquetInBatchesIsOneRecord writes the same tables handing the
// writer all rows at once and in batches of 1,024 and 3,072 rows, and
// wants the same bytes: batching only bounds the memory a provider-sized
// table takes while it is written.
func TestParquetInBatchesIsOneRecord(t *testing.T) {
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
		var want []byte
		for _, batch := range []int{1 << 30, 1024, 3072} {
			path := filepath.Join(dir, fmt.Sprintf("t-%d-%d.parquet", rows, batch))
			if err := writeParquet(path, tab, batch); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = b
			} else if string(b) != string(want) {
				t.Errorf("%d rows in batches of %d: not the bytes of one record", rows, batch)
			}
		}
	}
}
