package validate

import (
	"unsafe"

	"github.com/disclose-project/disclose/pipeline/model"
)

// orderFeed hands validated orders to the sink on a goroutine of its own,
// a block at a time and in the order they were added, so that evaluating
// them overlaps validating the next ones: with the decoding goroutine,
// the three keep two cores busy where validating and evaluating on one
// goroutine held up both. The sink is called by one goroutine at a time
// all the same: nothing else calls it until close returns.
//
// An order added owns its text: its id is copied, and its provider,
// service and status must be strings that outlive the batch they were
// read from (the service's own and the enum's code), because a batch is
// reused once it has been validated.
type orderFeed struct {
	cur  *orderBlock
	full chan *orderBlock
	free chan *orderBlock
	done chan struct{}
}

type orderBlock struct {
	orders []model.Order
	text   []byte // the orders' ids
}

const (
	feedBlock  = 1024 // orders per block
	feedBlocks = 4    // blocks in all: filling, waiting and being evaluated
)

func newOrderFeed(sink Sink) *orderFeed {
	f := &orderFeed{full: make(chan *orderBlock, feedBlocks), free: make(chan *orderBlock, feedBlocks), done: make(chan struct{})}
	for range feedBlocks {
		f.free <- &orderBlock{orders: make([]model.Order, 0, feedBlock)}
	}
	f.cur = <-f.free
	go func() {
		defer close(f.done)
		for b := range f.full {
			for i := range b.orders {
				sink.Order(&b.orders[i])
			}
			b.orders = b.orders[:0]
			f.free <- b
		}
	}()
	return f
}

// add queues a copy of o, with its id copied.
func (f *orderFeed) add(o *model.Order) {
	b := f.cur
	if cap(b.text)-len(b.text) < len(o.ID) {
		// A new buffer, never the old one reused: the sink may have kept
		// an id of an earlier block.
		b.text = make([]byte, 0, max(feedBlock*16, len(o.ID)))
	}
	start := len(b.text)
	b.text = append(b.text, o.ID...)
	b.orders = append(b.orders, *o)
	b.orders[len(b.orders)-1].ID = unsafe.String(unsafe.SliceData(b.text[start:]), len(o.ID))
	if len(b.orders) == cap(b.orders) {
		f.full <- b
		f.cur = <-f.free
	}
}

// close hands over the orders still queued and returns once the sink has
// had them all. It may be called more than once.
func (f *orderFeed) close() {
	if f.cur == nil {
		return
	}
	if len(f.cur.orders) > 0 {
		f.full <- f.cur
	}
	f.cur = nil
	close(f.full)
	<-f.done
}
