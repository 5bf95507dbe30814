package state

import (
	"os"
	"path/filepath"
	"syscall"
)

// flock takes an exclusive lock on f without waiting. The kernel drops it
// when the process ends, however it ends.
func flock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// writeSynced writes a new file and syncs it to disk before returning.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// replaceFile replaces dir/name by b atomically: written beside it,
// synced, renamed over it, and the directory synced, so that after a crash
// the name holds the old bytes or the new, never a part.
func replaceFile(dir, name string, b []byte) error {
	tmp := filepath.Join(dir, ".tmp-"+name)
	if err := writeSynced(tmp, b); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// removeSynced removes a file and syncs its directory.
func removeSynced(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir syncs a directory, so that the names created or renamed in it
// are on disk.
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
