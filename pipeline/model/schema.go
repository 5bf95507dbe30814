package model

import "strings"

// Type is the logical type of a snapshot column (snapshot.md, "Types").
type Type int

// The column types of snapshot.md.
const (
	TypeID Type = iota
	TypeText
	TypeEnum
	TypeInt
	TypeNumber // a decimal number (a commitment's target)
	TypeMoney
	TypeBool
	TypeDate
	TypeTime
)

var typeNames = [...]string{"id", "text", "enum", "int", "number", "money", "bool", "date", "time"}

func (t Type) String() string { return typeNames[t] }

// Enum is a closed set of codes, each with its Chinese label.
type Enum struct {
	Codes  []string
	Labels []string // Labels[i] is the 中文 label of Codes[i]
	En     []string // En[i] is its English label
}

// Lookup returns the code for a code or a Chinese label, after trimming.
func (e *Enum) Lookup(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for i, c := range e.Codes {
		if s == c || s == e.Labels[i] {
			return c, true
		}
	}
	return "", false
}

// Label returns the Chinese label of a code.
func (e *Enum) Label(code string) string {
	return e.label(e.Labels, code)
}

// LabelEn returns the English label of a code, or the code itself.
func (e *Enum) LabelEn(code string) string {
	return e.label(e.En, code)
}

func (e *Enum) label(labels []string, code string) string {
	for i, c := range e.Codes {
		if c == code {
			if i < len(labels) {
				return labels[i]
			}
		}
	}
	return code
}

// Column describes one column of a table.
type Column struct {
	Name     string
	Type     Type
	Required bool
	Enum     *Enum
	// Max is the largest value of an int or number column (see Bounds).
	Max int64
	// Private marks a column that is never published (a merchant id, a
	// complaint's summary): its text is read as it is, without the checks
	// of text that reaches the register.
	Private bool
	// Ref names the table whose key the column's values are: a row whose
	// value names no used row of that table is rejected. The table comes
	// before this one in validation order.
	Ref string
	// RequiredWhen, when set, makes the column required in the rows whose
	// column of that name holds one of the codes.
	RequiredWhen *When
}

// When is a condition on another column of the row: it holds one of the
// codes.
type When struct {
	Column string
	Codes  []string
}

// Table describes one table of the snapshot.
type Table struct {
	Name     string
	Columns  []Column
	Key      string // the id column whose values must be unique ("" for none)
	Optional bool   // the snapshot may lack the table
	Large    bool   // streamed in batches, never held whole
}

