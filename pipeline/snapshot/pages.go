package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/thrift/lib/go/thrift"
)

// Arrow's page reader trusts the page headers of a column chunk: it
// allocates the size a header says a page unpacks to before unpacking it,
// skips a page of a type it does not know by its header alone (reading its
// data as the next header), and reads headers until the pages have given
// the values the chunk's metadata counts, past the end of the chunk if need
// be, where its buffered reader hands back stale bytes for ever. A few
// kilobytes of Parquet then take gigabytes or never end. checkChunks walks
// every column chunk's page headers, as arrow will read them, before arrow
// reads any: a file whose pages do not fit in their chunks, do not add up
// to its values, or claim to unpack to more than their compression can
// give is refused, naming the row group, column and byte.

// maxPageHeader is the largest page header arrow reads (its
// defaultMaxPageHeaderSize); headers are read a window at a time, from
// pageWindow bytes.
const (
	maxPageHeader = 4 << 20
	pageWindow    = 16 << 10
)

// maxExpansion is how many times its size a page's compressed data can
// unpack to in each compression the reader takes: the most each format can
// express (Snappy: 64 bytes from a 3-byte copy; DEFLATE: 258 bytes from 2
// bits, 1032 times; zstd: a 128 KiB block from a 4-byte RLE block). Brotli
// has no such bound in its format; its pages are held to zstd's, far more
// than a page of real data packs to. A page header claiming more is not one
// a writer made; arrow would allocate what it claims.
func maxExpansion(c compress.Compression) (int64, bool) {
	switch c {
	case compress.Codecs.Uncompressed:
		return 1, true
	case compress.Codecs.Snappy:
		return 22, true
	case compress.Codecs.Gzip:
		return 1032, true
	case compress.Codecs.Zstd, compress.Codecs.Brotli:
		return 1 << 15, true
	}
	return 0, false
}

// checkChunks checks the page headers of every column chunk of a Parquet
// file of size bytes read from r, whose metadata is md.
func checkChunks(r io.ReaderAt, size int64, md *metadata.FileMetaData) error {
	w := &pageReader{r: r, size: size}
	padded := md.WriterVersion().LessThan(metadata.Parquet816FixedVersion)
	for rg := range len(md.RowGroups) {
		g := md.RowGroup(rg)
		for j := range md.Schema.NumColumns() {
			cc, err := g.ColumnChunk(j)
			if err != nil {
				return fmt.Errorf("row group %d: column %d: %v", rg, j, err)
			}
			col := md.Schema.Column(j)
			if err := w.chunk(cc, col.PhysicalType(), col.TypeLength(), padded); err != nil {
				return fmt.Errorf("row group %d: column %s: %w", rg, col.Name(), err)
			}
			if col.MaxRepetitionLevel() == 0 && cc.NumValues() != g.NumRows() {
				return fmt.Errorf("row group %d: column %s: %d values in a row group of %d rows", rg, col.Name(), cc.NumValues(), g.NumRows())
			}
		}
	}
	return nil
}

// largestChunk returns the size of the file's largest column chunk, as
// its metadata gives it (checked by checkChunks).
func largestChunk(md *metadata.FileMetaData) int64 {
	largest := int64(0)
	for rg := range len(md.RowGroups) {
		g := md.RowGroup(rg)
		for j := range md.Schema.NumColumns() {
			if cc, err := g.ColumnChunk(j); err == nil {
				largest = max(largest, cc.TotalCompressedSize())
			}
		}
	}
	return largest
}

// pageReader reads page headers from a Parquet file through a window of
// its bytes.
type pageReader struct {
	r    io.ReaderAt
	size int64
	buf  []byte // the file's bytes from off
	off  int64
}

// bytes returns the file's bytes from pos to at most end, at least n of
// them when there are as many.
func (w *pageReader) bytes(pos, end int64, n int) ([]byte, error) {
	n = int(min(int64(n), end-pos))
	if pos >= w.off && pos+int64(n) <= w.off+int64(len(w.buf)) {
		return w.buf[pos-w.off : min(int64(len(w.buf)), end-w.off)], nil
	}
	size := int(min(max(int64(n), pageWindow), end-pos))
	if cap(w.buf) < size {
		w.buf = make([]byte, size)
	}
	w.buf = w.buf[:size]
	k, err := w.r.ReadAt(w.buf, pos)
	w.buf, w.off = w.buf[:k], pos
	if k < n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return w.buf, nil
}

