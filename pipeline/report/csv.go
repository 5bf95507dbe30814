package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// Neutral keeps a spreadsheet from reading a cell as a formula: a cell that
// begins with =, +, -, @, tab or CR gets a leading apostrophe.
func Neutral(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// NeutralRule says what Neutral does, for the data dictionary.
const (
	NeutralRuleZh = "CSV 中以 =、+、-、@、制表符或回车开头的单元格前加一个英文单引号，防止电子表格把它当作公式执行。"
	NeutralRuleEn = "In the CSV files a cell that begins with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so that spreadsheets never run it as a formula."
)

// WriteCSV writes a table's contract columns as RFC 4180 CSV (CRLF line
// ends), UTF-8 with a BOM, one header row, every cell neutralised.
func WriteCSV(path string, t *Table) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("\ufeff")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	cols := t.CSVCols()
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = t.Cols[c].Name
	}
	w.Write(rec)
	for _, row := range t.Rows {
		for i, c := range cols {
			rec[i] = Neutral(Text(t.Cols[c], row[c]))
		}
		w.Write(rec)
	}
	w.Flush()
	err = w.Error()
	if e := bw.Flush(); err == nil {
		err = e
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Measures lists the distinct measures of a provider's notices in force on
// asOf, in the order of the measures table, leaving out one-off measures.
func Measures(notices []model.Notice, providerID string, asOf model.Date, book *rulebook.Book) []string {
	have := make([]bool, len(book.Measures))
	for i := range notices {
		n := &notices[i]
		if n.ProviderID == providerID && n.Status == model.InForce && n.InForceOn(asOf) {
			if r := book.MeasureRank(n.Measure); r >= 0 {
				have[r] = true
			}
		}
	}
	var out []string
	for i, m := range book.Measures {
		if have[i] && !m.OneOff {
			out = append(out, m.ID)
		}
	}
	return out
}
