package snapshot

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/parquet/compress"
)

// The Snappy and zstd decoders decode into the page's buffer only: data
// that declares more is refused without allocating what it declares.
func TestDecodersKeepToThePage(t *testing.T) {
	snappyBomb := binary.AppendUvarint(nil, 1<<30) // a preamble of 1 GiB, and nothing
	snappyBomb = append(snappyBomb, 0, 0, 0)
	// A zstd frame of one segment declaring 400 MiB of content (an 8-byte
	// size), then one empty raw block: arrow's decoder allocates the 400
	// MiB, and takes 8 s to.
	zstdBomb := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0}
	zstdBomb = binary.LittleEndian.AppendUint64(zstdBomb, 400<<20)
	zstdBomb = append(zstdBomb, 0x01, 0x00, 0x00)
	for _, tc := range []struct {
		name  string
		codec compress.Compression
		src   []byte
		want  string
	}{
		{"a Snappy preamble of a gigabyte", compress.Codecs.Snappy, snappyBomb, "would decode to 1.0 GiB, its page to 19 bytes"},
		{"a zstd frame of 400 MiB", compress.Codecs.Zstd, zstdBomb, "zstd: decompressed size exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := compress.GetCodec(tc.codec)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				c.Decode(make([]byte, 19), tc.src)
				return ""
			}()
			runtime.ReadMemStats(&after)
			if !strings.Contains(got, tc.want) {
				t.Errorf("Decode: %q, want %q", got, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("Decode allocated %d bytes", grew)
			}
		})
	}
}