// chunk walks the pages of one column chunk, of values of the given
// physical type (and length, for FIXED_LEN_BYTE_ARRAY), as arrow's
// RowGroupReader finds them: from the dictionary page (or the first data
// page) for the chunk's compressed size, plus the padding arrow adds for
// the files of parquet-mr before 1.2.9.
func (w *pageReader) chunk(cc *metadata.ColumnChunkMetaData, phys parquet.Type, typeLen int, padded bool) error {
	start := cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	length := cc.TotalCompressedSize()
	if start < 0 || length < 0 || start > w.size || length > w.size-start {
		return fmt.Errorf("a column chunk of %s at byte %d in a file of %s", bytesText(uint64(max(length, 0))), start, bytesText(uint64(w.size)))
	}
	end := start + length
	if padded {
		end = min(w.size, end+100) // arrow's maxDictHeaderSize
	}
	ratio, ok := maxExpansion(cc.Compression())
	if !ok {
		return fmt.Errorf("compressed with %s, which the reader cannot unpack", cc.Compression())
	}
	want := cc.NumValues()
	if want < 0 {
		return fmt.Errorf("a column chunk of %d values", want)
	}
	var values int64
	for pos, first := start, true; values < want; first = false {
		if pos >= end {
			return fmt.Errorf("the column chunk's pages end after %d of its %d values", values, want)
		}
		h, n, err := w.header(pos, end)
		if err != nil {
			return err
		}
		data := pos + n
		if h.compressed < 0 || h.uncompressed < 0 || int64(h.compressed) > end-data {
			return fmt.Errorf("the page at byte %d claims %s of data, past the end of its column chunk at byte %d", pos, bytesText(uint64(max(h.compressed, 0))), end)
		}
		if h.numValues < 0 {
			return fmt.Errorf("the page at byte %d claims %d values", pos, h.numValues)
		}
		packed, unpacked := int64(h.compressed), int64(h.uncompressed)
		switch h.typ {
		case pageDictionary:
			if !first {
				return fmt.Errorf("the dictionary page at byte %d is not the column chunk's first page", pos)
			}
			if bits := valueBits(phys, typeLen); int64(h.numValues) > 8*unpacked/bits {
				return fmt.Errorf("the dictionary page at byte %d claims %d values in %s", pos, h.numValues, bytesText(uint64(unpacked)))
			}
		case pageData:
			values += int64(h.numValues)
		case pageDataV2:
			levels := int64(h.defLevels) + int64(h.repLevels)
			if h.defLevels < 0 || h.repLevels < 0 || levels > packed || levels > unpacked {
				return fmt.Errorf("the page at byte %d claims %s of levels in %s of data", pos, bytesText(uint64(max(levels, 0))), bytesText(uint64(packed)))
			}
			if !h.isCompressed && packed != unpacked {
				// arrow reads the uncompressed size of such a page
				// from the chunk, where the next header would be.
				return fmt.Errorf("the uncompressed page at byte %d claims %s of data in %s", pos, bytesText(uint64(unpacked)), bytesText(uint64(packed)))
			}
			packed, unpacked = packed-levels, unpacked-levels
			values += int64(h.numValues)
		default:
			// arrow skips such a page by its header alone and would read
			// its data as the next page's header.
			return fmt.Errorf("the page at byte %d is of type %d, which the reader cannot skip", pos, h.typ)
		}
		if ratio == 1 && unpacked != packed {
			return fmt.Errorf("the page at byte %d, not compressed, claims to unpack to %d bytes from %d", pos, unpacked, packed)
		}
		if unpacked > ratio*packed {
			return fmt.Errorf("the %s page at byte %d would unpack to %s from %s: %s data unpacks to at most %d times its size",
				cc.Compression(), pos, bytesText(uint64(unpacked)), bytesText(uint64(packed)), cc.Compression(), ratio)
		}
		pos = data + int64(h.compressed)
	}
	if values != want {
		return fmt.Errorf("the column chunk's pages hold %d values, its metadata %d", values, want)
	}
	return nil
}

// valueBits is the fewest bits a value of a physical type takes in a
// PLAIN-encoded dictionary page.
func valueBits(phys parquet.Type, typeLen int) int64 {
	switch phys {
	case parquet.Types.Boolean:
		return 1
	case parquet.Types.Int32, parquet.Types.Float, parquet.Types.ByteArray: // a BYTE_ARRAY: its 4-byte length
		return 32
	case parquet.Types.Int64, parquet.Types.Double:
		return 64
	case parquet.Types.Int96:
		return 96
	}
	return 8 * int64(max(typeLen, 1))
}

