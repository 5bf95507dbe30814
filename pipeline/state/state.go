// Package state owns the state directory (--state): the ledger that
// survives from one nightly build to the next (notices, scores, the list of
// builds), the manifest of the last build, and the lock that lets one build
// at a time use it. No other package knows its layout:
//
//	CURRENT          names the committed generation, e.g. "gen-000042"
//	STAGED           names the generation a build staged, until it is committed or discarded
//	gen-NNNNNN/      one generation: notices.parquet, scores.parquet, log.jsonl, tonight.json, builds.json, manifest.json,
//	                 and site-index.tsv (the files of the site it published: pipeline/build writes and reads it)
//	LOCK             the holder's pid, while a build holds the directory
//	quarantine.csv   by-products of a build, not part of the ledger
//	changes.json
//
// A generation is written whole, synced, and only then named by STAGED or
// CURRENT, each replaced by rename(2): the files of a ledger change together
// or not at all. A ledger kept before generations (notices.parquet,
// scores.parquet and manifest.json at the top) reads as the current
// generation and moves into one at the next commit.
//
// How a build uses it (pipeline/build says why in this order):
//
//	d, err := state.Open(dir, published, create) // lock; finish or discard a half-made commit
//	l, err := d.Ledger()
//	st, err := d.Stage(next)                      // tonight's ledger, beside the current one
//	// … write the site with st.Digest() in its manifest …
//	err = st.Finish(manifest, builds)             // synced, named by STAGED
//	// … swap the site in …
//	err = st.Commit()                             // CURRENT names it
package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/record"
)

// ErrLocked is returned when another build holds the state directory.
var ErrLocked = errors.New("state in use")

const (
	currentFile  = "CURRENT"
	stagedFile   = "STAGED"
	lockFile     = "LOCK"
	manifestFile = "manifest.json"
	siteIndex    = "site-index.tsv"
	logFile      = "log.jsonl"
	genPrefix    = "gen-"
	legacyGen    = "." // the generation of a ledger kept at the top of the directory
)

// Dir is an open state directory, locked for one build.
type Dir struct {
	path    string
	exists  bool
	lock    *os.File // the directory itself, flock'd
	current string   // the committed generation's name, legacyGen, or ""
	// Recovered says what Open did with a half-made commit: "", "committed"
	// or "discarded".
	Recovered string
}

