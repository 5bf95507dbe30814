package validate

import "testing"

// TestCodeMemo wants the lookup called once per code of a numbering, for
// every id without a code, and again once the numbering changes.
func TestCodeMemo(t *testing.T) {
	calls := 0
	lookup := func(id string) (int32, bool) {
		calls++
		return int32(len(id)), id != "x"
	}
	var m codeMemo
	m.batch(1)
	for range 3 {
		if v, ok := m.get(5, "abc", lookup); v != 3 || !ok {
			t.Fatalf("code 5: %d %v", v, ok)
		}
		if _, ok := m.get(0, "x", lookup); ok {
			t.Fatal("code 0: found")
		}
	}
	if calls != 2 {
		t.Errorf("two codes, three times each: %d lookups", calls)
	}
	m.get(-1, "abc", lookup)
	m.get(-1, "abc", lookup)
	if calls != 4 {
		t.Errorf("no code, twice: %d lookups in all, want 4", calls)
	}
	m.batch(2)
	if v, _ := m.get(5, "abcd", lookup); v != 4 || calls != 5 {
		t.Errorf("another numbering: code 5 gave %d after %d lookups (want the new id's 4, looked up)", v, calls)
	}
	m.batch(0)
	m.get(5, "ab", lookup)
	m.get(5, "ab", lookup)
	if calls != 7 {
		t.Errorf("no numbering: %d lookups, want every one", calls)
	}
}
