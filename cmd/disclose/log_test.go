package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogs checks the end-of-build summary in both log formats, and that
// without a terminal no progress is drawn.
func TestLogs(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"build", "--snapshot", "../../data/sample", "--out", filepath.Join(dir, "site"), "--log-format", "json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var summary map[string]any
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
		t.Fatalf("last log line %q: %v", lines[len(lines)-1], err)
	}
	for _, k := range []string{"providers", "rows_read", "rows_rejected", "notices_in_force", "issued", "expired", "rescinded", "grade_changes", "seconds", "memory_mb"} {
		if _, ok := summary[k]; !ok {
			t.Errorf("summary lacks %s: %v", k, summary)
		}
	}
	if summary["msg"] != "built" || summary["providers"] != float64(200) {
		t.Errorf("summary: %v", summary)
	}
	if strings.Contains(errb.String(), "\r") || out.Len() != 0 {
		t.Errorf("progress drawn without a terminal, or output on stdout: %q", out.String())
	}
	errb.Reset()
	run(context.Background(), []string{"build", "--snapshot", "../../data/sample", "--out", filepath.Join(dir, "site"), "--quiet"}, &out, &errb)
	if errb.Len() != 0 {
		t.Errorf("--quiet still logs: %s", errb.String())
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5: "-5"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
