package report

import (
	"strings"

	"golang.org/x/text/width"
)

// Spreadsheets do not fit a row's height to wrapped text when they open a
// file (Excel and LibreOffice both keep the height written), so the
// workbook writes the height each row needs: lines × lineHeight points.
const (
	lineHeight = 15.0
	maxHeight  = 409.0 // Excel's largest row height
)

// textWidth is how wide s is in a sheet's character units: a wide (CJK)
// character counts two, any other one.
func textWidth(s string) float64 {
	n := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// lines is how many lines s takes in a wrapped column of the given width
// (a little narrower than the column, for the cell's margins).
func lines(s string, colWidth float64) int {
	avail := max(colWidth-1.5, 1)
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n += max(1, int((textWidth(para)+avail-1)/avail))
	}
	return n
}

// height is the height of a row whose tallest cell takes n lines.
func height(n int) float64 {
	return min(float64(max(n, 1))*lineHeight, maxHeight)
}

// headerWidth is the width a header needs: on one line, or on two
// (numbers are narrower than their column names, whose header then wraps;
// spreadsheets break a name mid-word, not at its underscores). Bold
// characters are wider.
func headerWidth(name string, twoLines bool) float64 {
	w := 1.1 * textWidth(name)
	if twoLines {
		w = w/2 + 1
	}
	return w + 2
}
