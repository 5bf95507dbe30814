package build

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestRaiseMemoryLimit: the limit goes up to what is live plus the
// headroom, never down, and the limit it replaced is returned for the
// build to put back.
func TestRaiseMemoryLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(orig)

	debug.SetMemoryLimit(64 << 20)
	if old := raiseMemoryLimit(1 << 30); old != 64<<20 {
		t.Errorf("returned %d, want the limit it replaced, %d", old, 64<<20)
	}
	if got := debug.SetMemoryLimit(-1); got < 1<<30 || got > 2<<30 {
		t.Errorf("limit %d after raising by 1 GiB over a small live heap", got)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	raiseMemoryLimit(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("a limit above live plus the headroom was lowered to %d", got)
	}
}
