package rules

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// promises holds one provider's valid commitments by kind.
type promises map[string][]*model.Commitment

// compareIDs orders ids totally: ids of digits only come first, in numeric
// order (a tie of value, as 007 and 7, is broken by bytes, so that only equal
// ids compare equal); every other id follows, by bytes.
func compareIDs(a, b string) int {
	da, db := digits(a), digits(b)
	switch {
	case da && db:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(ta), len(tb)), strings.Compare(ta, tb), strings.Compare(a, b))
	case da:
		return -1
	case db:
		return 1
	}
	return strings.Compare(a, b)
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// better reports whether commitment a takes precedence over b: the later
// effective_from, then the greater commitment_id.
func better(a, b *model.Commitment) bool {
	if a.EffectiveFrom != b.EffectiveFrom {
		return a.EffectiveFrom > b.EffectiveFrom
	}
	return compareIDs(a.ID, b.ID) > 0
}

// pick returns the index in cs of the commitment (of one kind) that applies
// to an order of a service placed on local date d, or -1 when the platform
// floor applies:
// one for the service beats a provider-wide one; among those, the latest
// effective_from, then the greatest commitment_id.
func pick(cs []*model.Commitment, service string, d model.Date) int {
	best := -1
	bestSpecific := false
	for i, c := range cs {
		if !c.Holds(d) {
			continue
		}
		specific := c.ServiceID != ""
		if specific && c.ServiceID != service {
			continue
		}
		if best < 0 || (specific && !bestSpecific) || (specific == bestSpecific && better(c, cs[best])) {
			best, bestSpecific = i, specific
		}
	}
	return best
}

// markSuperseded reports, for commitments of one provider, service and kind
// whose effective periods overlap, the one that loses to the other. cs is
// sorted by sortCommitments, so each (provider, kind, service) is a run.
func markSuperseded(cs []*model.Commitment) {
	for start := 0; start < len(cs); {
		end := start + 1
		for end < len(cs) && cs[end].ProviderID == cs[start].ProviderID && cs[end].Kind == cs[start].Kind && cs[end].ServiceID == cs[start].ServiceID {
			end++
		}
		group := cs[start:end]
		for i, a := range group {
			for _, b := range group[i+1:] {
				if !overlap(a, b) {
					continue
				}
				win, lose := a, b
				if better(b, a) {
					win, lose = b, a
				}
				if lose.Superseded == "" || better(win, find(group, lose.Superseded)) {
					lose.Superseded = win.ID
				}
			}
		}
		start = end
	}
}

func find(cs []*model.Commitment, id string) *model.Commitment {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	return &model.Commitment{}
}

func overlap(a, b *model.Commitment) bool {
	end := func(c *model.Commitment) model.Date {
		if c.EffectiveTo == model.NoDate {
			return math.MaxInt32
		}
		return c.EffectiveTo
	}
	return a.EffectiveFrom < end(b) && b.EffectiveFrom < end(a)
}

// sortCommitments orders commitments by provider, kind, service, from, id.
func sortCommitments(cs []*model.Commitment) {
	slices.SortFunc(cs, func(a, b *model.Commitment) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.ServiceID, b.ServiceID), cmp.Compare(a.EffectiveFrom, b.EffectiveFrom), compareIDs(a.ID, b.ID))
	})
}
