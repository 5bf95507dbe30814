package snapshot

import (
	"context"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
)

// BenchmarkScanOrders reads the orders of a generated snapshot of 200,000
// orders directly and through arrow records, the fast path against the
// one it stands in for, and Keys of their ids (the id passes' reader).
func BenchmarkScanOrders(b *testing.B) {
	dir := b.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	if err := gen.Write(gen.Options{Out: dir, Seed: 1, Providers: 200, Orders: 200000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone}); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		viaArrow bool
	}{{"direct", false}, {"arrow", true}} {
		b.Run(tc.name, func(b *testing.B) {
			s, err := Open(dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			s.viaArrow = tc.viaArrow
			rows := 0
			for b.Loop() {
				rows = 0
				err := s.Scan(context.Background(), model.TOrders, nil, func(bt *Batch) error { rows += bt.Len; return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
	b.Run("keys", func(b *testing.B) {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		rows := 0
		for b.Loop() {
			rows = 0
			err := s.Keys(context.Background(), model.TOrders, "order_id", func(k [][]byte, _ []bool) error { rows += len(k); return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
	})
}
