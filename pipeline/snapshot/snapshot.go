package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

// ErrSnapshot marks a problem with the snapshot itself (a table missing,
// found twice or unreadable): the build must refuse it.
var ErrSnapshot = errors.New("snapshot")

// snapErr returns an error wrapping ErrSnapshot that says what failed; a
// cause given with %w is wrapped too, so that errors.Is finds it.
func snapErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSnapshot}, a...)...)
}

// Source is one place a table's rows come from.
type Source struct {
	Path  string // relative to the snapshot directory, with slashes
	Sheet string // the sheet, for a workbook; "" for Parquet
	// Partition holds hive-style key=value folders above a Parquet file.
	Partition map[string]string
}

func (s Source) String() string {
	if s.Sheet != "" {
		return s.Path + " [sheet " + s.Sheet + "]"
	}
	return s.Path
}

// Table is one table found in the snapshot.
type Table struct {
	*model.Table
	Sources []Source
	Where   string // how it was found, for messages ("orders/", "reference.xlsx [sheet providers]")
}

// Meta is what snapshot.json says.
type Meta struct {
	AsOf     string `json:"as_of"`
	Timezone string `json:"timezone"`
	Platform string `json:"platform"`
}

// Snapshot is an opened snapshot directory.
type Snapshot struct {
	Dir      string
	AsOf     model.Date
	Zone     *time.Location
	Platform string
	// T is the evaluation time: the end of the as-of date in the zone.
	T      model.Instant
	Tables map[string]*Table // found tables by name
	Schema []*model.Table    // every table of the contract, in validation order
	// Files lists every file the snapshot's tables come from.
	Files []string

	books map[string]*workbook // open workbooks, by path; see Close
	// viaArrow reads every Parquet file through arrow records, never
	// directly, and viaExcelize every sheet through excelize, never with
	// the sheet reader (for tests that compare the two readers).
	viaArrow, viaExcelize bool
	// mem holds files by path, for a snapshot a test holds in memory.
	mem map[string][]byte
	// numberings counts the numberings of codes handed out (Batch.Numbering).
	numberings atomic.Uint64
}

// RowCount returns a table's row count from its Parquet files' metadata,
// or 0 when it is not known without reading (a sheet, an unreadable file).
func (s *Snapshot) RowCount(name string) int64 {
	t := s.Tables[name]
	if t == nil {
		return 0
	}
	var n int64
	for _, src := range t.Sources {
		if src.Sheet != "" {
			return 0
		}
		p, err := s.parquet(src.Path)
		if err != nil {
			return 0
		}
		n += p.pf.NumRows()
		p.Close()
	}
	return n
}

// Close releases the workbooks the snapshot keeps open between scans (so
// that a workbook's shared strings are parsed once, not once per table).
// The snapshot's fields stay usable; a later scan opens them again.
func (s *Snapshot) Close() error {
	var first error
	for name, w := range s.books {
		if err := w.close(); err != nil && first == nil {
			first = err
		}
		delete(s.books, name)
	}
	return first
}

// Options tune Open.
type Options struct {
	AsOf        string // YYYY-MM-DD; overrides snapshot.json and the directory name
	DefaultZone string // used when snapshot.json names none
}

var dateDir = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Open finds the snapshot's tables and its as-of date. It reads no rows.
func Open(dir string, opt Options) (*Snapshot, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, snapErr("open %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, snapErr("open %s: not a directory", dir)
	}
	s := &Snapshot{Dir: dir, Tables: map[string]*Table{}, Schema: model.Tables()}
	meta, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	asOf := meta.AsOf
	if asOf == "" {
		if base := filepath.Base(filepath.Clean(dir)); dateDir.MatchString(base) {
			asOf = base
		}
	}
	if opt.AsOf != "" {
		asOf = opt.AsOf
	}
	if asOf == "" {
		return nil, snapErr("%s: no as-of date: snapshot.json has none, the directory is not named YYYY-MM-DD, and --as-of is not set", dir)
	}
	if s.AsOf, err = model.ParseDate(asOf); err != nil {
		return nil, snapErr("as-of: %w", err)
	}
	zone := meta.Timezone
	if zone == "" {
		zone = opt.DefaultZone
	}
	if zone == "" {
		zone = "UTC"
	}
	if hostZone(zone) {
		return nil, snapErr("snapshot.json: timezone %s depends on the machine the build runs on: name the zone (such as Asia/Shanghai)", model.Clip(zone))
	}
	if s.Zone, err = time.LoadLocation(zone); err != nil {
		return nil, snapErr("snapshot.json: timezone %s: not a zone of the time zone database", model.Clip(zone))
	}
	s.Platform = meta.Platform
	s.T = model.NewClock(s.Zone).Midnight(s.AsOf + 1)
	if err := s.find(); err != nil {
		return nil, err
	}
	return s, nil
}

