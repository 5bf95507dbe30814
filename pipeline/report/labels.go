package report

import (
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// labels make the workbook's label columns: the Chinese name beside each
// code a reader filters or pivots on (a category, a status, a measure, a
// rule, a kind of promise), so that a sheet reads without the dictionary
// at hand. The names come from the snapshot's enums, the rule book and
// content/dictionary.json; an unknown code is shown as it is.
type labels struct{ w *words }

func (l *labels) category(name string) *Label {
	return &Label{Name: name, Of: model.CategoryEnum.Label}
}

func (l *labels) providerStatus() *Label {
	return &Label{Name: "status_zh", Of: model.ProviderStatusEnum.Label}
}

func (l *labels) complaintCategory() *Label {
	return &Label{Name: "complaint_category_zh", Of: model.ComplaintCategoryEnum.Label}
}

func (l *labels) serviceState() *Label {
	return &Label{Name: "state_zh", Of: model.ServiceStateEnum.Label}
}

// code names the codes of a set content/dictionary.json lists
// ("codes": notice statuses, origins).
func (l *labels) code(name, set string) *Label {
	return &Label{Name: name, Of: func(code string) string {
		if t, ok := l.w.Codes[set][code]; ok {
			return t.Zh
		}
		return code
	}}
}

func measureName(id string) string { return model.Measure(id).Zh() }

func (l *labels) measure(b *rulebook.Book) *Label {
	return &Label{Name: "measure_zh", Of: measureName}
}

// measures names a ";"-joined list of measures.
func (l *labels) measures(b *rulebook.Book) *Label {
	return &Label{Name: "measures_zh", Of: func(codes string) string {
		if codes == "" {
			return ""
		}
		var names []string
		for _, c := range strings.Split(codes, ";") {
			names = append(names, measureName(c))
		}
		return strings.Join(names, l.w.ListZh)
	}}
}

func (l *labels) rule(b *rulebook.Book) *Label {
	return &Label{Name: "rule_zh", Of: func(code string) string {
		if r := b.Rule(code); r != nil {
			return r.Zh.Name
		}
		return code
	}}
}

// kind names a kind of promise with the unit of its floor.
func (l *labels) kind(b *rulebook.Book) *Label {
	return &Label{Name: "kind_zh", Of: func(code string) string {
		f := b.Floor(code)
		if f == nil {
			return code
		}
		name := model.CommitmentKindEnum.Label(code)
		s, err := params{"name": name, "unit": b.Units[f.Unit].Zh}.expand(l.w.KindLabel.Zh)
		if err != nil { // the dictionary's test keeps this from happening
			return name
		}
		return s
	}}
}
