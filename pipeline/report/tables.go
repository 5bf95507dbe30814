package report

import (
	"cmp"
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
	KDecimal             // a fraction or factor
)

// Name is the kind's name in the data dictionary.
func (k Kind) Name() string {
	return [...]string{"text", "enum", "integer", "money (CNY, 2 decimals)", "date", "decimal (1 place)", "rate (0–1)", "decimal"}[k]
}

// Col is one column: its name, kind, meaning in Chinese and English, and
// whether it belongs to the contract CSV (the others appear in the
// workbook, JSON and Parquet only).
type Col struct {
	Name   string
	Kind   Kind
	Zh, En string
	Extra  bool // not in the CSV
}

// Value is one cell.
type Value struct {
	S    string
	I    int64
	F    float64
	Null bool
}

func txt(s string) Value          { return Value{S: s} }
func num(i int64) Value           { return Value{I: i} }
func fen(f model.Fen) Value       { return Value{I: int64(f)} }
func dec(f float64) Value         { return Value{F: f} }
func null() Value                 { return Value{Null: true} }
func date(d model.Date) Value     { return Value{I: int64(d), Null: d == model.NoDate} }
func rate(x, n int64) Value       { return Value{F: float64(x) / float64(max(n, 1)), Null: n == 0} }
func score(r *model.Rating) Value { return Value{I: r.ScoreTenths, Null: !r.Scored} }

// Table is one download table: columns and rows, both in a fixed order.
type Table struct {
	Name   string // file stem: providers, commitments, notices, violations
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
	case KRate, KDecimal:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
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
}

// Tables builds the four download tables.
func Tables(in *Input) []*Table {
	return []*Table{providersTable(in), commitmentsTable(in), noticesTable(in), violationsTable(in)}
}

var providerCols = []Col{
	{Name: "provider_id", Kind: KText, Zh: "服务商编号", En: "Provider id"},
	{Name: "name", Kind: KText, Zh: "服务商名称（原文）", En: "Provider name as registered"},
	{Name: "category", Kind: KEnum, Zh: "类目：operations 代运营、software 软件工具、marketing 营销推广、training 培训、customer_service 客服外包、design 设计、other 其他", En: "Category: operations, software, marketing, training, customer_service, design, other"},
	{Name: "status", Kind: KEnum, Zh: "公示状态：cleared 已清退（评级为已清退）；否则 suspended 暂停（平台导出为暂停，或暂停合作处罚生效中）；否则 active 正常", En: "Published status: cleared when the grade is cleared; otherwise suspended when the platform's export says suspended or a suspension is in force; otherwise active"},
	{Name: "grade", Kind: KEnum, Zh: "评级 A–E；unrated 数据不足；cleared 已清退", En: "Grade A–E; unrated (too few data); cleared"},
	{Name: "score", Kind: KScore, Zh: "得分 0–100，一位小数；未评级时为空", En: "Score 0–100 with one decimal; empty when not rated"},
	{Name: "delivery_due", Kind: KInt, Zh: "近90天到期、可评估的订单数", En: "Orders due and assessable in the last 90 days"},
	{Name: "delivery_on_time", Kind: KInt, Zh: "其中按时交付的订单数", En: "Of those, delivered on time"},
	{Name: "response_due", Kind: KInt, Zh: "近90天到期的售后工单（首次响应）", En: "Tickets due for a first reply in the last 90 days"},
	{Name: "response_on_time", Kind: KInt, Zh: "其中按时首次回复的工单数", En: "Of those, answered on time"},
	{Name: "resolution_due", Kind: KInt, Zh: "近90天到期的售后工单（处理）", En: "Tickets due for resolution in the last 90 days"},
	{Name: "resolution_on_time", Kind: KInt, Zh: "其中按时处理完毕的工单数", En: "Of those, resolved on time"},
	{Name: "checks", Kind: KInt, Zh: "近90天平台抽查电话次数", En: "Platform test calls in the last 90 days"},
	{Name: "checks_answered", Kind: KInt, Zh: "其中接听次数", En: "Of those, answered"},
	{Name: "orders_90", Kind: KInt, Zh: "近90天下单的有效订单数（不含已取消）", En: "Orders placed in the last 90 days, not cancelled"},
	{Name: "complaints_upheld_90", Kind: KInt, Zh: "近90天成立且未被撤销的投诉数", En: "Complaints upheld in the last 90 days and not overturned"},
	{Name: "points_365", Kind: KInt, Zh: "近365天违规积分", En: "Violation points in the last 365 days"},
	{Name: "incidents_365", Kind: KInt, Zh: "近365天客服失联次数", En: "Unreachable incidents in the last 365 days"},
	{Name: "deduction_365", Kind: KMoney, Zh: "近365天扣除保证金合计（元）", En: "Deposit deducted in the last 365 days (CNY)"},
	{Name: "measures", Kind: KText, Zh: "数据日生效中的处罚措施，以分号分隔（不含一次性扣款）", En: "Measures in force at the as-of date, ';'-separated (one-off deductions left out)"},
	{Name: "tickets_assessable", Kind: KInt, Zh: "近90天可评估的售后工单数（首次响应或处理任一到期，每单计一次）：与 delivery_due 相加即评级所需的项目数", En: "Tickets assessable in the last 90 days (due for a first reply or a resolution, each counted once): with delivery_due, the items a rating needs"},
	{Name: "platform_status", Kind: KEnum, Zh: "平台导出的状态：active 正常、suspended 暂停、cleared 已清退（公示状态 status 由它和生效中的处罚得出）", En: "The status in the platform's export: active, suspended or cleared (the published status is worked out from it and the measures in force)"},
}

