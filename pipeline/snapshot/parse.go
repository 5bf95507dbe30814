package snapshot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/disclose-project/disclose/pipeline/model"
)

// excelEpoch is 1970-01-01 as an Excel serial day number (1900 system).
const excelEpoch = 25569

// ParseID reads an id: any non-empty text; a whole number written with a
// fraction of zero or an exponent ("42.0", "4.2E+1") is formatted as a plain
// decimal integer, as an id stored in a number cell is.
func ParseID(s string) (string, bool) {
	s = trimSpace(s)
	if s == "" {
		return "", false
	}
	if looksNumeric(s) && strings.ContainsAny(s, ".eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), true
		}
	}
	return s, true
}

// trimSpace is strings.TrimSpace, quicker for the usual value, which has
// no space at either end: it is called for every text value read.
func trimSpace(s string) string {
	if len(s) > 0 && plainByte(s[0]) && plainByte(s[len(s)-1]) {
		return s
	}
	return strings.TrimSpace(s)
}

// plainByte reports whether c is an ASCII byte that is neither a space nor
// a control character (so certainly not the start or end of a space).
func plainByte(c byte) bool { return c > ' ' && c < utf8.RuneSelf }

func looksNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// ParseInt reads a whole number ("12", "12.0"); a fraction is an error.
func ParseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("int %q: not a number", s)
	}
	if f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, fmt.Errorf("int %q: not a whole number", s)
	}
	return int64(f), nil
}

// ParseNumber reads a finite decimal number.
func ParseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %q: not a finite number", s)
	}
	return f, nil
}

// ParseBool reads every spelling of a boolean the snapshot allows:
// TRUE/FALSE, 1/0, 是/否, yes/no (any case), and T/F, Y/N.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "是", "yes", "y", "t", "1.0":
		return true, nil
	case "false", "0", "否", "no", "n", "f", "0.0":
		return false, nil
	}
	return false, fmt.Errorf("bool %q: want TRUE/FALSE, 1/0, 是/否 or yes/no", s)
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006/1/2", "2006-1-2"}

// ParseDate reads a date: YYYY-MM-DD text (also with slashes), an Excel serial
// day number (its fraction, a time of day, is dropped), or a local date-time
// whose date part is taken.
func ParseDate(s string, clock *model.Clock) (model.Date, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return model.Date(t.Unix() / 86400), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || f < 1 || f > 2958466 { // 9999-12-31
			return 0, fmt.Errorf("date %q: serial out of range", s)
		}
		return model.Date(int64(math.Floor(f)) - excelEpoch), nil
	}
	if t, err := ParseTime(s, clock); err == nil {
		return clock.Day(t), nil
	}
	return 0, fmt.Errorf("date %q: want YYYY-MM-DD or a date cell", s)
}

var localLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006/01/02 15:04:05", "2006/01/02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
}

// ParseTime reads an instant: RFC 3339 text (with its offset), local
// "YYYY-MM-DD HH:MM[:SS]" text, or an Excel serial date-time (local),
// rounded to the millisecond Excel can hold.
func ParseTime(s string, clock *model.Clock) (model.Instant, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return model.Instant(t.UnixMicro()), nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05Z07:00", s); err == nil {
		return model.Instant(t.UnixMicro()), nil
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return clock.FromWall(t.UnixMicro()), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || f < 1 || f >= 2958466 {
			return 0, fmt.Errorf("time %q: serial out of range", s)
		}
		ms := math.Round((f - excelEpoch) * 86400 * 1000)
		return clock.FromWall(int64(ms) * 1000), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return clock.FromWall(t.UnixMicro()), nil
		}
	}
	return 0, fmt.Errorf("time %q: want RFC 3339, YYYY-MM-DD HH:MM[:SS] or a date-time cell", s)
}
