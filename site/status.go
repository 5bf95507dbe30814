package site

import (
	"slices"

	"github.com/disclose-project/disclose/pipeline/model"
)

// The published status (model.PublishedStatus) is one answer to "can I
// still buy here?"; every page, the providers list and its filter, and the
// search index show that one answer, with its reason.

// inForce is one measure in force at as-of and the notice that keeps it in
// force longest.
type inForce struct {
	Measure model.Measure
	Notice  *model.Notice   // the notice that keeps it in force longest
	Notices []*model.Notice // every notice in force with this measure, Notice first
}

// Until is the last day the measure is in force; NoDate when permanent.
func (m inForce) Until() model.Date { return m.Notice.EffectiveUntil }

// sale says whether a service is on sale and, when it is not, why.
type sale struct {
	S  *model.Service
	On bool
	// Why is "" when on sale; "cleared" or "suspended" when the provider's
	// status takes every service off sale; "measure" when a measure in
	// force (Measure, until Until) does; "state" when the export's own
	// state says it is not on the shelf.
	Why     string
	Measure model.Measure
	Until   model.Date
}

// settleStatus works out what the provider's page says of its status and
// services, from the measures in force at as-of.
func (w *world) settleStatus(p *prov) {
	asOf := w.in.AsOf
	for _, m := range p.Measures {
		var all []*model.Notice
		for _, n := range p.Notices {
			if n.Measure == m && n.Status == model.InForce && n.InForceOn(asOf) {
				all = append(all, n)
			}
		}
		if len(all) == 0 {
			continue
		}
		// Longest in force first; among equals, the export's order.
		slices.SortStableFunc(all, func(a, b *model.Notice) int {
			switch {
			case later(a.EffectiveUntil, b.EffectiveUntil):
				return -1
			case later(b.EffectiveUntil, a.EffectiveUntil):
				return 1
			}
			return 0
		})
		p.InForce = append(p.InForce, inForce{Measure: m, Notice: all[0], Notices: all})
	}
	p.Status = p.R.Status
	if p.Status == "" { // a rating that did not go through ledger.Publish
		p.Status = model.PublishedStatus(p.F.Provider.Status, p.R.Grade, slices.Contains(p.Measures, model.MeasureSuspension))
	}
	p.Suspension = p.measure(model.MeasureSuspension)
	p.Clearance = p.measure(model.MeasureClearance)
	var off *inForce
	for _, m := range model.OffSaleMeasures() {
		if f := p.measure(m); f != nil {
			off = f
		}
	}
	p.OffSale = off
	for _, s := range p.Services {
		v := sale{S: s, On: true}
		switch {
		case p.Status == model.StatusCleared || p.Status == model.StatusSuspended:
			v.On, v.Why = false, string(p.Status)
		case off != nil:
			v.On, v.Why, v.Measure, v.Until = false, "measure", off.Measure, off.Until()
		case s.State != "on_shelf":
			v.On, v.Why = false, "state"
		}
		p.Sales = append(p.Sales, v)
	}
}

// measure returns the measure in force of that id, or nil.
func (p *prov) measure(id model.Measure) *inForce {
	for i := range p.InForce {
		if p.InForce[i].Measure == id {
			return &p.InForce[i]
		}
	}
	return nil
}

// later reports whether the last day a is after b (NoDate: never ends).
func later(a, b model.Date) bool {
	if a == model.NoDate || b == model.NoDate {
		return a == model.NoDate && b != model.NoDate
	}
	return a > b
}

// ClearedByExport reports whether the platform's export itself says the
// provider is cleared (rather than a clearance notice).
func (p *prov) ClearedByExport() bool { return p.F.Provider.Status == model.StatusCleared }

// OnSale counts the provider's services on sale.
func (p *prov) OnSale() int {
	n := 0
	for _, s := range p.Sales {
		if s.On {
			n++
		}
	}
	return n
}
