package report

import (
	"cmp"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// Kind is a column's type, which says how each format writes it.
type Kind int

// The kinds of column.
const (
	KText    Kind = iota // free text
	KEnum                // a code
	KInt                 // a whole number
	KMoney               // CNY with two decimals (fen)
	KDate                // a local date
	KScore               // a score with one decimal (tenths); may be null
	KRate                // a fraction in [0, 1], shown as a percentage; may be null
	KDecimal             // a computed decimal, shown with one place
	KNumber              // a number as given (a promise's target), shown as it is
	KBool                // true or false
)

// key names the kind in content/dictionary.json ("types").
func (k Kind) key() string {
	return [...]string{"text", "enum", "integer", "money", "date", "score", "rate", "decimal", "number", "boolean"}[k]
}

// Col is one column: its name, kind, meaning in Chinese and English, and
// whether it belongs to the contract CSV (the others appear in the
// workbook, JSON and Parquet only).
//
// Tables are declared with the names content/dictionary.json keys them by,
// which may hold {param}s ("orders_{rates_days}"); fill gives the column
// its name and meanings from the rule book and the dictionary.
type Col struct {
	Name   string
	Kind   Kind
	Zh, En string
	Extra  bool // not in the CSV
	// Label, when set, adds a column of Chinese names beside this column's
	// codes in the workbook (only there: the other formats keep codes).
	Label *Label
	// params are the column's own {param}s (a rating dimension's name).
	params map[string]string
}

// Label is a workbook column that names the codes of the column before it.
type Label struct {
	Name string
	Of   func(code string) string
}

// Value is one cell.
type Value struct {
	S    string
	I    int64
	F    float64
	B    bool
	Null bool
}

func txt[S ~string](s S) Value    { return Value{S: string(s)} }
func num(i int64) Value           { return Value{I: i} }
func fen(f model.Fen) Value       { return Value{I: int64(f)} }
func dec(f float64) Value         { return Value{F: f} }
func boolean(b bool) Value        { return Value{B: b} }
func null() Value                 { return Value{Null: true} }
func date(d model.Date) Value     { return Value{I: int64(d), Null: d == model.NoDate} }
func rate(x, n int64) Value       { return Value{F: float64(x) / float64(max(n, 1)), Null: n == 0} }
func score(r *model.Rating) Value { return Value{I: r.ScoreTenths, Null: !r.Scored} }

// Table is one download table: columns and rows, both in a fixed order.
type Table struct {
	Name   string // file stem: providers, commitments, notices, violations, services
	Zh, En string // what it holds
	Cols   []Col
	Rows   [][]Value
}

// CSVCols returns the columns the CSV carries.
func (t *Table) CSVCols() []int {
	var out []int
	for i, c := range t.Cols {
		if !c.Extra {
			out = append(out, i)
		}
	}
	return out
}

// Text formats a cell as the CSV writes it.
func Text(c Col, v Value) string {
	if v.Null {
		return ""
	}
	switch c.Kind {
	case KInt:
		return strconv.FormatInt(v.I, 10)
	case KMoney:
		return model.Fen(v.I).String()
	case KDate:
		return model.Date(v.I).String()
	case KScore:
		return model.Tenths(v.I)
	case KRate, KDecimal, KNumber:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	case KBool:
		return strconv.FormatBool(v.B)
	}
	return v.S
}

// Input is what the download tables are built from.
type Input struct {
	Book        *rulebook.Book
	AsOf        model.Date
	Facts       []*model.Facts // one per provider, by id
	Ratings     []model.Rating // in the same order
	Notices     []model.Notice
	Commitments []model.Commitment
	History     []ledger.Score // every build's scores in the ledger, this one's included
	Builds      []ledger.Build // every build in the ledger, by as-of date
	Services    []model.Service
	Appeals     []model.Appeal   // every valid appeal
	Decisions   []model.Decision // every valid staff decision, what appeals on decisions were about
	Clock       *model.Clock     // the snapshot's zone: appeals' local dates
	// Content is the content tree (dictionary.json, licence.json); nil
	// means the embedded one.
	Content fs.FS
}

// tables builds the download tables, unnamed: fill gives them their
// names and words.
func tables(in *Input, w *words) []*Table {
	ix := newIndex(in)
	ix.labels.w = w
	return []*Table{providersTable(in, ix), commitmentsTable(in, ix), noticesTable(in, ix), violationsTable(in, ix), servicesTable(in, ix)}
}

// index finds a provider's facts, rating and notices by id, and holds the
// label functions of the workbook.
type index struct {
	facts   map[string]int // into in.Facts and in.Ratings
	notices map[string][]*model.Notice
	labels  labels
}

func newIndex(in *Input) *index {
	ix := &index{facts: map[string]int{}, notices: map[string][]*model.Notice{}}
	for i, f := range in.Facts {
		ix.facts[f.Provider.ID] = i
	}
	for i := range in.Notices {
		n := &in.Notices[i]
		ix.notices[n.ProviderID] = append(ix.notices[n.ProviderID], n)
	}
	return ix
}

// provider returns the provider with the given id, or an empty one.
func (ix *index) provider(in *Input, id string) *model.Provider {
	if i, ok := ix.facts[id]; ok {
		return in.Facts[i].Provider
	}
	return &model.Provider{ID: id}
}

// measures lists the measures in force on the as-of date for a provider.
func (ix *index) measures(in *Input, id string) []model.Measure {
	return ledger.Measures(ix.notices[id], in.AsOf, in.Book)
}

func providersTable(in *Input, ix *index) *Table {
	l := &ix.labels
	t := &Table{Name: "providers", Cols: []Col{
		{Name: "provider_id", Kind: KText},
		{Name: "name", Kind: KText},
		{Name: "category", Kind: KEnum, Label: l.category("category_zh")},
		{Name: "status", Kind: KEnum, Label: l.providerStatus()},
		{Name: "grade", Kind: KEnum},
		{Name: "score", Kind: KScore},
		{Name: "delivery_due", Kind: KInt},
		{Name: "delivery_on_time", Kind: KInt},
		{Name: "response_due", Kind: KInt},
		{Name: "response_on_time", Kind: KInt},
		{Name: "resolution_due", Kind: KInt},
		{Name: "resolution_on_time", Kind: KInt},
		{Name: "checks", Kind: KInt},
		{Name: "checks_answered", Kind: KInt},
		{Name: "orders_{rates_days}", Kind: KInt},
		{Name: "complaints_upheld_{rates_days}", Kind: KInt},
		{Name: "points_{points_days}", Kind: KInt},
		{Name: "incidents_{points_days}", Kind: KInt},
		{Name: "deduction_{points_days}", Kind: KMoney},
		{Name: "measures", Kind: KText, Label: l.measures(in.Book)},
		// What disclose verify needs to recompute a rating and the
		// published status from the downloads alone.
		{Name: "tickets_assessable", Kind: KInt},
		{Name: "platform_status", Kind: KEnum, Label: &Label{Name: "platform_status_zh", Of: model.ProviderStatusEnum.Label}},
	}}
	for _, d := range in.Book.Rating.Dimensions {
		t.Cols = append(t.Cols, Col{Name: "{dimension}_smoothed", Kind: KRate, Extra: true,
			params: map[string]string{"dimension": d.ID, "dimension_zh": d.Zh, "dimension_en": d.En, "weight": d.Weight.String()}})
	}
	t.Cols = append(t.Cols,
		Col{Name: "weighted", Kind: KDecimal, Extra: true},
		Col{Name: "points_deducted", Kind: KInt, Extra: true},
		// Appended after the contract's twenty columns (outputs.md) and
		// the two above, so that they keep their order in every format.
		Col{Name: "region", Kind: KText},
		Col{Name: "joined_on", Kind: KDate},
		Col{Name: "deposit", Kind: KMoney})
	for i, f := range in.Facts {
		r := &in.Ratings[i]
		p := f.Provider
		row := []Value{txt(p.ID), txt(p.Name), txt(p.Category), txt(r.Status), txt(r.Grade), score(r),
			num(f.DeliveryDue), num(f.DeliveryOnTime), num(f.ResponseDue), num(f.ResponseOnTime),
			num(f.ResolutionDue), num(f.ResolutionOnTime), num(f.Checks), num(f.ChecksAnswered),
			num(f.Orders90), num(f.ComplaintsUpheld90), num(f.Points365), num(f.Incidents365),
			fen(f.Deduction365), txt(model.JoinMeasures(ix.measures(in, p.ID), ";")),
			num(f.TicketsAssessable), txt(p.Status)}
		for _, d := range in.Book.Rating.Dimensions {
			v := null()
			for _, ds := range r.Dimensions {
				if ds.ID == d.ID {
					v = dec(ds.Smoothed)
				}
			}
			row = append(row, v)
		}
		if len(r.Dimensions) > 0 {
			row = append(row, dec(r.Weighted), num(r.PointsDeducted))
		} else {
			row = append(row, null(), null())
		}
		row = append(row, txt(p.Region), date(p.JoinedOn), fen(p.Deposit))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func commitmentsTable(in *Input, ix *index) *Table {
	l := &ix.labels
	t := &Table{Name: "commitments", Cols: []Col{
		{Name: "commitment_id", Kind: KText},
		{Name: "provider_id", Kind: KText},
		{Name: "service_id", Kind: KText},
		{Name: "kind", Kind: KEnum, Label: l.kind(in.Book)},
		{Name: "target", Kind: KNumber},
		{Name: "floor", Kind: KNumber},
		{Name: "effective_from", Kind: KDate},
		{Name: "effective_to", Kind: KDate},
		{Name: "superseded_by", Kind: KText},
		{Name: "judged", Kind: KInt},
		{Name: "kept", Kind: KInt},
		{Name: "kept_rate", Kind: KRate},
		{Name: "text", Kind: KText},
		{Name: "provider_name", Kind: KText},
		{Name: "provider_category", Kind: KEnum, Label: l.category("provider_category_zh")},
	}}
	cs := slices.Clone(in.Commitments)
	slices.SortStableFunc(cs, func(a, b model.Commitment) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.Kind, b.Kind), strings.Compare(a.ID, b.ID))
	})
	for _, c := range cs {
		var p model.Perf
		if i, ok := ix.facts[c.ProviderID]; ok {
			p = in.Facts[i].Commitments[c.ID]
		}
		floor := 0.0
		if fl := in.Book.Floor(c.Kind); fl != nil {
			floor = fl.Target
		}
		pr := ix.provider(in, c.ProviderID)
		t.Rows = append(t.Rows, []Value{txt(c.ID), txt(c.ProviderID), txt(c.ServiceID), txt(c.Kind), dec(c.Target), dec(floor),
			date(c.EffectiveFrom), date(c.EffectiveTo), txt(c.Superseded), num(p.Judged), num(p.Kept), rate(p.Kept, p.Judged), txt(c.Text),
			txt(pr.Name), txt(pr.Category)})
	}
	return t
}

