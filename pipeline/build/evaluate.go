package build

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rating"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/rules"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// Evaluation is everything the publishing stages need.
type Evaluation struct {
	Book    *rulebook.Book
	Snap    *snapshot.Snapshot
	Stats   *validate.Stats
	Result  *rules.Result
	Ratings []model.Rating // one per provider of Result.Facts, in the same order
	Notices []model.Notice
	Changes ledger.Changes
	// Ledger is tonight's ledger: what the state directory keeps.
	Ledger *ledger.Ledger
	// Log is the log of notices with tonight's entries appended.
	Log *record.Log
	// Departed are the providers with notices that are missing from
	// tonight's export: their pages stay, from the ledger.
	Departed []Departed
	Manifest *report.Manifest // set by publish, which hashes the inputs

	downloads    time.Duration           // how long writing the downloads took
	downloadsMem float64                 // peak memory (MiB) by their end
	cleanup      time.Duration           // how long removing the previous tree took, once the new one was live
	prevCounts   validate.PreviousCounts // row counts of the previous build
	version      string
}

// Departed is a provider the ledger holds notices for but tonight's export
// does not list, named as its latest notice names it.
type Departed struct {
	ID, Name, Category string
}

// requiredActivity are the required tables that record what happened; an
// export with one of them empty is most likely broken (an empty orders
// table would make every shop operator look inactive and clear them all).
var requiredActivity = []string{"orders", "tickets", "complaints", "contact_checks"}

// evaluate loads and validates the snapshot, applies the safety checks,
// enforces the rule book, rates every provider and brings the ledger up to
// date. Nothing is written but the quarantine.
func evaluate(ctx context.Context, b *night, book *rulebook.Book, snap *snapshot.Snapshot, prev *ledger.Ledger, prevManifest []byte) (*Evaluation, error) {
	cfg := b.cfg
	var eval *rules.Evaluator
	stats, err := Load(ctx, cfg, snap, book, func() (validate.Sink, error) {
		var err error
		eval, err = rules.NewEvaluator(book, snap.Clock())
		return eval, err
	})
	// Every row is read: the workbooks' parsed parts are let go of now,
	// not after the site is written (the snapshot's files are hashed for
	// the manifest by path).
	if cerr := snap.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("snapshot %s: %w", cfg.Snapshot, cerr)
	}
	if stats != nil {
		b.rep.Tables = stats.Tables
		for _, name := range stats.Order {
			if x := stats.Tables[name].Extra; len(x) > 0 {
				cfg.log().Warn("extra columns ignored", "table", name, "columns", strings.Join(x, ", "))
			}
		}
	}
	if err != nil {
		return nil, err
	}
	prevCounts, err := validate.ParsePrevious(prevManifest, "the previous build's manifest.json in "+cfg.State)
	if err != nil {
		return nil, err
	}
	if err := validate.Check(stats, cfg.Limits, prevCounts); err != nil {
		return nil, err
	}
	if err := emptyGuard(stats, cfg.AllowEmpty); err != nil {
		return nil, err
	}
	res, err := eval.Finish()
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{Book: book, Snap: snap, Stats: stats, Result: res, prevCounts: prevCounts, version: cfg.Version}
	providers := make([]*model.Provider, len(res.Facts))
	for i, f := range res.Facts {
		providers[i] = f.Provider
	}
	ev.Notices, ev.Changes, err = ledger.Apply(prev.Notices, ledger.Night{AsOf: snap.AsOf, Findings: res.Findings,
		Overturned: res.Overturned, Providers: providers}, book)
	if err != nil {
		return nil, err
	}
	// A rerun of the night reports what the night changed: its first
	// build's changes, and whatever the rerun changes besides.
	if prev.Tonight != nil && prev.Tonight.AsOf == snap.AsOf {
		ev.Changes = prev.Tonight.Changes.Merge(ev.Changes)
	}
	// A clearance finding, or a clearance notice still in force (a notice
	// whose basis was rescinded leaves none behind), clears the provider:
	// clearance is permanent.
	cleared := map[string]bool{}
	for _, f := range res.Findings {
		if f.Measure == model.MeasureClearance {
			cleared[f.ProviderID] = true
		}
	}
	for _, n := range ev.Notices {
		if n.Measure == model.MeasureClearance && n.Status == model.InForce {
			cleared[n.ProviderID] = true
		}
	}
	ev.Ratings = rating.Rate(res.Facts, book, cleared)
	ledger.Publish(res.Facts, ev.Ratings, ev.Notices, snap.AsOf, book)
	ev.Departed = departed(res.Facts, ev.Notices)
	ev.Ledger = &ledger.Ledger{Notices: ev.Notices, Scores: ledger.Record(prev.Scores, snap.AsOf, ev.Ratings),
		Tonight: &ledger.Tonight{AsOf: snap.AsOf, Changes: ev.Changes},
		Builds:  ledger.RecordBuild(prev.Builds, ledger.Build{AsOf: snap.AsOf, ToolVersion: cfg.Version, RulebookVersion: book.Version})}
	return ev, nil
}

