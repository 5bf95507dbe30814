package verify

import (
	"math"
	"path/filepath"
	"strconv"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/xuri/excelize/v2"
)

// excelEpoch is day 0 of Excel's 1900 date system (serial 25569 is
// 1970-01-01).
const excelEpoch = 25569

// checkWorkbook compares each data sheet of the workbook with the table's
// Parquet: every column of the sheet named as a column of the table, cell
// by cell, by value (a date is a serial, money a number of yuan).
func checkWorkbook(f *folder, res *Result) {
	name := "disclosure-" + f.asOf.String() + ".xlsx"
	wb, err := excelize.OpenFile(filepath.Join(f.dir, name))
	if err != nil {
		res.add("file "+name, "%v", err)
		return
	}
	defer wb.Close()
	for _, sheet := range wb.GetSheetList() {
		pt := f.tables[sheet]
		if pt == nil {
			continue
		}
		rows, err := wb.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			res.add("file "+name, "sheet %s: %v", sheet, err)
			continue
		}
		// The header is the first row whose first cell names the table's
		// first column.
		head := -1
		for i, r := range rows {
			if len(r) > 0 && r[0] == pt.Cols[0].Name {
				head = i
				break
			}
		}
		if head < 0 {
			res.add("file "+name, "sheet %s: no header row naming %s", sheet, pt.Cols[0].Name)
			continue
		}
		cols := map[int]int{} // sheet column → table column
		for j, h := range rows[head] {
			if ci := col(pt, h); ci >= 0 {
				cols[j] = ci
			}
		}
		data := rows[head+1:]
		if len(data) != len(pt.Rows) {
			res.add("file "+name, "sheet %s: %d rows, %s.parquet %d", sheet, len(data), pt.Name, len(pt.Rows))
			continue
		}
	rows:
		for r, row := range data {
			for j, ci := range cols {
				got := ""
				if j < len(row) {
					got = row[j]
				}
				if !sameCell(pt.Cols[ci], pt.Rows[r][ci], got) {
					res.add("file "+name, "sheet %s, row %d, %s: %q, but %s.parquet says %q", sheet, r+1, pt.Cols[ci].Name, got, pt.Name,
						report.Text(pt.Cols[ci], pt.Rows[r][ci]))
					break rows
				}
			}
		}
	}
}

// sameCell compares a raw workbook cell with a table value.
func sameCell(c report.Col, v report.Value, raw string) bool {
	if v.Null || (raw == "" && report.Text(c, v) == "") {
		return raw == "" && (v.Null || report.Text(c, v) == "")
	}
	num := func() (float64, bool) {
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	}
	switch c.Kind {
	case report.KInt:
		f, ok := num()
		return ok && f == float64(v.I)
	case report.KMoney:
		f, ok := num()
		return ok && math.Round(f*100) == float64(v.I)
	case report.KScore:
		f, ok := num()
		return ok && math.Round(f*10) == float64(v.I)
	case report.KDate:
		f, ok := num()
		return ok && model.Date(int64(f)-excelEpoch) == model.Date(v.I)
	case report.KBool:
		return raw == map[bool]string{true: "1", false: "0"}[v.B]
	case report.KNumber:
		f, ok := num()
		return ok && f == v.F
	case report.KRate, report.KDecimal:
		f, ok := num()
		return ok && math.Abs(f-v.F) <= 1e-12*math.Max(1, math.Abs(v.F))
	}
	return raw == report.Text(c, v)
}
