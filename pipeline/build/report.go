package build

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// Report is what --report writes: the validation counts, the refusal if
// any, and for a build its timings and notice counts. It is not part of
// the published tree.
type Report struct {
	AsOf    string                          `json:"as_of"`
	Tables  map[string]*validate.TableStats `json:"tables"`
	Refused *string                         `json:"refused"`
	Timings map[string]float64              `json:"timings,omitempty"`
	// PeakMemory is the process's peak resident memory in MiB by the end
	// of each stage (a high-water mark: the stage that raised it is the
	// first whose figure is the largest).
	PeakMemory map[string]float64 `json:"peak_memory_mib,omitempty"`
	Findings   int                `json:"findings,omitempty"`
	Notices    *NoticeCounts      `json:"notices,omitempty"`

	started time.Time
}

// NoticeCounts summarises the ledger after a build.
type NoticeCounts struct {
	InForce   int `json:"in_force"`
	Issued    int `json:"issued"`
	Renewed   int `json:"renewed"`
	Expired   int `json:"expired"`
	Rescinded int `json:"rescinded"`
}

// NewReport returns an empty report, its clock started.
func NewReport() *Report {
	return &Report{Tables: map[string]*validate.TableStats{}, Timings: map[string]float64{}, PeakMemory: map[string]float64{}, started: time.Now()}
}

// Refusal reports whether err refuses the snapshot or the build (exit 3):
// a safety check, a snapshot that cannot be read as the contract says, or
// a guard.
func Refusal(err error) bool {
	return errors.Is(err, validate.ErrRefused) || errors.Is(err, snapshot.ErrSnapshot) || errors.Is(err, ErrRefused)
}

func (r *Report) fail(err error) {
	if Refusal(err) {
		msg := err.Error()
		r.Refused = &msg
	}
}

func (r *Report) record(ev *Evaluation) {
	nc := &NoticeCounts{Issued: len(ev.Changes.Issued), Renewed: len(ev.Changes.Renewed), Expired: len(ev.Changes.Expired),
		Rescinded: len(ev.Changes.Rescinded)}
	for _, n := range ev.Notices {
		if n.Status == model.InForce {
			nc.InForce++
		}
	}
	r.Notices, r.Findings = nc, len(ev.Result.Findings)
}

// write writes the report as indented JSON to path ("" writes nothing).
func (r *Report) write(path string) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		os.MkdirAll(dir, 0o755)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// peakMemory is the process's peak resident memory so far, in MiB.
func peakMemory() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}
