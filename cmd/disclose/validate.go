package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/snapshot"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// Report is what --report writes.
type Report struct {
	AsOf     string                          `json:"as_of"`
	Tables   map[string]*validate.TableStats `json:"tables"`
	Refused  *string                         `json:"refused"`
	Timings  map[string]float64              `json:"timings,omitempty"`
	Findings int                             `json:"findings,omitempty"`
	Notices  *NoticeCounts                   `json:"notices,omitempty"`
}

// NoticeCounts summarises the ledger after a build.
type NoticeCounts struct {
	InForce   int `json:"in_force"`
	Issued    int `json:"issued"`
	Expired   int `json:"expired"`
	Rescinded int `json:"rescinded"`
}

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("validate", "Check a snapshot: read every table, validate every row, apply the safety checks.\nNothing is published. Exit status 3 when the snapshot would be refused.",
		[]string{"snapshot", "state", "as-of", "report", "quarantine", "max-reject", "max-drop", "quiet", "log-format"}, args, stderr)
	if err != nil {
		return err
	}
	lim, err := limits(cfg)
	if err != nil {
		return err
	}
	book, err := rulebook.Load(content.FS)
	if err != nil {
		return err
	}
	rep := &Report{Tables: map[string]*validate.TableStats{}}
	snap, err := snapshot.Open(cfg.Snapshot, snapshot.Options{AsOf: cfg.AsOf, DefaultZone: book.TimezoneDefault})
	if err != nil {
		return finishReport(cfg.Report, rep, err)
	}
	rep.AsOf = snap.AsOf.String()
	stats, err := load(ctx, snap, book, nopSink{}, quarantinePath(cfg), newProgress(cfg, stderr))
	if stats != nil {
		rep.Tables = stats.Tables
		printSummary(stdout, stats)
	}
	if err == nil {
		_, err = safety(cfg, stats, lim)
	}
	return finishReport(cfg.Report, rep, err)
}

// finishReport records a refusal in the report and writes it.
func finishReport(path string, rep *Report, err error) error {
	if err != nil && (errors.Is(err, validate.ErrRefused) || errors.Is(err, snapshot.ErrSnapshot)) {
		msg := err.Error()
		rep.Refused = &msg
	}
	if werr := writeReport(path, rep); werr != nil && err == nil {
		err = werr
	}
	return err
}

func limits(cfg *Config) (validate.Limits, error) {
	var lim validate.Limits
	var err error
	if lim.MaxReject, err = validate.ParseFraction(cfg.MaxReject); err != nil {
		return lim, errUsage{"--max-reject " + err.Error()}
	}
	if lim.MaxDrop, err = validate.ParseFraction(cfg.MaxDrop); err != nil {
		return lim, errUsage{"--max-drop " + err.Error()}
	}
	return lim, nil
}

// quarantinePath is --quarantine, else quarantine.csv in --state, else
// beside --out.
func quarantinePath(cfg *Config) string {
	switch {
	case cfg.Quarantine != "":
		return cfg.Quarantine
	case cfg.State != "":
		return filepath.Join(cfg.State, "quarantine.csv")
	case cfg.Out != "":
		return filepath.Join(filepath.Dir(filepath.Clean(cfg.Out)), "quarantine.csv")
	}
	return "quarantine.csv"
}

// load validates the snapshot into sink, then closes its workbooks.
func load(ctx context.Context, snap *snapshot.Snapshot, book *rulebook.Book, sink validate.Sink, qpath string, prog *progress) (*validate.Stats, error) {
	defer snap.Close()
	defer prog.done()
	q, err := validate.NewQuarantine(qpath)
	if err != nil {
		return nil, err
	}
	stats, err := validate.Scan(ctx, snap, book, sink, q, validate.Progress(func(table string, read, total int64) {
		prog.update("reading "+table, read, total)
	}))
	if err != nil {
		q.Abort()
		return stats, err
	}
	return stats, q.Close()
}

// safety applies the safety checks against the previous build's manifest
// in --state, and returns that build's row counts.
func safety(cfg *Config, stats *validate.Stats, lim validate.Limits) (validate.PreviousCounts, error) {
	prev, err := validate.ReadPrevious(cfg.State)
	if err != nil {
		return nil, err
	}
	return prev, validate.Check(stats, lim, prev)
}

func writeReport(path string, rep *Report) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(rep, "", "  ")
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

func printSummary(w io.Writer, st *validate.Stats) {
	fmt.Fprintf(w, "snapshot as of %s\n", st.AsOf)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\tfiles\tread\tused\trejected\treasons\t")
	for _, name := range st.Order {
		t := st.Tables[name]
		var rs []string
		for r, n := range t.Reasons {
			rs = append(rs, fmt.Sprintf("%s=%d", r, n))
		}
		slices.Sort(rs)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t\n", name, len(t.Files), t.Read, t.Used, t.Rejected, strings.Join(rs, " "))
	}
	tw.Flush()
	for _, name := range st.Order {
		if x := st.Tables[name].Extra; len(x) > 0 {
			fmt.Fprintf(w, "%s: extra columns ignored: %s\n", name, strings.Join(x, ", "))
		}
	}
}
