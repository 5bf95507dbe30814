package rules

import (
	"fmt"

	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// The computed rules the evaluator applies, by their ids in the rule
// book. A rule of the book is enforced by the code that names it here;
// the book gives it its versions, parameters, levels and texts.
const (
	ruleDelivery      = "delivery"
	ruleFirstResponse = "first-response"
	ruleResolution    = "resolution"
	ruleRefund        = "refund"
	ruleReachability  = "reachability"
	ruleComplaints    = "complaints"
	rulePoints        = "points"
	ruleInactivity    = "inactivity"
)

// The rate rules, as indexes of the evaluator's rate counters.
const (
	rateDelivery = iota
	rateFirstResponse
	rateResolution
	rateRefund
	nRates
)

// rateRules are the ids of the rate rules, by index.
var rateRules = [nRates]string{ruleDelivery, ruleFirstResponse, ruleResolution, ruleRefund}

// applied are the computed rules and the kind each must have in the book.
var applied = []struct{ id, kind string }{
	{ruleDelivery, rulebook.KindRate},
	{ruleFirstResponse, rulebook.KindRate},
	{ruleResolution, rulebook.KindRate},
	{ruleRefund, rulebook.KindRate},
	{ruleReachability, rulebook.KindReachability},
	{ruleComplaints, rulebook.KindComplaints},
	{rulePoints, rulebook.KindPoints},
	{ruleInactivity, rulebook.KindInactivity},
}

// boundRules are the book's computed rules as the evaluator holds them.
type boundRules struct {
	rates                                      [nRates]*rulebook.Rule
	reachability, complaints, points, inactive *rulebook.Rule
}

// bind finds in the book every rule the evaluator applies, with the kind
// it must have, and refuses a book with a computed rule the evaluator
// does not apply: it would be published and never enforced.
func bind(book *rulebook.Book) (boundRules, error) {
	var br boundRules
	for _, a := range applied {
		r := book.Rule(a.id)
		switch {
		case r == nil:
			return br, fmt.Errorf("rule book: rule %s is missing: the evaluator applies it", a.id)
		case r.Kind != a.kind:
			return br, fmt.Errorf("rule book: rule %s: kind %s, but the evaluator applies it as %s", a.id, r.Kind, a.kind)
		}
	}
	for i := range book.Rules {
		r := &book.Rules[i]
		if r.Staff() {
			continue
		}
		known := false
		for _, a := range applied {
			known = known || a.id == r.ID
		}
		if !known {
			return br, fmt.Errorf("rule book: rule %s (kind %s): the evaluator applies no such rule", r.ID, r.Kind)
		}
	}
	for i, id := range rateRules {
		br.rates[i] = book.Rule(id)
	}
	br.reachability, br.complaints = book.Rule(ruleReachability), book.Rule(ruleComplaints)
	br.points, br.inactive = book.Rule(rulePoints), book.Rule(ruleInactivity)
	return br, nil
}
