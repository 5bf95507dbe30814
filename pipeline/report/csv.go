package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// writeCSV writes rows as RFC 4180 CSV (CRLF line ends), UTF-8 with a BOM,
// every cell neutralised, and returns the number of data rows.
func writeCSV(path string, header []string, rows [][]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("\ufeff")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	w.Write(header)
	for _, r := range rows {
		for i := range r {
			r[i] = Neutral(r[i])
		}
		w.Write(r)
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

// ProvidersHeader is the contract's column order of providers.csv.
var ProvidersHeader = []string{"provider_id", "name", "category", "status", "grade", "score", "delivery_due",
	"delivery_on_time", "response_due", "response_on_time", "resolution_due", "resolution_on_time", "checks",
	"checks_answered", "orders_90", "complaints_upheld_90", "points_365", "incidents_365", "deduction_365", "measures"}

// NoticesHeader is the contract's column order of notices.csv.
var NoticesHeader = []string{"notice_id", "provider_id", "rule_id", "rule_version", "measure", "issued_on",
	"effective_until", "status", "appeal_by", "facts_zh", "facts_en"}

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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ProviderRows builds the rows of providers.csv.
func ProviderRows(facts []*model.Facts, ratings []model.Rating, notices []model.Notice, asOf model.Date, book *rulebook.Book) [][]string {
	byProvider := map[string][]model.Notice{}
	for _, n := range notices {
		byProvider[n.ProviderID] = append(byProvider[n.ProviderID], n)
	}
	rows := make([][]string, 0, len(facts))
	for i, f := range facts {
		r := &ratings[i]
		p := f.Provider
		rows = append(rows, []string{p.ID, p.Name, p.Category, p.Status, r.Grade, r.ScoreText(),
			itoa(f.DeliveryDue), itoa(f.DeliveryOnTime), itoa(f.ResponseDue), itoa(f.ResponseOnTime),
			itoa(f.ResolutionDue), itoa(f.ResolutionOnTime), itoa(f.Checks), itoa(f.ChecksAnswered),
			itoa(f.Orders90), itoa(f.ComplaintsUpheld90), itoa(f.Points365), itoa(f.Incidents365),
			f.Deduction365.String(), strings.Join(Measures(byProvider[p.ID], p.ID, asOf, book), ";")})
	}
	return rows
}

// NoticeRows builds the rows of notices.csv, newest first.
func NoticeRows(notices []model.Notice) [][]string {
	rows := make([][]string, 0, len(notices))
	for i := len(notices) - 1; i >= 0; i-- {
		n := &notices[i]
		rows = append(rows, []string{n.ID, n.ProviderID, n.RuleID, n.RuleVersion, n.Measure, n.IssuedOn.String(),
			n.EffectiveUntil.String(), n.Status, n.AppealBy.String(), n.FactsZh, n.FactsEn})
	}
	return rows
}

// WriteContractCSVs writes downloads/providers.csv and downloads/notices.csv
// under dir.
func WriteContractCSVs(dir string, facts []*model.Facts, ratings []model.Rating, notices []model.Notice, asOf model.Date, book *rulebook.Book) error {
	if err := writeCSV(filepath.Join(dir, "downloads", "providers.csv"), ProvidersHeader, ProviderRows(facts, ratings, notices, asOf, book)); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "downloads", "notices.csv"), NoticesHeader, NoticeRows(notices))
}
