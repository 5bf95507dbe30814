package validate

import "slices"

// sortHashes sorts 32-bit hashes in place: a two-pass radix sort on 16-bit
// digits, several times faster than a comparison sort for the millions of
// hashes duplicate detection collects. It borrows a buffer the size of xs.
func sortHashes(xs []uint32) {
	if len(xs) < 1<<12 {
		slices.Sort(xs)
		return
	}
	buf := make([]uint32, len(xs))
	src, dst := xs, buf
	for shift := uint(0); shift < 32; shift += 16 {
		var count [1 << 16]int
		for _, x := range src {
			count[(x>>shift)&0xffff]++
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, x := range src {
			d := (x >> shift) & 0xffff
			dst[count[d]] = x
			count[d]++
		}
		src, dst = dst, src
	}
	// Two passes: the sorted data is back in xs.
}
