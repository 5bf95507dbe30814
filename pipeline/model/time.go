package model

import (
	"fmt"
	"time"
)

// Date is a civil (calendar) date, counted in days since 1970-01-01.
// Dates carry no zone: they are local dates in the snapshot's time zone.
type Date int32

// Instant is a point in time in microseconds since the Unix epoch (UTC).
// Instants are compared as integers.
type Instant int64

// NoDate marks a missing date in compact structures.
const NoDate Date = -1 << 31

// NoInstant marks a missing instant in compact structures.
const NoInstant Instant = -1 << 63

// MicrosPerSecond and friends convert durations to Instant units.
const (
	MicrosPerSecond = int64(1_000_000)
	MicrosPerHour   = 3600 * MicrosPerSecond
	MicrosPerDay    = 24 * MicrosPerHour
)

// DateOf returns the Date of the civil date y-m-d.
func DateOf(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("date %s: want YYYY-MM-DD", Clip(s))
	}
	return Date(t.Unix() / 86400), nil
}

// Time returns midnight UTC of the date, for formatting.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	if d == NoDate {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Weekday is the day of the week of the date.
func (d Date) Weekday() time.Weekday { return time.Weekday((int64(d)%7 + 7 + 4) % 7) }

// Time returns the instant as a time.Time in UTC.
func (t Instant) Time() time.Time { return time.UnixMicro(int64(t)).UTC() }

// Clock converts between instants and local dates in one time zone. It
// caches the zone offset of the last period it saw, so that a stream of
// nearby instants converts without calling into the time package. A Clock
// is not safe for concurrent use; give each goroutine its own.
type Clock struct {
	Loc    *time.Location
	lo, hi int64 // cached zone period [lo, hi) in microseconds
	off    int64 // its offset east of UTC in microseconds
}

// NewClock returns a Clock for loc.
func NewClock(loc *time.Location) *Clock {
	return &Clock{Loc: loc, lo: 1, hi: 0}
}

func (c *Clock) refresh(us int64) {
	t := time.UnixMicro(us).In(c.Loc)
	_, off := t.Zone()
	c.off = int64(off) * MicrosPerSecond
	start, end := t.ZoneBounds()
	c.lo, c.hi = -1<<63, 1<<63-1
	if !start.IsZero() {
		c.lo = start.UnixMicro()
	}
	if !end.IsZero() {
		c.hi = end.UnixMicro()
	}
}

// Day returns the local date of the instant.
func (c *Clock) Day(t Instant) Date {
	us := int64(t)
	if us < c.lo || us >= c.hi {
		c.refresh(us)
	}
	return Date(floorDiv(us+c.off, MicrosPerDay))
}

// FromWall converts a local wall-clock reading, given as microseconds since
// 1970-01-01T00:00 local, to an instant. Gaps and overlaps of daylight saving
// resolve as the time package does.
func (c *Clock) FromWall(wall int64) Instant {
	guess := wall - c.off
	if guess >= c.lo && guess < c.hi {
		return Instant(guess)
	}
	secs := floorDiv(wall, MicrosPerSecond)
	frac := wall - secs*MicrosPerSecond
	w := time.Unix(secs, frac*1000).UTC()
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), c.Loc)
	us := t.UnixMicro()
	c.refresh(us)
	return Instant(us)
}

// Midnight returns the instant at which the local date d begins.
func (c *Clock) Midnight(d Date) Instant {
	return c.FromWall(int64(d) * MicrosPerDay)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
