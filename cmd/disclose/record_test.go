package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/xuri/excelize/v2"
)

// TestMain lets a test run the command in a child process, to kill it,
// interrupt it or run two at once: with DISCLOSE_CHILD_ARGS set, the test
// binary is the command. DISCLOSE_CHILD_HOOK makes the build, at one step
// of publishing (build.Steps), "kill:STEP" itself with SIGKILL, "fail:STEP"
// as a full disk would, or "pause:STEP:FILE" until FILE exists.
func TestMain(m *testing.M) {
	if a := os.Getenv("DISCLOSE_CHILD_ARGS"); a != "" {
		var args []string
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			fmt.Fprintln(os.Stderr, "DISCLOSE_CHILD_ARGS:", err)
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		code := runWith(ctx, args, os.Stdout, os.Stderr, childHook(os.Getenv("DISCLOSE_CHILD_HOOK")))
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func childHook(spec string) func(string) error {
	if spec == "" {
		return nil
	}
	what, rest, _ := strings.Cut(spec, ":")
	step, file, _ := strings.Cut(rest, ":")
	return func(s string) error {
		if s != step {
			return nil
		}
		switch what {
		case "kill":
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		case "fail":
			return fmt.Errorf("write: %w", syscall.ENOSPC)
		case "pause":
			os.WriteFile(file+".reached", nil, 0o644)
			for {
				if _, err := os.Stat(file); err == nil {
					return nil
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		return nil
	}
}

// child prepares the command in a child process with a hook ("" none).
func child(hook string, args ...string) *exec.Cmd {
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DISCLOSE_CHILD_ARGS="+string(a), "DISCLOSE_CHILD_HOOK="+hook, "CI=")
	return cmd
}

// runChild runs the command in a child process and returns its exit
// status and what it printed.
func runChild(t *testing.T, hook string, args ...string) (int, string) {
	t.Helper()
	cmd := child(hook, args...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("disclose %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// nights are the as-of dates the record tests build the sample on: the
// first two weeks apart (so that the second issues notices of its own),
// then day after day.
var nights = []string{"2025-06-16", "2025-06-30", "2025-07-01", "2025-07-02"}

// nightArgs are the flags of a build of the sample as of night i.
func nightArgs(dir string, i int, extra ...string) []string {
	args := []string{"build", "--snapshot", "../../data/sample", "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"),
		"--as-of", nights[i], "--max-reject", "100%", "--max-drop", "100%", "--quiet", "--jobs", "2"}
	if i == 0 {
		args = append(args, "--new-ledger")
	}
	return append(args, extra...)
}

// visibleNotices reads the notice ids of the site at out, with their
// status.
func visibleNotices(t *testing.T, out string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "downloads", "notices.csv"))
	if err != nil {
		t.Fatalf("the site is not whole: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("notices.csv: %v", err)
	}
	m := map[string]string{}
	for _, r := range recs[1:] {
		m[r[0]] = r[7]
	}
	return m
}

// whichSite fails unless out is exactly one of the given trees, and says
// which.
func whichSite(t *testing.T, out string, trees ...map[string]string) int {
	t.Helper()
	got := treeBytes(t, out)
	for i, want := range trees {
		if sameTree(got, want) {
			return i
		}
	}
	t.Fatalf("%s is neither the old site nor the new one (%d files)", out, len(got))
	return -1
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// keeps fails unless every notice of before is in after with the same id.
func keeps(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for id := range before {
		if _, ok := after[id]; !ok {
			t.Errorf("%s: notice %s, visible before, is gone", what, id)
		}
	}
}

// referenceNights builds nights 0..2 without faults and returns each
// night's tree and notices: what a faulty run must end up agreeing with.
func referenceNights(t *testing.T) (trees, notices []map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		if code, msg := runChild(t, "", nightArgs(dir, i)...); code != 0 {
			t.Fatalf("reference night %s: exit %d: %s", nights[i], code, msg)
		}
		trees = append(trees, treeBytes(t, filepath.Join(dir, "public")))
		notices = append(notices, visibleNotices(t, filepath.Join(dir, "public")))
	}
	if len(notices[1]) <= len(notices[0]) {
		t.Fatalf("night 2 issues no notices of its own (%d, then %d): the test would show nothing", len(notices[0]), len(notices[1]))
	}
	return trees, notices
}

// TestFaultsAtEachStep kills the second night's build with SIGKILL, and
// fails it as a full disk would, at each step of publishing, then runs the
// next night: the site is whole after every fault (the old one or the
// new), no notice that was visible disappears or changes its id (the next
// night has another date, so a notice the ledger lost would come back
// under a new id or not at all), and when the fault came after the swap,
// the next night publishes exactly what it publishes after a night that
// never failed.
func TestFaultsAtEachStep(t *testing.T) {
	trees, _ := referenceNights(t)
	for _, fault := range []string{"kill", "fail"} {
		for _, step := range build.Steps {
			t.Run(fault+" at "+step, func(t *testing.T) {
				dir := t.TempDir()
				out := filepath.Join(dir, "public")
				if code, msg := runChild(t, "", nightArgs(dir, 0)...); code != 0 {
					t.Fatalf("night 1: exit %d: %s", code, msg)
				}
				code, msg := runChild(t, fault+":"+step, nightArgs(dir, 1)...)
				if code == 0 {
					t.Fatalf("night 2 with %s at %s exited 0", fault, step)
				}
				if fault == "fail" && !strings.Contains(msg, "no space left") {
					t.Errorf("night 2 with a full disk at %s: %s", step, msg)
				}
				live := whichSite(t, out, trees[0], trees[1])
				seen := visibleNotices(t, out)
				if code, msg := runChild(t, "", nightArgs(dir, 2)...); code != 0 {
					t.Fatalf("night 3 after the fault: exit %d: %s", code, msg)
				}
				keeps(t, "night 3 after the fault", seen, visibleNotices(t, out))
				if live == 1 && !sameTree(treeBytes(t, out), trees[2]) {
					t.Errorf("night 3 after a fault at %s (which published night 2) differs from night 3 after a night 2 without it", step)
				}
			})
		}
	}
}

// TestKilledAtRandom kills the second night's build at random moments,
// then runs the next night: the site is whole after every kill, and every
// notice visible after a kill is still there afterwards with its id.
func TestKilledAtRandom(t *testing.T) {
	trees, _ := referenceNights(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for k := 0; k < 8; k++ {
		dir := t.TempDir()
		out := filepath.Join(dir, "public")
		if code, msg := runChild(t, "", nightArgs(dir, 0)...); code != 0 {
			t.Fatalf("night 1: exit %d: %s", code, msg)
		}
		cmd := child("", nightArgs(dir, 1)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait := time.Duration(rng.IntN(1500)) * time.Millisecond
		time.Sleep(wait)
		cmd.Process.Kill()
		cmd.Wait()
		live := whichSite(t, out, trees[0], trees[1])
		seen := visibleNotices(t, out)
		if code, msg := runChild(t, "", nightArgs(dir, 2)...); code != 0 {
			t.Fatalf("kill %d after %v: the next night: exit %d: %s", k, wait, code, msg)
		}
		keeps(t, fmt.Sprintf("kill %d after %v", k, wait), seen, visibleNotices(t, out))
		if live == 1 && !sameTree(treeBytes(t, out), trees[2]) {
			t.Errorf("kill %d after %v (night 2 published): night 3 differs from night 3 after a night 2 without the kill", k, wait)
		}
		t.Logf("kill %d after %v: %s site live", k, wait, []string{"old", "new"}[live])
	}
}

// TestReadersNeverMissAPage reads pages of the site in a tight loop while
// it is rebuilt again and again: the swap must never leave a moment
// without them.
func TestReadersNeverMissAPage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	args := []string{"build", "--snapshot", "../../data/sample", "--out", out, "--quiet", "--jobs", "2"}
	if code, msg := runCLI(t, args...); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, msg)
	}
	pages := []string{"index.html", "en/index.html", "downloads/manifest.json", "providers/index.html"}
	var stop atomic.Bool
	var reads, misses atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				b, err := os.ReadFile(filepath.Join(out, pages[(i+g)%len(pages)]))
				reads.Add(1)
				if err != nil || len(b) == 0 {
					misses.Add(1)
				}
			}
		}()
	}
	for i := 0; i < 12; i++ {
		if code, msg := runChild(t, "", args...); code != 0 {
			t.Errorf("rebuild %d: exit %d: %s", i, code, msg)
		}
	}
	stop.Store(true)
	wg.Wait()
	if misses.Load() != 0 {
		t.Errorf("%d of %d reads found a page missing during 12 rebuilds", misses.Load(), reads.Load())
	}
	t.Logf("%d reads during 12 rebuilds, none missed", reads.Load())
}

// snapshotOf is a tree's bytes, or nil when it does not exist.
func snapshotOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Lstat(dir); err != nil {
		return nil
	}
	return treeBytes(t, dir)
}

// TestGuards runs the real command against each guard: it must refuse with
// its exit status and a message that says what happened and what to do,
// and leave --out and --state byte for byte as they were.
func TestGuards(t *testing.T) {
	sample := "../../data/sample"
	emptyOrders := filepath.Join(t.TempDir(), "empty-orders")
	copyTree(t, sample, emptyOrders, func(rel string) bool { return !strings.HasPrefix(rel, "orders") })
	// An orders table with its columns and no rows.
	os.MkdirAll(emptyOrders, 0o755)
	writeEmptyOrders(t, filepath.Join(emptyOrders, "orders.parquet"))
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) []string // returns the build's flags
		code  int
		msg   []string
	}{
		{"a state folder that holds no ledger", func(t *testing.T, dir string) []string {
			os.MkdirAll(filepath.Join(dir, "state"), 0o755)
			os.WriteFile(filepath.Join(dir, "state", "quarantine.csv"), []byte("x\n"), 0o644)
			return nightArgs(dir, 1)
		}, 3, []string{"holds no ledger", "disclose restore", "--new-ledger"}},
		{"a state folder that does not exist", func(t *testing.T, dir string) []string {
			return nightArgs(dir, 1)
		}, 3, []string{"holds no ledger"}},
		{"--new-ledger over a ledger", func(t *testing.T, dir string) []string {
			mustBuild(t, nightArgs(dir, 0))
			return nightArgs(dir, 1, "--new-ledger")
		}, 3, []string{"already holds a ledger"}},
		{"an as-of before the ledger's last build", func(t *testing.T, dir string) []string {
			mustBuild(t, nightArgs(dir, 0))
			mustBuild(t, nightArgs(dir, 2))
			return nightArgs(dir, 1)
		}, 3, []string{"before the ledger's last build (2025-07-01)", "restore the state from before that build"}},
		{"a ledger without its manifest", func(t *testing.T, dir string) []string {
			mustBuild(t, nightArgs(dir, 0))
			cur := readFile(t, filepath.Join(dir, "state", "CURRENT"))
			os.Remove(filepath.Join(dir, "state", strings.TrimSpace(string(cur)), "manifest.json"))
			return nightArgs(dir, 1)
		}, 3, []string{"not the manifest.json of its last build"}},
		{"an empty orders table (a snapshot refusal: the quarantine and changes.json say why)", func(t *testing.T, dir string) []string {
			mustBuild(t, nightArgs(dir, 0))
			return replaceArg(nightArgs(dir, 1), "--snapshot", emptyOrders)
		}, 3, []string{"orders: no rows", "--allow-empty orders"}},
		{"--out with files no build wrote", func(t *testing.T, dir string) []string {
			os.MkdirAll(filepath.Join(dir, "public"), 0o755)
			os.WriteFile(filepath.Join(dir, "public", "notes.txt"), []byte("mine"), 0o644)
			return nightArgs(dir, 0)
		}, 3, []string{"holds files that no build wrote"}},
		{"--out equal to --snapshot", func(t *testing.T, dir string) []string {
			snap := filepath.Join(dir, "snap")
			copyTree(t, sample, snap, func(string) bool { return true })
			return replaceArg(replaceArg(nightArgs(dir, 0), "--snapshot", snap), "--out", snap)
		}, 3, []string{"overlap"}},
		{"--out holding --snapshot", func(t *testing.T, dir string) []string {
			snap := filepath.Join(dir, "public", "snap")
			copyTree(t, sample, snap, func(string) bool { return true })
			return replaceArg(nightArgs(dir, 0), "--snapshot", snap)
		}, 3, []string{"overlap"}},
		{"--out holding --state", func(t *testing.T, dir string) []string {
			return replaceArg(nightArgs(dir, 0), "--state", filepath.Join(dir, "public", "state"))
		}, 3, []string{"--state", "inside --out"}},
		{"--out inside --state", func(t *testing.T, dir string) []string {
			mustBuild(t, nightArgs(dir, 0))
			return replaceArg(nightArgs(dir, 1), "--out", filepath.Join(dir, "state", "site"))
		}, 3, []string{"inside --state"}},
		{"the quarantine inside --out", func(t *testing.T, dir string) []string {
			return nightArgs(dir, 0, "--quarantine", filepath.Join(dir, "public", "q.csv"))
		}, 3, []string{"--quarantine", "inside --out"}},
		{"the report inside --out", func(t *testing.T, dir string) []string {
			return nightArgs(dir, 0, "--report", filepath.Join(dir, "public", "r", "report.json"))
		}, 3, []string{"--report", "inside --out"}},
		{"a mistyped --as-of", func(t *testing.T, dir string) []string {
			return replaceArg(nightArgs(dir, 0), "--as-of", "2025-13-01")
		}, 2, []string{"--as-of", "YYYY-MM-DD"}},
		{"a mistyped --snapshot", func(t *testing.T, dir string) []string {
			return replaceArg(nightArgs(dir, 0), "--snapshot", filepath.Join(dir, "no-such-snapshot"))
		}, 1, []string{"no-such-snapshot", "no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tt.setup(t, dir)
			out, st := snapshotOf(t, filepath.Join(dir, "public")), snapshotOf(t, filepath.Join(dir, "state"))
			code, msg := runChild(t, "", args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, msg)
			}
			for _, m := range tt.msg {
				if !strings.Contains(msg, m) {
					t.Errorf("message does not say %q: %s", m, msg)
				}
			}
			if got := snapshotOf(t, filepath.Join(dir, "public")); !sameTree(got, out) || (got == nil) != (out == nil) {
				t.Errorf("--out changed (%d files, was %d)", len(got), len(out))
			}
			got := snapshotOf(t, filepath.Join(dir, "state"))
			if strings.Contains(tt.name, "snapshot refusal") {
				// A refused snapshot was read: its rejected rows and the
				// refusal are written for the operator; the ledger is not
				// touched.
				if !strings.Contains(got["changes.json"], `"refused": "refused: orders: no rows`) {
					t.Errorf("changes.json does not record the refusal: %s", got["changes.json"])
				}
				for _, f := range []string{"changes.json", "quarantine.csv"} {
					delete(got, f)
					delete(st, f)
				}
			}
			if !sameTree(got, st) || (got == nil) != (st == nil) {
				t.Errorf("--state changed (%d files, was %d)", len(got), len(st))
			}
		})
	}
}

