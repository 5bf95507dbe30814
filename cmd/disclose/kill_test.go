package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestKilledBuild kills a build while it writes its new tree: the old tree
// must be left as it was, and the next build must succeed.
func TestKilledBuild(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, msg)
	}
	before := treeBytes(t, out)
	big := filepath.Join(dir, "big")
	if code, msg := runCLI(t, "gen", "--out", big, "--seed", "2", "--providers", "3000", "--orders", "150000"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, msg)
	}
	args, _ := json.Marshal([]string{"build", "--snapshot", big, "--out", out, "--quiet", "--max-reject", "5%", "--jobs", "1"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DISCLOSE_CHILD_ARGS="+string(args))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the new tree is being written, then kill the build.
	deadline := time.Now().Add(60 * time.Second)
	killed := false
	for time.Now().Before(deadline) {
		tmp, _ := filepath.Glob(filepath.Join(dir, ".public.new-*", "providers"))
		if len(tmp) > 0 {
			time.Sleep(50 * time.Millisecond)
			cmd.Process.Kill()
			killed = true
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the build finished before it could be killed")
	}
	after := treeBytes(t, out)
	if len(after) != len(before) {
		t.Fatalf("old tree has %d files after the kill, %d before", len(after), len(before))
	}
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed although the build was killed", name)
		}
	}
	if code, msg := runCLI(t, "build", "--snapshot", "../../data/sample", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("build after the kill: exit %d: %s", code, msg)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".public.new-*")); len(left) != 0 {
		t.Errorf("the killed build's leftovers remain: %v", left)
	}
}
