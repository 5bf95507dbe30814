package record

import (
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
)

func notice(id string, status string) model.Notice {
	return model.Notice{ID: id, ProviderID: "P1", ProviderName: "甲", RuleID: "delivery", RuleVersion: "1", Measure: "warning",
		Origin: model.OriginComputed, IssuedOn: model.DateOf(2025, 6, 30), EffectiveUntil: model.DateOf(2025, 9, 27),
		AppealBy: model.DateOf(2025, 7, 15), Status: status, RescindedOn: model.NoDate, FactsZh: "事实", FactsEn: "facts"}
}

// TestLog appends three nights and checks what a keeper of each
// checkpoint can check of the next.
func TestLog(t *testing.T) {
	l := &Log{}
	asOf := model.DateOf(2025, 6, 30)
	night1 := []model.Notice{notice("N1", model.InForce), notice("N2", model.InForce)}
	l.Entries = append(l.Entries, Changes(l.Statuses(), night1, asOf)...)
	t1, err := l.Tree()
	if err != nil || t1.N != 2 {
		t.Fatalf("night 1: tree %+v, %v", t1, err)
	}
	night2 := []model.Notice{notice("N1", model.Expired), notice("N2", model.InForce), notice("N3", model.InForce)}
	night2[1].Status, night2[1].RescindedOn, night2[1].RescindReason = model.Rescinded, asOf+1, "overturned"
	add := Changes(l.Statuses(), night2, asOf+1)
	if len(add) != 3 || add[0].Event != Issued || add[0].NoticeID != "N3" || add[1].Status != model.Expired || add[2].Reason != "overturned" {
		t.Fatalf("night 2 appends %+v", add)
	}
	l.Entries = append(l.Entries, add...)
	if err := l.Extends(t1); err != nil {
		t.Errorf("the log does not extend its own earlier checkpoint: %v", err)
	}
	if len(Changes(l.Statuses(), night2, asOf+1)) != 0 {
		t.Errorf("a rerun appends again")
	}
	back, err := Decode(l.Bytes(), "log.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := l.Tree()
	if bt, _ := back.Tree(); bt != t2 {
		t.Errorf("the decoded log's tree %+v differs from %+v", bt, t2)
	}
	// Rewritten without N1: the earlier checkpoint is not a prefix.
	rewritten := &Log{}
	for _, e := range l.Entries {
		if e.NoticeID != "N1" {
			rewritten.Entries = append(rewritten.Entries, e)
		}
	}
	if err := rewritten.Extends(t1); err == nil {
		t.Errorf("a log without N1 extends the checkpoint that held it")
	}
	// One fact rewritten.
	edited := &Log{Entries: append([]Entry(nil), l.Entries...)}
	edited.Entries[0].FactsEn = "other facts"
	if err := edited.Extends(t1); err == nil {
		t.Errorf("a log with N1's facts rewritten extends the checkpoint")
	}
	if got := edited.Entries[0].Matches(&night1[0]); got != "facts_en" {
		t.Errorf("Matches = %q, want facts_en", got)
	}
}

// TestSign signs a checkpoint and opens it with the right key only.
func TestSign(t *testing.T) {
	skey, vkey, err := Keygen("register.example.org")
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := Keygen("register.example.org")
	l := &Log{Entries: []Entry{IssuedEntry(&model.Notice{ID: "N1"})}}
	tree, _ := l.Tree()
	cp := Checkpoint("register.example.org/notices", tree)
	signed, err := Sign(cp, skey)
	if err != nil {
		t.Fatal(err)
	}
	text, err := Open(signed, vkey)
	if err != nil {
		t.Fatal(err)
	}
	origin, got, err := ParseCheckpoint(text)
	if err != nil || origin != "register.example.org/notices" || got != tree {
		t.Errorf("opened %q %+v %v", origin, got, err)
	}
	if _, err := Open(signed, other); err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("opened with another key: %v", err)
	}
	if _, err := Open([]byte(strings.Replace(string(signed), "\n1\n", "\n2\n", 1)), vkey); err == nil {
		t.Errorf("an edited checkpoint opened")
	}
}