func mustBuild(t *testing.T, args []string) {
	t.Helper()
	if code, msg := runChild(t, "", args...); code != 0 {
		t.Fatalf("disclose %v: exit %d: %s", args, code, msg)
	}
}

// replaceArg returns args with the value of flag replaced.
func replaceArg(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if out[i] == flag && i+1 < len(out) {
			out[i+1] = value
		}
	}
	return out
}

// TestOneBuildAtATime starts a build, holds it before it swaps, and runs a
// second on the same --state and --out: the second exits 1 saying who
// holds them and changes nothing; the first then finishes. A build killed
// while holding the lock does not block the next.
func TestOneBuildAtATime(t *testing.T) {
	dir := t.TempDir()
	mustBuild(t, nightArgs(dir, 0))
	gate := filepath.Join(dir, "gate")
	first := child("pause:finished:"+gate, nightArgs(dir, 1)...)
	var firstOut strings.Builder
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if _, err := os.Stat(gate + ".reached"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first build never reached its pause: %s", firstOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, st := treeBytes(t, filepath.Join(dir, "public")), treeBytes(t, filepath.Join(dir, "state"))
	for _, args := range [][]string{nightArgs(dir, 2), replaceArg(nightArgs(dir, 2), "--out", filepath.Join(dir, "other"))} {
		code, msg := runChild(t, "", args...)
		if code != 1 || !strings.Contains(msg, "held by the build with pid "+fmt.Sprint(first.Process.Pid)) && !strings.Contains(msg, "being written by another build") {
			t.Errorf("second build: exit %d: %s", code, msg)
		}
	}
	if !sameTree(treeBytes(t, filepath.Join(dir, "public")), out) || !sameTree(treeBytes(t, filepath.Join(dir, "state")), st) {
		t.Errorf("the second build changed --out or --state")
	}
	os.WriteFile(gate, nil, 0o644)
	if err := first.Wait(); err != nil {
		t.Fatalf("the first build: %v: %s", err, firstOut.String())
	}
	// A build killed while it holds the lock leaves LOCK behind naming a
	// dead process; the kernel's lock went with it.
	code, _ := runChild(t, "kill:loaded", nightArgs(dir, 2)...)
	if code == 0 {
		t.Fatal("the killed build exited 0")
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "LOCK")); err != nil {
		t.Errorf("the killed build left no LOCK (the test shows nothing): %v", err)
	}
	mustBuild(t, nightArgs(dir, 2))
}