// Open opens the state directory at path for one build. With create, a
// missing directory is made; without it, a missing directory opens as one
// without a ledger and nothing is written. Open takes the directory's lock
// (ErrLocked when another build holds it: the lock is the kernel's, so a
// killed build's lock is gone with it) and finishes or discards a
// half-made commit: a staged generation whose digest is published, the
// ledger digest of the site now live, was swapped in by a build that died
// before committing it, and is committed; any other is discarded.
func Open(path string, published string, create bool) (*Dir, error) {
	d := &Dir{path: path}
	st, err := os.Stat(path)
	switch {
	case err == nil && !st.IsDir():
		return nil, fmt.Errorf("state %s: not a directory", path)
	case errors.Is(err, fs.ErrNotExist) && !create:
		return d, nil
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, fmt.Errorf("state %s: %w", path, err)
		}
	case err != nil:
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	d.exists = true
	if err := d.takeLock(); err != nil {
		return nil, err
	}
	if err := d.recover(published); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// takeLock flocks the directory itself, so that taking the lock creates
// nothing a refused build would leave behind, and writes LOCK with the
// holder's pid for whoever finds the directory in use.
func (d *Dir) takeLock() error {
	f, err := os.Open(d.path)
	if err != nil {
		return fmt.Errorf("state %s: %w", d.path, err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another build"
			if b, err := os.ReadFile(filepath.Join(d.path, lockFile)); err == nil && len(bytes.TrimSpace(b)) > 0 {
				holder = "the build with pid " + strings.TrimSpace(string(b))
			}
			return fmt.Errorf("%w: state %s is held by %s; wait for it to finish (a killed build's lock goes with it)", ErrLocked, d.path, holder)
		}
		return fmt.Errorf("state %s: lock: %w", d.path, err)
	}
	d.lock = f
	// A LOCK left by a killed build names a process that no longer holds
	// anything: it is overwritten.
	if err := os.WriteFile(filepath.Join(d.path, lockFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		d.Close()
		return fmt.Errorf("state %s: %w", d.path, err)
	}
	return nil
}

// Close releases the lock. It removes LOCK, so that a build that changed
// nothing leaves the directory as it found it.
func (d *Dir) Close() error {
	if d.lock == nil {
		return nil
	}
	os.Remove(filepath.Join(d.path, lockFile))
	err := d.lock.Close() // closing the descriptor releases the flock
	d.lock = nil
	return err
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// HasLedger reports whether the directory holds a ledger.
func (d *Dir) HasLedger() bool { return d.current != "" }

// recover reads CURRENT and deals with what a build that died left behind.
func (d *Dir) recover(published string) error {
	cur, err := d.readName(currentFile)
	if err != nil {
		return err
	}
	if cur == "" && d.hasLegacy() {
		cur = legacyGen
	}
	d.current = cur
	staged, err := d.readName(stagedFile)
	if err != nil {
		return err
	}
	if staged != "" && staged != cur {
		dig, err := digest(filepath.Join(d.path, staged))
		if err == nil && published != "" && dig == published {
			// The site of this generation is live: its build was killed
			// between the swap and the commit.
			if err := d.commit(staged); err != nil {
				return err
			}
			d.Recovered = "committed"
		} else {
			d.Recovered = "discarded"
		}
	}
	if staged != "" {
		if err := removeSynced(filepath.Join(d.path, stagedFile)); err != nil {
			return fmt.Errorf("state %s: %w", d.path, err)
		}
	}
	return d.sweep()
}

// sweep removes the generations CURRENT does not name (half-written or
// superseded ones) and temporary files.
func (d *Dir) sweep() error {
	ents, err := os.ReadDir(d.path)
	if err != nil {
		return fmt.Errorf("state %s: %w", d.path, err)
	}
	for _, e := range ents {
		n := e.Name()
		if (strings.HasPrefix(n, genPrefix) && n != d.current) || strings.HasPrefix(n, ".tmp-") {
			if err := os.RemoveAll(filepath.Join(d.path, n)); err != nil {
				return fmt.Errorf("state %s: %w", d.path, err)
			}
		}
	}
	return nil
}

func (d *Dir) readName(file string) (string, error) {
	b, err := os.ReadFile(filepath.Join(d.path, file))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("state %s: %w", d.path, err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("%w: state %s: %s names %q, not a generation", ledger.ErrDamaged, d.path, file, name)
	}
	if st, err := os.Stat(filepath.Join(d.path, name)); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%w: state %s: %s names %s, which is missing", ledger.ErrDamaged, d.path, file, name)
	}
	return name, nil
}

func (d *Dir) hasLegacy() bool {
	for _, f := range []string{ledger.NoticesFile, ledger.ScoresFile} {
		if _, err := os.Stat(filepath.Join(d.path, f)); err == nil {
			return true
		}
	}
	return false
}

func (d *Dir) gen(name string) string {
	if name == legacyGen {
		return d.path
	}
	return filepath.Join(d.path, name)
}

// Ledger reads the committed ledger; a directory without one gives an
// empty ledger. A ledger that cannot be read is ledger.ErrDamaged.
func (d *Dir) Ledger() (*ledger.Ledger, error) {
	l := &ledger.Ledger{}
	if d.current == "" {
		return l, nil
	}
	dir := d.gen(d.current)
	np, sp, bp := filepath.Join(dir, ledger.NoticesFile), filepath.Join(dir, ledger.ScoresFile), filepath.Join(dir, ledger.BuildsFile)
	for _, p := range []string{np, sp} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ledger.ErrDamaged, p, err)
		}
	}
	var err error
	if l.Notices, err = readParquet(np, func(f *os.File) ([]model.Notice, error) { return ledger.ReadNotices(f, np) }); err != nil {
		return nil, err
	}
	if l.Scores, err = readParquet(sp, func(f *os.File) ([]ledger.Score, error) { return ledger.ReadScores(f, sp) }); err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, ledger.TonightFile)); err == nil {
		if l.Tonight, err = ledger.ReadTonight(b, filepath.Join(dir, ledger.TonightFile)); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %v", ledger.ErrDamaged, err)
	}
	b, err := os.ReadFile(bp)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.Builds = ledger.BuildsFromScores(l.Scores) // a ledger kept before builds were recorded
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %v", ledger.ErrDamaged, bp, err)
	default:
		if l.Builds, err = ledger.ReadBuilds(b, bp); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func readParquet[T any](path string, read func(*os.File) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %s: %v", ledger.ErrDamaged, path, err)
	}
	defer f.Close()
	return read(f)
}

