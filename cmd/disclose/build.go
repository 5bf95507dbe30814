package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rating"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/rules"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// version is the tool's version, recorded in the manifest.
const version = "0.1.0"

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("build", "Validate a snapshot, enforce the rule book, and publish the site, the downloads and the\nnew ledger. With no flags it builds the shipped sample snapshot into public/.",
		[]string{"snapshot", "out", "state", "as-of", "base-url", "jobs", "quiet", "log-format", "report", "quarantine", "max-reject", "max-drop"}, args, stderr)
	if err != nil {
		return err
	}
	rep := &Report{Tables: map[string]*validate.TableStats{}}
	_, err = build(ctx, cfg, rep, stderr)
	return finishReport(cfg.Report, rep, err)
}

// Evaluation is everything the publishing stages need.
type Evaluation struct {
	Book     *rulebook.Book
	Snap     *snapshot.Snapshot
	Stats    *validate.Stats
	Result   *rules.Result
	Ratings  []model.Rating
	Notices  []model.Notice
	Changes  ledger.Changes
	Ledger   *ledger.Ledger
	Manifest *report.Manifest // set by publish, which hashes the inputs

	downloads  time.Duration           // how long writing the downloads took
	prevCounts validate.PreviousCounts // row counts of the previous build, from --state
}

