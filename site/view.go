package site

import (
	"errors"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// The methods below are what the templates read from the world.

func (w *world) AsOf() string             { return w.in.AsOf.String() }
func (w *world) Version() string          { return w.in.Book.Version }
func (w *world) Platform() string         { return w.in.Platform }
func (w *world) Book() *rulebook.Book     { return w.in.Book }
func (w *world) Providers() []*prov       { return w.providers }
func (w *world) Notices() []*model.Notice { return w.notices }
func (w *world) Grades() []gradeCount     { return w.grades }
func (w *world) Rates() []rateRow         { return w.rates }
func (w *world) Month() int               { return w.month }
func (w *world) Renewed() int             { return w.renewed }
func (w *world) Departed() []*prov        { return w.departed }
func (w *world) InForce() int             { return w.inForce }
func (w *world) CategoryCodes() []string  { return model.CategoryEnum.Codes }
func (w *world) AppealDays() int          { return w.in.Book.AppealDays }
func (w *world) MinRatedItems() int64     { return w.in.Book.Rating.MinRatedItems }
func (w *world) Downloads() []Download    { return w.in.Downloads }
func (w *world) Zone() string             { return w.in.Zone.String() }
func (w *world) Statuses() []model.ProviderStatus {
	return []model.ProviderStatus{model.StatusActive, model.StatusSuspended, model.StatusCleared}
}
func (w *world) Dictionary() []Column { return w.in.Dictionary }
func (w *world) ScoreText(s ledger.Score) string {
	if !s.Scored {
		return ""
	}
	return model.Tenths(s.ScoreTenths)
}

// Latest returns the n newest notices.
func (w *world) Latest(n int) []*model.Notice { return w.notices[:min(n, len(w.notices))] }

// RuleIDs lists every rule a notice may cite, in the rule book's order.
func (w *world) RuleIDs() []string {
	var ids []string
	for _, r := range w.rulePages() {
		ids = append(ids, r.Rule.ID)
	}
	return ids
}

// ServiceTitle returns a service's title, or its id when unknown.
func (w *world) ServiceTitle(id string) string {
	if s, ok := w.services[id]; ok {
		return s.Title
	}
	return id
}

// CommitmentsOf lists the commitments of one kind, by provider and id.
func (w *world) CommitmentsOf(kind string) []*model.Commitment {
	var out []*model.Commitment
	for _, p := range w.providers {
		for _, c := range p.Commitments {
			if c.Kind == kind {
				out = append(out, c)
			}
		}
	}
	return out
}

// PlatformRate is the current platform rate p of a rating dimension.
func (w *world) PlatformRate(dim string) string {
	for _, r := range w.in.Ratings {
		for _, d := range r.Dimensions {
			if d.ID == dim {
				return strconv.FormatFloat(100*d.Platform, 'f', 2, 64) + "%"
			}
		}
	}
	return "—"
}

// RescindReason gives the reason of a rescinded notice in one language;
// the ledger keeps it as "中文 / English".
func (w *world) RescindReason(n *model.Notice, lang string) string {
	zh, en, ok := strings.Cut(n.RescindReason, " / ")
	if !ok {
		return n.RescindReason
	}
	if lang == "en" {
		return en
	}
	return zh
}

// dict builds a map from alternating keys and values, for sub-templates.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict: keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// Pct is the on-time rate of "delivery", "response" or "resolution".
func (r rateRow) Pct(which string) string {
	v := r.pair(which)
	return pct(v[1], v[0])
}

// Frac is "on time/due" of the same.
func (r rateRow) Frac(which string) string {
	v := r.pair(which)
	return strconv.FormatInt(v[1], 10) + "/" + strconv.FormatInt(v[0], 10)
}

func (r rateRow) pair(which string) [2]int64 {
	switch which {
	case "response":
		return r.Response
	case "resolution":
		return r.Resolve
	}
	return r.Delivery
}
