package validate

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestDuplicateIDs compares duplicateIDs with counting every id in a map,
// with a good hash and with poor ones, whose collisions between distinct
// ids the second pass must tell from real duplicates.
func TestDuplicateIDs(t *testing.T) {
	seed := maphash.MakeSeed()
	hashes := map[string]func([]byte) uint64{
		"maphash": func(k []byte) uint64 { return maphash.Bytes(seed, k) },
		"zero":    func([]byte) uint64 { return 0 }, // every id collides, on the hash counted aside
		"len":     func(k []byte) uint64 { return uint64(len(k)) << 60 },
		"mod 7":   func(k []byte) uint64 { return maphash.Bytes(seed, k) % 7 },
		"top 3 bits": func(k []byte) uint64 {
			return maphash.Bytes(seed, k) >> 61 << 61
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
			for _, run := range [][2]int{{1, 0}, {2, 0}, {3, 0}, {1, 2 * bagBlock}, {2, bagBlock}} {
				parts, hold := run[0], run[1]
				t.Run(fmt.Sprintf("%s/%s/%d parts/hold %d", tname, hname, parts, hold), func(t *testing.T) {
					got, err := duplicateIDs(batches(rows, 999), hash, parts, hold)
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
}

// TestDuplicateIDsError fails one reading of the keys: a part of the first
// pass, or the second pass. The error is the one reading the keys in
// order meets.
func TestDuplicateIDsError(t *testing.T) {
	rows := ids(100, func(i int) int { return i % 10 }) // with the hash below, every id is suspect: there is a second pass
	errIf := func(failing bool, msg string) error {
		if failing {
			return errors.New(msg)
		}
		return nil
	}
	// fail gives the error of a reading: the how-many-th it is (parts
	// are read side by side, so they are 1 and 2 in either order), the
	// part and the number of parts it reads.
	cases := []struct {
		name  string
		parts int
		fail  func(call, part, parts int) error
		want  string
	}{
		{"one part, first pass", 1, func(call, _, _ int) error { return errIf(call == 1, "first pass") }, "first pass"},
		{"one part, second pass", 1, func(call, _, _ int) error { return errIf(call == 2, "second pass") }, "second pass"},
		{"two parts, part 0", 2, func(_, part, parts int) error {
			return cmp.Or(errIf(parts == 2 && part == 0, "part 0"), errIf(parts == 1, "in order"))
		}, "in order"},
		{"two parts, part 1", 2, func(_, part, parts int) error {
			return cmp.Or(errIf(parts == 2 && part == 1, "part 1"), errIf(parts == 1, "in order"))
		}, "in order"},
		{"two parts, second pass", 2, func(call, _, _ int) error { return errIf(call == 3, "second pass") }, "second pass"},
	}
	for _, tc := range cases {
		var calls atomic.Int32
		keys := func(part, parts int, fn func([][]byte, []bool) error) error {
			if err := tc.fail(int(calls.Add(1)), part, parts); err != nil {
				return err
			}
			return batches(rows, 7)(part, parts, fn)
		}
		_, err := duplicateIDs(keys, func([]byte) uint64 { return 1 }, tc.parts, 0)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
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

// batches gives rows to fn as snapshot.KeysPart does, size rows at a
// time, batch b to part b modulo parts; an empty row has no id. As the
// reader's, the bytes are borrowed: once fn returns they are overwritten.
func batches(rows []string, size int) func(part, parts int, fn func([][]byte, []bool) error) error {
	return func(part, parts int, fn func([][]byte, []bool) error) error {
		var buf []byte
		for start, b := 0, 0; start < len(rows); start, b = start+size, b+1 {
			if b%parts != part {
				continue
			}
			rs := rows[start:min(start+size, len(rows))]
			ks := make([][]byte, len(rs))
			ok := make([]bool, len(rs))
			buf = buf[:0]
			for _, k := range rs {
				buf = append(buf, k...)
			}
			end := 0
			for i, k := range rs {
				ks[i], ok[i] = buf[end:end+len(k):end+len(k)], k != ""
				end += len(k)
			}
			if err := fn(ks, ok); err != nil {
				return err
			}
			for i := range buf {
				buf[i] = '#'
			}
		}
		return nil
	}
}

// TestDuplicateIDsSpill holds few hashes in memory, so that the pass
// moves them to temporary files: it finds the same duplicates, leaves no
// file behind, and says so when it cannot write them.
func TestDuplicateIDsSpill(t *testing.T) {
	seed := maphash.MakeSeed()
	// Hashes in 4 buckets of the 1,024 fill blocks (1,024 hashes each)
	// with few rows; a block that is full is what a bag spills.
	hash := func(k []byte) uint64 { return maphash.Bytes(seed, k) >> 8 }
	rows := append(ids(40000, func(i int) int { return i }), "O5", "O39999")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var made int
	probe := func(part, parts int, fn func([][]byte, []bool) error) error {
		err := batches(rows, 999)(part, parts, fn)
		if es, _ := os.ReadDir(tmp); len(es) > 0 {
			made++
		}
		return err
	}
	got, err := duplicateIDs(probe, hash, 2, bagBlock)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"O5": true, "O39999": true}; !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if made == 0 {
		t.Fatal("no temporary files were made: the pass did not spill")
	}
	if es, _ := os.ReadDir(tmp); len(es) > 0 {
		t.Fatalf("%d files left in the temporary folder", len(es))
	}
	t.Setenv("TMPDIR", filepath.Join(tmp, "missing"))
	if _, err := duplicateIDs(batches(rows, 999), hash, 1, bagBlock); err == nil || !strings.Contains(err.Error(), "temporary files") {
		t.Fatalf("with no temporary folder: got %v", err)
	}
}
