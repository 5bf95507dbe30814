package rules

import (
	"time"

	"github.com/disclose-project/disclose/pipeline/model"
)

// calendar says which days are working days: the calendar table's days as
// listed, other days Monday to Friday.
type calendar map[model.Date]bool

func (c calendar) working(d model.Date) bool {
	if w, ok := c[d]; ok {
		return w
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// nthWorkingDayAfter returns the n-th working day after d (d itself does not
// count).
func (c calendar) nthWorkingDayAfter(d model.Date, n int) model.Date {
	for n > 0 {
		d++
		if c.working(d) {
			n--
		}
	}
	return d
}
