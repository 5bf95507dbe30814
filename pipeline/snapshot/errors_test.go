package snapshot

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestErrorsWrapTheirCause wants a snapshot error to be both ErrSnapshot
// and its cause, so that a caller can tell a missing folder from a corrupt
// file with errors.Is.
func TestErrorsWrapTheirCause(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no-such-snapshot"), Options{AsOf: "2025-06-30"})
	if !errors.Is(err, ErrSnapshot) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open a missing folder: %v: want ErrSnapshot and fs.ErrNotExist", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(`{"as_of": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{})
	var typeErr *json.UnmarshalTypeError
	if !errors.Is(err, ErrSnapshot) || !errors.As(err, &typeErr) {
		t.Fatalf("open with a malformed snapshot.json: %v: want ErrSnapshot and the JSON error wrapped", err)
	}
}