// Log reads the committed log of notices; a ledger kept before the log
// was, gives an empty one (the next build logs every notice it holds).
func (d *Dir) Log() (*record.Log, error) {
	if d.current == "" {
		return &record.Log{}, nil
	}
	p := filepath.Join(d.gen(d.current), logFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &record.Log{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ledger.ErrDamaged, p, err)
	}
	l, err := record.Decode(b, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ledger.ErrDamaged, err)
	}
	return l, nil
}

// Manifest returns the last build's manifest.json, or nil when the
// directory holds none.
func (d *Dir) Manifest() ([]byte, error) { return d.readCurrent(manifestFile) }

// SiteIndex returns the index of the files the last build published, as
// the build gave it to Stage.AddSiteIndex, or nil when the directory holds
// none (a ledger from before the index was kept, or none at all).
func (d *Dir) SiteIndex() ([]byte, error) { return d.readCurrent(siteIndex) }

// readCurrent returns a file of the current generation, or nil when there
// is none.
func (d *Dir) readCurrent(name string) ([]byte, error) {
	if d.current == "" {
		return nil, nil
	}
	p := filepath.Join(d.gen(d.current), name)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state %s: %w", p, err)
	}
	return b, nil
}

// ReadManifest returns the last build's manifest.json in the state
// directory at path without taking its lock (a check that publishes
// nothing), or nil when there is none.
func ReadManifest(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	d := &Dir{path: path}
	cur, err := d.readName(currentFile)
	if err != nil {
		return nil, err
	}
	if cur == "" && d.hasLegacy() {
		cur = legacyGen
	}
	d.current = cur
	return d.Manifest()
}

// Stage is a generation being written for tonight's build.
type Stage struct {
	d      *Dir
	name   string
	digest string
}

// Stage writes tonight's ledger and log into a new generation beside the
// current one. Nothing names it yet: a build that dies now leaves it to be
// swept.
func (d *Dir) Stage(l *ledger.Ledger, log *record.Log) (*Stage, error) {
	if d.lock == nil {
		return nil, fmt.Errorf("state %s: not open for writing", d.path)
	}
	name, err := d.nextName()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(d.path, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state %s: %w", d.path, err)
	}
	st := &Stage{d: d, name: name}
	var nb, sb bytes.Buffer
	if err := ledger.WriteNotices(&nb, l.Notices); err != nil {
		return nil, st.fail(fmt.Errorf("state %s: notices: %w", d.path, err))
	}
	if err := ledger.WriteScores(&sb, l.Scores); err != nil {
		return nil, st.fail(fmt.Errorf("state %s: scores: %w", d.path, err))
	}
	lb := log.Bytes()
	files := []struct {
		name string
		b    []byte
	}{{ledger.NoticesFile, nb.Bytes()}, {ledger.ScoresFile, sb.Bytes()}, {logFile, lb}}
	if l.Tonight != nil {
		files = append(files, struct {
			name string
			b    []byte
		}{ledger.TonightFile, ledger.EncodeTonight(l.Tonight)})
	}
	for _, f := range files {
		if err := writeSynced(filepath.Join(dir, f.name), f.b); err != nil {
			return nil, st.fail(fmt.Errorf("state %s: %w", d.path, err))
		}
	}
	st.digest = digestOf(nb.Bytes(), sb.Bytes(), lb)
	return st, nil
}

func (st *Stage) fail(err error) error {
	os.RemoveAll(filepath.Join(st.d.path, st.name))
	return err
}

// Digest is the SHA-256 of the staged ledger's notices, scores and log: the
// build publishes it in its manifest, which is how the next Open tells
// whether this generation's site went live.
func (st *Stage) Digest() string { return st.digest }

