package site

import (
	"strings"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// An appeal (申诉) is against a complaint or a staff decision; a notice
// rests on those listed in its Basis ("complaint:Q1", "decision:D1"). A
// notice is under appeal while an appeal on its basis is pending, and shows
// each outcome with its date once decided.

// appealView is one appeal with its local dates.
type appealView struct {
	A       *model.Appeal
	Filed   model.Date
	Decided model.Date // NoDate when the export gives none
}

// noticeView is what a notice's page and rows say beyond the notice.
type noticeView struct {
	Pending []appealView // appeals on its basis still heard
	Decided []appealView // appeals on its basis decided, oldest first
	// Box is the state of the appeal box: "pending", "decided",
	// "rescinded", "open" (as-of ≤ appeal_by) or "closed".
	Box string
	// Open is whether the appeal route is offered: the window is open
	// (as-of ≤ appeal_by), the notice stands and no appeal is being heard.
	// Closed is whether the window has closed.
	Open, Closed bool
	// AppealEnd is the last second of the appeal window, in the snapshot's
	// zone: the end of the appeal_by day.
	AppealEnd string
	Offset    string // the zone's offset at AppealEnd: "UTC+08:00"
	// Replaces is the rescinded notice this one follows from (same
	// provider and rule, issued the day that one was rescinded, on
	// recomputing); ReplacedBy the other way round.
	Replaces, ReplacedBy []*model.Notice
}

// subjectKey is the key of an appeal's subject: "complaint:Q1".
func subjectKey(kind model.SubjectKind, id string) string { return kind.Key(id) }

// settleAppeals indexes the appeals by subject and works out each
// notice's appeal box and links.
func (w *world) settleAppeals() {
	clock := model.NewClock(w.in.Zone)
	w.appeals = map[string][]appealView{}
	for i := range w.in.Appeals {
		a := &w.in.Appeals[i]
		v := appealView{A: a, Filed: model.NoDate, Decided: model.NoDate}
		if a.FiledAt != model.NoInstant {
			v.Filed = clock.Day(a.FiledAt)
		}
		if a.DecidedAt != model.NoInstant && a.Outcome != model.AppealPending {
			v.Decided = clock.Day(a.DecidedAt)
		}
		k := subjectKey(a.SubjectKind, a.SubjectID)
		w.appeals[k] = append(w.appeals[k], v)
	}
	w.nv = make(map[string]*noticeView, len(w.notices))
	for _, n := range w.notices {
		v := &noticeView{}
		for _, b := range n.Basis {
			for _, a := range w.appeals[b] {
				if a.A.Outcome == "pending" {
					v.Pending = append(v.Pending, a)
				} else {
					v.Decided = append(v.Decided, a)
				}
			}
		}
		end := time.Date(0, 1, 1, 23, 59, 59, 0, w.in.Zone)
		if n.AppealBy != model.NoDate {
			t := n.AppealBy.Time()
			end = time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, w.in.Zone)
		}
		v.AppealEnd = n.AppealBy.String() + " " + end.Format("15:04:05")
		v.Offset = "UTC" + end.Format("-07:00")
		v.Open = w.in.AsOf <= n.AppealBy && n.Status != model.Rescinded && len(v.Pending) == 0
		v.Closed = w.in.AsOf > n.AppealBy && n.Status != model.Rescinded
		switch {
		case len(v.Pending) > 0:
			v.Box = "pending"
		case len(v.Decided) > 0:
			v.Box = "decided"
		case n.Status == model.Rescinded:
			v.Box = "rescinded"
		case w.in.AsOf <= n.AppealBy:
			v.Box = "open"
		default:
			v.Box = "closed"
		}
		w.nv[n.ID] = v
	}
	// A computed notice rescinded on appeal and the notice the
	// recomputation issued that day for the same provider and rule.
	for _, r := range w.notices {
		if r.Status != model.Rescinded || strings.Contains(r.Key, "/decision/") {
			continue
		}
		for _, n := range w.byID[r.ProviderID].notices() {
			if n.ID != r.ID && n.RuleID == r.RuleID && n.IssuedOn == r.RescindedOn && !strings.Contains(n.Key, "/decision/") {
				w.nv[r.ID].ReplacedBy = append(w.nv[r.ID].ReplacedBy, n)
				w.nv[n.ID].Replaces = append(w.nv[n.ID].Replaces, r)
			}
		}
	}
}

// notices returns the provider's notices; none for a provider missing
// from the export.
func (p *prov) notices() []*model.Notice {
	if p == nil {
		return nil
	}
	return p.Notices
}

// violationAppeals lists the appeals on the complaint or staff decision
// behind a violation (none for an unanswered-call incident).
func (w *world) violationAppeals(v *model.Violation) []appealView {
	switch {
	case w.in.Book.KindOf(v.RuleID) == rulebook.KindComplaints:
		return w.appeals[subjectKey(model.SubjectComplaint, v.Ref)]
	case w.in.Book.IsStaffRule(v.RuleID):
		return w.appeals[subjectKey(model.SubjectDecision, v.Ref)]
	}
	return nil
}
