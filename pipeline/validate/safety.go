package validate

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Limits are the safety checks' thresholds, as fractions.
type Limits struct {
	MaxReject float64 // refuse when more than this share of a table's rows is rejected
	MaxDrop   float64 // refuse when a table's row count falls by more than this share
}

// ParseFraction reads "0.01" or "1%" as a fraction in [0, 1].
func ParseFraction(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) {
		return 0, fmt.Errorf("%q: want a fraction like 0.01 or a percentage like 1%%", s)
	}
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 {
		return 0, fmt.Errorf("%q: must be between 0 and 1 (0%% and 100%%)", s)
	}
	return f, nil
}

// PreviousCounts are the per-table row counts of the previous build, from
// its manifest.json.
type PreviousCounts map[string]int64

// ParsePrevious reads the row counts of the previous build's manifest.json;
// name says where it came from. No manifest is no counts.
func ParsePrevious(manifest []byte, name string) (PreviousCounts, error) {
	if manifest == nil {
		return nil, nil
	}
	var m struct {
		Inputs struct {
			Tables map[string]struct {
				Read int64 `json:"read"`
			} `json:"tables"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, fmt.Errorf("previous manifest %s: %w", name, err)
	}
	prev := PreviousCounts{}
	for t, c := range m.Inputs.Tables {
		prev[t] = c.Read
	}
	return prev, nil
}

// Check applies the safety checks to a scan's counts. It returns an error
// wrapping ErrRefused that names the table and the figures, or nil.
func Check(st *Stats, lim Limits, prev PreviousCounts) error {
	var msgs []string
	for _, name := range st.Order {
		t := st.Tables[name]
		if t.Read > 0 && float64(t.Rejected) > lim.MaxReject*float64(t.Read) {
			msgs = append(msgs, fmt.Sprintf("%s: %s of %s rows rejected (%.2f%%, limit %s)",
				name, commas(t.Rejected), commas(t.Read), 100*float64(t.Rejected)/float64(t.Read), pct(lim.MaxReject)))
		}
		if p, ok := prev[name]; ok && p > 0 && float64(p-t.Read) > lim.MaxDrop*float64(p) {
			msgs = append(msgs, fmt.Sprintf("%s: %s rows, previous build %s (%+.0f%%, limit %s)",
				name, commas(t.Read), commas(p), 100*float64(t.Read-p)/float64(p), pct(lim.MaxDrop)))
		}
	}
	for name, p := range prev {
		if _, ok := st.Tables[name]; !ok && p > 0 {
			msgs = append(msgs, fmt.Sprintf("%s: missing, previous build had %s rows", name, commas(p)))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrRefused, strings.Join(sortedUnique(msgs), "; "))
}

func sortedUnique(s []string) []string {
	slices.Sort(s)
	out := s[:0]
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }

// commas formats n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