func noticesTable(in *Input, ix *index) *Table {
	l := &ix.labels
	t := &Table{Name: "notices", Cols: []Col{
		{Name: "notice_id", Kind: KText},
		{Name: "provider_id", Kind: KText},
		{Name: "rule_id", Kind: KEnum, Label: l.rule(in.Book)},
		{Name: "rule_version", Kind: KText},
		{Name: "measure", Kind: KEnum, Label: l.measure(in.Book)},
		{Name: "issued_on", Kind: KDate},
		{Name: "effective_until", Kind: KDate},
		{Name: "status", Kind: KEnum, Label: l.code("status_zh", "notice_status")},
		{Name: "appeal_by", Kind: KDate},
		{Name: "facts_zh", Kind: KText},
		{Name: "facts_en", Kind: KText},
		{Name: "provider_name", Kind: KText},
		{Name: "origin", Kind: KEnum, Label: l.code("origin_zh", "origin")},
		{Name: "rescinded_on", Kind: KDate},
		{Name: "rescind_reason", Kind: KText},
		{Name: "continues", Kind: KText},
		{Name: "window_from", Kind: KDate},
		{Name: "window_to", Kind: KDate},
		{Name: "items", Kind: KInt},
		{Name: "on_time", Kind: KInt},
		{Name: "rate", Kind: KRate},
		{Name: "threshold", Kind: KRate},
		{Name: "points", Kind: KInt},
		{Name: "points_level", Kind: KInt},
		{Name: "deduction", Kind: KMoney},
		{Name: "gmv", Kind: KMoney},
		{Name: "basis", Kind: KText},
		{Name: "provider_category", Kind: KEnum, Label: l.category("provider_category_zh")},
	}}
	for i := len(in.Notices) - 1; i >= 0; i-- {
		n := &in.Notices[i]
		g := &n.Figures
		t.Rows = append(t.Rows, []Value{txt(n.ID), txt(n.ProviderID), txt(n.RuleID), txt(n.RuleVersion), txt(n.Measure),
			date(n.IssuedOn), date(n.EffectiveUntil), txt(n.Status), date(n.AppealBy), txt(n.FactsZh), txt(n.FactsEn),
			txt(n.ProviderName), txt(n.Origin), date(n.RescindedOn), txt(n.RescindReason), txt(n.Continues),
			date(g.WindowFrom), date(g.WindowTo), optInt(g.Items), optInt(g.OnTime), optRate(g), optFloat(g.Threshold),
			optInt(g.Points), optInt(g.PointsLevel), optFen(g.Deduction), optFen(g.GMV),
			txt(strings.Join(n.Basis, ";")), txt(n.ProviderCategory)})
	}
	return t
}

