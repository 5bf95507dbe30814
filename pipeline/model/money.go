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
// rounds it half-even to the fen.
func ParseFen(s string) (Fen, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || strings.TrimSpace(s) == "" {
		return 0, fmt.Errorf("money %q: not a number", s)
	}
	return RatFen(r)
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

// DecimalFen converts an unscaled decimal integer with the given scale to fen,
// rounding half-even.
func DecimalFen(unscaled *big.Int, scale int32) (Fen, error) {
	r := new(big.Rat).SetInt(unscaled)
	if scale > 0 {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	} else if scale < 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil)))
	}
	return RatFen(r)
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
		return 0, fmt.Errorf("money %s: out of range", r.FloatString(2))
	}
	return Fen(q.Int64()), nil
}
