// Package build runs one night's build: load → evaluate → publish (an
// atomic swap of the site) → commit the ledger. It is the only package that
// knows the order of those writes, and says why below; cmd/disclose turns
// flags into a Config and calls Run.
package build

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/state"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// ErrRefused marks a build refused by a guard on the ledger or the paths:
// nothing was read or published, and --out and --state are as they were.
var ErrRefused = errors.New("refused")

// Config is one build's settings.
type Config struct {
	Snapshot   string
	Out        string
	State      string // "" keeps no ledger (a preview)
	NewLedger  bool   // start a ledger in an empty or missing State
	AsOf       string // overrides the snapshot's date
	BaseURL    string
	Jobs       int
	Report     string // --report: the validation report and timings
	Quarantine string // "" for the default place (Quarantine func)
	Limits     validate.Limits
	// MaxDeletes refuses a build that would delete more than this share
	// of the live site's files.
	MaxDeletes float64
	// AllowEmpty names required activity tables that may be empty (a new
	// marketplace, a hand-made case); others refuse the build when empty.
	AllowEmpty []string
	Version    string // the tool's version, recorded in the manifest
	// SigningKey, when set, is a note signer key (disclose keygen): the
	// build signs the checkpoint of the log of notices with it.
	SigningKey string
	Log        *slog.Logger
	// Progress, when set, is told how far a long step has come (total ≤ 0:
	// unknown).
	Progress func(label string, done, total int64)
	// Hook, when set, is called at each step of publishing (see Steps);
	// an error it returns fails the build there. Tests use it to fail or
	// kill a build at every step.
	Hook func(step string) error
	// PublishHeadroom, when above zero, raises the Go runtime's soft
	// memory limit, once every row is evaluated, to what is then live
	// plus this many bytes per provider (never lowering it). Reading wants
	// a tight limit, as its garbage is many times what it keeps; writing
	// the site keeps every provider's figures and makes pages, and under a
	// limit close to what it keeps the collector would run without pause
	// (at 50,000 providers it took more than half the site's time). The
	// headroom grows with providers and not with orders, so a snapshot of
	// many orders and few providers is written under the reading limit.
	// The limit is put back at the end of the build.
	PublishHeadroom int64
	// Rulebook, when set, is the source of the rule book to build with in
	// place of the shipped content/rules/rulebook.json (tests build the
	// sample with other windows).
	Rulebook []byte
}

// loadBook reads the rule book the build enforces and publishes.
func (cfg *Config) loadBook() (*rulebook.Book, error) {
	if cfg.Rulebook != nil {
		return rulebook.Parse(cfg.Rulebook)
	}
	return rulebook.Load(content.FS)
}

// Steps of publishing, in order, as Hook is told them.
var Steps = []string{"loaded", "staged", "written", "finished", "swapped", "committed"}

// Result is what a build evaluated and published.
type Result struct {
	*Evaluation
	Tonight *Changes
	Report  *Report
}

func (c *Config) hook(step string) error {
	if c.Hook == nil {
		return nil
	}
	if err := c.Hook(step); err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return nil
}

func (c *Config) progress(label string, done, total int64) {
	if c.Progress != nil {
		c.Progress(label, done, total)
	}
}

func (c *Config) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

// Run builds one night. Whatever happens it writes the --report file and
// changes.json (with the refusal or failure, when there is one).
func Run(ctx context.Context, cfg *Config) (*Result, error) {
	start := time.Now()
	rep := NewReport()
	tonight := newChanges()
	b := &night{cfg: cfg, rep: rep, tonight: tonight}
	res, err := b.run(ctx)
	rep.Timings["total"] = time.Since(start).Seconds()
	if err != nil {
		rep.fail(err)
		tonight.fail(err)
	}
	if path := b.changesPath(); path != "" && !b.unsafe {
		if werr := tonight.write(path); werr != nil && err == nil {
			err = fmt.Errorf("changes: %w", werr)
		}
	}
	if !b.unsafe {
		if werr := rep.write(cfg.Report); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return nil, err
	}
	// The deploy list, once the site is live: a deploy step uploads and
	// deletes what it names.
	if d := b.deploy; d != nil {
		if path := b.changesPath(); path != "" {
			if err := d.write(filepath.Dir(path)); err != nil {
				return nil, err
			}
		}
		for _, w := range d.Warnings {
			cfg.log().Warn("the site nears a host's limit", "limit", w)
		}
	}
	b.summary(res, time.Since(start))
	return res, nil
}

