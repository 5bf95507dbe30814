package site

import (
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	seen := map[string]string{}
	for _, tc := range []struct{ id, want string }{
		{"SP000001", "SP000001"},
		{"a.b-c", "a.b-c"},
		{"..", "_2e."},
		{".hidden", "_2ehidden"},
		{"a/b", "a_2fb"},
		{"a_2fb", "a_5f2fb"},
		{"服务商", "_e6_9c_8d_e5_8a_a1_e5_95_86"},
		{"", "_"},
		{"x\x00y", "x_00y"},
		{"<script>", "_3cscript_3e"},
	} {
		got := Slug(tc.id)
		if got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.id, got, tc.want)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("Slug(%q) = Slug(%q)", tc.id, prev)
		}
		seen[got] = tc.id
		if strings.ContainsAny(got, "/\\ ") || got == "." || got == ".." {
			t.Errorf("Slug(%q) = %q is not a safe segment", tc.id, got)
		}
	}
}

func FuzzSlug(f *testing.F) {
	f.Add("SP1")
	f.Add("../etc/passwd")
	f.Fuzz(func(t *testing.T, id string) {
		s := Slug(id)
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\%?#") || s[0] == '.' {
			t.Fatalf("Slug(%q) = %q", id, s)
		}
		for i := 0; i < len(s); i++ {
			if s[i] < 0x21 || s[i] > 0x7e {
				t.Fatalf("Slug(%q) = %q holds byte %#x", id, s, s[i])
			}
		}
	})
}
