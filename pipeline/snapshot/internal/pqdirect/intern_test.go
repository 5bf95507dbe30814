package pqdirect

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestInternTable wants repeated values made into one string with one
// code, distinct values given distinct codes, and a column of mostly
// distinct values given up on.
func TestInternTable(t *testing.T) {
	// A dictionary page as Parquet lays it out: each value behind its
	// 4-byte length.
	var dict []byte
	var vals [][]byte
	for _, v := range []string{"alpha", "beta", "gamma", "delta"} {
		dict = append(dict, byte(len(v)), 0, 0, 0)
		dict = append(dict, v...)
	}
	for off := 0; off < len(dict); off += 4 + int(dict[off]) {
		vals = append(vals, dict[off+4:off+4+int(dict[off])])
	}
	var few internTable
	var arena []byte
	first := map[string]string{}
	codes := map[int32]string{}
	for i := range 100000 {
		b := vals[i%len(vals)]
		if i%7 == 3 { // the same value from another page: at another address
			b = append([]byte(nil), b...)
		}
		var s string
		var code int32
		s, code, arena = few.text(b, arena)
		if s != string(b) {
			t.Fatalf("%q became %q", b, s)
		}
		if was, ok := codes[code]; code < 0 || ok && was != s {
			t.Fatalf("%q: code %d, which %q has", s, code, was)
		}
		codes[code] = s
		if f, ok := first[s]; ok && unsafe.StringData(f) != unsafe.StringData(s) {
			t.Fatalf("%q made twice", s)
		} else if !ok {
			first[s] = s
		}
	}
	if len(codes) != len(vals) {
		t.Errorf("%d values: %d codes", len(vals), len(codes))
	}
	if few.futile() {
		t.Errorf("four values repeated: given up (%d hits, %d misses)", few.hits, few.misses)
	}
	var many internTable
	buf := make([]byte, 0, 8*100000)
	for i := range 100000 {
		start := len(buf)
		buf = fmt.Appendf(buf, "M%07d", i)
		var s string
		if s, _, arena = many.text(buf[start:], arena); s != string(buf[start:]) {
			t.Fatalf("%q became %q", buf[start:], s)
		}
	}
	if !many.futile() {
		t.Errorf("100,000 distinct values: not given up (%d hits, %d misses)", many.hits, many.misses)
	}
}