func providersTable(in *Input) *Table {
	t := &Table{Name: "providers", Zh: "每个服务商一行：评级、得分、近90天履约计数、积分、扣款和生效中的处罚。",
		En: "One row per provider: grade, score, 90-day counts, points, deductions and measures in force.", Cols: slices.Clone(providerCols)}
	for _, d := range in.Book.Rating.Dimensions {
		t.Cols = append(t.Cols, Col{Name: d.ID + "_smoothed", Kind: KDecimal, Extra: true,
			Zh: "评级维度“" + d.Zh + "”平滑后的值（0–1），权重 " + d.Weight.String(), En: "Rating dimension \"" + d.En + "\", smoothed (0–1), weight " + d.Weight.String()})
	}
	t.Cols = append(t.Cols,
		Col{Name: "weighted", Kind: KDecimal, Extra: true, Zh: "100 × Σ 权重 × 维度值（扣分前）", En: "100 × Σ weight × dimension (before points)"},
		Col{Name: "points_deducted", Kind: KInt, Extra: true, Zh: "从得分中扣除的积分（有上限）", En: "Points taken off the score (capped)"})
	byProvider := map[string][]*model.Notice{}
	for i := range in.Notices {
		n := &in.Notices[i]
		byProvider[n.ProviderID] = append(byProvider[n.ProviderID], n)
	}
	for i, f := range in.Facts {
		r := &in.Ratings[i]
		p := f.Provider
		row := []Value{txt(p.ID), txt(p.Name), txt(p.Category), txt(r.Status), txt(r.Grade), score(r),
			num(f.DeliveryDue), num(f.DeliveryOnTime), num(f.ResponseDue), num(f.ResponseOnTime),
			num(f.ResolutionDue), num(f.ResolutionOnTime), num(f.Checks), num(f.ChecksAnswered),
			num(f.Orders90), num(f.ComplaintsUpheld90), num(f.Points365), num(f.Incidents365),
			fen(f.Deduction365), txt(strings.Join(ledger.Measures(byProvider[p.ID], in.AsOf, in.Book), ";")),
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
		t.Rows = append(t.Rows, row)
	}
	return t
}

func commitmentsTable(in *Input) *Table {
	t := &Table{Name: "commitments", Zh: "服务商公开的每项服务承诺，及近90天按该承诺评判的项目数与按时数。",
		En: "Every promise providers published, with the items judged against it in the last 90 days and how many were on time.",
		Cols: []Col{
			{Name: "commitment_id", Kind: KText, Zh: "承诺编号", En: "Commitment id"},
			{Name: "provider_id", Kind: KText, Zh: "服务商编号", En: "Provider id"},
			{Name: "service_id", Kind: KText, Zh: "服务编号；为空表示适用于该服务商全部服务", En: "Service id; empty when it covers all the provider's services"},
			{Name: "kind", Kind: KEnum, Zh: "承诺类型：delivery_days 交付天数、first_response_hours 首次响应小时数、resolution_workdays 处理工作日数、refund_days 无理由退款天数", En: "Kind: delivery_days, first_response_hours, resolution_workdays, refund_days"},
			{Name: "target", Kind: KDecimal, Zh: "承诺值（单位见类型）", En: "Promised value (unit by kind)"},
			{Name: "floor", Kind: KDecimal, Zh: "平台底线", En: "Platform floor"},
			{Name: "effective_from", Kind: KDate, Zh: "生效日期", En: "In effect from"},
			{Name: "effective_to", Kind: KDate, Zh: "失效日期（不含当日）；为空表示长期有效", En: "In effect until (exclusive); empty when open"},
			{Name: "superseded_by", Kind: KText, Zh: "有效期重叠时优先适用的承诺编号", En: "The commitment that applies instead where their periods overlap"},
			{Name: "judged", Kind: KInt, Zh: "近90天按此承诺评判的项目数", En: "Items judged against it in the last 90 days"},
			{Name: "kept", Kind: KInt, Zh: "其中按时的项目数", En: "Of those, on time"},
			{Name: "kept_rate", Kind: KRate, Zh: "按时率；无项目时为空", En: "On-time rate; empty when nothing was judged"},
			{Name: "text", Kind: KText, Zh: "服务商的承诺原文", En: "The promise as the provider worded it"},
		}}
	facts := map[string]*model.Facts{}
	for _, f := range in.Facts {
		facts[f.Provider.ID] = f
	}
	cs := slices.Clone(in.Commitments)
	slices.SortStableFunc(cs, func(a, b model.Commitment) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.Kind, b.Kind), strings.Compare(a.ID, b.ID))
	})
	for _, c := range cs {
		var p model.Perf
		if f := facts[c.ProviderID]; f != nil {
			p = f.Commitments[c.ID]
		}
		floor := 0.0
		if fl := in.Book.Floor(c.Kind); fl != nil {
			floor = fl.Target
		}
		t.Rows = append(t.Rows, []Value{txt(c.ID), txt(c.ProviderID), txt(c.ServiceID), txt(c.Kind), dec(c.Target), dec(floor),
			date(c.EffectiveFrom), date(c.EffectiveTo), txt(c.Superseded), num(p.Judged), num(p.Kept), rate(p.Kept, p.Judged), txt(c.Text)})
	}
	return t
}

