package snapshot

import (
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// Arrow decodes a page into a buffer of the size its header gives (which
// checkChunks holds to what the page's bytes can unpack to), but its
// Snappy and zstd decoders trust the size the compressed data declares
// instead: a Snappy preamble or a zstd frame header of a few bytes has them
// allocate up to 4 GiB (Snappy) or 64 GiB (zstd) before decoding anything.
// The codecs registered here, as arrow's compress package provides for,
// decode only into the page's buffer and refuse data that says it is
// larger. They encode as arrow's do, so files written in the process are
// unchanged.
func init() {
	snappy, err := compress.GetCodec(compress.Codecs.Snappy)
	if err == nil {
		compress.RegisterCodec(compress.Codecs.Snappy, boundedSnappy{snappy})
	}
	zs, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		return
	}
	// WithDecodeAllCapLimit: never decode past cap(dst); DecodeAll
	// decodes into dst, so no window is allocated either.
	dec, err := zstd.NewReader(nil, zstd.WithDecodeAllCapLimit(true), zstd.WithDecoderConcurrency(1))
	if err == nil {
		compress.RegisterCodec(compress.Codecs.Zstd, boundedZstd{zs, dec})
	}
}

// boundedSnappy decodes Snappy data that declares no more than its
// destination holds.
type boundedSnappy struct{ compress.Codec }

func (c boundedSnappy) Decode(dst, src []byte) []byte {
	// arrow's codecs panic on corrupt data; the reader recovers.
	n, k := binary.Uvarint(src) // the preamble: the decoded length
	if k <= 0 {
		panic("snappy: corrupt input")
	}
	if n > uint64(len(dst)) {
		panic(fmt.Sprintf("snappy: data of %d bytes would decode to %s, its page to %s", len(src), bytesText(n), bytesText(uint64(len(dst)))))
	}
	return c.Codec.Decode(dst, src)
}

// boundedZstd decodes zstd data into its destination's capacity at most.
type boundedZstd struct {
	compress.Codec
	dec *zstd.Decoder
}

func (c boundedZstd) Decode(dst, src []byte) []byte {
	out, err := c.dec.DecodeAll(src, dst[:0])
	if err != nil {
		panic(fmt.Sprintf("zstd: %v", err))
	}
	return out
}
