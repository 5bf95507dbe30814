package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/spf13/pflag"
)

// Config holds every flag of every subcommand; each subcommand uses some.
type Config struct {
	Snapshot   string
	Out        string
	State      string
	AsOf       string
	BaseURL    string
	Jobs       int
	Quiet      bool
	LogFormat  string
	Report     string
	Quarantine string
	MaxReject  string
	MaxDrop    string
	MaxDeletes string
	Addr       string
	NewLedger  bool
	AllowEmpty []string
	From       string // restore
	SigningKey string
	Previous   string // verify
	PublicKey  string // verify
	// gen
	Seed      int64
	Providers int
	Orders    int
	Format    string
	Layout    gen.Layout

	set map[string]bool // flags given on the command line
}

// flagDefs declares every flag once: name, usage, and how to bind it.
var flagDefs = map[string]func(fs *pflag.FlagSet, c *Config){
	"snapshot": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Snapshot, "snapshot", "data/sample", "snapshot directory to read")
	},
	"out": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Out, "out", "public", "output directory (replaced atomically)")
	},
	"state": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.State, "state", "", "state directory: the ledger and the previous manifest")
	},
	"as-of": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.AsOf, "as-of", "", "as-of date YYYY-MM-DD (overrides snapshot.json and the directory name)")
	},
	"base-url": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.BaseURL, "base-url", "", "absolute URL the site is served from (canonical links, feeds, sitemap)")
	},
	"jobs":  func(fs *pflag.FlagSet, c *Config) { fs.IntVar(&c.Jobs, "jobs", runtime.NumCPU(), "parallel workers") },
	"quiet": func(fs *pflag.FlagSet, c *Config) { fs.BoolVar(&c.Quiet, "quiet", false, "no progress output") },
	"log-format": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	},
	"report": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Report, "report", "", "write the validation report as JSON to this file")
	},
	"quarantine": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Quarantine, "quarantine", "", "rejected rows CSV (default: quarantine.csv in --state, else beside --out)")
	},
	"max-reject": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.MaxReject, "max-reject", "1%", "refuse when more than this share of a table's rows is rejected (0.01 or 1%)")
	},
	"max-drop": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.MaxDrop, "max-drop", "50%", "refuse when a table's row count falls by more than this share since the previous build")
	},
	"max-deletes": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.MaxDeletes, "max-deletes", "10%", "refuse to publish a site that would delete more than this share of the live site's files")
	},
	"new-ledger": func(fs *pflag.FlagSet, c *Config) {
		fs.BoolVar(&c.NewLedger, "new-ledger", false, "start a new ledger in --state, which must be empty or missing (the first build only)")
	},
	"allow-empty": func(fs *pflag.FlagSet, c *Config) {
		fs.StringSliceVar(&c.AllowEmpty, "allow-empty", nil, "activity tables that may have no rows (orders,tickets,complaints,contact_checks,shop_gmv); others refuse the build when empty")
	},
	"signing-key": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.SigningKey, "signing-key", "", "sign the checkpoint of the log of notices with this key file (disclose keygen writes one)")
	},
	"previous": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Previous, "previous", "", "an earlier night's downloads folder: check that no notice of it disappeared or changed against the rules")
	},
	"public-key": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.PublicKey, "public-key", "", "check the signed checkpoint with this public key file (NAME.pub of disclose keygen)")
	},
	"from": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.From, "from", "", "a published downloads folder (the site's downloads/) to rebuild the ledger from")
	},
	"addr": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to serve on")
	},
	"seed": func(fs *pflag.FlagSet, c *Config) {
		fs.Int64Var(&c.Seed, "seed", 1, "random seed (same seed, same bytes)")
	},
	"providers": func(fs *pflag.FlagSet, c *Config) { fs.IntVar(&c.Providers, "providers", 200, "number of providers") },
	"orders":    func(fs *pflag.FlagSet, c *Config) { fs.IntVar(&c.Orders, "orders", 20000, "number of orders") },
	"format": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Format, "format", "parquet", "parquet, xlsx or both")
	},
	"compression": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Layout.Compression, "compression", "zstd", "Parquet page compression: zstd, snappy or none")
	},
	"partition": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Layout.Partition, "partition", "none", "orders as one file (none) or in monthly hive folders orders/month=YYYY-MM/ (month)")
	},
	"row-group-rows": func(fs *pflag.FlagSet, c *Config) {
		fs.IntVar(&c.Layout.RowGroupRows, "row-group-rows", 1<<20, "most rows of a Parquet row group")
	},
	"decimal": func(fs *pflag.FlagSet, c *Config) {
		fs.StringVar(&c.Layout.Decimal, "decimal", "flba", "money as DECIMAL(18,2) in FIXED_LEN_BYTE_ARRAY (flba, as pyarrow writes it) or INT64 (int64, as Spark writes it)")
	},
}

