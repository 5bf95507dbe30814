package validate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
//
// A bag holds at most hold hashes in memory (0: no bound); past that it
// moves them to temporary files, one per group of buckets, and the repeats
// are then found one group at a time, so memory stays bounded however many
// rows the table has.
func duplicateIDs(keys func(part, parts int, fn func(keys [][]byte, ok []bool) error) error, hash func([]byte) uint64, parts, hold int) (map[string]bool, error) {
	bags := make([]hashBag, parts)
	var sp *spill
	if hold > 0 {
		sp = &spill{}
		defer sp.remove()
		for p := range bags {
			bags[p].spill, bags[p].hold = sp, hold
		}
	}
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
				return bag.err
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
	return confirmed(bag, func(fn func([][]byte, []bool) error) error { return keys(0, 1, fn) }, hash)
}

// confirmed returns the ids that keys gives more than once, reading them
// only when bag (the hashes of every id keys gives, emptied here) holds
// a hash more than once, and then counting exactly only the ids with such
// a hash.
func confirmed(bag *hashBag, keys func(fn func(keys [][]byte, ok []bool) error) error, hash func([]byte) uint64) (map[string]bool, error) {
	suspect, err := bag.repeated()
	if err != nil {
		return nil, err
	}
	if suspect.len() == 0 {
		return nil, nil
	}
	count := map[string]int{}
	err = keys(func(ks [][]byte, ok []bool) error {
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
	// With spill set, once the full blocks hold hold hashes they are
	// written to spill's files and their room is reused (free); err is
	// the first failure to write them.
	spill *spill
	hold  int
	held  int // hashes in full blocks
	free  [][]uint64
	err   error
}

const (
	bagBits    = 10
	bagBuckets = 1 << bagBits
	bagBlock   = 1024 // hashes per block: 8 KB
	// spillBits of a hash's top bits name its file when a bag spills:
	// 64 files, each read back whole when repeats are looked for, and
	// each holding the hashes of spillPer buckets.
	spillBits   = 6
	spillGroups = 1 << spillBits
	spillPer    = bagBuckets / spillGroups
)

func (g *hashBag) add(h uint64) {
	c := &g.cur[h>>(64-bagBits)]
	if len(*c) == cap(*c) {
		if cap(*c) > 0 {
			k := h >> (64 - bagBits)
			g.full[k] = append(g.full[k], *c)
			if g.held += bagBlock; g.spill != nil && g.held >= g.hold && g.err == nil {
				g.err = g.flush()
			}
		}
		if n := len(g.free); n > 0 {
			*c, g.free = g.free[n-1][:0], g.free[:n-1]
		} else {
			*c = make([]uint64, 0, bagBlock)
		}
	}
	*c = append(*c, h)
}

// flush writes the full blocks to the spill's files and keeps their room.
func (g *hashBag) flush() error {
	for k := range g.full {
		if err := g.spill.write(k/spillPer, g.full[k]); err != nil {
			return err
		}
		g.free = append(g.free, g.full[k]...)
		g.full[k] = g.full[k][:0]
	}
	g.held = 0
	return nil
}

// merge moves the hashes of o into g (the hashes o spilled stay in the
// spill the two share).
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
// counted aside). Hashes spilled to files are read back one file at a
// time, before the buckets they belong to.
func (g *hashBag) repeated() (*hashFilter, error) {
	var rep hashFilter
	var table []uint64
	var back []byte
	var scratch []uint64
	var from [spillPer][]uint64 // per bucket of the group read back: its hashes from the file
	for k := range g.cur {
		blocks := append(g.full[k], g.cur[k])
		g.full[k], g.cur[k] = nil, nil
		if g.spill != nil {
			if k%spillPer == 0 {
				var err error
				if back, err = g.spill.read(k/spillPer, back); err != nil {
					return nil, err
				}
				scratch = byBucket(back, scratch, k, &from)
			}
			blocks = append(blocks, from[k%spillPer])
		}
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
	return &rep, nil
}

// byBucket decodes the hashes of a spill file (8 bytes each, little
// endian), all of the group whose first bucket is first, into their
// buckets: from[b] gets those of bucket first+b, as parts of scratch
// (grown to hold them all), which it returns.
func byBucket(file []byte, scratch []uint64, first int, from *[spillPer][]uint64) []uint64 {
	n := len(file) / 8
	var count [spillPer]int
	for i := range n {
		count[int(binary.LittleEndian.Uint64(file[8*i:])>>(64-bagBits))-first]++
	}
	if cap(scratch) < n {
		scratch = make([]uint64, n)
	}
	scratch = scratch[:n]
	at := 0
	for b, c := range count {
		from[b] = scratch[at : at : at+c]
		at += c
	}
	for i := range n {
		h := binary.LittleEndian.Uint64(file[8*i:])
		b := int(h>>(64-bagBits)) - first
		from[b] = append(from[b], h)
	}
	return scratch
}

// spill is the temporary files of the hashes that bags moved out of
// memory: one file per group of buckets (a hash's top spillBits bits),
// shared by the bags of one pass, which write whole blocks to it under
// its lock. The files are made when first written to and removed by
// remove.
type spill struct {
	mu    sync.Mutex
	dir   string
	files [spillGroups]*os.File
	sizes [spillGroups]int // bytes written to each file
	buf   []byte
}

func (s *spill) write(group int, blocks [][]uint64) error {
	if len(blocks) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "disclose-ids-")
		if err != nil {
			return fmt.Errorf("duplicate ids: a folder for temporary files: %w", err)
		}
		s.dir = dir
	}
	f := s.files[group]
	if f == nil {
		var err error
		if f, err = os.Create(filepath.Join(s.dir, fmt.Sprintf("hashes-%02d", group))); err != nil {
			return fmt.Errorf("duplicate ids: %w", err)
		}
		s.files[group] = f
	}
	s.buf = s.buf[:0]
	for _, b := range blocks {
		for _, h := range b {
			s.buf = binary.LittleEndian.AppendUint64(s.buf, h)
		}
	}
	if _, err := f.Write(s.buf); err != nil {
		return fmt.Errorf("duplicate ids: writing %s: %w", f.Name(), err)
	}
	s.sizes[group] += len(s.buf)
	return nil
}

// read returns the bytes of a group's file (none when nothing was written
// to it) in buf, grown to hold them.
func (s *spill) read(group int, buf []byte) ([]byte, error) {
	f := s.files[group]
	if f == nil {
		return buf[:0], nil
	}
	if cap(buf) < s.sizes[group] {
		buf = make([]byte, s.sizes[group])
	}
	buf = buf[:s.sizes[group]]
	if _, err := f.ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("duplicate ids: reading %s: %w", f.Name(), err)
	}
	return buf, nil
}

// remove closes and removes the files.
func (s *spill) remove() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
		}
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
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