// TestInterrupted sends Ctrl-C (SIGINT) to a build after its tree is
// written, before it is swapped in: the build stops, saying so, exits 1,
// and publishes nothing; the next night goes on as if it had not run.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	mustBuild(t, nightArgs(dir, 0))
	before := treeBytes(t, filepath.Join(dir, "public"))
	gate := filepath.Join(dir, "gate")
	cmd := child("pause:finished:"+gate, nightArgs(dir, 1)...)
	var msg strings.Builder
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if _, err := os.Stat(gate + ".reached"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the build never reached its pause: %s", msg.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	time.Sleep(100 * time.Millisecond)
	os.WriteFile(gate, nil, 0o644)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(msg.String(), "interrupted before the site was swapped in") {
		t.Errorf("interrupted build: exit %d: %s", code, msg.String())
	}
	if !sameTree(treeBytes(t, filepath.Join(dir, "public")), before) {
		t.Errorf("the interrupted build changed the site")
	}
	mustBuild(t, nightArgs(dir, 1))
}

// TestRerun builds the same night twice on one ledger: a rerun, which
// publishes the same bytes.
func TestRerun(t *testing.T) {
	dir := t.TempDir()
	mustBuild(t, nightArgs(dir, 0))
	mustBuild(t, nightArgs(dir, 1))
	first := treeBytes(t, filepath.Join(dir, "public"))
	mustBuild(t, nightArgs(dir, 1))
	if !sameTree(treeBytes(t, filepath.Join(dir, "public")), first) {
		t.Errorf("a rerun of the same night published other bytes")
	}
}

