package snapshot

import (
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestParseTime(t *testing.T) {
	clock := model.NewClock(shanghai)
	want := model.Instant(time.Date(2025, 6, 30, 23, 59, 59, 0, shanghai).UnixMicro())
	for _, s := range []string{"2025-06-30 23:59:59", "2025-06-30T23:59:59+08:00", "2025-06-30T15:59:59Z"} {
		got, err := ParseTime(s, clock)
		if err != nil || got != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got.Time(), err, want.Time())
		}
	}
	if got, err := SerialTime("45838.99998842593", serialEpoch1900, clock); err != nil || got != want {
		t.Errorf("SerialTime(45838.99998842593) = %v, %v; want %v", got.Time(), err, want.Time())
	}
	if got, err := SerialTime("44376.99998842593", serialEpoch1904, clock); err != nil || got != want {
		t.Errorf("SerialTime(44376.99998842593, 1904) = %v, %v; want %v", got.Time(), err, want.Time())
	}
	// A number in a text cell, or a date alone, is not a time.
	for _, s := range []string{"yesterday", "2025-13-01 00:00", "NaN", "1e308", "45838.5", "2025-06-30", "2025"} {
		if got, err := ParseTime(s, clock); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", s, got.Time())
		}
	}
	for _, s := range []string{"1e308", "NaN", "0x1p4", "25568", "2958466", "-1", "2025-06-30"} {
		if got, err := SerialTime(s, serialEpoch1900, clock); err == nil {
			t.Errorf("SerialTime(%q) = %v, want an error", s, got.Time())
		}
	}
}

func TestParseDateAndBool(t *testing.T) {
	clock := model.NewClock(shanghai)
	want := model.DateOf(2024, time.September, 24)
	for _, s := range []string{"2024-09-24", "2024/09/24", "2024-09-24 10:00"} {
		if got, err := ParseDate(s, clock); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"45559", "45559.75"} {
		if got, err := SerialDate(s, serialEpoch1900); err != nil || got != want {
			t.Errorf("SerialDate(%q) = %v, %v", s, got, err)
		}
	}
	// Mac Excel's 1904 system counts 1,462 days fewer to the same date.
	if got, err := SerialDate("44097", serialEpoch1904); err != nil || got != want {
		t.Errorf("SerialDate(44097, 1904) = %v, %v", got, err)
	}
	// A bare year is no date, as text or as a number (a serial before 1970).
	for _, s := range []string{"2025", "45559", "20250101"} {
		if got, err := ParseDate(s, clock); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, got)
		}
	}
	for _, s := range []string{"2025", "0", "20250101", "1/3", "4.5E+4x"} {
		if got, err := SerialDate(s, serialEpoch1900); err == nil {
			t.Errorf("SerialDate(%q) = %v, want an error", s, got)
		}
	}
	for s, want := range map[string]bool{"TRUE": true, "false": false, "1": true, "0": false, "是": true, "否": false, "yes": true, "No": false} {
		if got, err := ParseBool(s); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseBool("maybe"); err == nil {
		t.Error("ParseBool(maybe): no error")
	}
}

