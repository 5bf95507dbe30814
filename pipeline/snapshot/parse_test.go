package snapshot

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestParseTime(t *testing.T) {
	clock := model.NewClock(shanghai)
	want := model.Instant(time.Date(2025, 6, 30, 23, 59, 59, 0, shanghai).UnixMicro())
	for _, s := range []string{"2025-06-30 23:59:59", "2025-06-30T23:59:59+08:00", "2025-06-30T15:59:59Z", "45838.99998842593"} {
		got, err := ParseTime(s, clock)
		if err != nil || got != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got.Time(), err, want.Time())
		}
	}
	for _, s := range []string{"yesterday", "2025-13-01 00:00", "NaN", "1e308"} {
		if _, err := ParseTime(s, clock); err == nil {
			t.Errorf("ParseTime(%q): no error", s)
		}
	}
}

func TestParseDateAndBool(t *testing.T) {
	clock := model.NewClock(shanghai)
	want := model.DateOf(2024, time.September, 24)
	for _, s := range []string{"2024-09-24", "45559", "45559.75", "2024/09/24"} {
		if got, err := ParseDate(s, clock); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, err)
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
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-06-30 23:59:59", "45838.5", "2025-06-30T15:59:59Z", "", "-1e400"} {
		f.Add(s)
	}
	clock := model.NewClock(shanghai)
	f.Fuzz(func(t *testing.T, s string) {
		ParseTime(s, clock)
		ParseDate(s, clock)
		ParseBool(s)
		ParseInt(s)
		ParseNumber(s)
		ParseID(s)
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.345", "1e9999", "-0", "1/3", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		model.ParseFen(s)
	})
}

// FuzzOpen opens arbitrary bytes as a Parquet file and as a workbook: an
// error, never a panic.
func FuzzOpen(f *testing.F) {
	for _, p := range []string{"../../testdata/conformance/snapshot-parquet/appeals.parquet", "../../testdata/conformance/snapshot-mixed/reference.xlsx"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("PAR1garbagePAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"appeals.parquet", "appeals.xlsx"} {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
			s, err := Open(dir, Options{AsOf: "2025-06-30"})
			if err != nil {
				continue
			}
			s.Scan(t.Context(), "appeals", nil, func(b *Batch) error {
				for i := 0; i < b.Len; i++ {
					b.RawJSON(i)
				}
				return nil
			})
		}
	})
}