// writeEmptyOrders writes an orders table with the sample's columns and no
// rows.
func writeEmptyOrders(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open("../../data/sample/orders.parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(sc, out, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	rec := b.NewRecord()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRestore loses the state after three nights and rebuilds it from the
// published downloads: the fourth night then publishes exactly what it
// publishes with the state that was never lost. A restore never replaces
// a ledger.
func TestRestore(t *testing.T) {
	kept, lost := t.TempDir(), t.TempDir()
	for i := 0; i < 3; i++ {
		mustBuild(t, nightArgs(kept, i))
		mustBuild(t, nightArgs(lost, i))
	}
	state := filepath.Join(lost, "state")
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(lost, "public", "downloads")
	code, msg := runChild(t, "", "restore", "--from", downloads, "--state", state)
	if code != 0 || !strings.Contains(msg, "restored") || !strings.Contains(msg, "over 3 builds (the last on 2025-07-01)") {
		t.Fatalf("restore: exit %d: %s", code, msg)
	}
	code, msg = runChild(t, "", "restore", "--from", downloads, "--state", state)
	if code != 3 || !strings.Contains(msg, "already holds a ledger") {
		t.Errorf("restore over a ledger: exit %d: %s", code, msg)
	}
	mustBuild(t, nightArgs(kept, 3))
	mustBuild(t, nightArgs(lost, 3))
	a, b := treeBytes(t, filepath.Join(kept, "public")), treeBytes(t, filepath.Join(lost, "public"))
	if !sameTree(a, b) {
		for k, v := range a {
			if b[k] != v {
				t.Errorf("%s differs after the restore", k)
			}
		}
	}
	// A downloads folder whose files do not match their SHA256SUMS is not
	// restored from.
	os.WriteFile(filepath.Join(downloads, "notices.parquet"), []byte("edited"), 0o644)
	code, msg = runChild(t, "", "restore", "--from", downloads, "--state", filepath.Join(lost, "state2"))
	if code != 1 || !strings.Contains(msg, "notices.parquet does not match SHA256SUMS") {
		t.Errorf("restore from edited downloads: exit %d: %s", code, msg)
	}
}

// TestLegacyState continues a ledger kept before generations (notices,
// scores and manifest at the top of --state): the build reads it, keeps
// every notice, and moves the ledger into a generation.
func TestLegacyState(t *testing.T) {
	dir := t.TempDir()
	mustBuild(t, nightArgs(dir, 0))
	state := filepath.Join(dir, "state")
	cur := readFile(t, filepath.Join(state, "CURRENT"))
	gen := filepath.Join(state, strings.TrimSpace(string(cur)))
	for _, f := range []string{"notices.parquet", "scores.parquet", "manifest.json"} {
		if err := os.Rename(filepath.Join(gen, f), filepath.Join(state, f)); err != nil {
			t.Fatal(err)
		}
	}
	os.RemoveAll(gen)
	os.Remove(filepath.Join(state, "CURRENT"))
	before := visibleNotices(t, filepath.Join(dir, "public"))
	mustBuild(t, nightArgs(dir, 1))
	keeps(t, "after the legacy state", before, visibleNotices(t, filepath.Join(dir, "public")))
	for _, f := range []string{"notices.parquet", "scores.parquet", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(state, f)); err == nil {
			t.Errorf("%s is still at the top of the state after the commit", f)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "CURRENT")); err != nil {
		t.Errorf("no CURRENT after the commit: %v", err)
	}
}

// TestDepartedProvider removes a provider with notices from the second
// night's export: its page stays, under the name its notices keep, marked
// as not in the export and listed on the providers page; its notices keep
// its name; changes.json lists it as departed.
func TestDepartedProvider(t *testing.T) {
	dir := t.TempDir()
	mustBuild(t, nightArgs(dir, 0))
	out := filepath.Join(dir, "public")
	// The provider with the most notices.
	rows := readCSV(t, filepath.Join(out, "downloads", "notices.csv"))
	count := map[string]int{}
	name := map[string]string{}
	for _, r := range rows {
		count[r["provider_id"]]++
		name[r["provider_id"]] = r["provider_name"]
	}
	gone := ""
	for id, n := range count {
		if gone == "" || n > count[gone] || (n == count[gone] && id < gone) {
			gone = id
		}
	}
	snap := filepath.Join(dir, "snap")
	copyTree(t, "../../data/sample", snap, func(string) bool { return true })
	wb, err := excelize.OpenFile(filepath.Join(snap, "reference.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := wb.GetRows("providers")
	if err != nil {
		t.Fatal(err)
	}
	removed := false
	for i, r := range cells {
		if len(r) > 0 && r[0] == gone {
			if err := wb.RemoveRow("providers", i+1); err != nil {
				t.Fatal(err)
			}
			removed = true
			break
		}
	}
	if !removed {
		t.Fatalf("provider %s not found in the sample's providers sheet", gone)
	}
	if err := wb.Save(); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	mustBuild(t, replaceArg(nightArgs(dir, 1), "--snapshot", snap))
	for _, lang := range []string{"", "en/"} {
		page, err := os.ReadFile(filepath.Join(out, lang+"providers", gone, "index.html"))
		if err != nil {
			t.Fatalf("%sproviders/%s/ is gone: %v", lang, gone, err)
		}
		text := string(page)
		if !strings.Contains(text, name[gone]) || !strings.Contains(text, `data-provider-status="departed"`) {
			t.Errorf("%sproviders/%s/ does not name %s as not in the export", lang, gone, name[gone])
		}
		list, err := os.ReadFile(filepath.Join(out, lang+"providers", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(list), `providers/departed/"`) {
			t.Errorf("%sproviders/ does not link the providers not in the export", lang)
		}
		departed, err := os.ReadFile(filepath.Join(out, lang+"providers", "departed", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(departed), "providers/"+gone+"/") || !strings.Contains(string(departed), name[gone]) {
			t.Errorf("%sproviders/departed/ does not list %s as not in the export", lang, gone)
		}
	}
	for _, r := range readCSV(t, filepath.Join(out, "downloads", "notices.csv")) {
		if r["provider_id"] == gone && r["provider_name"] != name[gone] {
			t.Errorf("notice %s names %q, want %q", r["notice_id"], r["provider_name"], name[gone])
		}
	}
	var ch build.Changes
	b, err := os.ReadFile(filepath.Join(dir, "state", "changes.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ch); err != nil {
		t.Fatal(err)
	}
	if len(ch.Departed) != 1 || ch.Departed[0].ProviderID != gone || ch.Departed[0].Name != name[gone] {
		t.Errorf("changes.json departed = %+v, want %s %s", ch.Departed, gone, name[gone])
	}
}
