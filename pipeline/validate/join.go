package validate

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/disclose-project/disclose/pipeline/model"
)

// joinInMemory is how many rows tickets and complaints may have together
// for the orders they point at to be joined in memory (idSet and kept,
// about 90 bytes an id: 180 MiB at this many). Past it the join goes
// through temporary files (diskJoin), and memory does not grow with the
// orders.
const joinInMemory = 2 << 20

// JoinOnDiskAbove has Scan join tickets and complaints to their orders
// through temporary files when the two tables have more than rows rows
// together (by the snapshot's row counts), instead of past joinInMemory:
// for tests, which give both ways the same small snapshot.
func JoinOnDiskAbove(rows int64) Option {
	return func(s *scanner) { s.joinAbove = rows }
}

// Referring tables of a diskJoin, by number.
const (
	joinTickets = iota
	joinComplaints
)

// diskJoin joins tickets and complaints to the orders they point at
// without holding those orders in memory, in four steps that keep every
// table's rows in source order:
//
//  1. refer: every valid order id of tickets and complaints (in the order
//     Scan meets those rows) goes to a filter and to the ids file of its
//     table and part (a few bits of its hash);
//  2. keep: every valid order the filter lets through goes to the orders
//     file of its part;
//  3. resolve: one part at a time, the orders of a part are held in a map,
//     and for every id of the part's ids files, in order, what was found
//     (the order, or none) is written to the part's results file;
//  4. next: as Scan reads tickets, then complaints, in the same order as
//     in step 1, each valid order id takes the next result of its part.
//
// So at most one part's orders are in memory. A result carries its id's
// hash, and next checks it: a join out of step is an error, never a
// wrong figure.
type diskJoin struct {
	seed    maphash.Seed
	mask    uint64 // parts - 1
	dir     string
	filter  []uint64
	shift   uint
	ids     [2][]*joinFile // by referring table and part
	orders  []*joinFile    // by part
	results [2][]*joinFile // by referring table and part
	hashes  []uint64       // hashAll's, per row of a batch
	buf     []byte
	err     error // the first failure to write, reported after the pass
}

// joinFile is a temporary file written, then read, through a buffer.
type joinFile struct {
	f *os.File
	w *bufio.Writer
	r *bufio.Reader
}

// joinRecord is the size of a kept order in the files: its fields (38
// bytes, see putKept) and, in a result, its id's hash.
const (
	joinKept   = 1 + 4 + 1 + 8*4
	joinResult = joinKept + 8
)

// newDiskJoin makes the temporary files of a join of rows referring rows:
// a part for about every 256 Ki of them, 2 to 64, and a filter of 16
// bits a row.
func newDiskJoin(rows int64) (*diskJoin, error) {
	parts := 2
	for parts < 64 && int64(parts)<<18 < rows {
		parts *= 2
	}
	bits := uint(16)
	for bits < 36 && int64(1)<<bits < 16*rows {
		bits++
	}
	j := &diskJoin{seed: maphash.MakeSeed(), mask: uint64(parts - 1), shift: 64 - bits, filter: make([]uint64, (1<<bits)/64)}
	dir, err := os.MkdirTemp("", "disclose-join-")
	if err != nil {
		return nil, fmt.Errorf("joining tickets and complaints to orders: a folder for temporary files: %w", err)
	}
	j.dir = dir
	open := func(name string, p int) (*joinFile, error) {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%02d", name, p)))
		if err != nil {
			return nil, fmt.Errorf("joining tickets and complaints to orders: %w", err)
		}
		return &joinFile{f: f, w: bufio.NewWriterSize(f, 16<<10)}, nil
	}
	kinds := []struct {
		name  string
		files *[]*joinFile
	}{{"ticket-ids", &j.ids[joinTickets]}, {"complaint-ids", &j.ids[joinComplaints]}, {"orders", &j.orders}}
	for p := range parts {
		for _, k := range kinds {
			f, err := open(k.name, p)
			if err != nil {
				j.remove()
				return nil, err
			}
			*k.files = append(*k.files, f)
		}
	}
	return j, nil
}

// bits returns the two filter bits of a hash.
func (j *diskJoin) bits(h uint64) (uint64, uint64) {
	return h >> j.shift, (h * 0x9e3779b97f4a7c15) >> j.shift
}

