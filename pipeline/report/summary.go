package report

import (
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

// SummaryMonths is how many calendar months the summary covers, ending
// with the as-of month.
const SummaryMonths = 12

// Summary is the monthly figures by provider category: notices issued in
// the month, and violations (with their points) that count from it.
type Summary struct {
	Months     []string  // "YYYY-MM", oldest first
	Categories []string  // category codes
	Notices    [][]int64 // new notices (new offences)
	Renewed    [][]int64 // renewals: a breach going on past its notice's period
	Violations [][]int64
	Points     [][]int64
}

// Table returns the summary in long form (one row per month and category)
// for the JSON and Parquet downloads, unnamed (see words.fill).
func (s *Summary) Table() *Table {
	t := &Table{Name: "summary", Cols: []Col{
		{Name: "month", Kind: KText},
		{Name: "category", Kind: KEnum},
		{Name: "notices_issued", Kind: KInt},
		{Name: "violations", Kind: KInt},
		{Name: "points", Kind: KInt},
		{Name: "notices_renewed", Kind: KInt},
	}}
	for m := range s.Months {
		for c := range s.Categories {
			t.Rows = append(t.Rows, []Value{txt(s.Months[m]), txt(s.Categories[c]), num(s.Notices[m][c]), num(s.Violations[m][c]),
				num(s.Points[m][c]), num(s.Renewed[m][c])})
		}
	}
	return t
}

// Summarise counts notices and violations by month and category.
func Summarise(in *Input) *Summary {
	s := &Summary{Categories: model.CategoryEnum.Codes}
	y, mo, _ := in.AsOf.Time().Date()
	first := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(SummaryMonths - 1), 0)
	index := map[string]int{}
	for i := 0; i < SummaryMonths; i++ {
		m := first.AddDate(0, i, 0).Format("2006-01")
		index[m] = i
		s.Months = append(s.Months, m)
	}
	cat := map[string]int{}
	for i, c := range s.Categories {
		cat[c] = i
	}
	grid := func() [][]int64 {
		g := make([][]int64, SummaryMonths)
		for i := range g {
			g[i] = make([]int64, len(s.Categories))
		}
		return g
	}
	s.Notices, s.Renewed, s.Violations, s.Points = grid(), grid(), grid(), grid()
	category := map[string]int{}
	for _, f := range in.Facts {
		category[f.Provider.ID] = cat[f.Provider.Category]
	}
	month := func(d model.Date) (int, bool) {
		i, ok := index[d.String()[:7]]
		return i, ok
	}
	for _, n := range in.Notices {
		c, known := category[n.ProviderID]
		if k, ok := cat[n.ProviderCategory]; ok {
			c, known = k, true // as issued: also a provider missing from tonight's export
		}
		if m, ok := month(n.IssuedOn); ok && known {
			if n.Continues != "" {
				s.Renewed[m][c]++
			} else {
				s.Notices[m][c]++
			}
		}
	}
	for _, f := range in.Facts {
		c := category[f.Provider.ID]
		for _, v := range f.Violations {
			if m, ok := month(v.Due); ok {
				s.Violations[m][c]++
				s.Points[m][c] += v.Points
			}
		}
	}
	return s
}
