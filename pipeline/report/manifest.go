package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// FileSum is one file with its size and SHA-256.
type FileSum struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   *int64 `json:"rows,omitempty"`
}

// TableCount is one input table's row counts.
type TableCount struct {
	Read     int64 `json:"read"`
	Used     int64 `json:"used"`
	Rejected int64 `json:"rejected"`
}

// Manifest records what a build read and wrote.
type Manifest struct {
	Tool            string `json:"tool"`
	ToolVersion     string `json:"tool_version"`
	RulebookVersion string `json:"rulebook_version"`
	// RulebookSHA256 is the SHA-256 of the rule book in force, published
	// beside it as rulebook.json.
	RulebookSHA256 string `json:"rulebook_sha256"`
	AsOf           string `json:"as_of"`
	Platform       string `json:"platform,omitempty"`
	// LedgerSHA256 is the digest of the ledger the build committed with
	// this site (empty for a build that keeps no ledger): how the next
	// build tells whether this site went live.
	LedgerSHA256 string `json:"ledger_sha256,omitempty"`
	Inputs       struct {
		Files  []FileSum             `json:"files"`
		Tables map[string]TableCount `json:"tables"`
	} `json:"inputs"`
	Outputs []FileSum `json:"outputs"`
}

// Sum hashes one file.
func Sum(path, name string) (FileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, fmt.Errorf("read %s: %w", path, err)
	}
	return FileSum{Path: name, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// SumTree hashes every file below dir, by path.
func SumTree(dir string) ([]FileSum, error) {
	var out []FileSum
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s, err := Sum(p, filepath.ToSlash(rel))
		out = append(out, s)
		return err
	})
	slices.SortFunc(out, func(a, b FileSum) int {
		if a.Path < b.Path {
			return -1
		} else if a.Path > b.Path {
			return 1
		}
		return 0
	})
	return out, err
}

// Write writes the manifest as indented JSON.
func (m *Manifest) Write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
