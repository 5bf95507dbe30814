package build

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

var (
	benchOnce sync.Once
	benchSnap string
)

// benchSnapshot generates (once per run) a snapshot of 5,000 providers and
// 300,000 orders for the benchmarks.
func benchSnapshot(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "disclose-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchSnap = filepath.Join(dir, "snap")
		zone, _ := time.LoadLocation("Asia/Shanghai")
		if err := gen.Write(gen.Options{Out: benchSnap, Seed: 1, Providers: 5000, Orders: 300000,
			AsOf: model.DateOf(2025, time.June, 30), Zone: zone}); err != nil {
			b.Fatal(err)
		}
	})
	return benchSnap
}

// benchEvaluate loads and evaluates snap as a build does, with no ledger.
func benchEvaluate(b *testing.B, cfg *Config) *Evaluation {
	book, err := rulebook.Load(content.FS)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := snapshot.Open(cfg.Snapshot, snapshot.Options{DefaultZone: book.TimezoneDefault})
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	ev, err := evaluate(context.Background(), &night{cfg: cfg, rep: NewReport()}, book, snap, &ledger.Ledger{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return ev
}

// BenchmarkLoadEvaluate measures loading, validating and evaluating: every
// row of every table through every rule, ratings and the ledger.
func BenchmarkLoadEvaluate(b *testing.B) {
	cfg := &Config{Snapshot: benchSnapshot(b), Quarantine: filepath.Join(b.TempDir(), "q.csv"), Limits: validate.Limits{MaxReject: 0.05, MaxDrop: 0.5}}
	b.ResetTimer()
	var orders int64
	for i := 0; i < b.N; i++ {
		ev := benchEvaluate(b, cfg)
		orders += ev.Stats.Tables["orders"].Read
	}
	b.ReportMetric(float64(orders)/b.Elapsed().Seconds(), "orders/s")
}

// evaluated evaluates the benchmark snapshot once for the publishing
// benchmarks.
func evaluated(b *testing.B) (*Config, *Evaluation) {
	cfg := &Config{Snapshot: benchSnapshot(b), Out: filepath.Join(b.TempDir(), "public"), Quarantine: filepath.Join(b.TempDir(), "q.csv"),
		Limits: validate.Limits{MaxReject: 0.05, MaxDrop: 0.5}, Jobs: 2}
	return cfg, benchEvaluate(b, cfg)
}

// BenchmarkDownloads measures writing every download (workbook, CSV, JSON,
// Parquet, manifest, checksums) for 5,000 providers.
func BenchmarkDownloads(b *testing.B) {
	_, ev := evaluated(b)
	in := &report.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments, Services: ev.Result.Services}
	m, err := manifest(ev, sumInputs(ev.Snap))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "downloads")
		outs, _, err := report.Downloads(dir, in, report.Meta{AsOf: ev.Snap.AsOf.String()}, func() (*report.Manifest, error) { return m, nil })
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := report.Seal(dir, outs, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSite measures rendering every page of the site for 5,000
// providers with two workers, and reports pages per second.
func BenchmarkSite(b *testing.B) {
	cfg, ev := evaluated(b)
	b.ResetTimer()
	pages := 0
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		os.MkdirAll(filepath.Join(dir, "downloads"), 0o755)
		if _, err := writeSite(dir, nil, cfg, ev, nil, nil, nil, nil, nil); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && filepath.Ext(p) == ".html" {
					pages++
				}
				return err
			})
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}
