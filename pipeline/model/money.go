package model

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (分), 1/100 of a yuan. Money is always
// integer fen inside the pipeline; it is rounded once, where it is read.
type Fen int64

// String formats the amount in yuan with two decimals ("1234.50").
func (f Fen) String() string {
	neg := f < 0
	u := uint64(f)
	if neg {
		u = uint64(-f)
	}
	s := fmt.Sprintf("%d.%02d", u/100, u%100)
	if neg {
		return "-" + s
	}
	return s
}

// ParseFen parses a decimal number of yuan ("12.345", "-3", "1.5E+3") and
// rounds it half-even to the fen. The number must be written as
// [+-]digits[.digits], with an exponent of at most three digits ([eE][+-]ddd);
// anything else (fractions, hexadecimal, digit separators) is an error, and
// so is an amount beyond what a Fen holds.
func ParseFen(s string) (Fen, error) {
	d, ok := ParseDecimal(s)
	if !ok {
		return 0, fmt.Errorf("money %s: not a number", Clip(s))
	}
	f, ok := d.Fen()
	if !ok {
		return 0, fmt.Errorf("money %s: out of range", Clip(s))
	}
	return f, nil
}

// FloatFen rounds a floating-point amount of yuan half-even to the fen. The
// float's shortest decimal form is what is rounded, so 0.125 becomes 0.12
// and 0.135 becomes 0.14, as a person reading the number expects.
func FloatFen(v float64) (Fen, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("money %v: not a finite number", v)
	}
	return ParseFen(strconv.FormatFloat(v, 'g', -1, 64))
}

var (
	bigHundred = big.NewInt(100)
	maxFen     = big.NewInt(math.MaxInt64)
	minFen     = big.NewInt(math.MinInt64)
)

// RatFen rounds a rational number of yuan half-even to the fen.
func RatFen(r *big.Rat) (Fen, error) {
	n := new(big.Int).Mul(r.Num(), bigHundred)
	d := r.Denom()
	q, m := new(big.Int).QuoRem(n, d, new(big.Int)) // truncated toward zero
	if m.Sign() != 0 {
		twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
		c := twice.Cmp(d)
		if c > 0 || (c == 0 && q.Bit(0) == 1) {
			if n.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	if q.Cmp(maxFen) > 0 || q.Cmp(minFen) < 0 {
		// The value is not printed: formatting a huge rational costs
		// more than the whole row is worth.
		f, _ := r.Float64()
		return 0, fmt.Errorf("money %.3g: out of range", f)
	}
	return Fen(q.Int64()), nil
}

// maxExponent bounds the exponent a decimal number may be written with, so
// that no value costs more than its digits to read.
const maxExponent = 999

// Decimal is a decimal number as written: its sign, its significant digits
// (no leading zeros; "" for zero) and the power of ten of the last digit.
type Decimal struct {
	Neg    bool
	Digits string
	Exp    int
}

// ParseDecimal reads s, surrounded by spaces or not, in the strict grammar
// [+-]digits[.digits][(e|E)[+-]d{1,3}]. It reports false for anything else:
// no fractions ("1/3"), bases ("0x10", "0b101"), separators ("1_000",
// "1,000"), binary exponents ("1p3"), infinities or a bare "." — and it
// never reads more than the text, however large the value it stands for.
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	var d Decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.Neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := s[intStart:i]
	if intDigits == "" {
		return Decimal{}, false
	}
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[start:i]
		if frac == "" {
			return Decimal{}, false
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) && i-start < 4 {
			exp = exp*10 + int(s[i]-'0')
			i++
		}
		if i == start || i-start > 3 || exp > maxExponent {
			return Decimal{}, false
		}
		if neg {
			exp = -exp
		}
	}
	if i != len(s) {
		return Decimal{}, false
	}
	digits := strings.TrimLeft(intDigits+frac, "0")
	d.Exp = exp - len(frac)
	// Trailing zeros carry no value: dropping them keeps Digits short
	// for numbers such as "1.000000".
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		d.Exp++
	}
	d.Digits = digits
	if digits == "" {
		d.Neg, d.Exp = false, 0
	}
	return d, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Fen returns the number, in yuan, rounded half-even to the fen; false when
// it is beyond what a Fen holds.
func (d Decimal) Fen() (Fen, bool) {
	f, ok := d.scaled(2)
	return Fen(f), ok
}

// Int returns the number when it is a whole number that an int64 holds.
func (d Decimal) Int() (int64, bool) {
	if d.Exp < 0 {
		return 0, false
	}
	return d.scaled(0)
}

// Float returns the number as the nearest float64 (±Inf beyond its range).
func (d Decimal) Float() float64 {
	if d.Digits == "" {
		return 0
	}
	s := d.Digits + "e" + strconv.Itoa(d.Exp)
	if d.Neg {
		s = "-" + s
	}
	f, _ := strconv.ParseFloat(s, 64) // the grammar is ParseFloat's; out of range is ±Inf
	return f
}

// scaled returns the number times 10^shift, rounded half-even to an
// integer, when an int64 holds it.
func (d Decimal) scaled(shift int) (int64, bool) {
	if d.Digits == "" {
		return 0, true
	}
	exp := d.Exp + shift
	keep := len(d.Digits) + exp // digits left of the point
	if keep > 19 {
		return 0, false
	}
	var whole string
	up := false
	switch {
	case exp >= 0:
		whole = d.Digits + strings.Repeat("0", exp)
	case keep <= 0:
		// Every digit is dropped: the value is below one, half only when
		// the first digit is just after the point.
		up = keep == 0 && (d.Digits[0] > '5' || d.Digits[0] == '5' && len(d.Digits) > 1)
	default:
		whole = d.Digits[:keep]
		first, rest := d.Digits[keep], d.Digits[keep+1:]
		// Digits has no trailing zeros, so a rest that is not empty is
		// not zero.
		up = first > '5' || first == '5' && (rest != "" || (whole[len(whole)-1]-'0')%2 == 1)
	}
	var u uint64
	if whole != "" {
		var err error
		if u, err = strconv.ParseUint(whole, 10, 64); err != nil {
			return 0, false
		}
	}
	if up {
		u++
	}
	if d.Neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// Clip quotes a value for an error message, cut to a length a person reads
// (an error never carries a whole huge value).
func Clip(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && s[cut]&0xc0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}
