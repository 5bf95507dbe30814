package reuse

import "testing"

func TestLenAndCleared(t *testing.T) {
	s := make([]int, 4, 8)
	for i := range s {
		s[i] = i + 1
	}
	if got := Len(s, 6); len(got) != 6 || &got[0] != &s[0] || got[3] != 4 {
		t.Errorf("Len within capacity: %v, want the same array, its values kept", got)
	}
	if got := Cleared(s, 3); len(got) != 3 || &got[0] != &s[0] || got[0] != 0 || got[2] != 0 {
		t.Errorf("Cleared within capacity: %v, want the same array, zeroed", got)
	}
	if got := Len(s, 9); len(got) != 9 || &got[0] == &s[0] {
		t.Errorf("Len past capacity: %d elements, want a new array of 9", len(got))
	}
	if got := Cleared([]int(nil), 2); len(got) != 2 {
		t.Errorf("Cleared of nil: %v", got)
	}
}