// build runs the whole pipeline: load → evaluate → publish. It logs to
// (and draws progress on) stderr, and returns the evaluation it published.
func build(ctx context.Context, cfg *Config, rep *Report, stderr io.Writer) (*Evaluation, error) {
	log, prog := newLogger(cfg, stderr), newProgress(cfg, stderr)
	cfg.prog = prog
	start := time.Now()
	lim, err := limits(cfg)
	if err != nil {
		return nil, err
	}
	book, err := rulebook.Load(content.FS)
	if err != nil {
		return nil, err
	}
	prev, err := ledger.Read(cfg.State)
	if err != nil {
		return nil, err
	}
	ev, err := evaluate(ctx, cfg, book, prev, lim, rep)
	if err != nil {
		return nil, err
	}
	for _, name := range ev.Stats.Order {
		if x := ev.Stats.Tables[name].Extra; len(x) > 0 {
			log.Warn("extra columns ignored", "table", name, "columns", strings.Join(x, ", "))
		}
	}
	tonight := changes(ev, prev.Scores, ev.prevCounts)
	loaded := time.Now()
	if err := publish(cfg, ev); err != nil {
		return nil, err
	}
	if cfg.State != "" {
		if err := ev.Ledger.Write(cfg.State); err != nil {
			return nil, err
		}
		if err := ev.Manifest.Write(filepath.Join(cfg.State, "manifest.json")); err != nil {
			return nil, err
		}
	}
	if path := changesPath(cfg); path != "" {
		if err := tonight.write(path); err != nil {
			return nil, fmt.Errorf("changes: %w", err)
		}
	}
	done := time.Now()
	rep.Timings = map[string]float64{"load_evaluate": loaded.Sub(start).Seconds(), "downloads": ev.downloads.Seconds(),
		"site": (done.Sub(loaded) - ev.downloads).Seconds(), "total": done.Sub(start).Seconds()}
	nc := &NoticeCounts{Issued: len(ev.Changes.Issued), Expired: len(ev.Changes.Expired), Rescinded: len(ev.Changes.Rescinded)}
	for _, n := range ev.Notices {
		if n.Status == model.InForce {
			nc.InForce++
		}
	}
	rep.Notices, rep.Findings = nc, len(ev.Result.Findings)
	var read, rejected int64
	for _, t := range ev.Stats.Tables {
		read, rejected = read+t.Read, rejected+t.Rejected
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	log.Info("built", "out", cfg.Out, "as_of", ev.Snap.AsOf.String(), "providers", len(ev.Ratings), "rows_read", read,
		"rows_rejected", rejected, "findings", len(ev.Result.Findings), "notices_in_force", nc.InForce, "issued", nc.Issued,
		"expired", nc.Expired, "rescinded", nc.Rescinded, "grade_changes", len(tonight.Grades),
		"seconds", round2(done.Sub(start).Seconds()), "memory_mb", ms.Sys>>20)
	return ev, nil
}

// evaluate loads and validates the snapshot, applies the safety checks,
// enforces the rule book, rates every provider and brings the ledger up to
// date. Nothing is written but the quarantine.
func evaluate(ctx context.Context, cfg *Config, book *rulebook.Book, prev *ledger.Ledger, lim validate.Limits, rep *Report) (*Evaluation, error) {
	snapOpts := snapshot.Options{AsOf: cfg.AsOf, DefaultZone: book.TimezoneDefault}
	snap, err := snapshot.Open(cfg.Snapshot, snapOpts)
	if err != nil {
		return nil, err
	}
	rep.AsOf = snap.AsOf.String()
	eval := rules.NewEvaluator(book, snap.Clock())
	stats, err := load(ctx, snap, book, eval, quarantinePath(cfg), cfg.prog)
	if stats != nil {
		rep.Tables = stats.Tables
	}
	if err != nil {
		return nil, err
	}
	prevCounts, err := safety(cfg, stats, lim)
	if err != nil {
		return nil, err
	}
	res := eval.Finish()
	cleared := map[string]bool{}
	for _, f := range res.Findings {
		if f.Measure == "clearance" {
			cleared[f.ProviderID] = true
		}
	}
	notices, changes := ledger.Apply(prev.Notices, res.Findings, res.Overturned, snap.AsOf, book)
	// A notice whose basis was rescinded or whose period has ended leaves a
	// clearance behind only while in force; clearance is permanent.
	for _, n := range notices {
		if n.Measure == "clearance" && n.Status == model.InForce {
			cleared[n.ProviderID] = true
		}
	}
	ratings := rating.Rate(res.Facts, book, cleared)
	ledger.Publish(res.Facts, ratings, notices, snap.AsOf, book)
	return &Evaluation{Book: book, Snap: snap, Stats: stats, Result: res, Ratings: ratings, Notices: notices, Changes: changes, prevCounts: prevCounts,
		Ledger: &ledger.Ledger{Notices: notices, Scores: ledger.Record(prev.Scores, snap.AsOf, ratings)}}, nil
}

// sumInputs hashes the snapshot's files on a goroutine of its own, beside
// the writing of the downloads (it is one core's work and mostly reading);
// the function it returns waits for the sums.
func sumInputs(snap *snapshot.Snapshot) func() ([]report.FileSum, error) {
	done := make(chan struct{})
	var sums []report.FileSum
	var err error
	go func() {
		defer close(done)
		for _, f := range snap.Files {
			s, e := report.Sum(filepath.Join(snap.Dir, f), f)
			if e != nil {
				err = e
				return
			}
			sums = append(sums, s)
		}
	}()
	return func() ([]report.FileSum, error) {
		<-done
		return sums, err
	}
}

func manifest(snap *snapshot.Snapshot, stats *validate.Stats, book *rulebook.Book, sums func() ([]report.FileSum, error)) (*report.Manifest, error) {
	m := &report.Manifest{Tool: "disclose", ToolVersion: version, RulebookVersion: book.Version, AsOf: snap.AsOf.String(), Platform: snap.Platform}
	m.Inputs.Tables = map[string]report.TableCount{}
	for name, t := range stats.Tables {
		m.Inputs.Tables[name] = report.TableCount{Read: t.Read, Used: t.Used, Rejected: t.Rejected}
	}
	files, err := sums()
	if err != nil {
		return nil, err
	}
	m.Inputs.Files = []report.FileSum{}
	for _, s := range files {
		if n, ok := stats.FileRows[s.Path]; ok {
			s.Rows = &n
		}
		m.Inputs.Files = append(m.Inputs.Files, s)
	}
	return m, nil
}

// publish writes the output tree beside the old one and swaps it in only
// when complete.
func publish(cfg *Config, ev *Evaluation) (err error) {
	out := filepath.Clean(cfg.Out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	// A build killed while writing leaves its half-written tree behind;
	// it was never swapped in, so the next build removes it.
	stale, _ := filepath.Glob(filepath.Join(parent, "."+filepath.Base(out)+".new-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	os.Chmod(tmp, 0o755)
	dl := filepath.Join(tmp, "downloads")
	in := &report.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices,
		Commitments: ev.Result.Commitments}
	meta := report.Meta{AsOf: ev.Snap.AsOf.String(), Platform: ev.Snap.Platform, Tool: "disclose", ToolVersion: version, RulebookVersion: ev.Book.Version}
	start := time.Now()
	// The inputs are hashed for the manifest while the downloads that do
	// not show it are written.
	inputs := sumInputs(ev.Snap)
	man := func() (*report.Manifest, error) {
		if ev.Manifest == nil {
			m, err := manifest(ev.Snap, ev.Stats, ev.Book, inputs)
			if err != nil {
				return nil, err
			}
			ev.Manifest = m
		}
		return ev.Manifest, nil
	}
	outs, dict, err := report.Downloads(dl, in, meta, man)
	if err != nil {
		return err
	}
	m, err := man()
	if err != nil {
		return err
	}
	outs, sums, err := report.Seal(dl, outs, m)
	if err != nil {
		return err
	}
	ev.downloads = time.Since(start)
	if err := writeSite(tmp, cfg, ev, outs, sums, dict); err != nil {
		return err
	}
	return swap(tmp, out)
}

// swap replaces dir by tmp: the old tree is moved aside, the new one moved
// in, and the old one removed.
func swap(tmp, dir string) error {
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("output %s: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("output %s: %w", dir, err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
