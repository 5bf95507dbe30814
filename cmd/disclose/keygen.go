package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/disclose-project/disclose/pipeline/record"
)

const keygenSummary = `Write a key pair for signing the checkpoint of the log of notices: NAME.key (the signing key,
for build --signing-key; keep it secret, out of the repository) and NAME.pub (the public key, for
verify --public-key; publish it). NAME names the signer, e.g. the site's host name. Existing files
are never overwritten.`

func cmdKeygen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprintf(stdout, "usage: disclose keygen NAME\n\n%s\n", keygenSummary)
		return nil
	}
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return errUsage{"disclose keygen: want one NAME (see disclose keygen --help)"}
	}
	name := args[0]
	skey, vkey, err := record.Keygen(strings.TrimSuffix(name, "/"))
	if err != nil {
		return fmt.Errorf("keygen %s: %w", name, err)
	}
	for _, f := range []struct {
		path, text string
		mode       os.FileMode
	}{{name + ".key", skey, 0o600}, {name + ".pub", vkey, 0o644}} {
		w, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return fmt.Errorf("keygen: %w", err)
		}
		_, err = fmt.Fprintln(w, f.text)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("keygen: %w", err)
		}
	}
	fmt.Fprintf(stdout, "wrote %s.key (keep it secret) and %s.pub (publish it)\n", name, name)
	return nil
}