// refer notes a valid order id of a referring table (step 1).
func (j *diskJoin) refer(table int, id []byte) error {
	h := maphash.Bytes(j.seed, id)
	a, b := j.bits(h)
	j.filter[a/64] |= 1 << (a % 64)
	j.filter[b/64] |= 1 << (b % 64)
	f := j.ids[table][h&j.mask]
	j.buf = binary.AppendUvarint(j.buf[:0], uint64(len(id)))
	j.buf = append(j.buf, id...)
	if _, err := f.w.Write(j.buf); err != nil {
		return j.failed(f, err)
	}
	return nil
}

// hashAll sets, for a batch's order ids, hashes[i] to the hash of ids[i]
// and slots[i] to 0 when the filter lets it through (it may be
// referred to), else to -1.
func (j *diskJoin) hashAll(ids []string, slots []int32) {
	j.hashes = slices.Grow(j.hashes[:0], len(ids))[:len(ids)]
	for i, id := range ids {
		h := maphash.String(j.seed, id)
		j.hashes[i] = h
		a, b := j.bits(h)
		slots[i] = -1
		if (j.filter[a/64]>>(a%64))&(j.filter[b/64]>>(b%64))&1 != 0 {
			slots[i] = 0
		}
	}
}

// keep writes a valid order that the filter let through, whose id's hash
// is h (step 2). A failure is kept for after the pass (see flush).
func (j *diskJoin) keep(h uint64, id string, k *keptOrder) {
	if j.err != nil {
		return
	}
	f := j.orders[h&j.mask]
	j.buf = binary.AppendUvarint(j.buf[:0], uint64(len(id)))
	j.buf = append(j.buf, id...)
	j.buf = putKept(j.buf, k)
	if _, err := f.w.Write(j.buf); err != nil {
		j.err = j.failed(f, err)
	}
}

// flush writes out what the buffers of files hold.
func (j *diskJoin) flush(files []*joinFile) error {
	for _, f := range files {
		if err := f.w.Flush(); err != nil {
			return j.failed(f, err)
		}
	}
	return nil
}

// refersDone ends step 1.
func (j *diskJoin) refersDone() error {
	if err := j.flush(j.ids[joinTickets]); err != nil {
		return err
	}
	return j.flush(j.ids[joinComplaints])
}

// resolve is step 3, after every order was kept.
func (j *diskJoin) resolve() error {
	if j.err != nil {
		return j.err
	}
	if err := j.flush(j.orders); err != nil {
		return err
	}
	var data []byte
	for p, of := range j.orders {
		var err error
		if data, err = j.readAll(of, data); err != nil {
			return err
		}
		found := map[string][]byte{}
		for rest := data; len(rest) > 0; {
			id, rec, more, ok := nextKept(rest)
			if !ok {
				return fmt.Errorf("joining tickets and complaints to orders: %s: cut short", of.f.Name())
			}
			found[string(id)], rest = rec, more
		}
		for t := range j.ids {
			idf := j.ids[t][p]
			ids, err := j.readAll(idf, nil)
			if err != nil {
				return err
			}
			rf, err := os.Create(filepath.Join(j.dir, fmt.Sprintf("results-%d-%02d", t, p)))
			if err != nil {
				return fmt.Errorf("joining tickets and complaints to orders: %w", err)
			}
			res := &joinFile{f: rf, w: bufio.NewWriterSize(rf, 16<<10)}
			j.results[t] = append(j.results[t], res)
			var none [joinKept]byte
			for rest := ids; len(rest) > 0; {
				n, w := binary.Uvarint(rest)
				if w <= 0 || uint64(len(rest)-w) < n {
					return fmt.Errorf("joining tickets and complaints to orders: %s: cut short", idf.f.Name())
				}
				id := rest[w : w+int(n)]
				rest = rest[w+int(n):]
				rec, ok := found[string(id)]
				if !ok {
					rec = none[:]
				}
				j.buf = append(append(j.buf[:0], rec...), 0, 0, 0, 0, 0, 0, 0, 0)
				binary.LittleEndian.PutUint64(j.buf[joinKept:], maphash.Bytes(j.seed, id))
				if _, err := res.w.Write(j.buf); err != nil {
					return j.failed(res, err)
				}
			}
			if err := res.w.Flush(); err != nil {
				return j.failed(res, err)
			}
			if _, err := rf.Seek(0, io.SeekStart); err != nil {
				return j.failed(res, err)
			}
			res.w, res.r = nil, bufio.NewReaderSize(rf, 16<<10)
			j.drop(idf)
		}
		j.drop(of)
	}
	j.filter = nil
	return nil
}