func noticesTable(in *Input) *Table {
	t := &Table{Name: "notices", Zh: "全部违规公示（最新在前），含已到期和已撤销的。", En: "Every enforcement notice, newest first, expired and rescinded ones included.",
		Cols: []Col{
			{Name: "notice_id", Kind: KText, Zh: "公示编号，由内容和日期生成，永久不变", En: "Notice id, derived from its content and date; never changes"},
			{Name: "provider_id", Kind: KText, Zh: "服务商编号", En: "Provider id"},
			{Name: "rule_id", Kind: KEnum, Zh: "规则编号", En: "Rule id"},
			{Name: "rule_version", Kind: KText, Zh: "适用的规则版本", En: "Version of the rule applied"},
			{Name: "measure", Kind: KEnum, Zh: "处罚措施：warning 警告、demotion 降权、hidden 服务隐藏、delisted 服务下架、disabled 服务禁用、suspension 暂停合作、deposit_deduction 扣除保证金、clearance 清退", En: "Measure: warning, demotion, hidden, delisted, disabled, suspension, deposit_deduction, clearance"},
			{Name: "issued_on", Kind: KDate, Zh: "公示日期", En: "Date issued"},
			{Name: "effective_until", Kind: KDate, Zh: "措施生效的最后一天；永久措施为空", En: "Last day the measure is in force; empty when permanent"},
			{Name: "status", Kind: KEnum, Zh: "in_force 生效中、expired 已到期、rescinded 已撤销", En: "in_force, expired or rescinded"},
			{Name: "appeal_by", Kind: KDate, Zh: "申诉截止日期", En: "Last day to appeal"},
			{Name: "facts_zh", Kind: KText, Zh: "事实（中文）", En: "Facts in Chinese"},
			{Name: "facts_en", Kind: KText, Zh: "事实（英文）", En: "Facts in English"},
			{Name: "provider_name", Kind: KText, Zh: "公示时的服务商名称（由台账保存，服务商不在之后的数据中时仍保留）", En: "The provider's name when the notice was issued (kept by the ledger, also when the provider is missing from a later export)"},
			{Name: "origin", Kind: KEnum, Zh: "来源：computed 系统按规则计算、decision 平台工作人员处罚决定", En: "Origin: computed (a rule the engine applied) or decision (a staff decision)"},
			{Name: "rescinded_on", Kind: KDate, Zh: "撤销日期；未撤销为空", En: "Date rescinded; empty unless rescinded"},
			{Name: "rescind_reason", Kind: KText, Zh: "撤销理由", En: "Why it was rescinded"},
			{Name: "continues", Kind: KText, Zh: "续发：上次构建时生效、期限已满而违规仍在持续的同一服务商、规则和措施的公示编号；新违规为空", En: "Renewal: the notice of the same provider, rule and measure that was in force at the previous build and whose period ended while the breach went on; empty for a new offence"},
			{Name: "window_from", Kind: KDate, Zh: "统计窗口的第一天（处罚决定为空）", En: "First day of the window counted over (empty for a staff decision)"},
			{Name: "window_to", Kind: KDate, Zh: "统计窗口的最后一天", En: "Last day of the window counted over"},
			{Name: "items", Kind: KInt, Zh: "评估的项目数（准时率规则：到期项目；长期无经营：有效订单数）", En: "Items counted (rate rules: items due; inactivity: orders not cancelled)"},
			{Name: "on_time", Kind: KInt, Zh: "其中按时的项目数（准时率规则）", En: "Of those, on time (rate rules)"},
			{Name: "rate", Kind: KRate, Zh: "按时率 = on_time / items（准时率规则）", En: "On-time rate = on_time / items (rate rules)"},
			{Name: "threshold", Kind: KRate, Zh: "触发该措施的按时率界线：低于此值（准时率规则）", En: "The on-time rate below which the measure applies (rate rules)"},
			{Name: "points", Kind: KInt, Zh: "计入的积分（违规积分规则：窗口内合计；处罚决定：该决定的积分）", En: "Points counted (points ladder: the window's total; a staff decision: its own)"},
			{Name: "points_level", Kind: KInt, Zh: "达到的积分档位（违规积分规则）", En: "The level of the points ladder reached (points ladder)"},
			{Name: "deduction", Kind: KMoney, Zh: "处罚决定的扣除保证金（元）", En: "Deposit deduction ordered by a staff decision (CNY)"},
			{Name: "gmv", Kind: KMoney, Zh: "窗口内店铺成交额合计（长期无经营，有 shop_gmv 表时）（元）", En: "Shop GMV over the window (inactivity, when the snapshot has shop_gmv) (CNY)"},
			{Name: "basis", Kind: KText, Zh: "依据的投诉和处罚决定（kind:id，以分号分隔），申诉撤销其一时据此撤销公示", En: "The complaints and decisions it rests on (kind:id, ';'-separated): an appeal overturning one rescinds it"},
			{Name: "provider_category", Kind: KEnum, Zh: "公示时的服务商类目", En: "The provider's category when the notice was issued"},
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

func violationsTable(in *Input) *Table {
	t := &Table{Name: "violations", Zh: "计入近365天积分的每一项违规：失联、成立的投诉、工作人员处罚决定。不含任何个人信息。",
		En: "Every violation counted in the last 365 days: unreachable incidents, upheld complaints, staff decisions. No personal data.",
		Cols: []Col{
			{Name: "provider_id", Kind: KText, Zh: "服务商编号", En: "Provider id"},
			{Name: "rule_id", Kind: KEnum, Zh: "规则编号", En: "Rule id"},
			{Name: "due", Kind: KDate, Zh: "认定日期", En: "Date it counts from"},
			{Name: "points", Kind: KInt, Zh: "积分", En: "Points"},
			{Name: "deduction", Kind: KMoney, Zh: "扣除保证金（元）", En: "Deposit deducted (CNY)"},
			{Name: "ref", Kind: KText, Zh: "依据：投诉、处罚决定或第三次未接听抽查的编号", En: "Basis: the complaint, decision or third unanswered call"},
			{Name: "facts_zh", Kind: KText, Zh: "事实（中文）", En: "Facts in Chinese"},
			{Name: "facts_en", Kind: KText, Zh: "事实（英文）", En: "Facts in English"},
		}}
	for _, f := range in.Facts {
		for _, v := range f.Violations {
			t.Rows = append(t.Rows, []Value{txt(v.ProviderID), txt(v.RuleID), date(v.Due), num(v.Points), fen(v.Deduction),
				txt(v.Ref), txt(v.FactsZh), txt(v.FactsEn)})
		}
	}
	return t
}