// usageFor words a flag for a command where the shared wording would name
// something the command does not have.
var usageFor = map[string]map[string]string{
	"validate": {
		"quarantine":  "rejected rows CSV (default: quarantine.csv in --state, else in the current folder)",
		"state":       "state directory whose last manifest the --max-drop check compares with (read only)",
		"allow-empty": "activity tables that may have no rows (orders,tickets,complaints,contact_checks,shop_gmv); others are refused when empty",
	},
	"restore": {
		"state": "state directory to rebuild the ledger in (empty or missing)",
	},
	"serve": {
		"out": "built site to serve",
	},
	"gen": {
		"out":   "folder to write the snapshot into",
		"as-of": "the snapshot's as-of date YYYY-MM-DD (default 2025-06-30)",
	},
}

// errUsage marks bad usage (exit status 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// parseFlags parses args for a subcommand that takes the named flags. With
// --help it prints the subcommand's usage to stdout and returns
// pflag.ErrHelp (exit status 0).
func parseFlags(cmd, summary string, names []string, args []string, stdout io.Writer) (*Config, error) {
	c := &Config{}
	fs := pflag.NewFlagSet(cmd, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, n := range names {
		flagDefs[n](fs, c)
		if u, ok := usageFor[cmd][n]; ok {
			fs.Lookup(n).Usage = u
		}
		if cmd == "gen" && n == "out" {
			fs.Lookup(n).DefValue = "" // required: no default to show
		}
	}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			fmt.Fprintf(stdout, "usage: disclose %s [flags]\n\n%s\n\nFlags:\n%s", cmd, summary, fs.FlagUsages())
			return nil, err
		}
		return nil, errUsage{fmt.Sprintf("disclose %s: %v (see disclose %s --help)", cmd, err, cmd)}
	}
	c.set = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { c.set[f.Name] = true })
	if fs.NArg() > 0 {
		return nil, errUsage{fmt.Sprintf("disclose %s: unexpected argument %q (see disclose %s --help)", cmd, fs.Arg(0), cmd)}
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, errUsage{fmt.Sprintf("disclose %s: --log-format must be text or json", cmd)}
	}
	if slices.Contains(names, "jobs") && c.Jobs < 1 {
		return nil, errUsage{fmt.Sprintf("disclose %s: --jobs must be at least 1", cmd)}
	}
	if c.AsOf != "" {
		if _, err := model.ParseDate(c.AsOf); err != nil {
			return nil, errUsage{fmt.Sprintf("disclose %s: --as-of %q: want a date YYYY-MM-DD", cmd, c.AsOf)}
		}
	}
	for _, t := range c.AllowEmpty {
		if !slices.Contains([]string{"orders", "tickets", "complaints", "contact_checks", "shop_gmv"}, t) {
			return nil, errUsage{fmt.Sprintf("disclose %s: --allow-empty %q: want orders, tickets, complaints, contact_checks or shop_gmv", cmd, t)}
		}
	}
	return c, nil
}
