package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/disclose-project/disclose/pipeline/validate"
)

// version is the tool's version, recorded in the manifest.
const version = "0.2.0"

const buildSummary = `Validate a snapshot, enforce the rule book, and publish the site, the downloads and the
new ledger. With no flags it builds the shipped sample snapshot into public/ and keeps no ledger.

A ledger (--state) is started deliberately: the first build passes --new-ledger; every later
build finds it there and is refused (exit 3) when it is missing, when --as-of goes back before
its last build, or when another build holds it (exit 1).`

var buildFlags = []string{"snapshot", "out", "state", "new-ledger", "as-of", "base-url", "jobs", "quiet", "log-format",
	"report", "quarantine", "max-reject", "max-drop", "max-deletes", "allow-empty", "signing-key"}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer, hook func(string) error) error {
	cfg, err := parseFlags("build", buildSummary, buildFlags, args, stdout)
	if err != nil {
		return err
	}
	bc, err := cfg.build(stderr)
	if err != nil {
		return err
	}
	bc.Hook = hook
	_, err = build.Run(ctx, bc)
	return err
}

// build turns the flags into the build's Config, with its log and
// progress display on stderr.
func (c *Config) build(stderr io.Writer) (*build.Config, error) {
	lim, err := limits(c)
	if err != nil {
		return nil, err
	}
	maxDeletes := 1.0 // a command without the flag publishes nothing
	if c.MaxDeletes != "" {
		if maxDeletes, err = validate.ParseFraction(c.MaxDeletes); err != nil {
			return nil, errUsage{"--max-deletes " + err.Error()}
		}
	}
	if c.NewLedger && c.State == "" {
		return nil, errUsage{"disclose build: --new-ledger starts a ledger in --state: give --state too"}
	}
	var key string
	if c.SigningKey != "" {
		b, err := os.ReadFile(c.SigningKey)
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		key = string(b)
	}
	prog := newProgress(c, stderr)
	return &build.Config{SigningKey: key, Snapshot: c.Snapshot, Out: c.Out, State: c.State, NewLedger: c.NewLedger, AsOf: c.AsOf,
		BaseURL: c.BaseURL, Jobs: c.Jobs, Report: c.Report, Quarantine: c.Quarantine, Limits: lim, MaxDeletes: maxDeletes, AllowEmpty: c.AllowEmpty,
		Version: version, Log: newLogger(c, prog), Progress: prog.update, PublishHeadroom: publishHeadroom()}, nil
}

// publishHeadroom is the memory per provider the site and downloads may
// use above what the evaluation keeps before the collector works hard
// (see main's soft limit, which it raises once the rows are read): enough
// for the pages two workers render and the downloads' tables, 9 KiB a
// provider (448 MiB at 50,000). A GOMEMLIMIT of the caller's own is left
// as it is.
func publishHeadroom() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	return 9 << 10
}