func optInt(v *int64) Value {
	if v == nil {
		return null()
	}
	return num(*v)
}

func optFloat(v *float64) Value {
	if v == nil {
		return null()
	}
	return dec(*v)
}

func optFen(v *model.Fen) Value {
	if v == nil {
		return null()
	}
	return fen(*v)
}

func optRate(g *model.Figures) Value {
	r, ok := g.Rate()
	if !ok {
		return null()
	}
	return dec(r)
}

func violationsTable(in *Input, ix *index) *Table {
	l := &ix.labels
	t := &Table{Name: "violations", Cols: []Col{
		{Name: "provider_id", Kind: KText},
		{Name: "rule_id", Kind: KEnum, Label: l.rule(in.Book)},
		{Name: "due", Kind: KDate},
		{Name: "points", Kind: KInt},
		{Name: "deduction", Kind: KMoney},
		{Name: "ref", Kind: KText},
		{Name: "facts_zh", Kind: KText},
		{Name: "facts_en", Kind: KText},
		{Name: "provider_name", Kind: KText},
		{Name: "provider_category", Kind: KEnum, Label: l.category("provider_category_zh")},
		{Name: "complaint_category", Kind: KEnum, Label: l.complaintCategory()},
	}}
	for _, f := range in.Facts {
		for _, v := range f.Violations {
			t.Rows = append(t.Rows, []Value{txt(v.ProviderID), txt(v.RuleID), date(v.Due), num(v.Points), fen(v.Deduction),
				txt(v.Ref), txt(v.FactsZh), txt(v.FactsEn), txt(f.Provider.Name), txt(f.Provider.Category), txt(v.Category)})
		}
	}
	return t
}
