package validate

import "hash/maphash"

// idSet numbers a set of ids (slot 0, 1, 2, … in the order they are added)
// without holding Go strings: a map from 64-bit hash to slot, and the ids
// themselves in one byte arena. Nothing in it holds a pointer, so the
// collector never scans it, which matters when it holds a million order
// ids through a pass over ten million orders. It is exact: a hit is
// checked against the stored id, and ids whose hashes collide go to a
// small map of their own.
type idSet struct {
	seed  maphash.Seed
	slots map[uint64]int32
	arena []byte
	ends  []int32 // ends[i] is where id i ends in arena
	extra map[string]int32
}

func newIDSet() *idSet {
	return &idSet{seed: maphash.MakeSeed(), slots: map[uint64]int32{}}
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

// add puts id in the set and returns its slot.
func (s *idSet) add(id string) int32 {
	if slot, ok := s.find(id); ok {
		return slot
	}
	slot := int32(len(s.ends))
	s.arena = append(s.arena, id...)
	s.ends = append(s.ends, int32(len(s.arena)))
	h := maphash.String(s.seed, id)
	if _, taken := s.slots[h]; taken {
		if s.extra == nil {
			s.extra = map[string]int32{}
		}
		s.extra[id] = slot
	} else {
		s.slots[h] = slot
	}
	return slot
}

// find returns id's slot, if id is in the set.
func (s *idSet) find(id string) (int32, bool) {
	slot, ok := s.slots[maphash.String(s.seed, id)]
	if ok && s.equal(slot, id) {
		return slot, true
	}
	if s.extra != nil {
		slot, ok = s.extra[id]
		return slot, ok
	}
	return 0, false
}

func (s *idSet) len() int { return len(s.ends) }
