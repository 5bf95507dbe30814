package main

import (
	"context"
	"io"
)

func cmdGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, err := parseFlags("gen", "Write a synthetic snapshot.", []string{"out", "seed", "providers", "orders", "format", "as-of"}, args, stderr)
	return err
}
