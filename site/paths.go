package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Slug turns an id into one safe path segment. Letters, digits, '-' and
// '.' are kept (a '.' at either end is not); every other byte, '_'
// included, becomes "_xx" in hex. The mapping is one-to-one, so two ids
// never share a page, and the result never holds a slash, "..", a control
// byte or anything a static host would treat specially. Two more rules
// keep any id from breaking the build:
//
//   - A slug that would be a name the site uses itself (index.html,
//     feed.xml, assets, a page's folder, a list's page, grade, …) or a device name Windows
//     reserves (con, nul, com1, …), in any case, has its first byte
//     written as "_xx" too ("index.html" is "_69ndex.html"): the plain
//     rules never escape a letter, so no other id gives that slug.
//   - A slug longer than maxSlug bytes (a file name may have 255; 30
//     Chinese characters make 270) is cut and ends in "~" and the first
//     128 bits of the id's SHA-256: '~' is always escaped otherwise.
func Slug(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.' && i > 0 && i < len(id)-1:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	s := b.String()
	if reservedName(s) {
		s = fmt.Sprintf("_%02x", s[0]) + s[1:]
	}
	if len(s) > maxSlug {
		cut := slugCut
		for cut > 0 && (s[cut-1] == '_' || cut > 1 && s[cut-2] == '_') {
			cut-- // not inside an escape
		}
		sum := sha256.Sum256([]byte(id))
		s = s[:cut] + "~" + hex.EncodeToString(sum[:16])
	}
	return s
}

// maxSlug is the longest slug written out in full; slugCut is how much of
// a longer one is kept before its hash.
const (
	maxSlug = 120
	slugCut = 64
)

// reservedNames are the names the site writes in the folders that hold
// slugs (or anywhere: a slug must never meet one), the names the lists use
// in those folders (providers/grade/E/, notices/page/2/), and the device
// names Windows reserves whatever their extension.
var reservedNames = []string{
	"index.html", "feed.xml", "404.html", "sitemap.xml", "robots.txt", "search.json", "assets", "downloads", "en",
	"providers", "notices", "commitments", "rules", "methodology", "about", "appeals", "site.css", "site.js",
	"search", "status.json", "page", "category", "grade", "status", "departed", "measure", "rule", "kind",
}

var deviceNames = []string{"con", "prn", "aux", "nul",
	"com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"}

// reservedName reports whether a slug in plain form is a name the site or
// a file system keeps for itself, in any case.
func reservedName(s string) bool {
	for _, r := range reservedNames {
		if strings.EqualFold(s, r) {
			return true
		}
	}
	stem, _, _ := strings.Cut(s, ".")
	for _, d := range deviceNames {
		if strings.EqualFold(stem, d) {
			return true
		}
	}
	return false
}
