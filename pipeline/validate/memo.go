package validate

import "unsafe"

// strMemo remembers what a lookup by string gave, by the string's address
// and length. The Parquet reader hands out one string for every repetition
// of a dictionary value (snapshot's interner), so the ids of a column with
// few distinct values (providers, services) are recognised without hashing
// their bytes: a slot holds the address it was filled for, which keeps
// those bytes alive and unchanged, so the same address and length mean the
// same text. A miss is only a call to the lookup.
type strMemo struct {
	slots []memoSlot
}

type memoSlot struct {
	p  *byte
	n  int
	v  int32
	ok bool
}

const memoSlots = 1 << 14

// get returns lookup(s), from the memo when s was seen at this address.
func (m *strMemo) get(s string, lookup func(string) (int32, bool)) (int32, bool) {
	if m.slots == nil {
		m.slots = make([]memoSlot, memoSlots)
	}
	p := unsafe.StringData(s)
	addr := uintptr(unsafe.Pointer(p))
	slot := &m.slots[(addr>>2^addr>>16)%memoSlots]
	if slot.p == p && slot.n == len(s) && p != nil {
		return slot.v, slot.ok
	}
	v, ok := lookup(s)
	*slot = memoSlot{p: p, n: len(s), v: v, ok: ok}
	return v, ok
}