// maxMeta is the most snapshot.json may hold: a few fields of text.
const maxMeta = 64 << 10

// readMeta reads snapshot.json, when the directory has one: a regular file
// of at most maxMeta bytes.
func readMeta(dir string) (Meta, error) {
	var meta Meta
	name := filepath.Join(dir, "snapshot.json")
	st, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return meta, nil
	}
	if err != nil {
		return meta, snapErr("snapshot.json: %w", errors.Unwrap(err))
	}
	if err := regular("snapshot.json", st.Mode()); err != nil {
		return meta, err
	}
	f, err := os.Open(name)
	if err != nil {
		return meta, snapErr("snapshot.json: %w", errors.Unwrap(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMeta+1))
	if err != nil {
		return meta, snapErr("snapshot.json: %w", err)
	}
	if len(b) > maxMeta {
		return meta, snapErr("snapshot.json: larger than %d KiB: not a snapshot's description", maxMeta>>10)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return meta, snapErr("snapshot.json: %w", err)
	}
	return meta, nil
}

// regular refuses a file of the snapshot that is not a regular file: a
// symbolic link (which may lead out of the snapshot, and would be named as
// a file of it), a named pipe (which would hang the build), a device
// (which would never end), a socket. The snapshot's own directory may be
// a link; what is in it is read only as it is.
func regular(name string, mode fs.FileMode) error {
	what := ""
	switch {
	case mode.IsRegular():
		return nil
	case mode&fs.ModeSymlink != 0:
		what = "a symbolic link (the files of a snapshot are read only as regular files: copy the file in)"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode.IsDir():
		what = "a directory"
	default:
		what = "not a regular file"
	}
	return snapErr("%s: %s: refused", name, what)
}

// hostZone reports whether a zone name means whatever zone the machine is
// set to, so that the same snapshot would give other figures elsewhere:
// Go's "Local", and the zoneinfo files that stand for the machine's zone
// or a default it chooses.
func hostZone(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "local", "localtime", "posixrules", "factory", "/etc/localtime":
		return true
	}
	return false
}

// Clock returns a new Clock in the snapshot's zone.
func (s *Snapshot) Clock() *model.Clock { return model.NewClock(s.Zone) }

func (s *Snapshot) schemaOf(name string) *model.Table {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, t := range s.Schema {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func (s *Snapshot) add(t *model.Table, where string, src []Source) error {
	if old, ok := s.Tables[t.Name]; ok {
		return snapErr("table %s found twice: in %s and in %s", t.Name, old.Where, where)
	}
	s.Tables[t.Name] = &Table{Table: t, Sources: src, Where: where}
	for _, x := range src {
		if !slices.Contains(s.Files, x.Path) {
			s.Files = append(s.Files, x.Path)
		}
	}
	return nil
}

func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, "_")
}

func (s *Snapshot) find() error {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return snapErr("read %s: %w", s.Dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if hidden(name) {
			continue
		}
		lower := strings.ToLower(name)
		table := strings.HasSuffix(lower, ".parquet") && s.schemaOf(strings.TrimSuffix(lower, ".parquet")) != nil ||
			strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".xlsm") || s.schemaOf(name) != nil
		if table && !e.IsDir() {
			// Only what would be read is refused: a stray link or pipe
			// beside the tables is no concern of the snapshot.
			if err := regular(name, e.Type()); err != nil {
				return err
			}
		}
		switch {
		case e.IsDir():
			t := s.schemaOf(name)
			if t == nil {
				continue
			}
			src, err := s.parquetTree(name)
			if err != nil {
				return err
			}
			if len(src) == 0 {
				continue
			}
			if err := s.add(t, name+"/", src); err != nil {
				return err
			}
		case strings.HasSuffix(lower, ".parquet"):
			t := s.schemaOf(strings.TrimSuffix(lower, ".parquet"))
			if t == nil {
				continue
			}
			if err := s.add(t, name, []Source{{Path: name}}); err != nil {
				return err
			}
		case strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".xlsm"):
			if err := s.workbook(name); err != nil {
				return err
			}
		}
	}
	slices.Sort(s.Files)
	return nil
}

