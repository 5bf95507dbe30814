package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/state"
	"github.com/disclose-project/disclose/pipeline/validate"
	"github.com/disclose-project/disclose/site"
)

// publish writes tonight's tree beside the live one, swaps it in, and
// commits the ledger. The order is what keeps the site and the ledger in
// agreement whenever the build dies:
//
//  1. Stage the ledger in a new generation of --state, not yet named by
//     anything. Dying here leaves the old site and the old ledger; the
//     next build sweeps the generation away.
//  2. Write the site and downloads into a temporary tree beside --out.
//     The manifest carries the staged ledger's digest. Dying here leaves
//     the old site and the old ledger; the next build removes the tree.
//     The tree is compared with the live one (the deploy list), and one
//     that would delete more than --max-deletes of the site is refused
//     here, which leaves the same.
//  3. Finish the stage: manifest and builds in, synced, named by STAGED.
//     Dying here: the old site's digest is not the staged one, so the next
//     build discards the stage.
//  4. Sync the tree and swap it in with one rename (an exchange): a reader
//     finds the old tree or the new, never neither. Dying right after: the
//     live site's digest is the staged one, so the next build commits the
//     stage before it reads the ledger: tonight's notices keep their ids.
//  5. Commit: CURRENT names the staged generation.
//
// Ctrl-C is heeded up to step 4; from the swap on, the build finishes.
func publish(ctx context.Context, b *night, paths *paths, sd *state.Dir, ev *Evaluation) (err error) {
	cfg := b.cfg
	var stage *state.Stage
	digest := ""
	if sd != nil {
		if stage, err = sd.Stage(ev.Ledger, ev.Log); err != nil {
			return err
		}
		defer func() {
			if err != nil && stage != nil {
				stage.Discard()
			}
		}()
		digest = stage.Digest()
	}
	if err := cfg.hook("staged"); err != nil {
		return err
	}
	tmp, err := newTree(paths.out)
	if err != nil {
		return err
	}
	defer func() {
		if tmp != "" {
			start := time.Now()
			os.RemoveAll(tmp)
			ev.cleanup = time.Since(start)
		}
	}()
	prev, err := previousIndex(sd, paths.out, cfg.log().Warn)
	if err != nil {
		return err
	}
	pages, err := writeTree(ctx, cfg, tmp, ev, b.tonight, digest, prev)
	if err != nil {
		return err
	}
	var index []byte
	if b.deploy, index, err = diffTrees(tmp, prev, pages); err != nil {
		return err
	}
	b.deploy.AsOf = ev.Snap.AsOf.String()
	if err := deleteGuard(b.deploy, cfg.MaxDeletes, cfg.Out); err != nil {
		return err
	}
	if err := cfg.hook("written"); err != nil {
		return err
	}
	manifest, err := os.ReadFile(filepath.Join(tmp, "downloads", "manifest.json"))
	if err != nil {
		return fmt.Errorf("output %s: %w", paths.out, err)
	}
	if stage != nil {
		sum := sha256.Sum256(manifest)
		ev.Ledger.Builds = ledger.RecordBuild(ev.Ledger.Builds, ledger.Build{AsOf: ev.Snap.AsOf, ToolVersion: cfg.Version,
			RulebookVersion: ev.Book.Version, ManifestSHA256: hex.EncodeToString(sum[:])})
		if err := stage.AddSiteIndex(index); err != nil {
			return err
		}
		if err := stage.Finish(manifest, ev.Ledger.Builds); err != nil {
			return err
		}
	}
	if err := cfg.hook("finished"); err != nil {
		return err
	}
	if err := fixModes(tmp); err != nil {
		return fmt.Errorf("output %s: %w", paths.out, err)
	}
	if err := syncTree(tmp); err != nil {
		return fmt.Errorf("output %s: %w", paths.out, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before the site was swapped in: %w", err)
	}
	old, atomic, err := swap(tmp, paths.out)
	if err != nil {
		return err
	}
	if !atomic {
		cfg.log().Warn("the file system cannot exchange two folders in one step: --out was missing for a moment while it was replaced", "out", paths.out)
	}
	tmp = old // the old tree, now beside --out, is removed on return
	// The site is live: from here on the stage must never be discarded.
	// Should the commit not happen, the next build makes it.
	live := stage
	stage = nil
	if err := cfg.hook("swapped"); err != nil {
		return fmt.Errorf("the site was published but the ledger was not committed (the next build commits it): %w", err)
	}
	if live != nil {
		if err := live.Commit(); err != nil {
			return fmt.Errorf("the site was published but the ledger was not committed (the next build commits it): %w", err)
		}
	}
	return cfg.hook("committed")
}

// writeTree writes the downloads and then the site into dir, and lists
// the site's files as they compare with the previous build's (prev).
func writeTree(ctx context.Context, cfg *Config, dir string, ev *Evaluation, tonight *Changes, digest string, prev map[string]site.Prev) ([]site.File, error) {
	dl := filepath.Join(dir, "downloads")
	in := &report.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices,
		Commitments: ev.Result.Commitments, Services: ev.Result.Services, History: ev.Ledger.Scores, Builds: ev.Ledger.Builds,
		Appeals: ev.Result.Appeals, Decisions: ev.Result.Decisions, Clock: ev.Snap.Clock()}
	meta := report.Meta{AsOf: ev.Snap.AsOf.String(), Platform: ev.Snap.Platform, Tool: "disclose", ToolVersion: cfg.Version, RulebookVersion: ev.Book.Version}
	start := time.Now()
	// The inputs are hashed for the manifest while the downloads that do
	// not show it are written.
	inputs := sumInputs(ev.Snap)
	man := func() (*report.Manifest, error) {
		if ev.Manifest == nil {
			m, err := manifest(ev, inputs)
			if err != nil {
				return nil, err
			}
			m.LedgerSHA256 = digest
			ev.Manifest = m
		}
		return ev.Manifest, nil
	}
	outs, dict, err := report.Downloads(dl, in, meta, man)
	if err != nil {
		return nil, err
	}
	logOuts, err := writeLog(dl, cfg, ev)
	if err != nil {
		return nil, err
	}
	outs = append(outs, logOuts...)
	m, err := man()
	if err != nil {
		return nil, err
	}
	outs, sums, err := report.Seal(dl, outs, m)
	if err != nil {
		return nil, err
	}
	ev.downloads = time.Since(start)
	ev.downloadsMem = peakMemory()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted before the site was swapped in: %w", err)
	}
	tr := report.TransparencyTable(in)
	return writeSite(dir, prev, cfg, ev, tonight, tr, outs, sums, dict)
}

