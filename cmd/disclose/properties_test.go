package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
)

// TestProperties builds generated snapshots of several seeds and checks
// what must hold for every provider and notice whatever the data: scores
// within 0–100 and in their grade's band, counts that add up to their
// violations, and every notice traceable to the facts behind it.
func TestProperties(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	asOf, _ := model.ParseDate("2025-06-30")
	for seed := int64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			dir := t.TempDir()
			snap := filepath.Join(dir, "snap")
			if err := gen.Write(gen.Options{Out: snap, Seed: seed, Providers: 60, Orders: 6000, AsOf: asOf, Zone: shanghai}); err != nil {
				t.Fatal(err)
			}
			args := []string{"--snapshot", snap, "--out", filepath.Join(dir, "public"), "--quarantine", filepath.Join(dir, "q.csv"), "--max-reject", "100%", "--quiet"}
			checkProperties(t, buildArgs(t, args...).Evaluation)
		})
	}
}

func checkProperties(t *testing.T, ev *build.Evaluation) {
	t.Helper()
	facts := map[string]*model.Facts{}
	for _, f := range ev.Result.Facts {
		facts[f.Provider.ID] = f
		var points int64
		var ded model.Fen
		var incidents int64
		for _, v := range f.Violations {
			points += v.Points
			ded += v.Deduction
			if v.RuleID == "reachability" {
				incidents++
			}
			if v.FactsZh == "" || v.FactsEn == "" || v.Ref == "" {
				t.Errorf("%s: violation without facts: %+v", f.Provider.ID, v)
			}
		}
		if points != f.Points365 || ded != f.Deduction365 || incidents != f.Incidents365 {
			t.Errorf("%s: points %d deduction %s incidents %d, violations add up to %d %s %d",
				f.Provider.ID, f.Points365, f.Deduction365, f.Incidents365, points, ded, incidents)
		}
		var judged, kept [3]int64
		for _, c := range ev.Result.Commitments {
			if p, ok := f.Commitments[c.ID]; ok && c.ProviderID == f.Provider.ID {
				if i := kindIndex(c.Kind); i >= 0 {
					judged[i] += p.Judged
					kept[i] += p.Kept
				}
			}
		}
		for kind, p := range f.Floors {
			if i := kindIndex(kind); i >= 0 {
				judged[i] += p.Judged
				kept[i] += p.Kept
			}
		}
		if judged != [3]int64{f.DeliveryDue, f.ResponseDue, f.ResolutionDue} || kept != [3]int64{f.DeliveryOnTime, f.ResponseOnTime, f.ResolutionOnTime} {
			t.Errorf("%s: items judged against promises %v kept %v do not add up to the rule counts", f.Provider.ID, judged, kept)
		}
	}
	for _, r := range ev.Ratings {
		for _, d := range r.Dimensions {
			if d.X < 0 || d.X > d.N && d.ID != "complaints" || d.Smoothed < 0 || d.Smoothed > 1 {
				t.Errorf("%s: dimension %s out of range: %+v", r.ProviderID, d.ID, d)
			}
		}
		switch {
		case r.Scored:
			if r.Score() < 0 || r.Score() > 100 || ev.Book.GradeOf(r.Score()) != r.Grade {
				t.Errorf("%s: score %s grade %s", r.ProviderID, r.ScoreText(), r.Grade)
			}
		case r.Grade != model.Unrated && r.Grade != model.Cleared:
			t.Errorf("%s: grade %s without a score", r.ProviderID, r.Grade)
		}
		if f := facts[r.ProviderID]; r.Grade != model.Cleared && f.Provider.Status == "cleared" {
			t.Errorf("%s: status cleared but grade %s", r.ProviderID, r.Grade)
		}
	}
	findings := map[string]model.Finding{}
	for _, f := range ev.Result.Findings {
		findings[f.Key] = f
	}
	ids := map[string]bool{}
	for _, n := range ev.Notices {
		if ids[n.ID] {
			t.Errorf("notice id %s twice", n.ID)
		}
		ids[n.ID] = true
		if facts[n.ProviderID] == nil || n.FactsZh == "" || n.FactsEn == "" || n.RuleVersion == "" {
			t.Errorf("notice %s: untraceable: %+v", n.ID, n)
		}
		if n.Status != model.InForce {
			continue
		}
		f, ok := findings[n.Key]
		if !ok && n.Measure != "clearance" {
			t.Errorf("notice %s in force without its finding %s", n.ID, n.Key)
		}
		if ok && (f.ProviderID != n.ProviderID || f.Measure != n.Measure || f.RuleID != n.RuleID) {
			t.Errorf("notice %s does not match its finding %+v", n.ID, f)
		}
	}
	for _, f := range ev.Result.Findings {
		found := false
		for _, n := range ev.Notices {
			found = found || (n.Key == f.Key && n.Status != model.Rescinded)
		}
		if !found {
			t.Errorf("finding %s has no notice", f.Key)
		}
	}
	byProvider := map[string][]*model.Notice{}
	for i := range ev.Notices {
		byProvider[ev.Notices[i].ProviderID] = append(byProvider[ev.Notices[i].ProviderID], &ev.Notices[i])
	}
	for _, f := range ev.Result.Facts {
		for _, m := range ledger.Measures(byProvider[f.Provider.ID], ev.Snap.AsOf, ev.Book) {
			if m == "deposit_deduction" {
				t.Errorf("%s: deposit_deduction listed among measures", f.Provider.ID)
			}
		}
	}
}

func kindIndex(kind string) int {
	switch kind {
	case "delivery_days":
		return 0
	case "first_response_hours":
		return 1
	case "resolution_workdays":
		return 2
	}
	return -1
}
