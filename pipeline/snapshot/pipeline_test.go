package snapshot

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
)

// TestScanStopsEarly checks the read-ahead of Parquet batches: batches come
// in order and complete, and when fn fails, or the context is cancelled,
// the scan returns that error and its decoding goroutine ends.
func TestScanStopsEarly(t *testing.T) {
	dir := t.TempDir()
	zone, _ := time.LoadLocation("Asia/Shanghai")
	if err := gen.Write(gen.Options{Out: dir, Seed: 3, Providers: 10, Orders: 150000, AsOf: model.DateOf(2025, time.June, 30), Zone: zone}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows int64
	next := int64(1)
	err = s.Scan(context.Background(), model.TOrders, nil, func(b *Batch) error {
		if b.Row[0] != next {
			t.Fatalf("batch starts at row %d, want %d", b.Row[0], next)
		}
		next += int64(b.Len)
		rows += int64(b.Len)
		return nil
	})
	if err != nil || rows != 150005 {
		t.Fatalf("full scan: %v, %d rows", err, rows)
	}
	before := runtime.NumGoroutine()
	stop := errors.New("stop here")
	calls := 0
	err = s.Scan(context.Background(), model.TOrders, nil, func(b *Batch) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("scan returned %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = s.Scan(ctx, model.TOrders, nil, func(b *Batch) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled scan returned %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before the early stops, %d after", before, after)
	}
}
