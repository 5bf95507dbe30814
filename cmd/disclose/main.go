// Command disclose turns a service marketplace's nightly export into a
// public transparency site: ratings with their reasons, promises beside how
// well they were kept, and enforcement notices as permanent records.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"

	"github.com/disclose-project/disclose/pipeline/build"
	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/state"
	"github.com/spf13/pflag"

	_ "time/tzdata" // time zones on machines without a zoneinfo database
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitRefused = 3
)

const usage = `usage: disclose <command> [flags]

Commands:
  build      validate a snapshot, enforce the rule book, publish the site and downloads
  validate   check a snapshot and report what would be used and rejected
  restore    rebuild a lost state directory (the ledger) from published downloads
  verify     recompute and check a published downloads folder on its own
  keygen     write a key pair for signing the log of notices
  gen        write a synthetic snapshot of a given size and seed
  serve      preview a built site on 127.0.0.1

Run 'disclose <command> --help' for the flags of a command; 'disclose --version' for the version.
`

// softMemoryLimit is the heap size the Go runtime is asked to stay near
// unless GOMEMLIMIT says otherwise. It is soft: the collector works harder
// near it (at most half the CPU), it never fails an allocation. Reading
// overlaps evaluating, which lets garbage pile up faster than the default
// pacing collects it; this keeps 10 M orders near 400 MB.
const softMemoryLimit = 384 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	if path := os.Getenv("DISCLOSE_CPUPROFILE"); path != "" {
		// For finding where the time goes: go tool pprof disclose PATH.
		// (os.Exit runs no deferred calls: the profile is stopped below.)
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile() // flushes the profile, if one was started
	os.Exit(code)
}

// run executes a command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, nil)
}

// runWith is run with a hook called at each step of a build's publishing
// (build.Config.Hook), for tests that fail or kill a build at each step.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, hook func(string) error) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "build":
		err = cmdBuild(ctx, args[1:], stdout, stderr, hook)
	case "validate":
		err = cmdValidate(ctx, args[1:], stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, args[1:], stdout, stderr)
	case "verify":
		err = cmdVerify(ctx, args[1:], stdout, stderr)
	case "keygen":
		err = cmdKeygen(ctx, args[1:], stdout, stderr)
	case "gen":
		err = cmdGen(ctx, args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "version":
		fmt.Fprintf(stdout, "disclose %s\n", version)
		return exitOK
	default:
		fmt.Fprintf(stderr, "disclose: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return exitCode(err, stderr)
}

// exitCode maps an error's kind to the exit status, printing it.
func exitCode(err error, stderr io.Writer) int {
	var u errUsage
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	case errors.As(err, &u):
		fmt.Fprintln(stderr, err)
		return exitUsage
	case errors.Is(err, state.ErrLocked):
		fmt.Fprintf(stderr, "disclose: %v\nnothing was changed\n", err)
		return exitFailed
	case build.Refusal(err):
		fmt.Fprintf(stderr, "disclose: %v\nnothing was published\n", err)
		return exitRefused
	case errors.Is(err, ledger.ErrDamaged):
		fmt.Fprintf(stderr, "disclose: %v\nthe ledger was left as it is; restore it from its backup (or disclose restore from the last published downloads)\n", err)
		return exitFailed
	case errors.Is(err, errUnverified):
		return exitFailed
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "disclose: %v\nnothing was published\n", err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "disclose: %v\n", err)
	return exitFailed
}
