package validate

import (
	"errors"
	"sync"
)

// duplicateIDs returns the ids that keys gives more than once (keys calls
// fn with batches of ids, ok[i] false for a row without one, as
// snapshot.KeysPart does for one of parts parts of the rows). It runs in
// memory bounded by 8 bytes per row: the first pass keeps a 64-bit hash of
// every id, not the ids, and finds the hashes met more than once. Only when
// there are some does a second pass over the keys count the ids with those
// hashes exactly, so the result is exact whatever the hash. With a 64-bit
// hash, two of 10 M distinct ids share one with a chance of about 3 in a
// million, so a table without duplicates is read once.
//
// The first pass reads the parts side by side, each into a bag of its own;
// when one fails, the keys are read again in one part for the error that
// reading them in order meets first.
func duplicateIDs(keys func(part, parts int, fn func(keys [][]byte, ok []bool) error) error, hash func([]byte) uint64, parts int) (map[string]bool, error) {
	bags := make([]hashBag, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			bag := &bags[p]
			errs[p] = keys(p, parts, func(ks [][]byte, ok []bool) error {
				for i, k := range ks {
					if ok[i] {
						bag.add(hash(k))
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if parts == 1 {
			return nil, err
		}
		if first := keys(0, 1, func([][]byte, []bool) error { return nil }); first != nil {
			return nil, first
		}
		return nil, err
	}
	bag := &bags[0]
	for p := 1; p < parts; p++ {
		bag.merge(&bags[p])
	}
	suspect := bag.repeated()
	if suspect.len() == 0 {
		return nil, nil
	}
	count := map[string]int{}
	err := keys(0, 1, func(ks [][]byte, ok []bool) error {
		for i, k := range ks {
			if !ok[i] || !suspect.has(hash(k)) {
				continue
			}
			if n, seen := count[string(k)]; seen {
				count[string(k)] = n + 1
			} else {
				count[string(k)] = 1 // a copy: k is borrowed
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dups := map[string]bool{}
	for id, n := range count {
		if n > 1 {
			dups[id] = true
		}
	}
	return dups, nil
}

// hashBag holds 64-bit hashes in buckets by their top bits, each bucket a
// list of fixed-size blocks: it grows without copying (a slice grown by
// append would need twice the room at its last growth), and each bucket is
// small enough for its own table to stay in the processor's cache when
// repeated looks for repeats.
type hashBag struct {
	cur  [bagBuckets][]uint64   // the block each bucket is filling
	full [bagBuckets][][]uint64 // its blocks already full
}

const (
	bagBits    = 10
	bagBuckets = 1 << bagBits
	bagBlock   = 1024 // hashes per block: 8 KB
)

func (g *hashBag) add(h uint64) {
	c := &g.cur[h>>(64-bagBits)]
	if len(*c) == cap(*c) {
		if cap(*c) > 0 {
			k := h >> (64 - bagBits)
			g.full[k] = append(g.full[k], *c)
		}
		*c = make([]uint64, 0, bagBlock)
	}
	*c = append(*c, h)
}

// merge moves the hashes of o into g.
func (g *hashBag) merge(o *hashBag) {
	for k := range o.cur {
		g.full[k] = append(g.full[k], o.full[k]...)
		if len(o.cur[k]) > 0 {
			g.full[k] = append(g.full[k], o.cur[k])
		}
		o.full[k], o.cur[k] = nil, nil
	}
}

// repeated returns the hashes added more than once, emptying the bag as it
// goes. Each bucket is put in an open-addressing table of its own (linear
// probing on the hash's low bits; 0 marks an empty place, so the hash 0 is
// counted aside).
func (g *hashBag) repeated() *hashFilter {
	var rep hashFilter
	var table []uint64
	for k := range g.cur {
		blocks := append(g.full[k], g.cur[k])
		g.full[k], g.cur[k] = nil, nil
		n := 0
		for _, b := range blocks {
			n += len(b)
		}
		size := 16
		for size < 2*n {
			size *= 2
		}
		if cap(table) < size {
			table = make([]uint64, size)
		}
		table = table[:size]
		clear(table)
		mask := uint64(size - 1)
		zeros := 0
		for _, b := range blocks {
			for _, h := range b {
				if h == 0 {
					if zeros++; zeros == 2 {
						rep.add(0)
					}
					continue
				}
				i := h & mask
				for table[i] != 0 && table[i] != h {
					i = (i + 1) & mask
				}
				if table[i] == h {
					rep.add(h)
				}
				table[i] = h
			}
		}
	}
	return &rep
}

// hashFilter is a set of 64-bit hashes with a bit array in front of its
// map: the second pass of duplicateIDs asks it about every row, and most
// rows are not in it.
type hashFilter struct {
	bits [1 << 14]uint64 // bit h>>44 is set for every h in the set
	set  map[uint64]bool
}

func (f *hashFilter) add(h uint64) {
	if f.set == nil {
		f.set = map[uint64]bool{}
	}
	f.bits[h>>50] |= 1 << (h >> 44 & 63)
	f.set[h] = true
}

func (f *hashFilter) has(h uint64) bool {
	return f.bits[h>>50]&(1<<(h>>44&63)) != 0 && f.set[h]
}

func (f *hashFilter) len() int { return len(f.set) }
