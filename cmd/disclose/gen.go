package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
)

func cmdGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("gen", "Write a synthetic snapshot: reference tables in reference.xlsx (Chinese labels), activity\ntables in Parquet (--format parquet), one workbook each (xlsx), or both encodings of the same\nsnapshot in OUT/parquet and OUT/xlsx (both). The same seed gives the same bytes. --compression,\n--partition, --row-group-rows and --decimal lay the Parquet files out as other writers do (Spark:\nsnappy, month, about 50,000 rows, int64; pyarrow: snappy, flba); the default is gen's own.",
		[]string{"out", "seed", "providers", "orders", "format", "as-of", "compression", "partition", "row-group-rows", "decimal"}, args, stdout)
	if err != nil {
		return err
	}
	for _, f := range []string{"compression", "partition", "row-group-rows", "decimal"} {
		if cfg.set[f] && cfg.Format == "xlsx" {
			return errUsage{fmt.Sprintf("disclose gen: --%s lays out Parquet files; --format xlsx writes none", f)}
		}
	}
	formats := map[string][]string{"parquet": {"parquet"}, "xlsx": {"xlsx"}, "both": {"parquet", "xlsx"}}[cfg.Format]
	if formats == nil {
		return errUsage{fmt.Sprintf("disclose gen: --format %q: want parquet, xlsx or both", cfg.Format)}
	}
	asOf := model.DateOf(2025, time.June, 30)
	if cfg.AsOf != "" {
		if asOf, err = model.ParseDate(cfg.AsOf); err != nil {
			return errUsage{"disclose gen: --as-of: " + err.Error()}
		}
	}
	if !cfg.set["out"] {
		return errUsage{"disclose gen: --out is required"}
	}
	zone, _ := time.LoadLocation("Asia/Shanghai")
	for _, f := range formats {
		out := cfg.Out
		if len(formats) > 1 {
			out = filepath.Join(cfg.Out, f)
		}
		o := gen.Options{Out: out, Seed: cfg.Seed, Providers: cfg.Providers, Orders: cfg.Orders, AsOf: asOf, Zone: zone, Format: f, Layout: cfg.Layout}
		if err := gen.Write(o); err != nil {
			return err
		}
		if err := describe(stdout, out, o); err != nil {
			return err
		}
	}
	return nil
}

// describe says what gen wrote: the snapshot's size and every file in it.
func describe(w io.Writer, dir string, o gen.Options) error {
	fmt.Fprintf(w, "wrote %s: a %s snapshot as of %s, %s providers, %s orders (seed %d)\n", dir, o.Format, o.AsOf,
		group(int64(o.Providers)), group(int64(o.Orders)), o.Seed)
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(w, "  %-40s %12s bytes\n", filepath.ToSlash(rel), group(info.Size()))
		return nil
	})
}
