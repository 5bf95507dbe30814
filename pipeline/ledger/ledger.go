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

// Score is one provider's rating in one build, kept for trend charts and
// the history download.
type Score struct {
	AsOf        model.Date
	ProviderID  string
	Grade       string
	ScoreTenths int64
	Scored      bool
	Status      model.ProviderStatus // the published status; "" in scores kept before it was recorded
}

// Build is one build kept in the ledger: its as-of date, the versions it
// ran with and the SHA-256 of the manifest.json it published.
type Build struct {
	AsOf            model.Date
	ToolVersion     string
	RulebookVersion string
	ManifestSHA256  string // "" when unknown (ledgers kept before builds were recorded)
}

// Ledger is what survives from one build to the next.
type Ledger struct {
	Notices []model.Notice
	Scores  []Score
	Builds  []Build // by as-of date
	// Tonight is what the last night changed (nil in ledgers kept before
	// it was recorded, or rebuilt from the downloads).
	Tonight *Tonight
}

// LastBuild is the as-of date of the ledger's latest build, or NoDate.
func (l *Ledger) LastBuild() model.Date {
	last := model.NoDate
	for _, b := range l.Builds {
		if last == model.NoDate || b.AsOf > last {
			last = b.AsOf
		}
	}
	return last
}

// Empty reports whether the ledger holds nothing at all.
func (l *Ledger) Empty() bool { return len(l.Notices) == 0 && len(l.Scores) == 0 && len(l.Builds) == 0 }

// Changes says what a build did to the ledger.
type Changes struct {
	Issued    []string `json:"issued"`  // notices for findings that had none (new offences)
	Renewed   []string `json:"renewed"` // notices that continue one whose period ended while the finding held
	Expired   []string `json:"expired"`
	Rescinded []string `json:"rescinded"`
}

