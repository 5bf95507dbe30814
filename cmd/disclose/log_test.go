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

// TestLogBelowProgress wants a log record written while the progress line
// is drawn to start on a cleared line, not run on after the bar.
func TestLogBelowProgress(t *testing.T) {
	var term bytes.Buffer
	p := &progress{w: &term, on: true}
	p.update("orders", 5, 10)
	log := newLogger(&Config{}, p)
	log.Info("built", "providers", 2)
	out := term.String()
	bar := strings.Index(out, "orders: 5 of 10")
	rec := strings.Index(out, "msg=built")
	if bar < 0 || rec < bar || !strings.Contains(out[bar:rec], "\r\033[K") {
		t.Errorf("the log record does not start on a cleared line: %q", out)
	}
	term.Reset()
	log.Info("again")
	if strings.Contains(term.String(), "\r") {
		t.Errorf("a line is cleared with no progress drawn: %q", term.String())
	}
}
