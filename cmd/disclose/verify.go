package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/disclose-project/disclose/pipeline/verify"
)

const verifySummary = `Check a published downloads folder on its own (no snapshot, no ledger): recompute every
provider's dimensions, score, grade and published status from the published counts with the
rule book the folder holds (rulebook.json); check each notice's period, appeal deadline and
status; check SHA256SUMS, that the CSV, JSON, Parquet and workbook say the same thing, and that
the log of notices (log.jsonl) accounts for every notice. With --previous (an earlier night's
downloads), check that no notice disappeared or changed except as the rules allow, and that the
log extends the earlier one; with --public-key, check the signed checkpoints. Exit 0 when all
holds, 1 naming each provider, notice or file that does not.`

// errUnverified is a verification that found problems (exit status 1).
var errUnverified = errors.New("verification failed")

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var dir string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		dir, args = args[0], args[1:]
	}
	cfg, err := parseFlags("verify", verifySummary, []string{"previous", "public-key"}, args, stdout)
	if err != nil {
		return err
	}
	if dir == "" {
		return errUsage{"disclose verify: want a downloads folder: disclose verify DIR [--previous DIR] [--public-key FILE]"}
	}
	opt := verify.Options{Dir: dir, Previous: cfg.Previous}
	if cfg.PublicKey != "" {
		b, err := os.ReadFile(cfg.PublicKey)
		if err != nil {
			return fmt.Errorf("public key: %w", err)
		}
		opt.PublicKey = string(b)
	}
	res, err := verify.Run(opt)
	if err != nil {
		return fmt.Errorf("verify %s: %w", dir, err)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, p)
	}
	if !res.OK() {
		fmt.Fprintf(stdout, "%d problems (%s)\n", len(res.Problems), res.Summary())
		return errUnverified
	}
	fmt.Fprintf(stdout, "verified %s: %s\n", dir, res.Summary())
	return nil
}
