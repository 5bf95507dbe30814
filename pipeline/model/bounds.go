package model

// The ranges of the contract's values. A value outside its column's range
// is not of the column's type (invalid_value): it never becomes a figure.
// They are limits of the data, not of the rules: far beyond anything a
// real export holds, and tight enough that no sum of them overflows.
const (
	// MaxMoney is the largest amount a money value may have: one trillion
	// yuan. Money is never negative (prices, deposits, order amounts,
	// GMV, deductions).
	MaxMoney Fen = 100_000_000_000_000

	// MaxPoints is the most points one staff decision may carry, far above
	// any level of the rule book's ladder. Points are never negative.
	MaxPoints = 10_000

	// MaxTarget is the largest target a commitment may promise (in its
	// kind's unit: days, hours or working days): ten years in days.
	MaxTarget = 3650

	// MaxTotal bounds what the used rows of a summed column may add up
	// to over a whole table (the points and deductions of staff
	// decisions, shop GMV), so that no sum the register publishes can
	// overflow: a row that would take the total past it is rejected
	// instead. It is a hundredth of what the downloads' DECIMAL(18,2)
	// money holds in fen, leaving room for the points and deductions the
	// rule book adds itself.
	MaxTotal = 100_000_000_000_000_000

	// MaxText is the most UTF-16 code units a text value may hold: with
	// the wording the register puts around a decision's facts, every text
	// still fits an Excel cell (32,767), so the workbook never cuts what
	// the other downloads print whole.
	MaxText = 32_000
)

// The range of dates and instants: from 1970-01-01 (nothing a marketplace
// records is older; a smaller Excel serial is a number typed into a date
// column, such as a bare year) to 9999-12-31, the last day every output
// format can write.
const (
	MinDate Date = 0       // 1970-01-01
	MaxDate Date = 2932896 // 9999-12-31
	// MaxInstant leaves the last day out, so that the local date of any
	// instant in range is a date in range in every zone.
	MinInstant Instant = 0
	MaxInstant         = Instant(int64(MaxDate) * MicrosPerDay)
)

// Bounds returns the inclusive range of a column's values as a batch holds
// them (fen for money, days for dates, microseconds for times), for the
// columns of type int, money, date and time; ok is false for the others.
func (c *Column) Bounds() (lo, hi int64, ok bool) {
	switch c.Type {
	case TypeInt:
		return 0, c.Max, true // every int column is a count
	case TypeMoney:
		return 0, int64(MaxMoney), true
	case TypeDate:
		return int64(MinDate), int64(MaxDate), true
	case TypeTime:
		return int64(MinInstant), int64(MaxInstant), true
	}
	return 0, 0, false
}

// AddTotal adds x to a running total of non-negative values when the sum
// stays within MaxTotal, and reports whether it did.
func AddTotal(total *int64, x int64) bool {
	if x < 0 || x > MaxTotal-*total {
		return false
	}
	*total += x
	return true
}
