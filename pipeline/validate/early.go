package validate

import (
	"github.com/disclose-project/disclose/pipeline/model"
)

// pass is a pass over ids running in the background; wait returns its
// error once it is done, and then its result is set.
type pass struct {
	done chan struct{}
	err  error
	ids  *idSet          // referenced's, joined in memory
	join *diskJoin       // referenced's, joined on disk
	dups map[string]bool // duplicates'
}

func (p *pass) wait() error {
	<-p.done
	return p.err
}

// startEarly starts, each on its own goroutine, the passes that read only
// ids of the large tables and need nothing validated before them: the
// orders that tickets and complaints point at, and the duplicate ids of
// tickets and complaints. They then overlap the reading of the
// reference tables (one core) and each other, instead of taking their
// turns on the way to the orders. Their results and errors are taken
// where the sequence of Scan needs them, so errors come in the same order
// as without them. Tables read from workbooks are left to the sequence:
// a workbook is shared between its sheets and read by one caller at a
// time.
func (s *scanner) startEarly() {
	large := []string{model.TOrders, model.TTickets, model.TComplaints}
	for _, name := range large {
		t := s.snap.Table(name)
		if t == nil {
			continue
		}
		for _, src := range t.Sources {
			if src.Sheet != "" {
				return
			}
		}
	}
	s.early = map[string]*pass{}
	start := func(key string, fn func(p *pass) error) {
		p := &pass{done: make(chan struct{})}
		s.early[key] = p
		go func() {
			defer close(p.done)
			p.err = fn(p)
		}()
	}
	start("referenced", func(p *pass) (err error) {
		p.ids, p.join, err = s.referenced()
		return err
	})
	// The orders' duplicate ids are found as the orders are read (see
	// scanOrdersAndTickets), not before.
	for _, name := range []string{model.TTickets, model.TComplaints} {
		start(name, func(p *pass) (err error) {
			p.dups, err = s.countDuplicates(name)
			return err
		})
	}
}

// referencedOrders returns the orders that tickets and complaints point
// at (see referenced): from the pass started early, else read now.
func (s *scanner) referencedOrders() (*idSet, *diskJoin, error) {
	if p, ok := s.early["referenced"]; ok {
		err := p.wait() // before reading what the pass sets
		return p.ids, p.join, err
	}
	return s.referenced()
}

// referenced notes the order ids that tickets and complaints point at,
// so that only those orders are kept for the tickets' pass: in a set, or,
// when the two tables have more rows together than s.joinAbove, in the
// temporary files of a diskJoin (which Scan removes at its end).
func (s *scanner) referenced() (*idSet, *diskJoin, error) {
	tables := [][2]string{{model.TTickets, "order_id"}, {model.TComplaints, "order_id"}}
	n := int64(0)
	for _, tc := range tables {
		n += s.snap.RowCount(tc[0])
	}
	if n > s.joinAbove {
		j, err := newDiskJoin(n)
		if err != nil {
			return nil, nil, err
		}
		for t, tc := range tables {
			err := s.snap.Keys(s.ctx, tc[0], tc[1], func(keys [][]byte, ok []bool) error {
				for i, k := range keys {
					if ok[i] {
						if err := j.refer(t, k); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				return nil, j, err // j is removed with the others
			}
		}
		return nil, j, j.refersDone()
	}
	ids := newIDSet(int(min(n, 1<<26)))
	for _, tc := range tables {
		err := s.snap.Keys(s.ctx, tc[0], tc[1], func(keys [][]byte, ok []bool) error {
			for i, k := range keys {
				if ok[i] {
					ids.add(string(k)) // copied into the set's arena (the string itself does not escape)
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return ids, nil, nil
}
