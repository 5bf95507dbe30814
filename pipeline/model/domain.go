package model

// Provider is a service provider (服务商).
type Provider struct {
	ID       string
	Name     string
	NameEn   string
	Category string
	Region   string
	JoinedOn Date
	Deposit  Fen
	Status   ProviderStatus
}

// Service is one service a provider lists on the marketplace.
type Service struct {
	ID         string
	ProviderID string
	Title      string
	Category   string
	Price      Fen
	HasPrice   bool
	ListedOn   Date // NoDate when unknown
	State      string
}

// Commitment kinds.
const (
	KindDelivery      = "delivery_days"
	KindFirstResponse = "first_response_hours"
	KindResolution    = "resolution_workdays"
	KindRefund        = "refund_days"
)

// Commitment is a provider's published promise (服务承诺).
type Commitment struct {
	ID            string
	ProviderID    string
	ServiceID     string // "" applies to every service of the provider
	Kind          string
	Target        float64
	EffectiveFrom Date
	EffectiveTo   Date // exclusive; NoDate when open
	Text          string
	// Superseded names the commitment that wins where this one's period
	// overlaps another of the same provider, service and kind.
	Superseded string
}

// Holds reports whether the commitment's effective period holds day d.
func (c *Commitment) Holds(d Date) bool {
	return d >= c.EffectiveFrom && (c.EffectiveTo == NoDate || d < c.EffectiveTo)
}

// Order is one purchase of a service (服务订购).
type Order struct {
	ID          string
	ProviderID  string
	ServiceID   string
	OrderedAt   Instant
	Amount      Fen
	PromisedBy  Instant // NoInstant when null
	DeliveredAt Instant // NoInstant when null
	Status      OrderStatus
	// Svc is, once validated, one more than the index of the order's
	// service in Reference.Services, so that evaluation need not look it
	// up by id; 0 before (see ServiceIndex).
	Svc int32
}

// ServiceIndex returns the index of the order's service in
// Reference.Services, or -1 before the order is validated.
func (o *Order) ServiceIndex() int { return int(o.Svc) - 1 }

// Ticket is an after-sales ticket (售后工单).
type Ticket struct {
	ID              string
	OrderID         string
	OpenedAt        Instant
	FirstResponseAt Instant // NoInstant when null
	ResolvedAt      Instant // NoInstant when null
	Kind            TicketKind
}

// Complaint is a merchant's complaint (投诉). Summary is never published.
type Complaint struct {
	ID         string
	ProviderID string
	OrderID    string
	FiledAt    Instant
	Category   string
	Status     ComplaintStatus
	DecidedAt  Instant // NoInstant when null
}

// Decision is an enforcement decision taken by platform staff.
type Decision struct {
	ID         string
	ProviderID string
	RuleID     string
	DecidedAt  Instant
	Measure    Measure
	Points     int64
	Deduction  Fen
	Facts      string
}

// Appeal is a provider's appeal (申诉) against a complaint or a decision.
type Appeal struct {
	ID          string
	ProviderID  string
	SubjectKind SubjectKind
	SubjectID   string
	FiledAt     Instant
	DecidedAt   Instant // NoInstant when null
	Outcome     AppealOutcome
}

// Check is one platform test call to a provider's service line (客服抽查).
type Check struct {
	ID         string
	ProviderID string
	CalledAt   Instant
	Answered   bool
}

// GMV is one day of settled GMV of the shops bound to a provider.
type GMV struct {
	ProviderID string
	Day        Date
	GMV        Fen
}

// CalendarDay overrides whether a day is a working day (节假日与调休).
type CalendarDay struct {
	Day     Date
	Working bool
}

// Reference is what the evaluator needs before the large tables stream by:
// the validated small tables and the snapshot's dates.
type Reference struct {
	AsOf        Date
	T           Instant // end of the as-of date: nothing happened at or after it
	Providers   []Provider
	Services    []Service
	Commitments []Commitment // valid ones only
	Calendar    []CalendarDay
	HasGMV      bool // the snapshot has a shop_gmv table
}
