package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// Changes is what changed tonight, for operators to alert on.
type Changes struct {
	AsOf     string `json:"as_of"`
	Previous string `json:"previous_as_of"` // the last build in the ledger before this one; "" for the first
	Notices  struct {
		Issued    []NoticeChange `json:"issued"`
		Expired   []NoticeChange `json:"expired"`
		Rescinded []NoticeChange `json:"rescinded"`
	} `json:"notices"`
	Grades []GradeChange `json:"grades"`
	Tables []TableChange `json:"tables"`
}

// NoticeChange names a notice that was issued, expired or rescinded.
type NoticeChange struct {
	ID         string `json:"notice_id"`
	ProviderID string `json:"provider_id"`
	RuleID     string `json:"rule_id"`
	Measure    string `json:"measure"`
}

// GradeChange is a provider whose grade differs from the previous build's.
type GradeChange struct {
	ProviderID string `json:"provider_id"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// TableChange is a table whose row count moved by more than 10 %.
type TableChange struct {
	Table    string  `json:"table"`
	Previous int64   `json:"previous"`
	Now      int64   `json:"now"`
	Change   float64 `json:"change"` // (now − previous) / previous
}

// tableMove is the share by which a table's row count must move to be
// listed in changes.json.
const tableMove = 0.10

func changes(ev *Evaluation, prevScores []ledger.Score, prevCounts validate.PreviousCounts) *Changes {
	c := &Changes{AsOf: ev.Snap.AsOf.String()}
	byID := map[string]*model.Notice{}
	for i := range ev.Notices {
		byID[ev.Notices[i].ID] = &ev.Notices[i]
	}
	list := func(ids []string) []NoticeChange {
		out := []NoticeChange{}
		for _, id := range ids {
			if n := byID[id]; n != nil {
				out = append(out, NoticeChange{ID: n.ID, ProviderID: n.ProviderID, RuleID: n.RuleID, Measure: n.Measure})
			}
		}
		return out
	}
	c.Notices.Issued, c.Notices.Expired, c.Notices.Rescinded = list(ev.Changes.Issued), list(ev.Changes.Expired), list(ev.Changes.Rescinded)
	last := model.NoDate
	for _, s := range prevScores {
		if s.AsOf < ev.Snap.AsOf && (last == model.NoDate || s.AsOf > last) {
			last = s.AsOf
		}
	}
	c.Grades = []GradeChange{}
	if last != model.NoDate {
		c.Previous = last.String()
		before := map[string]string{}
		for _, s := range prevScores {
			if s.AsOf == last {
				before[s.ProviderID] = s.Grade
			}
		}
		for _, r := range ev.Ratings {
			if g, ok := before[r.ProviderID]; ok && g != r.Grade {
				c.Grades = append(c.Grades, GradeChange{ProviderID: r.ProviderID, From: g, To: r.Grade})
			}
		}
	}
	c.Tables = []TableChange{}
	for name, t := range ev.Stats.Tables {
		if p, ok := prevCounts[name]; ok && p > 0 {
			ch := float64(t.Read-p) / float64(p)
			if ch > tableMove || ch < -tableMove {
				c.Tables = append(c.Tables, TableChange{Table: name, Previous: p, Now: t.Read, Change: ch})
			}
		}
	}
	slices.SortFunc(c.Tables, func(a, b TableChange) int {
		if a.Table < b.Table {
			return -1
		}
		return 1
	})
	return c
}

// changesPath is beside the report, else in the state directory, else "".
func changesPath(cfg *Config) string {
	switch {
	case cfg.Report != "":
		return filepath.Join(filepath.Dir(cfg.Report), "changes.json")
	case cfg.State != "":
		return filepath.Join(cfg.State, "changes.json")
	}
	return ""
}

func (c *Changes) write(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