// The page types of the Parquet format.
const (
	pageData       = 0
	pageDictionary = 2
	pageDataV2     = 3
)

// pageHeader holds the fields of a Parquet PageHeader that say where a
// page ends and what it holds.
type pageHeader struct {
	typ, uncompressed, compressed int32
	numValues                     int32
	defLevels, repLevels          int32 // DATA_PAGE_V2
	isCompressed                  bool  // DATA_PAGE_V2
}

// header reads the page header at pos, before end, as arrow reads it: with
// Thrift's compact protocol, from a window that doubles until the header
// fits, up to maxPageHeader. It returns the header and its length.
func (w *pageReader) header(pos, end int64) (pageHeader, int64, error) {
	for n := pageWindow; ; n *= 2 {
		b, err := w.bytes(pos, end, n)
		if err != nil {
			return pageHeader{}, 0, fmt.Errorf("the page header at byte %d: %v", pos, err)
		}
		buf := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(b)}
		h, err := readPageHeader(thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{}))
		if err == nil {
			return h, int64(len(b) - buf.Len()), nil
		}
		if len(b) < n {
			return pageHeader{}, 0, fmt.Errorf("the page header at byte %d cannot be read before the end of its column chunk at byte %d: %v", pos, end, err)
		}
		if n >= maxPageHeader {
			return pageHeader{}, 0, fmt.Errorf("the page header at byte %d cannot be read: %v", pos, err)
		}
	}
}

var errNoPageHeader = errors.New("not a page header")

// readPageHeader reads a PageHeader struct, keeping the fields pageHeader
// has and skipping the others, as Thrift's generated code that arrow uses
// reads it: the last of a field given twice, a field of another type than
// the format's skipped, the number of values from the header of the page's
// type.
func readPageHeader(p thrift.TProtocol) (h pageHeader, err error) {
	h.isCompressed = true
	var typ, unc, comp bool
	var num [9]int32 // by field: data_page_header (5), dictionary_page_header (7), data_page_header_v2 (8)
	var sub [9]bool
	err = readStruct(p, func(id int16, t thrift.TType) (bool, error) {
		switch {
		case id == 1 && t == thrift.I32:
			typ = true
			return true, readI32(p, &h.typ)
		case id == 2 && t == thrift.I32:
			unc = true
			return true, readI32(p, &h.uncompressed)
		case id == 3 && t == thrift.I32:
			comp = true
			return true, readI32(p, &h.compressed)
		case (id == 5 || id == 7 || id == 8) && t == thrift.STRUCT:
			// A struct given again replaces the one before.
			sub[id], num[id] = true, 0
			if id == 8 {
				h.defLevels, h.repLevels, h.isCompressed = 0, 0, true
			}
			return true, readStruct(p, func(fid int16, ft thrift.TType) (bool, error) {
				switch {
				case fid == 1 && ft == thrift.I32:
					return true, readI32(p, &num[id])
				case id == 8 && fid == 5 && ft == thrift.I32:
					return true, readI32(p, &h.defLevels)
				case id == 8 && fid == 6 && ft == thrift.I32:
					return true, readI32(p, &h.repLevels)
				case id == 8 && fid == 7 && ft == thrift.BOOL:
					v, err := p.ReadBool(context.Background())
					h.isCompressed = v
					return true, err
				}
				return false, nil
			})
		}
		return false, nil
	})
	if err != nil {
		return h, err
	}
	if !typ || !unc || !comp {
		return h, errNoPageHeader
	}
	field := map[int32]int{pageData: 5, pageDictionary: 7, pageDataV2: 8}[h.typ]
	if field != 0 {
		if !sub[field] {
			return h, fmt.Errorf("a page of type %d without its header", h.typ)
		}
		h.numValues = num[field]
	}
	return h, nil
}

// readStruct reads the fields of a Thrift struct, handing each to field,
// which reads it and returns true, or returns false to have it skipped.
func readStruct(p thrift.TProtocol, field func(int16, thrift.TType) (bool, error)) error {
	ctx := context.Background()
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if t == thrift.STOP {
			break
		}
		read, err := field(id, t)
		if err == nil && !read {
			err = p.Skip(ctx, t)
		}
		if err == nil {
			err = p.ReadFieldEnd(ctx)
		}
		if err != nil {
			return err
		}
	}
	return p.ReadStructEnd(ctx)
}

func readI32(p thrift.TProtocol, v *int32) error {
	x, err := p.ReadI32(context.Background())
	*v = x
	return err
}
