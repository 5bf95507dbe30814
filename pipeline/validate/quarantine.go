package validate

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Quarantine writes rejected rows to a CSV file that is never published:
// table, source, location, row, reason, values (the raw row as JSON).
type Quarantine struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	w    *csv.Writer
}

// NewQuarantine creates the quarantine file at path (its directory too). The
// file is written beside its final name and renamed into place by Close.
func NewQuarantine(path string) (*Quarantine, error) {
	if path == "" {
		return &Quarantine{}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("quarantine %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".quarantine-*.csv")
	if err != nil {
		return nil, fmt.Errorf("quarantine %s: %w", path, err)
	}
	q := &Quarantine{path: path, f: f, bw: bufio.NewWriter(f)}
	q.bw.WriteString("\ufeff")
	q.w = csv.NewWriter(q.bw)
	q.w.Write([]string{"table", "source", "location", "row", "reason", "values"})
	return q, nil
}

// Add writes one rejected row.
func (q *Quarantine) Add(table, source, location string, row int64, reason Reason, values string) {
	if q.w == nil {
		return
	}
	q.w.Write([]string{table, neutral(source), neutral(location), strconv.FormatInt(row, 10), string(reason), neutral(values)})
}

// neutral keeps a spreadsheet from reading a cell as a formula.
func neutral(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// Close finishes the file and moves it into place.
func (q *Quarantine) Close() error {
	if q.w == nil {
		return nil
	}
	q.w.Flush()
	err := q.w.Error()
	if e := q.bw.Flush(); err == nil {
		err = e
	}
	if e := q.f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(q.f.Name(), q.path)
	}
	if err != nil {
		os.Remove(q.f.Name())
		return fmt.Errorf("quarantine %s: %w", q.path, err)
	}
	return nil
}

// Abort removes the unfinished file.
func (q *Quarantine) Abort() {
	if q.w == nil {
		return
	}
	q.f.Close()
	os.Remove(q.f.Name())
}
