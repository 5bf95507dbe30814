package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Only regular files are read: a link (out of the snapshot or not), a
// named pipe or a device is refused by name, and nothing waits on it.
func TestOnlyRegularFilesAreRead(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "orders.parquet"), []byte("PAR1"), 0o644)
	for _, tc := range []struct {
		name, file, want string
		make             func(dir string) error
	}{
		{"a table linked from outside", "orders.parquet", "orders.parquet: a symbolic link", func(dir string) error {
			return os.Symlink(filepath.Join(outside, "orders.parquet"), filepath.Join(dir, "orders.parquet"))
		}},
		{"a table linked from inside", "orders.parquet", "orders.parquet: a symbolic link", func(dir string) error {
			os.WriteFile(filepath.Join(dir, "data"), []byte("PAR1"), 0o644)
			return os.Symlink("data", filepath.Join(dir, "orders.parquet"))
		}},
		{"a partition linked", "orders/month=2024-06", "orders/month=2024-06: a symbolic link", func(dir string) error {
			os.MkdirAll(filepath.Join(dir, "orders"), 0o755)
			return os.Symlink(outside, filepath.Join(dir, "orders", "month=2024-06"))
		}},
		{"a named pipe", "orders.parquet", "orders.parquet: a named pipe", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, "orders.parquet"), 0o644)
		}},
		{"a pipe in a table's folder", "orders/part-0.parquet", "orders/part-0.parquet: a named pipe", func(dir string) error {
			os.MkdirAll(filepath.Join(dir, "orders"), 0o755)
			return syscall.Mkfifo(filepath.Join(dir, "orders", "part-0.parquet"), 0o644)
		}},
		{"a workbook that is a pipe", "reference.xlsx", "reference.xlsx: a named pipe", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, "reference.xlsx"), 0o644)
		}},
		{"snapshot.json from /dev/zero", "snapshot.json", "snapshot.json: a symbolic link", func(dir string) error {
			return os.Symlink("/dev/zero", filepath.Join(dir, "snapshot.json"))
		}},
		{"snapshot.json a pipe", "snapshot.json", "snapshot.json: a named pipe", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, "snapshot.json"), 0o644)
		}},
		{"snapshot.json of a megabyte", "snapshot.json", "snapshot.json: larger than 64 KiB", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": "2025-06-30", "platform": "`+strings.Repeat("x", 1<<20)+`"}`), 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.make(dir); err != nil {
				t.Skip(err)
			}
			_, err := Open(dir, Options{AsOf: "2025-06-30"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open: %v, want %q", err, tc.want)
			}
		})
	}
	// A stray link beside the tables is not read, so not refused.
	dir := t.TempDir()
	os.Symlink("/dev/zero", filepath.Join(dir, "notes.txt"))
	if _, err := Open(dir, Options{AsOf: "2025-06-30"}); err != nil {
		t.Errorf("a link named notes.txt: %v", err)
	}
	if err := regular("x", os.ModeDevice|os.ModeCharDevice); err == nil || !strings.Contains(err.Error(), "x: a device") {
		t.Errorf("a device: %v", err)
	}
}

func TestHostZonesAreRefused(t *testing.T) {
	for _, zone := range []string{"Local", "localtime", "posixrules", "Factory"} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": "2025-06-30", "timezone": "`+zone+`"}`), 0o644)
		if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "depends on the machine") {
			t.Errorf("timezone %s: %v", zone, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": "2025-06-30", "timezone": "Asia/Shanghai"}`), 0o644)
	if _, err := Open(dir, Options{}); err != nil {
		t.Errorf("Asia/Shanghai: %v", err)
	}
}
