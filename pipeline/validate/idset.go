package validate

import (
	"hash/maphash"
	"slices"
)

// idSet numbers a set of ids (slot 0, 1, 2, … in the order they are added)
// without holding Go strings: a table from 64-bit hash to slot, and the ids
// themselves in one byte arena. Nothing in it holds a pointer, so the
// collector never scans it, which matters when it holds a million order
// ids through a pass over ten million orders. It is exact: a hit is
// checked against the stored id, and ids whose hashes collide go to a
// small map of their own.
type idSet struct {
	seed maphash.Seed
	// table is open addressing on the hash's low bits with linear
	// probing: a lookup reads one place, mostly, where a Go map reads
	// its control word and then the slot, two cache misses in a table
	// of a million ids.
	table []hashSlot
	used  int // places of table taken
	arena []byte
	ends  []int32 // ends[i] is where id i ends in arena
	extra map[string]int32
	// filter has a bit set for the top bits of every id's hash: most ids
	// looked up are not in the set, and a bit in a small array answers
	// for them faster than the map, whose groups miss the cache. It is
	// built by the first find after an add.
	filter    []uint64
	shift     uint     // the hash's top 64-shift bits index filter's bits
	filterFor int      // how many ids filter holds
	hashes    []uint64 // findAll sets hashes[i] to the hash of its ids[i]
}

// hashSlot is a place in idSet's table: a hash and its slot plus one (0:
// the place is free).
type hashSlot struct {
	h    uint64
	slot int32
}

// newIDSet returns an empty set with room for about n ids (of 16 bytes:
// growing the arena by appending would copy it over and over).
func newIDSet(n int) *idSet {
	s := &idSet{seed: maphash.MakeSeed(), ends: make([]int32, 0, n), arena: make([]byte, 0, 16*n)}
	s.resize(n)
	return s
}

// resize makes the table big enough for n hashes at most three quarters
// full, and puts back those it holds.
func (s *idSet) resize(n int) {
	size := 16
	for 3*size < 4*n {
		size *= 2
	}
	old := s.table
	s.table = make([]hashSlot, size)
	for _, e := range old {
		if e.slot != 0 {
			*s.place(e.h) = e
		}
	}
}

// place returns the place of hash h in the table: where it is, or the
// free place where it would go.
func (s *idSet) place(h uint64) *hashSlot {
	mask := uint64(len(s.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if e := &s.table[i]; e.slot == 0 || e.h == h {
			return e
		}
	}
}

func (s *idSet) id(slot int32) string {
	start := int32(0)
	if slot > 0 {
		start = s.ends[slot-1]
	}
	return string(s.arena[start:s.ends[slot]])
}

func (s *idSet) equal(slot int32, id string) bool {
	start := int32(0)
	if slot > 0 {
		start = s.ends[slot-1]
	}
	return string(s.arena[start:s.ends[slot]]) == id // no allocation: the compiler compares in place
}

// add puts id in the set and returns its slot. The set keeps a copy of
// id, so id may point into a buffer that is reused.
func (s *idSet) add(id string) int32 {
	h := maphash.String(s.seed, id)
	if slot, ok := s.lookup(h, id); ok {
		return slot
	}
	slot := int32(len(s.ends))
	s.arena = append(s.arena, id...)
	s.ends = append(s.ends, int32(len(s.arena)))
	if e := s.place(h); e.slot != 0 {
		if s.extra == nil {
			s.extra = map[string]int32{}
		}
		s.extra[s.id(slot)] = slot // a copy: id may be a view of a reader's buffer
	} else {
		*e = hashSlot{h, slot + 1}
		if s.used++; 4*s.used > 3*len(s.table) {
			s.resize(2 * s.used)
		}
	}
	return slot
}

// find returns id's slot, if id is in the set.
func (s *idSet) find(id string) (int32, bool) {
	if s.filter == nil || s.filterFor != len(s.ends) {
		s.build()
	}
	h := maphash.String(s.seed, id)
	if bit := h >> s.shift; s.filter[bit/64]&(1<<(bit%64)) == 0 {
		return 0, false
	}
	return s.lookup(h, id)
}

// findAll sets slots[i] to the slot of ids[i], or to -1 when it is not in
// the set. It first asks the filter about every id, then the map about
// those the filter lets through: each loop's lookups are independent of
// one another, so the processor overlaps their cache misses, which one
// find at a time between other work cannot.
func (s *idSet) findAll(ids []string, slots []int32) {
	if s.filter == nil || s.filterFor != len(s.ends) {
		s.build()
	}
	s.hashes = slices.Grow(s.hashes[:0], len(ids))[:len(ids)]
	for i, id := range ids {
		h := maphash.String(s.seed, id)
		bit := h >> s.shift
		s.hashes[i] = h
		slots[i] = -1 - int32(s.filter[bit/64]>>(bit%64)&1) // -2: maybe in the set
	}
	for i, slot := range slots[:len(ids)] {
		if slot == -2 {
			slots[i] = -1
			if found, ok := s.lookup(s.hashes[i], ids[i]); ok {
				slots[i] = found
			}
		}
	}
}

// lookup returns the slot of id, whose hash is h.
func (s *idSet) lookup(h uint64, id string) (int32, bool) {
	if e := s.place(h); e.slot != 0 && s.equal(e.slot-1, id) {
		return e.slot - 1, true
	}
	slot, ok := s.extra[id] // nil when no hashes collide
	return slot, ok
}

// build sizes the filter to 16 bits per id (one bit in sixteen set: a
// miss is answered by the filter 15 times in 16) and sets its bits.
func (s *idSet) build() {
	bits := uint(16)
	for 1<<bits < 16*len(s.ends) {
		bits++
	}
	s.shift = 64 - bits
	s.filter = make([]uint64, (1<<bits)/64)
	for slot := range s.ends {
		bit := maphash.String(s.seed, s.id(int32(slot))) >> s.shift
		s.filter[bit/64] |= 1 << (bit % 64)
	}
	s.filterFor = len(s.ends)
}

func (s *idSet) len() int { return len(s.ends) }
