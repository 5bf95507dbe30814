package model

import (
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseFen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Fen
	}{
		{"12.345", 1234},
		{"12.355", 1236},
		{"0.125", 12},
		{"0.135", 14},
		{"-0.125", -12},
		{"1.5E+3", 150000},
		{"1e-2", 1},
		{"0.005", 0},
		{"0.015", 2},
		{"0.0051", 1},
		{"17729.880000000001", 1772988},
		{" 7 ", 700},
		{"+3", 300},
		{"-0.001", 0},
		{"000120.50", 12050},
		{"92233720368547758.07", 9223372036854775807},
		{"-92233720368547758.08", -9223372036854775808},
	} {
		if got, err := ParseFen(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseFen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseFenRefusesWhatIsNotADecimal(t *testing.T) {
	for _, in := range []string{"", " ", ".", "1/3", "0x10", "0b101", "010/1", "1_000", "1,000", "1p3", "1p9999999",
		"1e9999999", "1e1000", ".5", "5.", "+", "-", "1e", "1e+", "Inf", "NaN", "１２", "12元", "1 2", "--1", "1e-1000"} {
		if got, err := ParseFen(in); err == nil {
			t.Errorf("ParseFen(%q) = %v, want an error", in, got)
		}
	}
	for _, in := range []string{"92233720368547758.08", "1e20", "-92233720368547758.09"} {
		if got, err := ParseFen(in); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("ParseFen(%q) = %v, %v; want out of range", in, got, err)
		}
	}
}

// A huge value costs no more than its text, and the error does not repeat it.
func TestParseFenOfHugeTextIsQuickAndShort(t *testing.T) {
	huge := "1" + strings.Repeat("0", 3<<20)
	start := time.Now()
	for i := 0; i < 30; i++ {
		_, err := ParseFen(huge)
		if err == nil || len(err.Error()) > 200 {
			t.Fatalf("ParseFen(3 MB of digits): error %.200v", err)
		}
		if _, err := ParseFen("1p9999999"); err == nil {
			t.Fatal("ParseFen(1p9999999): no error")
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("30 huge values took %v", d)
	}
}

// ParseFen rounds as big.Rat arithmetic does, on random numbers of the
// grammar.
func TestParseFenAgreesWithRationals(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	for range 20000 {
		s := ""
		if r.IntN(3) == 0 {
			s = "-"
		}
		s += digits(1 + r.IntN(12))
		if r.IntN(2) == 0 {
			s += "." + digits(1+r.IntN(8))
		}
		if r.IntN(3) == 0 {
			s += "e" + strconv.Itoa(r.IntN(12)-6)
		}
		got, err := ParseFen(s)
		rat, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("big.Rat cannot read %q", s)
		}
		want, werr := RatFen(rat)
		if (err != nil) != (werr != nil) || got != want {
			t.Errorf("ParseFen(%q) = %v, %v; big.Rat gives %v, %v", s, got, err, want, werr)
		}
	}
}

func TestDecimalInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true}, {"12.0", 12, true}, {"1.2E+1", 12, true}, {"-3", -3, true}, {"12.5", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false},
	} {
		d, ok := ParseDecimal(tc.in)
		got, iok := d.Int()
		if !ok || iok != tc.ok || got != tc.want {
			t.Errorf("ParseDecimal(%q).Int() = %d, %v; want %d, %v", tc.in, got, iok, tc.want, tc.ok)
		}
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short"); got != `"short"` {
		t.Errorf("Clip(short) = %s", got)
	}
	long := strings.Repeat("长", 100)
	got := Clip(long)
	if len(got) > 80 || !strings.Contains(got, "(300 bytes)") || strings.Contains(got, `\x`) {
		t.Errorf("Clip(300 bytes of CJK) = %s", got)
	}
}

func TestBounds(t *testing.T) {
	if MinDate != DateOf(1970, 1, 1) || MaxDate != DateOf(9999, 12, 31) {
		t.Errorf("MinDate, MaxDate = %v, %v", MinDate, MaxDate)
	}
	if d := NewClock(time.FixedZone("+14", 14*3600)).Day(MaxInstant); d > MaxDate {
		t.Errorf("the last instant falls on %v, after MaxDate", d)
	}
	total := int64(MaxTotal - 5)
	if !AddTotal(&total, 5) || AddTotal(&total, 1) || AddTotal(&total, -1) {
		t.Errorf("AddTotal does not stop at MaxTotal: %d", total)
	}
}
