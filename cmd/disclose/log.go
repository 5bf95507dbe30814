package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// newLogger logs to stderr as text, or as JSON lines with --log-format
// json; --quiet keeps only warnings and errors.
func newLogger(cfg *Config, stderr io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if cfg.Quiet {
		opts.Level = slog.LevelWarn
	}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

// progress draws a one-line progress display on a terminal: rows read per
// table, pages written, with rate and ETA. It draws nothing with --quiet,
// when stderr is not a terminal, or with CI set.
type progress struct {
	w       io.Writer
	on      bool
	mu      sync.Mutex
	label   string
	start   time.Time
	last    time.Time
	drawn   bool
	total   int64
	current int64
}

func newProgress(cfg *Config, stderr io.Writer) *progress {
	p := &progress{w: stderr}
	if f, ok := stderr.(*os.File); ok && !cfg.Quiet && os.Getenv("CI") == "" && cfg.LogFormat != "json" {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

// update reports n of total (total ≤ 0: unknown) for label.
func (p *progress) update(label string, n, total int64) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if label != p.label {
		p.label, p.start, p.last = label, now, time.Time{}
	}
	p.current, p.total = n, total
	if now.Sub(p.last) < 200*time.Millisecond && (total <= 0 || n < total) {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(n) / secs
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\r\033[K%s: %s", label, group(n))
	if total > 0 {
		width := 24
		done := int(float64(width) * float64(min(n, total)) / float64(total))
		fmt.Fprintf(&b, " of %s [%s%s] %3.0f%%", group(total), strings.Repeat("=", done), strings.Repeat(" ", width-done), 100*float64(min(n, total))/float64(total))
		if rate > 0 && n < total {
			fmt.Fprintf(&b, " ETA %s", time.Duration(float64(total-n)/rate*float64(time.Second)).Round(time.Second))
		}
	}
	fmt.Fprintf(&b, " (%s/s)", group(int64(rate)))
	io.WriteString(p.w, b.String())
	p.drawn = true
}

// Write writes b to the terminal below the progress line: the line is
// cleared first, so a log record never runs on after it.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		io.WriteString(p.w, "\r\033[K")
		p.drawn = false
	}
	return p.w.Write(b)
}

// group formats n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