// departed lists the providers with notices that tonight's export lacks,
// by id, named by their latest notice.
func departed(facts []*model.Facts, notices []model.Notice) []Departed {
	here := make(map[string]bool, len(facts))
	for _, f := range facts {
		here[f.Provider.ID] = true
	}
	byID := map[string]Departed{}
	for _, n := range notices { // by issue date: the latest notice names the provider
		if !here[n.ProviderID] {
			d := byID[n.ProviderID]
			d.ID = n.ProviderID
			if n.ProviderName != "" {
				d.Name, d.Category = n.ProviderName, n.ProviderCategory
			}
			byID[n.ProviderID] = d
		}
	}
	out := make([]Departed, 0, len(byID))
	for _, d := range byID {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Departed) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// emptyGuard refuses an export whose required activity tables are empty,
// or whose shop_gmv table is present but empty (which would clear every
// shop operator), unless the table is allowed to be empty.
func emptyGuard(stats *validate.Stats, allow []string) error {
	var empty []string
	check := func(name string) {
		if t, ok := stats.Tables[name]; ok && t.Read == 0 && !slices.Contains(allow, name) {
			empty = append(empty, name)
		}
	}
	for _, name := range requiredActivity {
		check(name)
	}
	check("shop_gmv")
	if len(empty) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s: no rows; an export with an empty activity table is most likely broken (an empty orders or shop_gmv table would clear every shop operator); "+
		"if it is truly empty, pass --allow-empty %s", validate.ErrRefused, strings.Join(empty, ", "), strings.Join(empty, ","))
}

// Load validates the snapshot into a sink newSink makes, writing rejected
// rows to the quarantine of cfg (and telling cfg's progress how far each
// table is). When the orders turn out, once read, to repeat ids (see
// validate.Rescan), what the sink and the quarantine got is let go of, and
// the snapshot is read again into a new sink, knowing the repeats.
func Load(ctx context.Context, cfg *Config, snap *snapshot.Snapshot, book *rulebook.Book, newSink func() (validate.Sink, error)) (*validate.Stats, error) {
	var opts []validate.Option
	if cfg.Progress != nil {
		opts = append(opts, validate.Progress(func(table string, read, total int64) { cfg.progress("reading "+table, read, total) }))
	}
	for {
		sink, err := newSink()
		if err != nil {
			return nil, err
		}
		q, err := validate.NewQuarantine(Quarantine(cfg))
		if err != nil {
			return nil, err
		}
		stats, err := validate.Scan(ctx, snap, book, sink, q, opts...)
		var again *validate.Rescan
		if errors.As(err, &again) {
			q.Abort()
			n := 0
			for _, ids := range again.Dups {
				n += len(ids)
			}
			cfg.log().Info("ids repeat in a table read once: reading the snapshot again, knowing them", "tables", strings.Join(slices.Sorted(maps.Keys(again.Dups)), ","), "ids", n)
			opts = append(opts, validate.KnownDuplicates(again.Dups))
			continue
		}
		if err != nil {
			q.Abort()
			return stats, err
		}
		return stats, q.Close()
	}
}
