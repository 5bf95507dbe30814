package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/disclose-project/disclose/pipeline/state"
	"golang.org/x/sys/unix"
)

// paths are a build's places, absolute and with symlinks resolved as far
// as they exist.
type paths struct {
	out, snapshot, state string
}

// resolve makes p absolute and resolves the symlinks of its longest
// existing prefix, so that two names of one place compare equal.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest), nil
		}
		if dir == filepath.Dir(dir) {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// checkPaths refuses places that would have the build replace something
// it must not: --out is replaced whole, so it must not hold the snapshot
// or the state, nor be anything but empty or a site an earlier build
// wrote; the state, the quarantine and the report (which hold the ledger
// and raw rows with merchant ids) must not land in the public tree.
func checkPaths(cfg *Config) (*paths, error) {
	var p paths
	var err error
	if p.out, err = resolve(cfg.Out); err != nil {
		return nil, fmt.Errorf("output %s: %w", cfg.Out, err)
	}
	if p.snapshot, err = resolve(cfg.Snapshot); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", cfg.Snapshot, err)
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrRefused}, args...)...)
	}
	if within(p.snapshot, p.out) || within(p.out, p.snapshot) {
		return nil, refuse("--out %s and --snapshot %s overlap: the build replaces --out whole; give the site a folder of its own", cfg.Out, cfg.Snapshot)
	}
	private := []struct{ flag, path string }{{"--state", cfg.State}, {"--quarantine", Quarantine(cfg)}, {"--report", cfg.Report}}
	for _, x := range private {
		if x.path == "" {
			continue
		}
		r, err := resolve(x.path)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", x.flag, x.path, err)
		}
		if x.flag == "--state" {
			p.state = r
			if within(p.out, r) {
				return nil, refuse("--out %s is inside --state %s: the build replaces --out whole; keep them apart", cfg.Out, cfg.State)
			}
		}
		if within(r, p.out) {
			return nil, refuse("%s %s is inside --out %s, which is published: keep the ledger, the quarantine and the report out of the public tree", x.flag, x.path, cfg.Out)
		}
	}
	st, err := os.Stat(p.out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &p, nil
	case err != nil:
		return nil, fmt.Errorf("output %s: %w", cfg.Out, err)
	case !st.IsDir():
		return nil, refuse("--out %s is a file, not a folder", cfg.Out)
	}
	if parent, err := os.Stat(filepath.Dir(p.out)); err == nil && !sameDevice(st, parent) {
		return nil, refuse("--out %s is a mount point: a folder cannot be swapped in for it; publish to a folder inside it (e.g. %s)",
			cfg.Out, filepath.Join(cfg.Out, "site"))
	}
	ents, err := os.ReadDir(p.out)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", cfg.Out, err)
	}
	if len(ents) > 0 && !isSite(p.out) {
		return nil, refuse("--out %s holds files that no build wrote (no downloads/manifest.json of disclose): the build replaces --out whole; "+
			"give it an empty folder, or a site an earlier build wrote", cfg.Out)
	}
	return &p, nil
}

// isSite reports whether dir holds a site a build wrote.
func isSite(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "downloads", "manifest.json"))
	if err != nil {
		return false
	}
	var m struct {
		Tool string `json:"tool"`
	}
	return json.Unmarshal(b, &m) == nil && m.Tool == "disclose"
}

func sameDevice(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return !ok1 || !ok2 || sa.Dev == sb.Dev
}

// lockOut takes the lock of the output directory (a file beside it), so
// that two builds never write one site at once; the kernel drops the lock
// with the process.
func lockOut(out string) (func(), error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output %s: %w", out, err)
	}
	path := filepath.Join(parent, "."+filepath.Base(out)+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", out, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: output %s is being written by another build; wait for it to finish", state.ErrLocked, out)
		}
		return nil, fmt.Errorf("output %s: lock: %w", out, err)
	}
	return func() { f.Close() }, nil
}

// newTree makes the temporary tree a build writes, beside out. Trees left
// by killed builds were never swapped in; holding the output's lock, the
// build removes them.
func newTree(out string) (string, error) {
	parent, base := filepath.Dir(out), filepath.Base(out)
	ents, err := os.ReadDir(parent)
	if err != nil {
		return "", fmt.Errorf("output %s: %w", out, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+base+".new-") {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return "", fmt.Errorf("output %s: %w", out, err)
	}
	return tmp, nil
}

// swap puts the tree tmp in place of out and returns where the old tree
// went ("" when there was none) and whether the swap was atomic. On Linux
// the two folders are exchanged with renameat2(RENAME_EXCHANGE): a reader
// resolving a path under out sees the old tree or the new, never neither,
// and out stays a plain folder (what hosts, rsync and upload actions
// expect; a symlink flipped by rename would be atomic too, but out would
// become a link into a hidden sibling). A file system that cannot exchange
// gets two renames.
func swap(tmp, out string) (old string, atomic bool, err error) {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, out); err != nil {
			return "", false, fmt.Errorf("output %s: %w", out, err)
		}
		return "", true, syncDir(filepath.Dir(out))
	}
	err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	if err == nil {
		return tmp, true, syncDir(filepath.Dir(out)) // tmp now holds the old tree
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		return "", false, fmt.Errorf("output %s: %w", out, err)
	}
	old = tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		return "", false, fmt.Errorf("output %s: %w", out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out)
		return "", false, fmt.Errorf("output %s: %w", out, err)
	}
	return old, false, syncDir(filepath.Dir(out))
}

// syncTree flushes the tree's files to disk before it is swapped in, so
// that a crash after the swap cannot leave a site of empty files: one
// syncfs(2) for the file system rather than a sync per file.
func syncTree(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
