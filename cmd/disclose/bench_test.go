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

// BenchmarkPublish measures writing the downloads and rendering the site
// for 5,000 providers, with two workers.
func BenchmarkPublish(b *testing.B) {
	snap := benchSnapshot(b)
	out := filepath.Join(b.TempDir(), "public")
	cfg := benchConfig(b, "--snapshot", snap, "--out", out, "--quarantine", filepath.Join(b.TempDir(), "q.csv"), "--max-reject", "5%", "--jobs", "2")
	book, _ := rulebook.Load(content.FS)
	lim, _ := limits(cfg)
	ev, err := evaluate(context.Background(), cfg, book, &ledger.Ledger{}, lim, &Report{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := publish(cfg, ev); err != nil {
			b.Fatal(err)
		}
	}
}
