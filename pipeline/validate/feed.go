package validate

import (
	"unsafe"
)

// feed hands validated rows to the sink on a goroutine of its own, a
// block at a time and in the order they were added, so that evaluating
// them overlaps validating the next ones: with the decoding goroutine,
// the three keep two cores busy where validating and evaluating on one
// goroutine held up both. The sink is called by one goroutine at a time
// all the same: nothing else calls it until close returns.
//
// A row added must own its text, because a batch is reused once it has
// been validated: ids are copied with own, and other strings must outlive
// the batch (a service's own ids, an enum's codes).
type feed[T any] struct {
	cur  *block[T]
	full chan *block[T]
	free chan *block[T]
	done chan struct{}
}

type block[T any] struct {
	rows []T
	text []byte // the rows' own text
}

const (
	feedBlock  = 1024 // rows per block
	feedBlocks = 4    // blocks in all: filling, waiting and being evaluated
)

func newFeed[T any](deliver func(*T)) *feed[T] {
	f := &feed[T]{full: make(chan *block[T], feedBlocks), free: make(chan *block[T], feedBlocks), done: make(chan struct{})}
	for range feedBlocks {
		f.free <- &block[T]{rows: make([]T, 0, feedBlock)}
	}
	f.cur = <-f.free
	go func() {
		defer close(f.done)
		for b := range f.full {
			for i := range b.rows {
				deliver(&b.rows[i])
			}
			b.rows = b.rows[:0]
			f.free <- b
		}
	}()
	return f
}

// own returns a copy of s for the next row added.
func (f *feed[T]) own(s string) string {
	b := f.cur
	if cap(b.text)-len(b.text) < len(s) {
		// A new buffer, never the old one reused: the sink may have kept
		// a string of an earlier block.
		b.text = make([]byte, 0, max(feedBlock*32, len(s)))
	}
	start := len(b.text)
	b.text = append(b.text, s...)
	return unsafe.String(unsafe.SliceData(b.text[start:]), len(s))
}

// add queues a copy of x.
func (f *feed[T]) add(x *T) {
	b := f.cur
	b.rows = append(b.rows, *x)
	if len(b.rows) == cap(b.rows) {
		f.full <- b
		f.cur = <-f.free
	}
}

// close hands over the rows still queued and returns once the sink has
// had them all. It may be called more than once.
func (f *feed[T]) close() {
	if f.cur == nil {
		return
	}
	if len(f.cur.rows) > 0 {
		f.full <- f.cur
	}
	f.cur = nil
	close(f.full)
	<-f.done
}
