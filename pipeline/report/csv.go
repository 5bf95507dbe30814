package report

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Neutral keeps a spreadsheet from reading a cell as a formula: a cell that
// begins with =, +, -, @, tab or CR gets a leading apostrophe.
func Neutral(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes a table's contract columns as RFC 4180 CSV (CRLF between
// records), UTF-8 with a BOM, one header row, every cell neutralised. Line
// breaks inside a cell are kept as they are (encoding/csv would turn LF
// into CRLF with UseCRLF, changing the data).
func WriteCSV(path string, t *Table) error {
	return writeBuffered(path, func(w *bufio.Writer) {
		w.WriteString("\ufeff")
		cols := t.CSVCols()
		for i, c := range cols {
			writeField(w, i, t.Cols[c].Name)
		}
		w.WriteString("\r\n")
		for _, row := range t.Rows {
			for i, c := range cols {
				writeField(w, i, Neutral(Text(t.Cols[c], row[c])))
			}
			w.WriteString("\r\n")
		}
	})
}

// writeBuffered creates path and fills it through a buffer; any error,
// the file's name with it.
func writeBuffered(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	err = w.Flush()
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeField writes one field, quoted when it holds a comma, a quote, a
// line break or leading or trailing space.
func writeField(w *bufio.Writer, i int, s string) {
	if i > 0 {
		w.WriteByte(',')
	}
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		w.WriteString(s)
		return
	}
	w.WriteByte('"')
	w.WriteString(strings.ReplaceAll(s, `"`, `""`))
	w.WriteByte('"')
}
