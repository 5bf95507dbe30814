package model

import "strconv"

// Notice statuses.
const (
	InForce   = "in_force"
	Expired   = "expired"
	Rescinded = "rescinded"
)

// Finding is one (provider, rule, measure) that holds at T: a rate breach,
// a points level, an inactivity clearance, or a counted staff decision.
type Finding struct {
	ProviderID  string
	RuleID      string
	RuleVersion string
	Measure     Measure
	// Key identifies the finding across builds: "provider/rule/measure" for
	// computed findings, "provider/decision/<id>" for a staff decision.
	Key string
	// Issued is the date a staff decision's notice is issued (the local date
	// of decided_at); NoDate for computed findings, issued on the as-of date
	// of the first build that finds them.
	Issued   Date
	Decision string   // the decision's id, for a staff decision
	Basis    []string // the complaints and decisions ("complaint:Q1", "decision:D1") the finding rests on
	// Args are the values of the facts its notice states: the rule
	// version's facts text (a staff decision's: the rule book's decision
	// text) is filled with them when the notice is issued, and the
	// notice keeps the text as issued.
	Args Args
	// ProviderName and ProviderCategory are the provider's as the export
	// gave them when the finding was made; a notice keeps them as issued.
	ProviderName     string
	ProviderCategory string
	Figures          Figures
}

// Args are the values of a text's {placeholders}, by name: numbers,
// dates and ids as they are shown, and codes (a measure, a complaint
// category), which the text shows by their names.
type Args map[string]string

// Origins of a notice.
const (
	OriginComputed = "computed" // a rule the engine applied
	OriginDecision = "decision" // a staff decision
)

// Origin tells a computed finding from a staff decision.
func (f *Finding) Origin() string {
	if f.Decision != "" {
		return OriginDecision
	}
	return OriginComputed
}

// Figures are the counts behind a finding's facts, published as columns so
// that they need not be read out of the prose. A nil field does not apply
// to the finding's rule.
type Figures struct {
	WindowFrom, WindowTo Date     // the window counted over; NoDate for a staff decision
	Items                *int64   // items assessed (rate rules), or orders not cancelled (inactivity)
	OnTime               *int64   // of those, on time (rate rules)
	Threshold            *float64 // the on-time rate below which the measure applies (rate rules)
	Points               *int64   // points counted: over the window (points ladder), or the decision's own
	PointsLevel          *int64   // the level of the ladder reached (points ladder)
	Deduction            *Fen     // the deposit deduction a staff decision ordered
	GMV                  *Fen     // shop GMV over the window (inactivity, when the snapshot has shop_gmv)
}

// Rate is OnTime of Items, when both apply and Items is not zero.
func (g *Figures) Rate() (float64, bool) {
	if g.Items == nil || g.OnTime == nil || *g.Items == 0 {
		return 0, false
	}
	return float64(*g.OnTime) / float64(*g.Items), true
}

// Notice is an enforcement notice (违规公示): a permanent public record.
type Notice struct {
	ID             string
	Key            string // the finding it was issued for
	ProviderID     string
	RuleID         string
	RuleVersion    string
	Measure        Measure
	IssuedOn       Date
	EffectiveUntil Date // last day in force; NoDate when permanent
	AppealBy       Date
	Status         string
	RescindedOn    Date // NoDate unless rescinded
	RescindReason  string
	Basis          []string
	FactsZh        string
	FactsEn        string
	// ProviderName and ProviderCategory are the provider's when the notice
	// was issued, so that a provider missing from a later export keeps its
	// name on its record.
	ProviderName     string
	ProviderCategory string
	Origin           string // OriginComputed or OriginDecision
	// Continues names the notice for the same provider, rule and measure
	// that was in force at the previous build and whose period has ended,
	// when this one renews it; "" otherwise.
	Continues string
	Figures   Figures
}

// InForceOn reports whether the notice's measure is in force on day d.
func (n *Notice) InForceOn(d Date) bool {
	if n.Status == Rescinded {
		return false
	}
	return d >= n.IssuedOn && (n.EffectiveUntil == NoDate || d <= n.EffectiveUntil)
}

// Perf is how well one promise was kept: the items judged against it in the
// rates window and how many of them were on time.
type Perf struct {
	Judged int64
	Kept   int64
}

// Violation is one counted violation behind a provider's points.
type Violation struct {
	ProviderID string
	RuleID     string // reachability, complaints, or the staff rule of a decision
	Due        Date
	Points     int64
	Deduction  Fen
	Ref        string // the complaint, decision or third unanswered check
	Category   string // a complaint's category; "" for other violations
	FactsZh    string
	FactsEn    string
}

// Facts are one provider's evaluated figures (the columns of providers.csv
// and what explains them).
type Facts struct {
	Provider                        *Provider
	DeliveryDue, DeliveryOnTime     int64
	ResponseDue, ResponseOnTime     int64
	ResolutionDue, ResolutionOnTime int64
	TicketsAssessable               int64 // tickets assessable in either ticket rule, each once
	Checks, ChecksAnswered          int64
	Orders90                        int64 // orders not cancelled with a local order date in W90
	ComplaintsUpheld90              int64
	Points365, Incidents365         int64
	Deduction365                    Fen
	InactivityOrders                int64 // orders not cancelled in the inactivity window
	InactivityGMV                   Fen
	Violations                      []Violation
	Commitments                     map[string]Perf // by commitment id
	Floors                          map[string]Perf // items judged against the platform floor, by kind
}

// Grades that are not letters.
const (
	Unrated = "unrated"
	Cleared = "cleared"
)

// DimensionScore explains one dimension of a rating.
type DimensionScore struct {
	ID           string
	X, N         int64   // raw: x of n on time (for complaints: u upheld of n orders)
	Platform     float64 // the platform rate p used as the prior
	Prior        int64   // the prior strength k
	Smoothed     float64 // the dimension's value in [0, 1]
	Weight       float64
	Contribution float64 // points of the score it contributes: 100 × weight × value
}

// Rating is one provider's W90 rating with its reasons.
type Rating struct {
	ProviderID     string
	Grade          string // A–E, Unrated or Cleared
	ScoreTenths    int64  // the score × 10, rounded half away from zero; valid when Scored
	Scored         bool
	Dimensions     []DimensionScore
	Weighted       float64 // 100 × Σ weight × value, before points
	PointsDeducted int64
	RatedItems     int64 // assessable orders plus tickets
	// Status is the published status (PublishedStatus): one answer to
	// "can I still buy here?".
	Status ProviderStatus
}

// PublishedStatus reconciles the export's status with the measures in
// force: cleared when the grade is cleared; otherwise suspended when the
// export says suspended or a suspension (暂停合作) is in force; otherwise
// active.
func PublishedStatus(exported ProviderStatus, grade string, suspensionInForce bool) ProviderStatus {
	switch {
	case grade == Cleared:
		return StatusCleared
	case exported == StatusSuspended || suspensionInForce:
		return StatusSuspended
	}
	return StatusActive
}

// Score returns the score as a number.
func (r *Rating) Score() float64 { return float64(r.ScoreTenths) / 10 }

// ScoreText formats the score with one decimal, or "" when there is none.
func (r *Rating) ScoreText() string {
	if !r.Scored {
		return ""
	}
	return Tenths(r.ScoreTenths)
}

// Tenths formats a non-negative number of tenths with one decimal: 905 is
// "90.5".
func Tenths(t int64) string {
	return strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10)
}