// Col returns the index of the named column, or -1.
func (t *Table) Col(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// The enums of snapshot.md.
var (
	CategoryEnum = &Enum{
		Codes:  []string{"operations", "software", "marketing", "training", "customer_service", "design", "other"},
		Labels: []string{"代运营", "软件工具", "营销推广", "培训", "客服外包", "设计", "其他"},
		En:     []string{"Shop operations", "Software tools", "Marketing", "Training", "Customer service", "Design", "Other"},
	}
	ProviderStatusEnum = &Enum{
		Codes:  []string{"active", "suspended", "cleared"},
		Labels: []string{"正常", "暂停", "已清退"},
		En:     []string{"Active", "Suspended", "Cleared"},
	}
	ServiceStateEnum = &Enum{
		Codes:  []string{"on_shelf", "hidden", "delisted", "disabled"},
		Labels: []string{"在架", "隐藏", "下架", "禁用"},
		En:     []string{"On shelf", "Hidden", "Delisted", "Disabled"},
	}
	CommitmentKindEnum = &Enum{
		Codes:  []string{"delivery_days", "first_response_hours", "resolution_workdays", "refund_days"},
		Labels: []string{"交付时限", "售后首次响应", "售后处理时限", "无理由退款"},
		En:     []string{"Delivery time", "First reply to after-sales tickets", "After-sales resolution time", "No-reason refund"},
	}
	OrderStatusEnum = &Enum{
		Codes:  []string{"paid", "delivered", "refunded", "cancelled"},
		Labels: []string{"已付款", "已交付", "已退款", "已取消"},
		En:     []string{"Paid", "Delivered", "Refunded", "Cancelled"},
	}
	TicketKindEnum = &Enum{
		Codes:  []string{"refund", "quality", "other"},
		Labels: []string{"退款", "质量", "其他"},
		En:     []string{"Refund", "Quality", "Other"},
	}
	ComplaintCategoryEnum = &Enum{
		Codes:  []string{"false_advertising", "non_fulfilment", "poor_quality", "price_gouging", "unreachable", "privacy_breach", "other"},
		Labels: []string{"虚假宣传", "未履约", "服务质量差", "价格虚高", "失联", "泄露信息", "其他"},
		En:     []string{"False advertising", "Non-fulfilment", "Poor quality", "Price gouging", "Unreachable", "Privacy breach", "Other"},
	}
	ComplaintStatusEnum = &Enum{
		Codes:  []string{"pending", "upheld", "rejected", "withdrawn"},
		Labels: []string{"处理中", "成立", "不成立", "已撤回"},
		En:     []string{"Pending", "Upheld", "Rejected", "Withdrawn"},
	}
	MeasureEnum = &Enum{
		Codes:  []string{"warning", "demotion", "hidden", "delisted", "disabled", "suspension", "deposit_deduction", "clearance"},
		Labels: []string{"警告", "降权", "服务隐藏", "服务下架", "服务禁用", "暂停合作", "扣除保证金", "清退"},
		En:     []string{"Warning", "Demotion in search", "Services hidden", "Services delisted", "Services disabled", "Suspension", "Deposit deduction", "Clearance"},
	}
	SubjectKindEnum = &Enum{
		Codes:  []string{"complaint", "decision"},
		Labels: []string{"投诉", "处罚决定"},
		En:     []string{"Complaint", "Decision"},
	}
	AppealOutcomeEnum = &Enum{
		Codes:  []string{"pending", "upheld", "overturned"},
		Labels: []string{"审理中", "维持", "撤销"},
		En:     []string{"Pending", "Upheld", "Overturned"},
	}
)

// Table names, in the order the loader validates them: every table comes
// after the tables it refers to.
const (
	TProviders     = "providers"
	TServices      = "services"
	TCommitments   = "commitments"
	TCalendar      = "calendar"
	TOrders        = "orders"
	TTickets       = "tickets"
	TComplaints    = "complaints"
	TDecisions     = "decisions"
	TAppeals       = "appeals"
	TContactChecks = "contact_checks"
	TShopGMV       = "shop_gmv"
)

// Tables returns the schema of every table of snapshot.md, in validation
// order.
func Tables() []*Table {
	return []*Table{
		{Name: TProviders, Key: "provider_id", Columns: []Column{
			{Name: "provider_id", Type: TypeID, Required: true},
			{Name: "name", Type: TypeText, Required: true},
			{Name: "name_en", Type: TypeText},
			{Name: "category", Type: TypeEnum, Required: true, Enum: CategoryEnum},
			{Name: "region", Type: TypeText},
			{Name: "joined_on", Type: TypeDate, Required: true},
			{Name: "deposit", Type: TypeMoney},
			{Name: "status", Type: TypeEnum, Required: true, Enum: ProviderStatusEnum},
		}},
		{Name: TServices, Key: "service_id", Columns: []Column{
			{Name: "service_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "title", Type: TypeText, Required: true},
			{Name: "category", Type: TypeEnum, Enum: CategoryEnum},
			{Name: "price", Type: TypeMoney},
			{Name: "listed_on", Type: TypeDate},
			{Name: "state", Type: TypeEnum, Required: true, Enum: ServiceStateEnum},
		}},
		{Name: TCommitments, Key: "commitment_id", Columns: []Column{
			{Name: "commitment_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "service_id", Type: TypeID, Ref: TServices},
			{Name: "kind", Type: TypeEnum, Required: true, Enum: CommitmentKindEnum},
			{Name: "target", Type: TypeNumber, Required: true, Max: MaxTarget},
			{Name: "effective_from", Type: TypeDate, Required: true},
			{Name: "effective_to", Type: TypeDate},
			{Name: "text", Type: TypeText},
		}},
		{Name: TCalendar, Key: "day", Optional: true, Columns: []Column{
			{Name: "day", Type: TypeDate, Required: true},
			{Name: "working", Type: TypeBool, Required: true},
		}},
		{Name: TOrders, Key: "order_id", Large: true, Columns: []Column{
			{Name: "order_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "service_id", Type: TypeID, Required: true, Ref: TServices},
			{Name: "merchant_id", Type: TypeID, Private: true},
			{Name: "ordered_at", Type: TypeTime, Required: true},
			{Name: "amount", Type: TypeMoney, Required: true},
			{Name: "promised_by", Type: TypeTime},
			{Name: "delivered_at", Type: TypeTime},
			{Name: "status", Type: TypeEnum, Required: true, Enum: OrderStatusEnum},
		}},
		{Name: TTickets, Key: "ticket_id", Large: true, Columns: []Column{
			{Name: "ticket_id", Type: TypeID, Required: true},
			{Name: "order_id", Type: TypeID, Required: true, Ref: TOrders},
			{Name: "opened_at", Type: TypeTime, Required: true},
			{Name: "first_response_at", Type: TypeTime},
			{Name: "resolved_at", Type: TypeTime},
			{Name: "kind", Type: TypeEnum, Enum: TicketKindEnum},
		}},
		{Name: TComplaints, Key: "complaint_id", Columns: []Column{
			{Name: "complaint_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "order_id", Type: TypeID, Ref: TOrders},
			{Name: "filed_at", Type: TypeTime, Required: true},
			{Name: "category", Type: TypeEnum, Required: true, Enum: ComplaintCategoryEnum},
			{Name: "status", Type: TypeEnum, Required: true, Enum: ComplaintStatusEnum},
			{Name: "decided_at", Type: TypeTime, RequiredWhen: &When{Column: "status", Codes: []string{"upheld", "rejected"}}},
			{Name: "summary", Type: TypeText, Private: true},
		}},
		{Name: TDecisions, Key: "decision_id", Optional: true, Columns: []Column{
			{Name: "decision_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "rule_id", Type: TypeID, Required: true},
			{Name: "decided_at", Type: TypeTime, Required: true},
			{Name: "measure", Type: TypeEnum, Required: true, Enum: MeasureEnum},
			{Name: "points", Type: TypeInt, Max: MaxPoints},
			{Name: "deduction", Type: TypeMoney},
			{Name: "facts", Type: TypeText},
		}},
		{Name: TAppeals, Key: "appeal_id", Optional: true, Columns: []Column{
			{Name: "appeal_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "subject_kind", Type: TypeEnum, Required: true, Enum: SubjectKindEnum},
			{Name: "subject_id", Type: TypeID, Required: true},
			{Name: "filed_at", Type: TypeTime, Required: true},
			{Name: "decided_at", Type: TypeTime},
			{Name: "outcome", Type: TypeEnum, Required: true, Enum: AppealOutcomeEnum},
		}},
		{Name: TContactChecks, Key: "check_id", Large: true, Columns: []Column{
			{Name: "check_id", Type: TypeID, Required: true},
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "called_at", Type: TypeTime, Required: true},
			{Name: "answered", Type: TypeBool, Required: true},
		}},
		{Name: TShopGMV, Optional: true, Large: true, Columns: []Column{
			{Name: "provider_id", Type: TypeID, Required: true, Ref: TProviders},
			{Name: "day", Type: TypeDate, Required: true},
			{Name: "gmv", Type: TypeMoney, Required: true},
		}},
	}
}
