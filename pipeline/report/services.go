package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
)

// OnSale reports whether a service is shown as on sale: only when its
// state in the export is on_shelf, its provider's published status
// (model.Rating.Status) is active, and none of the provider's measures in
// force (ledger.Measures) takes its services off sale. Pages that show a
// service's state should ask the same question here.
func OnSale(state string, status model.ProviderStatus, measures []model.Measure) bool {
	if state != "on_shelf" || status != model.StatusActive {
		return false
	}
	for _, m := range measures {
		if m.TakesOffSale() {
			return false
		}
	}
	return true
}

func servicesTable(in *Input, ix *index) *Table {
	l := &ix.labels
	t := &Table{Name: "services", Cols: []Col{
		{Name: "service_id", Kind: KText},
		{Name: "provider_id", Kind: KText},
		{Name: "provider_name", Kind: KText},
		{Name: "title", Kind: KText},
		{Name: "category", Kind: KEnum, Label: l.category("category_zh")},
		{Name: "price", Kind: KMoney},
		{Name: "listed_on", Kind: KDate},
		{Name: "state", Kind: KEnum, Label: l.serviceState()},
		{Name: "on_sale", Kind: KBool},
	}}
	ss := slices.Clone(in.Services)
	slices.SortStableFunc(ss, func(a, b model.Service) int {
		return cmp.Or(strings.Compare(a.ProviderID, b.ProviderID), strings.Compare(a.ID, b.ID))
	})
	for _, s := range ss {
		var status model.ProviderStatus
		if i, ok := ix.facts[s.ProviderID]; ok {
			status = in.Ratings[i].Status
		}
		price := fen(s.Price)
		if !s.HasPrice {
			price = null()
		}
		t.Rows = append(t.Rows, []Value{txt(s.ID), txt(s.ProviderID), txt(ix.provider(in, s.ProviderID).Name), txt(s.Title),
			txt(s.Category), price, date(s.ListedOn), txt(s.State), boolean(OnSale(s.State, status, ix.measures(in, s.ProviderID)))})
	}
	return t
}
