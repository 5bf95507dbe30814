package validate

// Reason is a stable code saying why a row was rejected. The codes are part
// of the quarantine file and the validation report; never rename one.
type Reason string

// The reason codes, in the order a row is checked: the first that applies
// is the row's reason. The README's table of reasons lists the same codes
// in the same order (TestReasonsREADME).
const (
	MissingValue           Reason = "missing_value"             // a required value is empty
	InvalidValue           Reason = "invalid_value"             // a value is not of its column's type, or outside its range
	InvalidEnum            Reason = "invalid_enum"              // a value is not a code (or label) of its enum
	DuplicateID            Reason = "duplicate_id"              // the row's id occurs more than once in its table; every copy is rejected
	TimeAfterAsOf          Reason = "time_after_as_of"          // an event time (or shop_gmv day) is at or after T, the end of the as-of date
	TargetNotPositive      Reason = "target_not_positive"       // a commitment's target is zero or negative
	LooserThanFloor        Reason = "looser_than_floor"         // a commitment promises less than the platform floor (the floor applies)
	DeliveredBeforeOrdered Reason = "delivered_before_ordered"  // an order's delivered_at is before its ordered_at
	ResponseBeforeOpened   Reason = "response_before_opened"    // a ticket's first_response_at is before its opened_at
	ResolvedBeforeOpened   Reason = "resolved_before_opened"    // a ticket's resolved_at is before its opened_at
	UnknownProvider        Reason = "unknown_provider"          // provider_id names no provider, or a rejected one
	UnknownService         Reason = "unknown_service"           // service_id names no service, or a rejected one
	ServiceOfOtherProvider Reason = "service_of_other_provider" // the service belongs to another provider
	UnknownOrder           Reason = "unknown_order"             // order_id names no order, or a rejected one
	UnknownSubject         Reason = "unknown_subject"           // an appeal's subject names no complaint or decision, or a rejected one
	UnknownRule            Reason = "unknown_rule"              // a decision cites a rule staff do not apply by decision
)
