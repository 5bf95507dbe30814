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

// Excel serial day numbers count days from an epoch that depends on the
// workbook's date system: serialEpoch1900 is 1970-01-01 in the 1900 system
// (the default), serialEpoch1904 in the 1904 system (workbookPr date1904,
// common in workbooks from Mac Excel).
const (
	serialEpoch1900 = 25569
	serialEpoch1904 = 24107
)

// ParseID reads an id: any non-empty text the register can publish (see
// textOK); a whole number written with a fraction of zero or an exponent
// ("42.0", "4.2E+1") is formatted as a plain decimal integer, as an id
// stored in a number cell is.
func ParseID(s string) (string, bool) {
	s = trimSpace(s)
	if s == "" || !textOK(s) {
		return "", false
	}
	return numericID(s), true
}

// numericID formats an id written as a whole number with a fraction or an
// exponent as a plain decimal integer; any other id is returned as it is.
func numericID(s string) string {
	if looksNumeric(s) && strings.ContainsAny(s, ".eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	return s
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

// textOK reports whether s is text the register publishes as it is, the
// same in every output: valid UTF-8 of characters XML allows, with no
// control character but TAB, LF and CR (so no C0 or C1 control, DEL,
// U+FFFE or U+FFFF), and at most model.MaxText UTF-16 code units (an
// Excel cell holds 32,767). Text that is not is rejected, never repaired:
// replacing characters would publish words the export did not hold.
func textOK(s string) bool {
	if len(s) > 4*model.MaxText {
		return false
	}
	i := 0
	for ; i < len(s); i++ { // the usual text: printable ASCII
		if c := s[i]; c < ' ' || c >= 0x7f {
			break
		}
	}
	if i == len(s) {
		return len(s) <= model.MaxText
	}
	rest := s[i:]
	if !utf8.ValidString(rest) {
		return false
	}
	units := i
	for _, r := range rest {
		switch {
		case r < ' ' && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff:
			return false
		case r >= 0x10000:
			units += 2
		default:
			units++
		}
	}
	return units <= model.MaxText
}

// ParseInt reads a whole number ("12", "12.0", "1.2E+1"); a fraction, or
// anything that is not a decimal number, is an error.
func ParseInt(s string) (int64, error) {
	d, ok := model.ParseDecimal(s)
	if !ok {
		return 0, fmt.Errorf("int %s: not a number", model.Clip(s))
	}
	n, ok := d.Int()
	if !ok {
		return 0, fmt.Errorf("int %s: not a whole number an int64 holds", model.Clip(s))
	}
	return n, nil
}

// ParseNumber reads a finite decimal number.
func ParseNumber(s string) (float64, error) {
	d, ok := model.ParseDecimal(s)
	if !ok {
		return 0, fmt.Errorf("number %s: not a number", model.Clip(s))
	}
	f := d.Float()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %s: not a finite number", model.Clip(s))
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
	return false, fmt.Errorf("bool %s: want TRUE/FALSE, 1/0, 是/否 or yes/no", model.Clip(s))
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006/1/2", "2006-1-2"}

// ParseDate reads a date written as text: YYYY-MM-DD (also with slashes), or
// a local date-time whose date part is taken. A number is not a date: a
// serial day number counts only from a numeric cell (SerialDate), so a bare
// "2025" is an error, not 1905-07-17.
func ParseDate(s string, clock *model.Clock) (model.Date, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return model.Date(t.Unix() / 86400), nil
		}
	}
	if t, err := ParseTime(s, clock); err == nil {
		return clock.Day(t), nil
	}
	return 0, fmt.Errorf("date %s: want YYYY-MM-DD or a date cell", model.Clip(s))
}

// SerialDate reads an Excel serial day number from a numeric cell, counted
// from epoch (serialEpoch1900 or serialEpoch1904); its fraction, a time of
// day, is dropped. A serial before 1970-01-01 or after 9999-12-31 is an
// error.
func SerialDate(s string, epoch int64) (model.Date, error) {
	f, err := serial(s, epoch)
	if err != nil {
		return 0, fmt.Errorf("date %w", err)
	}
	return model.Date(int64(math.Floor(f)) - epoch), nil
}

// serial reads a serial day number, in range for the epoch.
func serial(s string, epoch int64) (float64, error) {
	d, ok := model.ParseDecimal(s)
	if !ok {
		return 0, fmt.Errorf("%s: not a serial day number", model.Clip(s))
	}
	f := d.Float()
	if f < float64(epoch+int64(model.MinDate)) || f >= float64(epoch+int64(model.MaxDate)+1) {
		return 0, fmt.Errorf("%s: serial out of range (1970-01-01 to 9999-12-31)", model.Clip(s))
	}
	return f, nil
}

var localLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006/01/02 15:04:05", "2006/01/02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
}

// ParseTime reads an instant written as text: RFC 3339 (with its offset),
// or local "YYYY-MM-DD HH:MM[:SS]". A date alone is not a time (it would
// put the event at midnight), and a number is not one either: a serial
// date-time counts only from a numeric cell (SerialTime).
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
	return 0, fmt.Errorf("time %s: want RFC 3339, YYYY-MM-DD HH:MM[:SS] or a date-time cell", model.Clip(s))
}

// SerialTime reads an Excel serial date-time (local) from a numeric cell,
// counted from epoch, rounded to the millisecond Excel can hold.
func SerialTime(s string, epoch int64, clock *model.Clock) (model.Instant, error) {
	f, err := serial(s, epoch)
	if err != nil {
		return 0, fmt.Errorf("time %w", err)
	}
	ms := math.Round((f - float64(epoch)) * 86400 * 1000)
	return clock.FromWall(int64(ms) * 1000), nil
}
