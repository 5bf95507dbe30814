package validate

import (
	"fmt"
	"hash/maphash"
	"testing"
)

func TestIDSet(t *testing.T) {
	if _, ok := newIDSet(0).find("x"); ok {
		t.Fatal("found an id in the empty set")
	}
	s := newIDSet(0)
	for i := 0; i < 1000; i++ {
		if got := s.add(fmt.Sprintf("O%d", i)); got != int32(i) {
			t.Fatalf("add O%d: slot %d", i, got)
		}
	}
	if s.add("O7") != 7 || s.len() != 1000 {
		t.Fatalf("adding an id twice gave a new slot")
	}
	for i := 0; i < 1000; i++ {
		if slot, ok := s.find(fmt.Sprintf("O%d", i)); !ok || slot != int32(i) || s.id(slot) != fmt.Sprintf("O%d", i) {
			t.Fatalf("find O%d: %d %v", i, slot, ok)
		}
	}
	for _, id := range []string{"", "O1000", "o1", "O01"} {
		if _, ok := s.find(id); ok {
			t.Errorf("found %q, never added", id)
		}
	}
	// An id added after a find is found: the filter is rebuilt.
	if slot := s.add("late"); slot != 1000 {
		t.Fatalf("late id got slot %d", slot)
	}
	if slot, ok := s.find("late"); !ok || slot != 1000 {
		t.Errorf("late id not found: %d %v", slot, ok)
	}
	// Force a collision: an id whose hash is already taken goes to extra.
	c := newIDSet(0)
	c.add("a")
	*c.place(maphash.String(c.seed, "b")) = hashSlot{maphash.String(c.seed, "b"), 1} // pretend "b" hashes like "a" (slot 0)
	if slot := c.add("b"); slot != 1 {
		t.Fatalf("colliding id got slot %d", slot)
	}
	if slot, ok := c.find("b"); !ok || slot != 1 {
		t.Errorf("colliding id not found: %d %v", slot, ok)
	}
	if slot, ok := c.find("a"); !ok || slot != 0 {
		t.Errorf("first id lost: %d %v", slot, ok)
	}
}
