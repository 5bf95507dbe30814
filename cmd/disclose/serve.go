package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"time"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("serve", "Preview a built site: serve --out on --addr with the right content types and the\nsite's own 404 page, following each rebuild. Stop with Ctrl-C.", []string{"out", "addr"}, args, stdout)
	if err != nil {
		return err
	}
	h, err := siteHandler(cfg.Out)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "serving %s at http://%s/ (Ctrl-C to stop)\n", cfg.Out, ln.Addr())
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// contentTypes maps a file name's extension to its content type.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".json": "application/json", ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml",
	".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".parquet": "application/vnd.apache.parquet",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".zip": "application/zip",
}

func contentType(name string) string {
	switch base := path.Base(name); {
	case base == "feed.xml":
		return "application/atom+xml; charset=utf-8"
	case base == "SHA256SUMS":
		return "text/plain; charset=utf-8"
	}
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// siteHandler serves a built site from dir. Requests cannot leave dir
// (os.Root); a directory is served by its index.html; anything missing gets
// the 404 page of its language with status 404. dir is opened anew for
// every request: a build swaps a new tree in under the same name, and an
// old handle would go on serving the removed tree.
func siteHandler(dir string) (http.Handler, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.Error(w, "site not available", http.StatusServiceUnavailable)
			return
		}
		defer root.Close()
		fsys := root.FS()
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		st, err := fs.Stat(fsys, name)
		if err == nil && st.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				// The cleaned path, from the root: never "//host/…", which
				// a browser would take for another site.
				target := "/" + name + "/"
				if name == "." {
					target = "/"
				}
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
			name = path.Join(name, "index.html")
			st, err = fs.Stat(fsys, name)
		}
		status := http.StatusOK
		if err != nil || st.IsDir() {
			status = http.StatusNotFound
			name = "404.html"
			if strings.HasPrefix(r.URL.Path, "/en/") {
				name = "en/404.html"
			}
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", contentType(name))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		if r.Method == http.MethodGet {
			w.Write(b)
		}
	}), nil
}
