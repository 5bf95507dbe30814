// Package ledger keeps the permanent record of enforcement notices across
// builds. Apply turns the previous ledger and tonight's findings into the
// new list of notices: a notice whose finding still holds is kept as it is,
// a finding with no notice in force gets a new one, a notice whose period
// has ended expires, and one whose basis was overturned on appeal is
// rescinded. Nothing is ever deleted or renumbered. The ledger lives in the
// state directory as Parquet (store.go).
package ledger

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// Score is one provider's rating in one build, kept for trend charts.
type Score struct {
	AsOf        model.Date
	ProviderID  string
	Grade       string
	ScoreTenths int64
	Scored      bool
}

// Ledger is what survives from one build to the next.
type Ledger struct {
	Notices []model.Notice
	Scores  []Score
}

// Changes says what a build did to the ledger.
type Changes struct {
	Issued, Expired, Rescinded []string // notice ids
}

// NoticeID derives a notice's id from its content and issue date, so that
// the same inputs always give the same id.
func NoticeID(f *model.Finding, issued model.Date) string {
	h := sha256.Sum256([]byte(strings.Join([]string{f.Key, f.RuleID, f.RuleVersion, f.Measure, issued.String()}, "\x00")))
	return "N" + strings.ReplaceAll(issued.String(), "-", "") + "-" + hex.EncodeToString(h[:5])
}

// until returns the last day a measure issued on day d is in force.
func until(book *rulebook.Book, measure string, d model.Date) model.Date {
	m := book.Measure(measure)
	switch {
	case m == nil || m.Permanent:
		return model.NoDate
	case m.OneOff:
		return d
	}
	return d + model.Date(m.PeriodDays-1)
}

// Apply brings the ledger up to date with the findings that hold at as-of.
// overturned maps "complaint:<id>" and "decision:<id>" to the local date
// the appeal overturned them. It returns the new notices, ordered by issue
// date and id, and what changed.
func Apply(prev []model.Notice, findings []model.Finding, overturned map[string]model.Date, asOf model.Date, book *rulebook.Book) ([]model.Notice, Changes) {
	var ch Changes
	notices := slices.Clone(prev)
	holds := map[string]bool{}
	for _, f := range findings {
		holds[f.Key] = true
	}
	for i := range notices {
		n := &notices[i]
		if n.Status != model.InForce || n.IssuedOn > asOf {
			continue
		}
		if day, why, ok := rescind(n, overturned, holds); ok {
			n.Status, n.RescindedOn, n.RescindReason = model.Rescinded, day, why
			ch.Rescinded = append(ch.Rescinded, n.ID)
			continue
		}
		if n.EffectiveUntil != model.NoDate && asOf > n.EffectiveUntil {
			n.Status = model.Expired
			ch.Expired = append(ch.Expired, n.ID)
		}
	}
	have := map[string]bool{} // keys with a notice in force, or any notice for a decision
	for _, n := range notices {
		if n.Status == model.InForce || strings.Contains(n.Key, "/decision/") {
			have[n.Key] = true
		}
	}
	for i := range findings {
		f := &findings[i]
		if have[f.Key] {
			continue
		}
		issued := f.Issued
		if issued == model.NoDate {
			issued = asOf
		}
		n := model.Notice{ID: NoticeID(f, issued), Key: f.Key, ProviderID: f.ProviderID, RuleID: f.RuleID,
			RuleVersion: f.RuleVersion, Measure: f.Measure, IssuedOn: issued,
			EffectiveUntil: until(book, f.Measure, issued), AppealBy: issued + model.Date(book.AppealDays),
			Status: model.InForce, RescindedOn: model.NoDate, Basis: f.Basis, FactsZh: f.FactsZh, FactsEn: f.FactsEn}
		if !n.InForceOn(asOf) {
			n.Status = model.Expired
		}
		notices = append(notices, n)
		have[f.Key] = true
		ch.Issued = append(ch.Issued, n.ID)
	}
	slices.SortFunc(notices, func(a, b model.Notice) int {
		return cmp.Or(cmp.Compare(a.IssuedOn, b.IssuedOn), strings.Compare(a.ID, b.ID))
	})
	return notices, ch
}

// rescind decides whether an in-force notice loses its basis: a staff
// decision's notice when the decision was overturned; a computed notice when
// something it rested on was overturned and the finding no longer holds.
func rescind(n *model.Notice, overturned map[string]model.Date, holds map[string]bool) (model.Date, string, bool) {
	for _, b := range n.Basis {
		day, ok := overturned[b]
		if !ok {
			continue
		}
		kind, id, _ := strings.Cut(b, ":")
		if strings.Contains(n.Key, "/decision/") || !holds[n.Key] {
			zh := map[string]string{"complaint": "投诉", "decision": "处罚决定"}[kind]
			return day, fmt.Sprintf("%s%s经申诉被撤销 / %s %s overturned on appeal", zh, id, kind, id), true
		}
	}
	return 0, "", false
}

// Record replaces the scores of as-of in the history with this build's.
func Record(prev []Score, asOf model.Date, ratings []model.Rating) []Score {
	out := slices.DeleteFunc(slices.Clone(prev), func(s Score) bool { return s.AsOf == asOf })
	for _, r := range ratings {
		out = append(out, Score{AsOf: asOf, ProviderID: r.ProviderID, Grade: r.Grade, ScoreTenths: r.ScoreTenths, Scored: r.Scored})
	}
	slices.SortFunc(out, func(a, b Score) int {
		return cmp.Or(cmp.Compare(a.AsOf, b.AsOf), strings.Compare(a.ProviderID, b.ProviderID))
	})
	return out
}

// Measures lists the distinct measures of one provider's notices in force
// on asOf, in the order of the rule book's measures table, leaving out
// one-off measures: the measures column of providers.csv and the site's
// status banner.
func Measures(notices []*model.Notice, asOf model.Date, book *rulebook.Book) []string {
	have := make([]bool, len(book.Measures))
	for _, n := range notices {
		if n.Status == model.InForce && n.InForceOn(asOf) {
			if r := book.MeasureRank(n.Measure); r >= 0 {
				have[r] = true
			}
		}
	}
	var out []string
	for i, m := range book.Measures {
		if have[i] && !m.OneOff {
			out = append(out, m.ID)
		}
	}
	return out
}

// Publish sets each rating's published status (model.PublishedStatus)
// from the provider's exported status, its grade and the measures of its
// notices in force on asOf. ratings[i] belongs to facts[i].
func Publish(facts []*model.Facts, ratings []model.Rating, notices []model.Notice, asOf model.Date, book *rulebook.Book) {
	byProvider := map[string][]*model.Notice{}
	for i := range notices {
		n := &notices[i]
		byProvider[n.ProviderID] = append(byProvider[n.ProviderID], n)
	}
	for i, f := range facts {
		r := &ratings[i]
		suspended := slices.Contains(Measures(byProvider[f.Provider.ID], asOf, book), "suspension")
		r.Status = model.PublishedStatus(f.Provider.Status, r.Grade, suspended)
	}
}