// readAll reads a file written before, whole, into buf.
func (j *diskJoin) readAll(f *joinFile, buf []byte) ([]byte, error) {
	info, err := f.f.Stat()
	if err != nil {
		return nil, j.failed(f, err)
	}
	buf = slices.Grow(buf[:0], int(info.Size()))[:info.Size()]
	if _, err := f.f.ReadAt(buf, 0); err != nil {
		return nil, j.failed(f, err)
	}
	return buf, nil
}

// drop closes and removes a file that is no longer needed.
func (j *diskJoin) drop(f *joinFile) {
	if f.f != nil {
		f.f.Close()
		os.Remove(f.f.Name())
		f.f = nil
	}
}

// next returns what was found for the next valid order id of a referring
// table (step 4): the order, or one not valid when there is none.
func (j *diskJoin) next(table int, id string) keptOrder {
	if j.err != nil {
		return keptOrder{}
	}
	h := maphash.String(j.seed, id)
	f := j.results[table][h&j.mask]
	var rec [joinResult]byte
	if _, err := io.ReadFull(f.r, rec[:]); err != nil {
		j.err = j.outOfStep(table, err)
		return keptOrder{}
	}
	if binary.LittleEndian.Uint64(rec[joinKept:]) != h {
		j.err = j.outOfStep(table, errors.New("the ids differ"))
		return keptOrder{}
	}
	return getKept(rec[:joinKept])
}

// nextDone checks that a referring table took every result, once read.
func (j *diskJoin) nextDone(table int) error {
	if j.err != nil {
		return j.err
	}
	for _, f := range j.results[table] {
		if _, err := f.r.ReadByte(); !errors.Is(err, io.EOF) {
			return j.outOfStep(table, errors.New("results are left over"))
		}
	}
	return nil
}

func (j *diskJoin) outOfStep(table int, err error) error {
	name := [...]string{"tickets", "complaints"}[table]
	return fmt.Errorf("joining %s to orders: the second reading of %s does not match the first: %w", name, name, err)
}

// failed is the error of a temporary file that cannot be written or read.
func (j *diskJoin) failed(f *joinFile, err error) error {
	return fmt.Errorf("joining tickets and complaints to orders: temporary file %s: %w", f.f.Name(), err)
}

// remove closes and removes every temporary file; it may be called more
// than once.
func (j *diskJoin) remove() {
	if j.dir == "" {
		return
	}
	for _, files := range [][]*joinFile{j.ids[0], j.ids[1], j.orders, j.results[0], j.results[1]} {
		for _, f := range files {
			if f.f != nil {
				f.f.Close()
			}
		}
	}
	os.RemoveAll(j.dir)
	j.dir = ""
}

// putKept appends the fields of a kept order (joinKept bytes).
func putKept(b []byte, k *keptOrder) []byte {
	valid := byte(0)
	if k.valid {
		valid = 1
	}
	b = append(b, valid)
	b = binary.LittleEndian.AppendUint32(b, uint32(k.service))
	b = append(b, k.status)
	for _, x := range [...]int64{int64(k.orderedAt), int64(k.promisedBy), int64(k.deliveredAt), int64(k.amount)} {
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	}
	return b
}

// getKept reads what putKept wrote.
func getKept(b []byte) keptOrder {
	x := func(i int) int64 { return int64(binary.LittleEndian.Uint64(b[6+8*i:])) }
	return keptOrder{valid: b[0] == 1, service: int32(binary.LittleEndian.Uint32(b[1:])), status: b[5],
		orderedAt: model.Instant(x(0)), promisedBy: model.Instant(x(1)), deliveredAt: model.Instant(x(2)), amount: model.Fen(x(3))}
}

// nextKept splits an orders file's next order off data: its id, its
// fields and what follows.
func nextKept(data []byte) (id, rec, rest []byte, ok bool) {
	n, w := binary.Uvarint(data)
	if w <= 0 || uint64(len(data)-w) < n+joinKept {
		return nil, nil, nil, false
	}
	end := w + int(n)
	return data[w:end], data[end : end+joinKept], data[end+joinKept:], true
}
