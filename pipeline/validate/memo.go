package validate

// codeMemo remembers what a lookup by id gave, by the id's code (see
// snapshot.Vec.Code): the ids of a column with few distinct values
// (providers, services) come with codes, so they are recognised by an
// index into a slice instead of hashing their bytes for a map. An id
// without a code, or one met the first time, is a call to the lookup.
type codeMemo struct {
	numbering uint64
	known     []memoEntry // by code
}

type memoEntry struct {
	set bool
	ok  bool
	v   int32
}

// batch starts a batch whose codes are of the numbering: a memo of another
// numbering is forgotten.
func (m *codeMemo) batch(numbering uint64) {
	if numbering != m.numbering {
		m.numbering = numbering
		m.known = m.known[:0]
	}
}

// get returns lookup(id), from the memo when the id's code (-1: none) was
// met before in the numbering.
func (m *codeMemo) get(code int32, id string, lookup func(string) (int32, bool)) (int32, bool) {
	if code < 0 || m.numbering == 0 {
		return lookup(id)
	}
	if int(code) >= len(m.known) {
		m.known = append(m.known, make([]memoEntry, int(code)+1-len(m.known))...)
	}
	if e := &m.known[code]; e.set {
		return e.v, e.ok
	}
	v, ok := lookup(id)
	m.known[code] = memoEntry{set: true, ok: ok, v: v}
	return v, ok
}

// codeAt returns codes[i], or -1 when there are no codes.
func codeAt(codes []int32, i int) int32 {
	if codes == nil {
		return -1
	}
	return codes[i]
}