// writeLog writes the rule book and the log of notices into the
// downloads and, with a signing key, the log's signed checkpoint.
func writeLog(dir string, cfg *Config, ev *Evaluation) ([]report.Output, error) {
	if err := os.WriteFile(filepath.Join(dir, "rulebook.json"), ev.Book.Source, 0o644); err != nil {
		return nil, fmt.Errorf("write rulebook.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), ev.Log.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write log.jsonl: %w", err)
	}
	outs := []report.Output{{Name: "rulebook.json", Rows: -1,
		Zh: "生效中的规则书（机器可读，与引擎读取的字节完全相同）：每个参数、阈值、权重与期限；其 SHA-256 记于 manifest.json。",
		En: "The rule book in force, in machine form, byte for byte as the engine read it: every parameter, threshold, weight and period; its SHA-256 is in manifest.json."},
		{Name: "log.jsonl", Rows: int64(len(ev.Log.Entries)),
			Zh: "公示日志：每条公示发布时的内容及其每次状态变更，按顺序追加，构成 Merkle 树（RFC 6962），任何删改都可被发现。",
			En: "The log of notices: every notice as issued and every change of its status, appended in order to a Merkle tree (RFC 6962), so that no removal or rewrite goes unseen."}}
	if cfg.SigningKey == "" {
		return outs, nil
	}
	tree, err := ev.Log.Tree()
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	signed, err := record.Sign(record.Checkpoint(logOrigin(cfg, ev), tree), cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "checkpoint"), signed, 0o644); err != nil {
		return nil, fmt.Errorf("write checkpoint: %w", err)
	}
	return append(outs, report.Output{Name: "checkpoint", Rows: -1,
		Zh: "公示日志的签名检查点：日志的条目数和根哈希，以 Ed25519 签名（note 格式）。",
		En: "The signed checkpoint of the log of notices: its size and root hash, signed with Ed25519 (note format)."}), nil
}

// logOrigin names the log in its checkpoints: the site's address when it
// has one, else the platform's name.
func logOrigin(cfg *Config, ev *Evaluation) string {
	if u := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(cfg.BaseURL, "https://"), "http://"), "/"); u != "" {
		return u + "/notices"
	}
	return "disclose/" + ev.Snap.Platform + "/notices"
}

