package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
)

func cmdGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("gen", "Write a synthetic snapshot: reference tables in reference.xlsx (Chinese labels), activity\ntables in Parquet (--format parquet), one workbook each (xlsx), or both encodings of the same\nsnapshot in OUT/parquet and OUT/xlsx (both). The same seed gives the same bytes.",
		[]string{"out", "seed", "providers", "orders", "format", "as-of"}, args, stdout)
	if err != nil {
		return err
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
		o := gen.Options{Out: out, Seed: cfg.Seed, Providers: cfg.Providers, Orders: cfg.Orders, AsOf: asOf, Zone: zone, Format: f}
		if err := gen.Write(o); err != nil {
			return err
		}
	}
	return nil
}
