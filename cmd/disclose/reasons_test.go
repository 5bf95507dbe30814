package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/disclose-project/disclose/pipeline/build"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files")

// badSnapshot writes a snapshot, all in one workbook, holding one bad row
// for every reason code.
func badSnapshot(t *testing.T, dir string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name string
		rows [][]any
	}{
		{"providers", [][]any{
			{"provider_id", "name", "category", "joined_on", "status"},
			{"P1", "甲公司", "代运营", "2024-01-01", "正常"},
			{"P2", "乙公司", "software", "2024-01-01", "active"},
			{"P3", "", "software", "2024-01-01", "active"},       // missing_value
			{"P4", "丁公司", "astrology", "2024-01-01", "active"},   // invalid_enum
			{"P5", "戊公司", "software", "not a date", "active"},    // invalid_value
			{"P6", "己公司", "software", "2024-01-01", "active"},    // duplicate_id
			{"P6", "己公司(2)", "software", "2024-01-01", "active"}, // duplicate_id
		}},
		{"services", [][]any{
			{"service_id", "provider_id", "title", "state"},
			{"S1", "P1", "代运营", "在架"},
			{"S2", "P2", "ERP", "on_shelf"},
			{"S9", "P9", "无主", "on_shelf"}, // unknown_provider
		}},
		{"commitments", [][]any{
			{"commitment_id", "provider_id", "service_id", "kind", "target", "effective_from"},
			{"C1", "P1", "", "delivery_days", 10, "2024-01-01"},
			{"C2", "P1", "", "first_response_hours", 72, "2024-01-01"}, // looser_than_floor
			{"C3", "P1", "", "delivery_days", 0, "2024-01-01"},         // target_not_positive
			{"C4", "P1", "S404", "delivery_days", 5, "2024-01-01"},     // unknown_service
			{"C5", "P1", "S2", "delivery_days", 5, "2024-01-01"},       // service_of_other_provider
		}},
		{"orders", [][]any{
			{"order_id", "provider_id", "service_id", "ordered_at", "amount", "delivered_at", "status"},
			{"O1", "P1", "S1", "2025-06-01 10:00", 100, "2025-06-02 10:00", "delivered"},
			{"O2", "P1", "S1", "2025-07-01 00:00", 100, "", "paid"},                      // time_after_as_of
			{"O3", "P1", "S1", "2025-06-01 10:00", 100, "2025-05-01 10:00", "delivered"}, // delivered_before_ordered
			{"O4", "P1", "S2", "2025-06-01 10:00", 100, "", "paid"},                      // service_of_other_provider
			{"O5", "P1", "S1", "2025-06-01 10:00", "12元", "", "paid"},                    // invalid_value
		}},
		{"tickets", [][]any{
			{"ticket_id", "order_id", "opened_at", "first_response_at", "resolved_at"},
			{"T1", "O1", "2025-06-03 10:00", "2025-06-03 11:00", "2025-06-04 10:00"},
			{"T2", "O1", "2025-06-03 10:00", "2025-06-02 11:00", ""}, // response_before_opened
			{"T3", "O1", "2025-06-03 10:00", "", "2025-06-02 11:00"}, // resolved_before_opened
			{"T4", "O2", "2025-06-03 10:00", "", ""},                 // unknown_order (rejected order)
		}},
		{"complaints", [][]any{
			{"complaint_id", "provider_id", "order_id", "filed_at", "category", "status", "decided_at", "summary"},
			{"Q1", "P1", "O1", "2025-06-05 10:00", "poor_quality", "upheld", "2025-06-06 10:00", "MERCHANT-SECRET-SUMMARY"},
			{"Q2", "P1", "", "2025-06-05 10:00", "poor_quality", "upheld", "", ""}, // missing_value (decided_at)
			{"Q3", "P1", "O404", "2025-06-05 10:00", "other", "pending", "", ""},   // unknown_order
		}},
		{"decisions", [][]any{
			{"decision_id", "provider_id", "rule_id", "decided_at", "measure", "points"},
			{"D1", "P1", "spot-check", "2025-06-10 10:00", "警告", 2},
			{"D2", "P1", "astrology", "2025-06-10 10:00", "warning", 2}, // unknown_rule
		}},
		{"appeals", [][]any{
			{"appeal_id", "provider_id", "subject_kind", "subject_id", "filed_at", "outcome"},
			{"A1", "P1", "decision", "D1", "2025-06-11 10:00", "pending"},
			{"A2", "P1", "decision", "D2", "2025-06-11 10:00", "pending"}, // unknown_subject (rejected decision)
		}},
		{"contact_checks", [][]any{
			{"check_id", "provider_id", "called_at", "answered"},
			{"K1", "P1", "2025-06-01 10:00", "是"},
			{"K2", "P1", "2025-06-01 11:00", "perhaps"}, // invalid_value
		}},
		{"calendar", [][]any{{"day", "working"}, {"2025-06-02", "否"}}},
	}
	for _, s := range sheets {
		f.NewSheet(s.name)
		for i, r := range s.rows {
			f.SetSheetRow(s.name, fmt.Sprintf("A%d", i+1), &r)
		}
	}
	f.DeleteSheet("Sheet1")
	if err := f.SaveAs(filepath.Join(dir, "export.xlsx")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of":"2025-06-30","timezone":"Asia/Shanghai"}`), 0o644)
}

// TestEveryReason validates a snapshot with one bad row of every reason and
// compares the report and the quarantine with golden files.
func TestEveryReason(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	os.MkdirAll(snap, 0o755)
	badSnapshot(t, snap)
	rep, q := filepath.Join(dir, "report.json"), filepath.Join(dir, "q.csv")
	code, out := runCLI(t, "validate", "--snapshot", snap, "--report", rep, "--quarantine", q, "--max-reject", "100%")
	if code != 0 {
		t.Fatalf("validate exit %d: %s", code, out)
	}
	var r build.Report
	b := readFile(t, rep)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ts := range r.Tables {
		for reason := range ts.Reasons {
			seen[reason] = true
		}
	}
	for _, reason := range []string{"missing_value", "invalid_value", "invalid_enum", "duplicate_id", "time_after_as_of",
		"target_not_positive", "looser_than_floor", "delivered_before_ordered", "response_before_opened", "resolved_before_opened",
		"unknown_provider", "unknown_service", "service_of_other_provider", "unknown_order", "unknown_subject", "unknown_rule"} {
		if !seen[reason] {
			t.Errorf("no row rejected for %s", reason)
		}
	}
	golden(t, "testdata/every_reason.report.json", b)
	qb := readFile(t, q)
	golden(t, "testdata/every_reason.quarantine.csv", qb)

	// With the default limit the same snapshot is refused.
	code, out = runCLI(t, "validate", "--snapshot", snap, "--report", rep, "--quarantine", q)
	b = readFile(t, rep)
	r = build.Report{}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if code != 3 || r.Refused == nil {
		t.Errorf("default --max-reject: exit %d, refused %v: %s", code, r.Refused, out)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/disclose -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
