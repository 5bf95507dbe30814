package validate

import (
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"testing"
)

// TestDuplicateIDs compares duplicateIDs with counting every id in a map,
// with a good hash and with poor ones, whose collisions between distinct
// ids the second pass must tell from real duplicates.
func TestDuplicateIDs(t *testing.T) {
	seed := maphash.MakeSeed()
	hashes := map[string]func(string) uint64{
		"maphash": func(k string) uint64 { return maphash.String(seed, k) },
		"zero":    func(string) uint64 { return 0 }, // every id collides, on the hash counted aside
		"len":     func(k string) uint64 { return uint64(len(k)) << 60 },
		"mod 7":   func(k string) uint64 { return maphash.String(seed, k) % 7 },
		"top 3 bits": func(k string) uint64 {
			return maphash.String(seed, k) >> 61 << 61
		},
	}
	tables := map[string][]string{
		"empty":    nil,
		"distinct": ids(50000, func(i int) int { return i }),
		"one pair": append(ids(20000, func(i int) int { return i }), "O77"),
		"many":     ids(30000, func(i int) int { return i * 7 % 9001 }),
		"all same": ids(3000, func(int) int { return 5 }),
		"no id":    {"", "", "O1", ""}, // "" stands for a row without an id
		"two":      {"O1", "O1"},
		"two ids":  {"O1", "O2"},
	}
	for tname, rows := range tables {
		want := map[string]bool{}
		seen := map[string]bool{}
		for _, id := range rows {
			if id != "" {
				want[id] = seen[id]
				seen[id] = true
			}
		}
		maps.DeleteFunc(want, func(_ string, dup bool) bool { return !dup })
		for hname, hash := range hashes {
			t.Run(tname+"/"+hname, func(t *testing.T) {
				got, err := duplicateIDs(batches(rows, 999), hash)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(got, want) {
					t.Fatalf("got %d duplicate ids, want %d", len(got), len(want))
				}
			})
		}
	}
}

func TestDuplicateIDsError(t *testing.T) {
	boom := errors.New("boom")
	rows := ids(100, func(i int) int { return i % 10 })
	for pass := 1; pass <= 2; pass++ {
		calls := 0
		keys := func(fn func([]string, []bool) error) error {
			if calls++; calls == pass {
				return boom
			}
			return batches(rows, 7)(fn)
		}
		if _, err := duplicateIDs(keys, func(string) uint64 { return 1 }); !errors.Is(err, boom) {
			t.Errorf("error in pass %d: got %v", pass, err)
		}
	}
}

// ids returns n ids, the i-th being O<f(i)>.
func ids(n int, f func(i int) int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint("O", f(i))
	}
	return out
}

// batches gives rows to fn as snapshot.Keys does, size rows at a time;
// an empty row has no id.
func batches(rows []string, size int) func(fn func([]string, []bool) error) error {
	return func(fn func([]string, []bool) error) error {
		for start := 0; start < len(rows); start += size {
			ks := rows[start:min(start+size, len(rows))]
			ok := make([]bool, len(ks))
			for i, k := range ks {
				ok[i] = k != ""
			}
			if err := fn(ks, ok); err != nil {
				return err
			}
		}
		return nil
	}
}
