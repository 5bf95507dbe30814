package site

import (
	"fmt"
	"strings"
)

// Slug turns an id into one safe path segment. Letters, digits, '-' and
// '.' are kept (a leading '.' is not); every other byte, '_' included,
// becomes "_xx" in hex. The mapping is one-to-one, so two ids never share a
// page, and the result never holds a slash, "..", a control byte or
// anything a static host would treat specially.
func Slug(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
