package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/disclose-project/disclose/pipeline/gen"
	"github.com/disclose-project/disclose/pipeline/model"
)

func cmdGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("gen", "Write a synthetic snapshot: reference tables in reference.xlsx (Chinese labels), activity\ntables in Parquet. The same seed gives the same bytes.",
		[]string{"out", "seed", "providers", "orders", "format", "as-of"}, args, stderr)
	if err != nil {
		return err
	}
	if cfg.Format != "parquet" {
		return errUsage{fmt.Sprintf("disclose gen: --format %s: only parquet (reference tables in Excel, activity tables in Parquet) is written so far", cfg.Format)}
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
	return gen.Write(gen.Options{Out: cfg.Out, Seed: cfg.Seed, Providers: cfg.Providers, Orders: cfg.Orders, AsOf: asOf, Zone: zone})
}
