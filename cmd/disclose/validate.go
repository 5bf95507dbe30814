package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/disclose-project/disclose/pipeline/validate"
)

const validateSummary = `Check a snapshot: read every table, validate every row (rejected rows go to the quarantine),
and apply the safety checks, against the last build's manifest in --state when given. Nothing is
published and the ledger is not touched. Exit status 3 when the snapshot would be refused.`

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("validate", validateSummary,
		[]string{"snapshot", "state", "as-of", "report", "quarantine", "max-reject", "max-drop", "allow-empty", "quiet", "log-format"}, args, stdout)
	if err != nil {
		return err
	}
	bc, err := cfg.build(stderr)
	if err != nil {
		return err
	}
	rep := build.NewReport()
	stats, err := build.Validate(ctx, bc, rep, func() (validate.Sink, error) { return validate.Discard{}, nil })
	if stats != nil {
		printSummary(stdout, stats)
	}
	return rep.Finish(cfg.Report, err)
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