// night is one build in progress.
type night struct {
	cfg     *Config
	rep     *Report
	tonight *Changes
	// guarded is set once the guards have passed: from then on the build
	// may write into --state (its quarantine and changes.json); a build a
	// guard refuses leaves --state byte for byte as it was.
	guarded bool
	// unsafe is set when the paths were refused: the report and
	// changes.json may point into --out, and are not written.
	unsafe bool
	// deploy is tonight's tree against the live one, once written.
	deploy *Deploy
}

func (b *night) run(ctx context.Context) (*Result, error) {
	cfg := b.cfg
	if _, err := os.Stat(cfg.Snapshot); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", cfg.Snapshot, err)
	}
	paths, err := checkPaths(cfg)
	if err != nil {
		b.unsafe = true
		return nil, err
	}
	unlock, err := lockOut(paths.out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	published := liveDigest(paths.out)
	var sd *state.Dir
	prev := &ledger.Ledger{}
	prevLog := &record.Log{}
	var prevManifest []byte
	if cfg.State != "" {
		if sd, err = state.Open(cfg.State, published, cfg.NewLedger); err != nil {
			return nil, err
		}
		defer sd.Close()
		if sd.Recovered != "" {
			cfg.log().Warn("finished a commit a killed build left half-made", "state", cfg.State, "staged_generation", sd.Recovered)
		}
		if err := ledgerGuards(cfg, sd); err != nil {
			return nil, err
		}
		if prev, err = sd.Ledger(); err != nil {
			return nil, err
		}
		if prevManifest, err = sd.Manifest(); err != nil {
			return nil, err
		}
		if prevLog, err = sd.Log(); err != nil {
			return nil, err
		}
		if !prev.Empty() && prevManifest == nil {
			return nil, fmt.Errorf("%w: state %s holds a ledger but not the manifest.json of its last build, which the --max-drop check compares with; "+
				"restore the state from its backup, or rebuild it from the last published downloads (disclose restore)", ErrRefused, cfg.State)
		}
	}
	book, err := cfg.loadBook()
	if err != nil {
		return nil, err
	}
	snap, err := snapshot.Open(cfg.Snapshot, snapshot.Options{AsOf: cfg.AsOf, DefaultZone: book.TimezoneDefault})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	b.rep.AsOf = snap.AsOf.String()
	b.tonight.AsOf = snap.AsOf.String()
	if last := prev.LastBuild(); last != model.NoDate && snap.AsOf < last {
		return nil, fmt.Errorf("%w: as-of %s is before the ledger's last build (%s): a build may repeat its last night but not go back; "+
			"if %s was a mistake, restore the state from before that build (its backup, or disclose restore from the downloads of the night before)",
			ErrRefused, snap.AsOf, last, last)
	}
	b.guarded = true
	ev, err := evaluate(ctx, b, book, snap, prev, prevManifest)
	if err != nil {
		return nil, err
	}
	ev.Log = &record.Log{Entries: append(prevLog.Entries, record.Changes(prevLog.Statuses(), ev.Notices, snap.AsOf)...)}
	loaded := time.Now()
	b.rep.Timings["load_evaluate"] = time.Since(b.rep.started).Seconds()
	b.rep.PeakMemory["load_evaluate"] = peakMemory()
	if err := cfg.hook("loaded"); err != nil {
		return nil, err
	}
	b.tonight.record(ev, prev)
	if cfg.PublishHeadroom > 0 {
		defer debug.SetMemoryLimit(raiseMemoryLimit(cfg.PublishHeadroom * int64(len(ev.Ratings))))
	}
	if err := publish(ctx, b, paths, sd, ev); err != nil {
		return nil, err
	}
	b.rep.Timings["downloads"] = ev.downloads.Seconds()
	// The site's time ends when it is live; removing the previous tree
	// after the swap is timed apart.
	b.rep.Timings["site"] = (time.Since(loaded) - ev.downloads - ev.cleanup).Seconds()
	b.rep.Timings["cleanup"] = ev.cleanup.Seconds()
	b.rep.PeakMemory["downloads"] = ev.downloadsMem
	b.rep.PeakMemory["site"] = peakMemory()
	b.rep.record(ev)
	return &Result{Evaluation: ev, Tonight: b.tonight, Report: b.rep}, nil
}

