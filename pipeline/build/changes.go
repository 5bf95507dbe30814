package build

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/site"
)

// Changes is what changed tonight, for operators to alert on; written as
// changes.json on every build, refused and failed ones included.
type Changes struct {
	AsOf     string  `json:"as_of"`
	Previous string  `json:"previous_as_of"` // the last build in the ledger before this one; "" for the first
	Refused  *string `json:"refused"`        // why the build was refused; null when it was not
	Failed   *string `json:"failed"`         // why the build failed otherwise; null when it did not
	Notices  struct {
		Issued    []NoticeChange `json:"issued"`  // new offences
		Renewed   []NoticeChange `json:"renewed"` // a breach going on after its notice's period ended
		Expired   []NoticeChange `json:"expired"`
		Rescinded []NoticeChange `json:"rescinded"`
	} `json:"notices"`
	Grades []GradeChange `json:"grades"`
	// Departed are the providers of the previous build that tonight's
	// export lacks.
	Departed []ProviderRef `json:"departed"`
	Tables   []TableChange `json:"tables"`
	// RulebookChanged says the rule book's version differs from the
	// previous build's.
	RulebookChanged bool `json:"rulebook_changed"`
}

// NoticeChange names a notice that was issued, renewed, expired or
// rescinded.
type NoticeChange struct {
	ID         string        `json:"notice_id"`
	ProviderID string        `json:"provider_id"`
	RuleID     string        `json:"rule_id"`
	Measure    model.Measure `json:"measure"`
	Continues  string        `json:"continues,omitempty"`
}

// GradeChange is a provider whose grade differs from the previous build's.
type GradeChange struct {
	ProviderID string `json:"provider_id"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// ProviderRef names a provider.
type ProviderRef struct {
	ProviderID string `json:"provider_id"`
	Name       string `json:"name"`
}

// TableChange is a table whose row count moved by more than TableMove.
type TableChange struct {
	Table    string  `json:"table"`
	Previous int64   `json:"previous"`
	Now      int64   `json:"now"`
	Change   float64 `json:"change"` // (now − previous) / previous
}

// TableMove is the share by which a table's row count must move to be
// listed in changes.json.
const TableMove = 0.10

func newChanges() *Changes {
	c := &Changes{Grades: []GradeChange{}, Departed: []ProviderRef{}, Tables: []TableChange{}}
	c.Notices.Issued, c.Notices.Renewed, c.Notices.Expired, c.Notices.Rescinded = []NoticeChange{}, []NoticeChange{}, []NoticeChange{}, []NoticeChange{}
	return c
}

func (c *Changes) fail(err error) {
	msg := err.Error()
	if Refusal(err) {
		c.Refused = &msg
	} else {
		c.Failed = &msg
	}
}

// record fills in what tonight's evaluation changed against the ledger.
func (c *Changes) record(ev *Evaluation, prev *ledger.Ledger) {
	byID := map[string]*model.Notice{}
	for i := range ev.Notices {
		byID[ev.Notices[i].ID] = &ev.Notices[i]
	}
	list := func(ids []string) []NoticeChange {
		out := []NoticeChange{}
		for _, id := range ids {
			if n := byID[id]; n != nil {
				out = append(out, NoticeChange{ID: n.ID, ProviderID: n.ProviderID, RuleID: n.RuleID, Measure: n.Measure, Continues: n.Continues})
			}
		}
		return out
	}
	ch := ev.Changes
	c.Notices.Issued, c.Notices.Renewed, c.Notices.Expired, c.Notices.Rescinded = list(ch.Issued), list(ch.Renewed), list(ch.Expired), list(ch.Rescinded)
	last := model.NoDate
	for _, b := range prev.Builds {
		if b.AsOf < ev.Snap.AsOf && (last == model.NoDate || b.AsOf > last) {
			last = b.AsOf
		}
	}
	if last != model.NoDate {
		c.Previous = last.String()
		for _, b := range prev.Builds {
			if b.AsOf == last && b.RulebookVersion != "" && b.RulebookVersion != ev.Book.Version {
				c.RulebookChanged = true
			}
		}
		before := map[string]string{}
		for _, s := range prev.Scores {
			if s.AsOf == last {
				before[s.ProviderID] = s.Grade
			}
		}
		here := map[string]bool{}
		for _, r := range ev.Ratings {
			here[r.ProviderID] = true
			if g, ok := before[r.ProviderID]; ok && g != r.Grade {
				c.Grades = append(c.Grades, GradeChange{ProviderID: r.ProviderID, From: g, To: r.Grade})
			}
		}
		names := map[string]string{}
		for _, n := range ev.Notices {
			names[n.ProviderID] = n.ProviderName
		}
		for id := range before {
			if !here[id] {
				c.Departed = append(c.Departed, ProviderRef{ProviderID: id, Name: names[id]})
			}
		}
		slices.SortFunc(c.Departed, func(a, b ProviderRef) int { return strings.Compare(a.ProviderID, b.ProviderID) })
	}
	for name, t := range ev.Stats.Tables {
		if p, ok := ev.prevCounts[name]; ok && p > 0 {
			ch := float64(t.Read-p) / float64(p)
			if ch > TableMove || ch < -TableMove {
				c.Tables = append(c.Tables, TableChange{Table: name, Previous: p, Now: t.Read, Change: ch})
			}
		}
	}
	slices.SortFunc(c.Tables, func(a, b TableChange) int { return strings.Compare(a.Table, b.Table) })
}

func (c *Changes) write(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		os.MkdirAll(dir, 0o755)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// site is what the /changes/ page shows of tonight's changes.
func (c *Changes) site() *site.Tonight {
	ids := func(ns []NoticeChange) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = n.ID
		}
		return out
	}
	t := &site.Tonight{Previous: c.Previous, Issued: ids(c.Notices.Issued), Renewed: ids(c.Notices.Renewed),
		Expired: ids(c.Notices.Expired), Rescinded: ids(c.Notices.Rescinded), RulebookChanged: c.RulebookChanged}
	for _, g := range c.Grades {
		t.Grades = append(t.Grades, site.GradeChange{ProviderID: g.ProviderID, From: g.From, To: g.To})
	}
	for _, d := range c.Departed {
		t.Departed = append(t.Departed, d.ProviderID)
	}
	return t
}