// writeSite renders the public pages into dir, after the downloads, whose
// files the downloads page lists with their sizes and checksums, and whose
// columns with the dictionary. prev indexes the previous build's files: a
// provider's page keeps from it the date its figures last changed.
func writeSite(dir string, prev map[string]site.Prev, cfg *Config, ev *Evaluation, tonight *Changes, tr *report.Table, outs []report.Output, sums []report.FileSum, dict []report.Entry) ([]site.File, error) {
	byName := map[string]report.FileSum{}
	for _, s := range sums {
		byName[s.Path] = s
	}
	var dl []site.Download
	for _, o := range outs {
		s := byName[o.Name]
		dl = append(dl, site.Download{Name: o.Name, Size: s.Bytes, SHA256: s.SHA256, Rows: o.Rows, WhatZh: o.Zh, WhatEn: o.En})
	}
	in := &site.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Zone: ev.Snap.Zone, Platform: ev.Snap.Platform,
		Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments,
		Services: ev.Result.Services, Appeals: ev.Result.Appeals, History: ev.Ledger.Scores, Downloads: dl}
	for _, d := range ev.Departed {
		in.Departed = append(in.Departed, site.Departed(d))
	}
	if tonight != nil {
		in.Tonight = tonight.site()
	}
	if tr != nil {
		for _, r := range tr.Rows {
			med := ""
			if !r[11].Null {
				med = report.Text(tr.Cols[11], r[11])
			}
			in.Transparency = append(in.Transparency, site.TransparencyRow{Month: r[0].S, RuleID: r[1].S, Measure: model.Measure(r[2].S), Origin: r[3].S,
				Issued: r[4].I, Renewed: r[5].I, Expired: r[6].I, Rescinded: r[7].I, AppealsReceived: r[8].I, AppealsDecided: r[9].I,
				AppealsOverturned: r[10].I, MedianDays: med})
		}
	}
	for _, e := range dict {
		in.Dictionary = append(in.Dictionary, site.Column(e))
	}
	return site.Build(dir, in, site.Options{BaseURL: cfg.BaseURL, Jobs: cfg.Jobs, Previous: prev, Live: cfg.Out,
		Progress: func(done, total int) { cfg.progress("writing pages", int64(done), int64(total)) }})
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

func manifest(ev *Evaluation, sums func() ([]report.FileSum, error)) (*report.Manifest, error) {
	bookSum := sha256.Sum256(ev.Book.Source)
	m := &report.Manifest{Tool: "disclose", ToolVersion: ev.version, RulebookVersion: ev.Book.Version, RulebookSHA256: hex.EncodeToString(bookSum[:]),
		AsOf: ev.Snap.AsOf.String(), Platform: ev.Snap.Platform}
	m.Inputs.Tables = map[string]report.TableCount{}
	for name, t := range ev.Stats.Tables {
		m.Inputs.Tables[name] = report.TableCount{Read: t.Read, Used: t.Used, Rejected: t.Rejected}
	}
	files, err := sums()
	if err != nil {
		return nil, err
	}
	m.Inputs.Files = []report.FileSum{}
	for _, s := range files {
		if n, ok := ev.Stats.FileRows[s.Path]; ok {
			s.Rows = &n
		}
		m.Inputs.Files = append(m.Inputs.Files, s)
	}
	return m, nil
}

// liveDigest is the ledger digest in the manifest of the site live at out,
// or "".
func liveDigest(out string) string {
	b, err := os.ReadFile(filepath.Join(out, "downloads", "manifest.json"))
	if err != nil {
		return ""
	}
	var m struct {
		Ledger string `json:"ledger_sha256"`
	}
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return m.Ledger
}

// fixModes gives every directory of the tree mode 0755 and every file
// 0644, whatever the umask was: a web server running as another user
// must be able to read the site. The site's own files and folders are
// made with those modes (and a page is linked to the live one only when
// that has its mode), so under a umask that takes nothing else away
// (022, 002, 0) only the tree's own folder and the downloads, which other
// writers make, are looked at: a walk of a large site costs a system call
// a file.
func fixModes(dir string) error {
	fix := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() != want {
			return os.Chmod(p, want)
		}
		return nil
	}
	if mask, ok := umask(); !ok || mask&^0o022 != 0 {
		return filepath.WalkDir(dir, fix)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	err := filepath.WalkDir(filepath.Join(dir, "downloads"), fix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// umask is the process's file mode creation mask, as Linux tells it
// without changing it, and whether it could be read.
func umask() (fs.FileMode, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return fs.FileMode(m), err == nil
		}
	}
	return 0, false
}

// Validate checks a snapshot without publishing: it reads every table,
// validates every row (rejected ones to the quarantine), and applies the
// safety checks against the previous manifest in --state. The used rows go
// to a sink newSink makes (see Load: it may make a second).
func Validate(ctx context.Context, cfg *Config, rep *Report, newSink func() (validate.Sink, error)) (*validate.Stats, error) {
	book, err := cfg.loadBook()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.Snapshot); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", cfg.Snapshot, err)
	}
	snap, err := snapshot.Open(cfg.Snapshot, snapshot.Options{AsOf: cfg.AsOf, DefaultZone: book.TimezoneDefault})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	rep.AsOf = snap.AsOf.String()
	prevManifest, err := state.ReadManifest(cfg.State)
	if err != nil {
		return nil, err
	}
	stats, err := Load(ctx, cfg, snap, book, newSink)
	if stats != nil {
		rep.Tables = stats.Tables
	}
	if err != nil {
		return stats, err
	}
	prev, err := validate.ParsePrevious(prevManifest, "the previous build's manifest.json in "+cfg.State)
	if err != nil {
		return stats, err
	}
	if err := validate.Check(stats, cfg.Limits, prev); err != nil {
		return stats, err
	}
	return stats, emptyGuard(stats, cfg.AllowEmpty)
}

// Finish writes the report of a validation (with its refusal, if any).
func (r *Report) Finish(path string, err error) error {
	if err != nil {
		r.fail(err)
	}
	if werr := r.write(path); werr != nil && err == nil {
		return werr
	}
	return err
}
