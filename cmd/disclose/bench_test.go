package main

import (
	"context"
	"io"
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

func benchConfig(b *testing.B, args ...string) *Config {
	cfg, err := parseFlags("build", "", []string{"snapshot", "out", "state", "as-of", "quiet", "quarantine", "max-reject", "max-drop", "jobs", "base-url"}, args, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkLoadEvaluate measures loading, validating and evaluating: every
// row of every table through every rule, ratings and the ledger.
func BenchmarkLoadEvaluate(b *testing.B) {
	snap := benchSnapshot(b)
	cfg := benchConfig(b, "--snapshot", snap, "--quarantine", filepath.Join(b.TempDir(), "q.csv"), "--max-reject", "5%")
	book, err := rulebook.Load(content.FS)
	if err != nil {
		b.Fatal(err)
	}
	lim, _ := limits(cfg)
	b.ResetTimer()
	var orders int64
	for i := 0; i < b.N; i++ {
		ev, err := evaluate(context.Background(), cfg, book, &ledger.Ledger{}, lim, &Report{})
		if err != nil {
			b.Fatal(err)
		}
		orders += ev.Stats.Tables["orders"].Read
	}
	b.ReportMetric(float64(orders)/b.Elapsed().Seconds(), "orders/s")
}

// evaluated evaluates the benchmark snapshot once for the publishing
// benchmarks.
func evaluated(b *testing.B) (*Config, *Evaluation) {
	snap := benchSnapshot(b)
	out := filepath.Join(b.TempDir(), "public")
	cfg := benchConfig(b, "--snapshot", snap, "--out", out, "--quarantine", filepath.Join(b.TempDir(), "q.csv"), "--max-reject", "5%", "--jobs", "2")
	book, _ := rulebook.Load(content.FS)
	lim, _ := limits(cfg)
	ev, err := evaluate(context.Background(), cfg, book, &ledger.Ledger{}, lim, &Report{})
	if err != nil {
		b.Fatal(err)
	}
	return cfg, ev
}

// BenchmarkDownloads measures writing every download (workbook, CSV, JSON,
// Parquet, manifest, checksums) for 5,000 providers.
func BenchmarkDownloads(b *testing.B) {
	_, ev := evaluated(b)
	in := &report.Input{Book: ev.Book, AsOf: ev.Snap.AsOf, Facts: ev.Result.Facts, Ratings: ev.Ratings, Notices: ev.Notices, Commitments: ev.Result.Commitments}
	m, err := manifest(ev.Snap, ev.Stats, ev.Book, sumInputs(ev.Snap))
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
		if err := writeSite(dir, cfg, ev, nil, nil, nil); err != nil {
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
