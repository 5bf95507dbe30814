package validate

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/disclose-project/disclose/pipeline/model"
)

// recorder is a Sink that keeps the orders it is given.
type recorder struct {
	Sink
	ids []string
}

func (r *recorder) Order(o *model.Order) { r.ids = append(r.ids, o.ID) }

// TestFeed wants every order handed to the sink, in order, with the id it
// owns intact although the bytes it was read from are overwritten at once.
func TestFeed(t *testing.T) {
	for _, n := range []int{0, 1, feedBlock - 1, feedBlock, 5*feedBlock + 3} {
		var r recorder
		f := newFeed(r.Order)
		buf := make([]byte, 0, 32)
		for i := range n {
			buf = fmt.Appendf(buf[:0], "O%07d", i)
			o := model.Order{ID: unsafeString(buf)} // a view, as a batch's strings may be
			o.ID = f.own(o.ID)
			f.add(&o)
			copy(buf, "XXXXXXXX") // the batch is reused
		}
		f.close()
		f.close() // twice is allowed
		if len(r.ids) != n {
			t.Fatalf("n=%d: the sink had %d orders", n, len(r.ids))
		}
		for i, id := range r.ids {
			if want := fmt.Sprintf("O%07d", i); id != want {
				t.Fatalf("n=%d: order %d is %q, want %q", n, i, id, want)
			}
		}
	}
}

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