func TestMoney(t *testing.T) {
	for s, want := range map[string]model.Fen{"12.345": 1234, "12.355": 1236, "0.125": 12, "-0.125": -12, "1.5E+3": 150000, "17729.880000000001": 1772988} {
		if got, err := model.ParseFen(s); err != nil || got != want {
			t.Errorf("ParseFen(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, _ := model.FloatFen(28899.32); got != 2889932 {
		t.Errorf("FloatFen(28899.32) = %v", got)
	}
	for _, s := range []string{"1/3", "0x10", "0b101", "010/1", "1_000", "1p3", "1p9999999", "Inf"} {
		if _, err := ParseNumber(s); err == nil {
			t.Errorf("ParseNumber(%q): no error", s)
		}
		if _, err := ParseInt(s); err == nil {
			t.Errorf("ParseInt(%q): no error", s)
		}
	}
}

func TestTextOK(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		ok   bool
	}{
		{"plain text", "甲乙服务 Ltd.", true},
		{"tab, line feed and carriage return", "a\tb\nc\r\nd", true},
		{"a bidi override, shown isolated", "\u202eevil", true},
		{"an emoji", "🙂", true},
		{"the replacement character written out", "a\ufffdb", true},
		{"invalid UTF-8", "a\xffb", false},
		{"a truncated sequence", "服\xe5", false},
		{"NUL", "a\x00b", false},
		{"a C0 control", "a\x1bb", false},
		{"DEL", "a\x7fb", false},
		{"a C1 control", "a\u0085b", false},
		{"U+FFFE", "a\ufffeb", false},
		{"32,000 characters", strings.Repeat("字", model.MaxText), true},
		{"32,001 characters", strings.Repeat("字", model.MaxText+1), false},
		{"16,000 emoji (32,000 UTF-16 units)", strings.Repeat("🙂", model.MaxText/2), true},
		{"16,001 emoji", strings.Repeat("🙂", model.MaxText/2+1), false},
	} {
		if got := textOK(tc.text); got != tc.ok {
			t.Errorf("%s: textOK = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// FuzzParseTime: every parser keeps its range, and what it reads, written
// back in the form the pipeline writes it, reads back as the same value.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-06-30 23:59:59", "45838.5", "2025-06-30T15:59:59Z", "", "-1e400", "2025", "1e999",
		"1991-09-15 01:30:00", "0000-01-01T00:00:00+01:00", "42.0", "4.2E+1", "是", "1.5", "2025/6/3"} {
		f.Add(s)
	}
	clock := model.NewClock(shanghai)
	inYears := func(tm time.Time) bool { return tm.Year() >= 1 && tm.Year() <= 9999 }
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := ParseTime(s, clock); err == nil && inYears(tm.Time()) {
			utc := tm.Time().Format(time.RFC3339Nano)
			if back, err := ParseTime(utc, clock); err != nil || back != tm {
				t.Fatalf("ParseTime(%q) = %s, which reads back as %v, %v", s, utc, back, err)
			}
			// A local wall time reads back to the same wall time (an hour
			// a clock change repeats may give the other instant of it).
			const wall = "2006-01-02 15:04:05.999999"
			local := tm.Time().In(shanghai).Format(wall)
			if back, err := ParseTime(local, clock); err != nil || back.Time().In(shanghai).Format(wall) != local {
				t.Fatalf("ParseTime(%q) = local %s, which reads back as %v, %v", s, local, back, err)
			}
		}
		if d, err := ParseDate(s, clock); err == nil && inYears(d.Time()) {
			if back, err := ParseDate(d.String(), clock); err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %s, which reads back as %v, %v", s, d, back, err)
			}
		}
		for _, epoch := range []int64{serialEpoch1900, serialEpoch1904} {
			if d, err := SerialDate(s, epoch); err == nil {
				if d < model.MinDate || d > model.MaxDate {
					t.Fatalf("SerialDate(%q) = %v, out of range", s, d)
				}
				n := strconv.FormatInt(int64(d)+epoch, 10)
				if back, err := SerialDate(n, epoch); err != nil || back != d {
					t.Fatalf("SerialDate(%q) = %v, whose serial %s reads back as %v, %v", s, d, n, back, err)
				}
			}
			if tm, err := SerialTime(s, epoch, clock); err == nil && (tm < model.MinInstant-model.Instant(model.MicrosPerDay) || tm > model.MaxInstant+model.Instant(model.MicrosPerDay)) {
				t.Fatalf("SerialTime(%q) = %v, out of range", s, tm)
			}
		}
		if b, err := ParseBool(s); err == nil {
			if back, err := ParseBool(strings.ToUpper(strconv.FormatBool(b))); err != nil || back != b {
				t.Fatalf("ParseBool(%q) = %v, which reads back as %v, %v", s, b, back, err)
			}
		}
		if n, err := ParseInt(s); err == nil {
			if back, err := ParseInt(strconv.FormatInt(n, 10)); err != nil || back != n {
				t.Fatalf("ParseInt(%q) = %d, which reads back as %d, %v", s, n, back, err)
			}
		}
		if x, err := ParseNumber(s); err == nil {
			w := strconv.FormatFloat(x, 'g', -1, 64)
			if back, err := ParseNumber(w); err != nil || back != x {
				t.Fatalf("ParseNumber(%q) = %s, which reads back as %v, %v", s, w, back, err)
			}
		}
		if id, ok := ParseID(s); ok {
			if !textOK(id) {
				t.Fatalf("ParseID(%q) = %q, not text the register publishes", s, id)
			}
			if back, ok := ParseID(id); !ok || back != id {
				t.Fatalf("ParseID(%q) = %q, which reads back as %q, %v", s, id, back, ok)
			}
		}
	})
}

// FuzzParseMoney: ParseFen never reads a value outside its grammar, rounds
// what it reads as exact rational arithmetic does, and what it reads reads
// back the same, as text and as a float.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.345", "1e9999", "-0", "1/3", "0x10", "0.125", "92233720368547758.075", "1e-999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := model.ParseFen(s)
		if err != nil {
			if len(err.Error()) > 200 {
				t.Fatalf("ParseFen(%q): an error of %d bytes", s, len(err.Error()))
			}
			if _, ok := model.ParseDecimal(s); ok && !strings.Contains(err.Error(), "out of range") {
				t.Fatalf("ParseFen(%q): %v", s, err)
			}
			return
		}
		r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
		if !ok {
			t.Fatalf("ParseFen(%q) = %v, but it is no rational", s, got)
		}
		if want, werr := model.RatFen(r); werr != nil || want != got {
			t.Fatalf("ParseFen(%q) = %v; rationals give %v, %v", s, got, want, werr)
		}
		// What is read, written as the downloads write it, reads back the same.
		if back, err := model.ParseFen(got.String()); err != nil || back != got {
			t.Fatalf("ParseFen(%q) = %s, which reads back as %v, %v", s, got, back, err)
		}
		if x, err := strconv.ParseFloat(got.String(), 64); err == nil && got > -1e15 && got < 1e15 { // 15 digits: what a float keeps
			if back, err := model.FloatFen(x); err != nil || back != got {
				t.Fatalf("ParseFen(%q) = %s, which as a float reads back as %v, %v", s, got, back, err)
			}
		}
	})
}