// parquetTree lists the Parquet files below a table's directory, in path
// order, with their hive-style partition values.
func (s *Snapshot) parquetTree(dir string) ([]Source, error) {
	var src []Source
	root := filepath.Join(s.Dir, dir)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(s.Dir, p)
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			// A link in a table's directory is refused whatever its name:
			// one to a directory of partitions would be skipped.
			return regular(rel, d.Type())
		}
		if d.IsDir() || !strings.HasSuffix(strings.ToLower(d.Name()), ".parquet") {
			return nil
		}
		if err := regular(rel, d.Type()); err != nil {
			return err
		}
		part := map[string]string{}
		for _, seg := range strings.Split(rel, "/")[1:] {
			if k, v, ok := strings.Cut(seg, "="); ok && !strings.HasSuffix(strings.ToLower(seg), ".parquet") {
				part[strings.ToLower(strings.TrimSpace(k))] = v
			}
		}
		src = append(src, Source{Path: rel, Partition: part})
		return nil
	})
	if errors.Is(err, ErrSnapshot) {
		return nil, err
	}
	if err != nil {
		return nil, snapErr("read %s: %w", dir, err)
	}
	slices.SortFunc(src, func(a, b Source) int { return strings.Compare(a.Path, b.Path) })
	return src, nil
}

// Table returns the found table with the given name, or nil.
func (s *Snapshot) Table(name string) *Table { return s.Tables[name] }

// Scan streams the rows of a table, source by source, in batches. cols names
// the columns to decode (nil: all); the others are left not Present. A
// batch and its slices belong to fn only until it returns (their buffers
// are reused); the strings in them stay valid.
func (s *Snapshot) Scan(ctx context.Context, name string, cols []string, fn func(*Batch) error) error {
	t := s.Tables[name]
	if t == nil {
		return nil
	}
	want := make([]bool, len(t.Columns))
	for i, c := range t.Columns {
		want[i] = cols == nil || slices.Contains(cols, c.Name)
	}
	for _, src := range t.Sources {
		if err := s.source(t, src).scan(ctx, want, fn); err != nil {
			return err
		}
	}
	return nil
}

// Extra returns the columns of a table's sources that the contract does not
// know, each once, sorted.
func (s *Snapshot) Extra(name string) ([]string, error) {
	t := s.Tables[name]
	if t == nil {
		return nil, nil
	}
	var extra []string
	for _, src := range t.Sources {
		hdr, err := s.source(t, src).header()
		if err != nil {
			return nil, err
		}
		for _, h := range hdr {
			if _, ok := matchColumn(t.Table, h); !ok && !slices.Contains(extra, h) {
				extra = append(extra, h)
			}
		}
	}
	slices.Sort(extra)
	return extra, nil
}

// matchColumn maps a source header to a column of the table:
// case-insensitively after trimming, and `<money>_fen` to a money column.
func matchColumn(t *model.Table, header string) (int, bool) {
	h := strings.ToLower(strings.TrimSpace(header))
	if i := t.Col(h); i >= 0 {
		return i, true
	}
	if base, ok := strings.CutSuffix(h, "_fen"); ok {
		if i := t.Col(base); i >= 0 && t.Columns[i].Type == model.TypeMoney {
			return i, true
		}
	}
	return -1, false
}

// bind maps source headers to table columns. It returns, per table column,
// the source column index (-1: absent) and whether the source column is the
// `_fen` form. A required column that is absent, and not a partition key,
// is an error.
func bind(t *model.Table, src Source, headers []string) (idx []int, fen []bool, err error) {
	idx = make([]int, len(t.Columns))
	fen = make([]bool, len(t.Columns))
	for i := range idx {
		idx[i] = -1
	}
	for j, h := range headers {
		i, ok := matchColumn(t, h)
		if !ok {
			continue
		}
		isFen := strings.HasSuffix(strings.ToLower(strings.TrimSpace(h)), "_fen") &&
			!strings.EqualFold(strings.TrimSpace(h), t.Columns[i].Name)
		if idx[i] >= 0 {
			switch {
			case isFen && !fen[i]: // the plain name wins over its _fen twin
				continue
			case fen[i] && !isFen:
			default:
				return nil, nil, snapErr("%s: table %s: column %s appears twice", src, t.Name, t.Columns[i].Name)
			}
		}
		idx[i], fen[i] = j, isFen
	}
	for i, c := range t.Columns {
		if idx[i] < 0 && c.Required {
			if _, ok := src.Partition[c.Name]; ok {
				continue
			}
			return nil, nil, snapErr("%s: table %s: required column %s is missing", src, t.Name, c.Name)
		}
	}
	return idx, fen, nil
}