// AddSiteIndex adds the index of the files of tonight's site to the
// staged generation, before Finish: the next build compares its own with
// it to tell what changed.
func (st *Stage) AddSiteIndex(b []byte) error {
	if err := writeSynced(filepath.Join(st.d.path, st.name, siteIndex), b); err != nil {
		return st.fail(fmt.Errorf("state %s: %w", st.d.path, err))
	}
	return nil
}

// Finish adds the build's manifest and the list of builds to the staged
// generation, syncs it, and names it in STAGED.
func (st *Stage) Finish(manifest []byte, builds []ledger.Build) error {
	dir := filepath.Join(st.d.path, st.name)
	if err := writeSynced(filepath.Join(dir, manifestFile), manifest); err != nil {
		return st.fail(fmt.Errorf("state %s: %w", st.d.path, err))
	}
	if err := writeSynced(filepath.Join(dir, ledger.BuildsFile), ledger.EncodeBuilds(builds)); err != nil {
		return st.fail(fmt.Errorf("state %s: %w", st.d.path, err))
	}
	if err := syncDir(dir); err != nil {
		return st.fail(fmt.Errorf("state %s: %w", st.d.path, err))
	}
	if err := replaceFile(st.d.path, stagedFile, []byte(st.name+"\n")); err != nil {
		return st.fail(fmt.Errorf("state %s: %w", st.d.path, err))
	}
	return nil
}

// Commit makes the staged generation the ledger: CURRENT names it, and the
// generations before it are removed.
func (st *Stage) Commit() error {
	if err := st.d.commit(st.name); err != nil {
		return err
	}
	if err := removeSynced(filepath.Join(st.d.path, stagedFile)); err != nil {
		return fmt.Errorf("state %s: %w", st.d.path, err)
	}
	return st.d.sweep()
}

// Discard removes the staged generation (a build that failed before its
// site went live).
func (st *Stage) Discard() {
	if name, _ := st.d.readName(stagedFile); name == st.name {
		removeSynced(filepath.Join(st.d.path, stagedFile))
	}
	os.RemoveAll(filepath.Join(st.d.path, st.name))
}

// commit names gen in CURRENT. A ledger kept at the top of the directory
// is removed once a generation holds its successor.
func (d *Dir) commit(gen string) error {
	if err := replaceFile(d.path, currentFile, []byte(gen+"\n")); err != nil {
		return fmt.Errorf("state %s: %w", d.path, err)
	}
	prev := d.current
	d.current = gen
	if prev == legacyGen {
		for _, f := range []string{ledger.NoticesFile, ledger.ScoresFile, manifestFile} {
			os.Remove(filepath.Join(d.path, f))
		}
	}
	return nil
}

// nextName numbers generations upwards from the highest present.
func (d *Dir) nextName() (string, error) {
	ents, err := os.ReadDir(d.path)
	if err != nil {
		return "", fmt.Errorf("state %s: %w", d.path, err)
	}
	n := 0
	for _, e := range ents {
		if k, err := strconv.Atoi(strings.TrimPrefix(e.Name(), genPrefix)); err == nil && strings.HasPrefix(e.Name(), genPrefix) {
			n = max(n, k)
		}
	}
	return fmt.Sprintf("%s%06d", genPrefix, n+1), nil
}

// digest hashes a generation's notices, scores and log as Stage does.
func digest(dir string) (string, error) {
	var parts [][]byte
	for _, f := range []string{ledger.NoticesFile, ledger.ScoresFile, logFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return "", err
		}
		parts = append(parts, b)
	}
	return digestOf(parts[0], parts[1], parts[2]), nil
}

func digestOf(notices, scores, log []byte) string {
	h := sha256.New()
	for _, f := range []struct {
		name string
		b    []byte
	}{{ledger.NoticesFile, notices}, {ledger.ScoresFile, scores}, {logFile, log}} {
		fmt.Fprintf(h, "%s %d\n", f.name, len(f.b))
		h.Write(f.b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// generations lists the generation directories present, for tests.
func (d *Dir) generations() []string {
	ents, _ := os.ReadDir(d.path)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), genPrefix) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}
