package validate

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
)

// The structures below claim a speed or memory effect over the plain Go
// map each stands in for; each benchmark measures both, so that a profile
// can tell whether the structure still earns its keep.

// BenchmarkIDSet looks up batches of 16 K order ids, one in ten in the
// set of a million (as tickets' orders are among all orders), in the idSet
// with findAll and in a map.
func BenchmarkIDSet(b *testing.B) {
	const n, batch = 1 << 20, 16 << 10
	set := newIDSet(n)
	m := make(map[string]int32, n)
	for i := range n {
		id := fmt.Sprintf("O%09d", i*10)
		m[id] = set.add(id)
	}
	r := rand.New(rand.NewPCG(1, 2))
	look := make([]string, batch)
	for i := range look {
		look[i] = fmt.Sprintf("O%09d", r.IntN(10*n))
	}
	slots := make([]int32, batch)
	set.findAll(look, slots) // builds the filter, once for the whole pass
	b.Run("idSet.findAll", func(b *testing.B) {
		for b.Loop() {
			set.findAll(look, slots)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/id")
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			for i, id := range look {
				slot, ok := m[id]
				if !ok {
					slot = -1
				}
				slots[i] = slot
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/id")
	})
}

// BenchmarkDuplicateIDs finds the duplicates among a million ids (a few
// repeated) with duplicateIDs, in one part and in two read side by side,
// and by counting every id in a map.
func BenchmarkDuplicateIDs(b *testing.B) {
	const n = 1 << 20
	rows := ids(n, func(i int) int {
		if i%100000 == 7 {
			return 3
		}
		return i
	})
	seed := maphash.MakeSeed()
	hash := func(k []byte) uint64 { return maphash.Bytes(seed, k) }
	for _, parts := range []int{1, 2} {
		b.Run(fmt.Sprintf("hashes, %d parts", parts), func(b *testing.B) {
			for b.Loop() {
				if _, err := duplicateIDs(batches(rows, 16<<10), hash, parts, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/id")
		})
	}
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			count := map[string]int{}
			batches(rows, 16<<10)(0, 1, func(ks [][]byte, ok []bool) error {
				for _, k := range ks {
					count[string(k)]++
				}
				return nil
			})
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/id")
	})
}

// BenchmarkServiceMemo finds the services of a batch of 16 K orders among
// 20,000 by their codes with codeMemo, and by id in the map.
func BenchmarkServiceMemo(b *testing.B) {
	const services, batch = 20000, 16 << 10
	index := make(map[string]int32, services)
	names := make([]string, services)
	for i := range services {
		names[i] = fmt.Sprintf("S%07d", i)
		index[names[i]] = int32(i)
	}
	lookup := func(id string) (int32, bool) { v, ok := index[id]; return v, ok }
	r := rand.New(rand.NewPCG(3, 4))
	codes := make([]int32, batch)
	strs := make([]string, batch)
	for i := range codes {
		codes[i] = int32(r.IntN(services))
		strs[i] = names[codes[i]]
	}
	out := make([]int32, batch)
	b.Run("codeMemo", func(b *testing.B) {
		var m codeMemo
		for b.Loop() {
			m.batch(1)
			for i, id := range strs {
				out[i], _ = m.get(codes[i], id, lookup)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/row")
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			for i, id := range strs {
				out[i], _ = lookup(id)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/row")
	})
}
