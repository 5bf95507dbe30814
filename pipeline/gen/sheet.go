package gen

import (
	"fmt"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/xuri/excelize/v2"
)

// sheet streams rows of one activity table into its own workbook
// (<table>.xlsx, first sheet), the way an operations team would export it:
// local times as "YYYY-MM-DD HH:MM:SS" text, dates as text, money as
// numbers, booleans as 是/否.
type sheet struct {
	path string
	f    *excelize.File
	sw   *excelize.StreamWriter
	zone *time.Location
	n    int
}

func newSheet(path, name string, fields []arrow.Field, zone *time.Location) (*sheet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", path, err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("gen: %s: %w", path, err)
	}
	header := make([]any, len(fields))
	for i, fd := range fields {
		header[i] = fd.Name
	}
	s := &sheet{path: path, f: f, sw: sw, zone: zone, n: 1}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", path, err)
	}
	return s, nil
}

func (s *sheet) row(vals ...any) error {
	cells := make([]any, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case model.Instant:
			cells[i] = time.UnixMicro(int64(v)).In(s.zone).Format("2006-01-02 15:04:05")
		case model.Date:
			cells[i] = v.String()
		case model.Fen:
			cells[i] = float64(v) / 100
		case bool:
			cells[i] = map[bool]string{true: "是", false: "否"}[v]
		default:
			cells[i] = v
		}
	}
	s.n++
	cell, _ := excelize.CoordinatesToCellName(1, s.n)
	if err := s.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("gen: %s: %w", s.path, err)
	}
	return nil
}

func (s *sheet) close() error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("gen: %s: %w", s.path, err)
	}
	out, err := os.Create(s.path)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if _, err := s.f.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("gen: %s: %w", s.path, err)
	}
	return out.Close()
}
