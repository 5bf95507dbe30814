package pqdirect

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
)

// Chunks makes the readers of a file's column chunks, keeping each
// column's page reader and its buffers (the chunk's bytes, the compressed
// and the decompressed page) from one row group to the next. arrow makes
// all three again, cleared, for every chunk, which on a file of many row
// groups (as Spark writes them: hundreds of chunks of a few hundred KB)
// costs about as much as decompressing its pages. A chunk larger than
// maxHeld, or an encrypted one, is read as arrow reads it.
type Chunks struct {
	src  io.ReaderAt
	size int64
	md   *metadata.FileMetaData
	pool *sync.Pool
	cols map[int]*chunkCol
}

// maxHeld is the largest chunk whose bytes Chunks reads whole: arrow
// streams a chunk through a buffer of at most 1 MiB (see the snapshot's
// openParquetWith), so memory stays as it was.
const maxHeld = 1 << 20

type chunkCol struct {
	pages file.PageReader
	bytes chunkBytes
}

// NewChunks returns the chunk maker of the file of size bytes that src
// reads, whose metadata md is; pool is its reader's BufferPool.
func NewChunks(src io.ReaderAt, size int64, md *metadata.FileMetaData, pool *sync.Pool) *Chunks {
	return &Chunks{src: src, size: size, md: md, pool: pool, cols: map[int]*chunkCol{}}
}

// column returns the reader of column j of row group g.
func (c *Chunks) column(g *file.RowGroupReader, j int) (file.ColumnChunkReader, error) {
	if c == nil {
		return g.Column(j)
	}
	cc, err := g.MetaData().ColumnChunk(j)
	if err != nil {
		return nil, err
	}
	start, n := cc.DataPageOffset(), cc.TotalCompressedSize()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	if cc.CryptoMetadata() != nil || c.md.WriterVersion().LessThan(metadata.Parquet816FixedVersion) ||
		start < 0 || n < 0 || n > maxHeld || start > c.size-n {
		return g.Column(j) // arrow's own way, with its own checks and errors
	}
	col := c.cols[j]
	if col == nil {
		col = &chunkCol{}
		c.cols[j] = col
	}
	if err := col.bytes.read(c.src, start, int(n)); err != nil {
		return nil, fmt.Errorf("column chunk at %d (%d bytes): %w", start, n, err)
	}
	if col.pages == nil {
		if col.pages, err = file.NewPageReader(&col.bytes, cc.NumValues(), cc.Compression(), memory.DefaultAllocator, nil); err != nil {
			return nil, err
		}
	} else {
		col.pages.Reset(&col.bytes, cc.NumValues(), cc.Compression(), nil)
		if err := col.pages.Err(); err != nil {
			return nil, err
		}
	}
	return file.NewColumnReader(c.md.Schema.Column(j), col.pages, memory.DefaultAllocator, c.pool), nil
}

// chunkBytes is a column chunk's bytes, read whole into a buffer kept
// from chunk to chunk, as the stream a page reader reads.
type chunkBytes struct {
	b   []byte
	off int
}

func (c *chunkBytes) read(src io.ReaderAt, start int64, n int) error {
	c.b, c.off = slices.Grow(c.b[:0], n)[:n], 0
	got, err := src.ReadAt(c.b, start)
	if got == n {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// Peek returns the next n bytes without moving on (fewer, with io.EOF, at
// the chunk's end).
func (c *chunkBytes) Peek(n int) ([]byte, error) {
	if n < 0 {
		return nil, errors.New("negative count")
	}
	if rest := c.b[c.off:]; n > len(rest) {
		return rest, io.EOF
	}
	return c.b[c.off : c.off+n], nil
}

// Discard moves on n bytes (fewer, with io.EOF, at the chunk's end).
func (c *chunkBytes) Discard(n int) (int, error) {
	if n < 0 {
		return 0, errors.New("negative count")
	}
	if rest := len(c.b) - c.off; n > rest {
		c.off = len(c.b)
		return rest, io.EOF
	}
	c.off += n
	return n, nil
}

func (c *chunkBytes) Read(p []byte) (int, error) {
	if c.off == len(c.b) && len(p) > 0 {
		return 0, io.EOF
	}
	n := copy(p, c.b[c.off:])
	c.off += n
	return n, nil
}
