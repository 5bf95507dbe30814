package model

import "strings"

// Typed codes of the enums the engine branches on. Each code's labels, in
// Chinese and English, are those of its enum in schema.go (the snapshot's
// contract, which the loader also reads Chinese labels by): the one place
// every label comes from.

// Measure is an enforcement measure (处罚措施).
type Measure string

// The measures, in the order of the rule book's measures table.
const (
	MeasureWarning          Measure = "warning"           // 警告
	MeasureDemotion         Measure = "demotion"          // 降权
	MeasureHidden           Measure = "hidden"            // 服务隐藏
	MeasureDelisted         Measure = "delisted"          // 服务下架
	MeasureDisabled         Measure = "disabled"          // 服务禁用
	MeasureSuspension       Measure = "suspension"        // 暂停合作
	MeasureDepositDeduction Measure = "deposit_deduction" // 扣除保证金
	MeasureClearance        Measure = "clearance"         // 清退
)

// Zh is the measure's Chinese name.
func (m Measure) Zh() string { return MeasureEnum.Label(string(m)) }

// En is the measure's English name.
func (m Measure) En() string { return MeasureEnum.LabelEn(string(m)) }

// OrderStatus is an order's status in the export.
type OrderStatus string

// Order statuses.
const (
	OrderPaid      OrderStatus = "paid"      // 已付款
	OrderDelivered OrderStatus = "delivered" // 已交付
	OrderRefunded  OrderStatus = "refunded"  // 已退款
	OrderCancelled OrderStatus = "cancelled" // 已取消
)

// TicketKind is what an after-sales ticket is about.
type TicketKind string

// Ticket kinds ("" when the export does not say).
const (
	TicketRefund  TicketKind = "refund"  // 退款
	TicketQuality TicketKind = "quality" // 质量
	TicketOther   TicketKind = "other"   // 其他
)

// ComplaintStatus is a complaint's status in the export.
type ComplaintStatus string

// Complaint statuses.
const (
	ComplaintPending   ComplaintStatus = "pending"   // 处理中
	ComplaintUpheld    ComplaintStatus = "upheld"    // 成立
	ComplaintRejected  ComplaintStatus = "rejected"  // 不成立
	ComplaintWithdrawn ComplaintStatus = "withdrawn" // 已撤回
)

// SubjectKind is what an appeal is against.
type SubjectKind string

// Subjects of an appeal.
const (
	SubjectComplaint SubjectKind = "complaint" // 投诉
	SubjectDecision  SubjectKind = "decision"  // 处罚决定
)

// Zh is the subject kind's Chinese name.
func (k SubjectKind) Zh() string { return SubjectKindEnum.Label(string(k)) }

// En is the subject kind's English name.
func (k SubjectKind) En() string { return SubjectKindEnum.LabelEn(string(k)) }

// Key names one complaint or decision: "complaint:Q1", as notices keep
// their basis.
func (k SubjectKind) Key(id string) string { return string(k) + ":" + id }

// AppealOutcome is where an appeal stands.
type AppealOutcome string

// Appeal outcomes.
const (
	AppealPending    AppealOutcome = "pending"    // 审理中
	AppealUpheld     AppealOutcome = "upheld"     // 维持
	AppealOverturned AppealOutcome = "overturned" // 撤销
)

// ProviderStatus is a provider's status: in the export, or as published
// (PublishedStatus).
type ProviderStatus string

// Provider statuses.
const (
	StatusActive    ProviderStatus = "active"    // 正常
	StatusSuspended ProviderStatus = "suspended" // 暂停
	StatusCleared   ProviderStatus = "cleared"   // 已清退
)

// Zh is the status's Chinese name.
func (s ProviderStatus) Zh() string { return ProviderStatusEnum.Label(string(s)) }

// En is the status's English name.
func (s ProviderStatus) En() string { return ProviderStatusEnum.LabelEn(string(s)) }

// JoinMeasures joins the codes of measures with sep, as the measures
// column of providers.csv lists them.
func JoinMeasures(ms []Measure, sep string) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, sep)
}

// OffSaleMeasures are the measures that take a provider's services off
// sale while in force (服务隐藏, 服务下架, 服务禁用), mildest first, in
// the rule book's order.
func OffSaleMeasures() []Measure {
	return []Measure{MeasureHidden, MeasureDelisted, MeasureDisabled}
}

// TakesOffSale reports whether the measure, in force, takes a provider's
// services off sale.
func (m Measure) TakesOffSale() bool {
	switch m {
	case MeasureHidden, MeasureDelisted, MeasureDisabled:
		return true
	}
	return false
}

// The rating's dimensions, by their ids in the rule book's rating table.
const (
	DimDelivery      = "delivery"       // 交付准时
	DimFirstResponse = "first_response" // 售后首次响应
	DimResolution    = "resolution"     // 售后处理
	DimReachability  = "reachability"   // 客服可达
	DimComplaints    = "complaints"     // 投诉
)

// DimensionIDs are the rating dimensions the engine computes, in order:
// the rule book must weigh each of them, and no other.
func DimensionIDs() []string {
	return []string{DimDelivery, DimFirstResponse, DimResolution, DimReachability, DimComplaints}
}