// raiseMemoryLimit sets the soft memory limit to the heap live after a
// collection plus headroom, if that is above the limit in force, and
// returns the limit it replaced.
func raiseMemoryLimit(headroom int64) int64 {
	old := debug.SetMemoryLimit(-1)
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		if want := int64(s[0].Value.Uint64()) + headroom; want > old {
			debug.SetMemoryLimit(want)
		}
	}
	return old
}

// ledgerGuards refuse a build that would start a ledger by accident or
// start one over an existing ledger.
func ledgerGuards(cfg *Config, sd *state.Dir) error {
	switch {
	case !sd.HasLedger() && !cfg.NewLedger:
		return fmt.Errorf("%w: state %s holds no ledger; if it was lost (an evicted cache, a wrong path), restore it "+
			"(from its backup, or disclose restore from the last published downloads); to start a new ledger deliberately, pass --new-ledger",
			ErrRefused, cfg.State)
	case sd.HasLedger() && cfg.NewLedger:
		return fmt.Errorf("%w: --new-ledger, but state %s already holds a ledger; drop --new-ledger to continue it, "+
			"or point --state at an empty folder to start another", ErrRefused, cfg.State)
	}
	return nil
}

// changesPath is beside the report, else in the state directory once the
// guards have passed, else "".
func (b *night) changesPath() string {
	switch {
	case b.cfg.Report != "":
		return filepath.Join(filepath.Dir(b.cfg.Report), "changes.json")
	case b.cfg.State != "" && b.guarded:
		return filepath.Join(b.cfg.State, "changes.json")
	}
	return ""
}

// Quarantine is where rejected rows go: cfg.Quarantine, else
// quarantine.csv in the state directory, else beside the output directory.
func Quarantine(cfg *Config) string {
	switch {
	case cfg.Quarantine != "":
		return cfg.Quarantine
	case cfg.State != "":
		return filepath.Join(cfg.State, "quarantine.csv")
	case cfg.Out != "":
		return filepath.Join(filepath.Dir(filepath.Clean(cfg.Out)), "quarantine.csv")
	}
	return "quarantine.csv"
}

// summary logs the build's last line.
func (b *night) summary(res *Result, took time.Duration) {
	var read, rejected int64
	for _, t := range res.Stats.Tables {
		read, rejected = read+t.Read, rejected+t.Rejected
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	nc := res.Report.Notices
	b.cfg.log().Info("built", "out", b.cfg.Out, "as_of", res.Snap.AsOf.String(), "providers", len(res.Ratings), "rows_read", read,
		"rows_rejected", rejected, "findings", len(res.Result.Findings), "notices_in_force", nc.InForce, "issued", nc.Issued,
		"renewed", nc.Renewed, "expired", nc.Expired, "rescinded", nc.Rescinded, "grade_changes", len(res.Tonight.Grades),
		"departed", len(res.Tonight.Departed), "seconds", float64(int64(took.Seconds()*100+0.5))/100, "memory_mb", ms.Sys>>20)
}

// within reports whether path is dir or below it; both are absolute and
// clean.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}
