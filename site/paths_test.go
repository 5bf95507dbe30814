package site

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	seen := map[string]string{}
	for _, tc := range []struct{ id, want string }{
		{"SP000001", "SP000001"},
		{"a.b-c", "a.b-c"},
		{"..", "_2e_2e"},
		{".hidden", "_2ehidden"},
		{"trailing.", "trailing_2e"},
		{"a/b", "a_2fb"},
		{"a_2fb", "a_5f2fb"},
		{"服务商", "_e6_9c_8d_e5_8a_a1_e5_95_86"},
		{"", "_"},
		{"x\x00y", "x_00y"},
		{"<script>", "_3cscript_3e"},
		{"index.html", "_69ndex.html"},
		{"INDEX.HTML", "_49NDEX.HTML"},
		{"_69ndex.html", "_5f69ndex.html"},
		{"feed.xml", "_66eed.xml"},
		{"assets", "_61ssets"},
		{"providers", "_70roviders"},
		{"en", "_65n"},
		{"NUL", "_4eUL"},
		{"com1.json", "_63om1.json"},
		{"console", "console"},
		{"page", "_70age"},
		{"Grade", "_47rade"},
		{"pages", "pages"},
	} {
		got := Slug(tc.id)
		if got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.id, got, tc.want)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("Slug(%q) = Slug(%q)", tc.id, prev)
		}
		seen[got] = tc.id
		checkSlug(t, tc.id, got)
	}
}

func TestLongSlugsAreHashed(t *testing.T) {
	for _, id := range []string{strings.Repeat("A", 300), strings.Repeat("长", 30), strings.Repeat("长", 10000), strings.Repeat("_", 40) + "x"} {
		got := Slug(id)
		sum := sha256.Sum256([]byte(id))
		if len(got) > maxSlug || !strings.HasSuffix(got, "~"+hex.EncodeToString(sum[:16])) {
			t.Errorf("Slug(%d bytes) = %q: want at most %d bytes ending in its hash", len(id), got, maxSlug)
		}
		checkSlug(t, id, got)
	}
	if a, b := Slug(strings.Repeat("A", 300)), Slug(strings.Repeat("A", 301)); a == b {
		t.Errorf("two long ids share the slug %q", a)
	}
	if id := strings.Repeat("A", maxSlug); Slug(id) != id {
		t.Errorf("an id of %d letters is hashed", maxSlug)
	}
}

// checkSlug checks that a slug is a safe file name, not a reserved one, and
// that it gives back its id: in full when written out, by its prefix and
// hash when hashed.
func checkSlug(t *testing.T, id, s string) {
	t.Helper()
	if s == "" || s == "." || s == ".." || s[0] == '.' || s[len(s)-1] == '.' || len(s) > maxSlug || reservedName(s) {
		t.Fatalf("Slug(%q) = %q: not a safe segment", id, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			t.Fatalf("Slug(%q) = %q holds byte %#x", id, s, c)
		}
	}
	if s == "_" {
		if id != "" {
			t.Fatalf("Slug(%q) = %q, the empty id's", id, s)
		}
		return
	}
	plain, hash, hashed := strings.Cut(s, "~")
	decoded := unslug(t, plain)
	if !hashed {
		if decoded != id {
			t.Fatalf("Slug(%q) = %q, which stands for %q", id, s, decoded)
		}
		return
	}
	sum := sha256.Sum256([]byte(id))
	if hash != hex.EncodeToString(sum[:16]) || !strings.HasPrefix(id, decoded) {
		t.Fatalf("Slug(%q) = %q: not its prefix and hash", id, s)
	}
}

// unslug decodes the plain part of a slug.
func unslug(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			t.Fatalf("slug %q: a cut escape", s)
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("slug %q: bad escape at %d", s, i)
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String()
}

// FuzzSlug: any id gives a safe file name of at most maxSlug bytes that is
// no reserved name, from which the id can be told again; two ids never
// share one (unless their SHA-256 does, for long ids).
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"SP1", "../etc/passwd", "index.html", "Feed.XML", "con.txt", strings.Repeat("长", 30), strings.Repeat("a", maxSlug+1), "a."} {
		f.Add(s, s+"x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, sb := Slug(a), Slug(b)
		checkSlug(t, a, sa)
		checkSlug(t, b, sb)
		if a != b && sa == sb {
			t.Fatalf("Slug(%q) = Slug(%q) = %q", a, b, sa)
		}
	})
}
