package main

import (
	"context"
	"fmt"
	"io"

	"github.com/disclose-project/disclose/pipeline/build"
)

const restoreSummary = `Rebuild a lost state directory from a site's published downloads folder: every notice ever
issued (with its id, status and dates), every provider's grade in every build, and the list of
builds, checked against the folder's SHA256SUMS. --state must be empty or missing; the next build
then continues the ledger as if it had never been lost.`

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("restore", restoreSummary, []string{"from", "state"}, args, stdout)
	if err != nil {
		return err
	}
	if cfg.From == "" || cfg.State == "" {
		return errUsage{"disclose restore: --from DOWNLOADS and --state DIR are required (see disclose restore --help)"}
	}
	r, err := build.Restore(cfg.State, cfg.From)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s: %d notices, %d scores over %d builds (the last on %s)\n",
		cfg.State, cfg.From, r.Notices, r.Scores, r.Builds, r.LastBuild)
	return nil
}