// Merge adds to c the changes of later that c does not hold: a rerun of a
// night keeps what the night's first build changed.
func (c Changes) Merge(later Changes) Changes {
	union := func(a, b []string) []string {
		out := slices.Clone(a)
		for _, id := range b {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	return Changes{Issued: union(c.Issued, later.Issued), Renewed: union(c.Renewed, later.Renewed),
		Expired: union(c.Expired, later.Expired), Rescinded: union(c.Rescinded, later.Rescinded)}
}

// Tonight is what the builds of one as-of date changed in the ledger,
// against the ledger of the build before that date: kept so that a rerun
// of the night reports what the night changed, as its first build did.
type Tonight struct {
	AsOf    model.Date
	Changes Changes
}

// Night is what one build brings to the ledger.
type Night struct {
	AsOf     model.Date
	Findings []model.Finding
	// Overturned maps "complaint:<id>" and "decision:<id>" to the local
	// date an appeal overturned them.
	Overturned map[string]model.Date
	// Providers are tonight's providers: notices kept from before names
	// were recorded take their name from here.
	Providers []*model.Provider
}

// NoticeID derives a notice's id from its content and issue date, so that
// the same inputs always give the same id.
func NoticeID(f *model.Finding, issued model.Date) string {
	h := sha256.Sum256([]byte(strings.Join([]string{f.Key, f.RuleID, f.RuleVersion, string(f.Measure), issued.String()}, "\x00")))
	return "N" + strings.ReplaceAll(issued.String(), "-", "") + "-" + hex.EncodeToString(h[:5])
}

// Until returns the last day a measure issued on day d is in force
// (NoDate: permanent).
func Until(book *rulebook.Book, measure model.Measure, d model.Date) model.Date {
	m := book.Measure(measure)
	switch {
	case m == nil || m.Permanent:
		return model.NoDate
	case m.OneOff:
		return d
	}
	return d + model.Date(m.PeriodDays-1)
}

// Apply brings the ledger's notices up to date with the findings that
// hold at as-of. It returns the new notices, ordered by issue date and id,
// and what changed. No notice is ever removed or renumbered. A new
// notice's facts are rendered from its finding's rule version (the rule
// book's texts, with the finding's arguments) as it is issued, and kept as
// issued; so is a rescind reason.
func Apply(prev []model.Notice, night Night, book *rulebook.Book) ([]model.Notice, Changes, error) {
	var ch Changes
	asOf := night.AsOf
	notices := slices.Clone(prev)
	holds := map[string]bool{}
	for _, f := range night.Findings {
		holds[f.Key] = true
	}
	names := map[string]*model.Provider{}
	for _, p := range night.Providers {
		names[p.ID] = p
	}
	ended := map[string]string{} // key → the notice whose period ended tonight
	for i := range notices {
		n := &notices[i]
		if n.Origin == "" {
			n.Origin = originOf(n.Key)
		}
		if p := names[n.ProviderID]; p != nil && n.ProviderName == "" {
			n.ProviderName, n.ProviderCategory = p.Name, p.Category
		}
		if n.Status != model.InForce || n.IssuedOn > asOf {
			continue
		}
		day, why, ok, err := rescind(n, night.Overturned, holds, book)
		if err != nil {
			return nil, Changes{}, err
		}
		if ok {
			n.Status, n.RescindedOn, n.RescindReason = model.Rescinded, day, why
			ch.Rescinded = append(ch.Rescinded, n.ID)
			continue
		}
		if n.EffectiveUntil != model.NoDate && asOf > n.EffectiveUntil {
			n.Status = model.Expired
			ch.Expired = append(ch.Expired, n.ID)
			ended[n.Key] = n.ID
		}
	}
	have := map[string]bool{} // keys with a notice in force, or any notice for a decision
	for _, n := range notices {
		if n.Status == model.InForce || n.Origin == model.OriginDecision {
			have[n.Key] = true
		}
	}
	for i := range night.Findings {
		f := &night.Findings[i]
		if have[f.Key] {
			continue
		}
		issued := f.Issued
		if issued == model.NoDate {
			issued = asOf
		}
		facts, err := book.Facts(f)
		if err != nil {
			return nil, Changes{}, err
		}
		n := model.Notice{ID: NoticeID(f, issued), Key: f.Key, ProviderID: f.ProviderID, RuleID: f.RuleID,
			RuleVersion: f.RuleVersion, Measure: f.Measure, IssuedOn: issued,
			EffectiveUntil: Until(book, f.Measure, issued), AppealBy: issued + model.Date(book.AppealDays),
			Status: model.InForce, RescindedOn: model.NoDate, Basis: f.Basis, FactsZh: facts.Zh, FactsEn: facts.En,
			ProviderName: f.ProviderName, ProviderCategory: f.ProviderCategory, Origin: f.Origin(), Figures: f.Figures}
		if !n.InForceOn(asOf) {
			n.Status = model.Expired
		}
		have[f.Key] = true
		// A finding that still holds when its notice's period has ended
		// is the same breach going on, not a new offence: the new notice
		// says which one it continues.
		if prevID, ok := ended[f.Key]; ok && n.Origin == model.OriginComputed {
			n.Continues = prevID
			ch.Renewed = append(ch.Renewed, n.ID)
		} else {
			ch.Issued = append(ch.Issued, n.ID)
		}
		notices = append(notices, n)
	}
	Sort(notices)
	return notices, ch, nil
}

// originOf tells a notice's origin from its finding's key, for notices
// kept before the origin was recorded.
func originOf(key string) string {
	if strings.Contains(key, "/decision/") {
		return model.OriginDecision
	}
	return model.OriginComputed
}

// rescind decides whether an in-force notice loses its basis: a staff
// decision's notice when the decision was overturned; a computed notice when
// something it rested on was overturned and the finding no longer holds.
// The reason is the rule book's rescind text, kept as "中文 / English".
func rescind(n *model.Notice, overturned map[string]model.Date, holds map[string]bool, book *rulebook.Book) (model.Date, string, bool, error) {
	for _, b := range n.Basis {
		day, ok := overturned[b]
		if !ok {
			continue
		}
		kind, id, _ := strings.Cut(b, ":")
		if n.Origin == model.OriginDecision || !holds[n.Key] {
			why, err := book.Render(book.Texts[rulebook.TextRescind], nil, nil, model.Args{"subject": kind, "subject_id": id})
			if err != nil {
				return 0, "", false, fmt.Errorf("notice %s: %w", n.ID, err)
			}
			return day, why.Zh + " / " + why.En, true, nil
		}
	}
	return 0, "", false, nil
}

// Record replaces the scores of as-of in the history with this build's.
func Record(prev []Score, asOf model.Date, ratings []model.Rating) []Score {
	out := slices.DeleteFunc(slices.Clone(prev), func(s Score) bool { return s.AsOf == asOf })
	for _, r := range ratings {
		out = append(out, Score{AsOf: asOf, ProviderID: r.ProviderID, Grade: r.Grade, ScoreTenths: r.ScoreTenths, Scored: r.Scored, Status: r.Status})
	}
	SortScores(out)
	return out
}

// RecordBuild replaces the build of b's as-of date in the list with b.
func RecordBuild(prev []Build, b Build) []Build {
	out := slices.DeleteFunc(slices.Clone(prev), func(x Build) bool { return x.AsOf == b.AsOf })
	out = append(out, b)
	slices.SortFunc(out, func(x, y Build) int { return cmp.Compare(x.AsOf, y.AsOf) })
	return out
}

// Measures lists the distinct measures of one provider's notices in force
// on asOf, in the order of the rule book's measures table, leaving out
// one-off measures: the measures column of providers.csv and the site's
// status banner.
func Measures(notices []*model.Notice, asOf model.Date, book *rulebook.Book) []model.Measure {
	have := make([]bool, len(book.Measures))
	for _, n := range notices {
		if n.Status == model.InForce && n.InForceOn(asOf) {
			if r := book.MeasureRank(n.Measure); r >= 0 {
				have[r] = true
			}
		}
	}
	var out []model.Measure
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
		suspended := slices.Contains(Measures(byProvider[f.Provider.ID], asOf, book), model.MeasureSuspension)
		r.Status = model.PublishedStatus(f.Provider.Status, r.Grade, suspended)
	}
}

// KeyOf derives a notice's finding key from what it publishes: a staff
// decision's from the decision it rests on, a computed one's from its
// provider, rule and measure. (The ledger keeps the key; a ledger rebuilt
// from the downloads derives it.)
func KeyOf(n *model.Notice) string {
	if n.Origin == model.OriginDecision {
		for _, b := range n.Basis {
			if id, ok := strings.CutPrefix(b, "decision:"); ok {
				return n.ProviderID + "/decision/" + id
			}
		}
	}
	return n.ProviderID + "/" + n.RuleID + "/" + string(n.Measure)
}

// Sort orders notices as the ledger keeps them: by issue date, then id.
func Sort(notices []model.Notice) {
	slices.SortFunc(notices, func(a, b model.Notice) int {
		return cmp.Or(cmp.Compare(a.IssuedOn, b.IssuedOn), strings.Compare(a.ID, b.ID))
	})
}

// SortScores orders scores as the ledger keeps them: by as-of, then
// provider.
func SortScores(scores []Score) {
	slices.SortFunc(scores, func(a, b Score) int {
		return cmp.Or(cmp.Compare(a.AsOf, b.AsOf), strings.Compare(a.ProviderID, b.ProviderID))
	})
}
