package pinyin

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestInitials(t *testing.T) {
	tests := []struct {
		name   string
		r      rune
		want   byte
		others string
	}{
		{"a character read one way", '天', 't', ""},
		{"a reading that starts with a toned vowel", '爱', 'a', ""},
		{"zh takes its first letter", '智', 'z', ""},
		{"重 reads zhòng, and chóng in 重庆", '重', 'z', "c"},
		{"厦 reads shà, and xià in 厦门", '厦', 's', "x"},
		{"the first character of extension A", '㐀', 'q', ""},
		{"a Latin letter is not in the table", 'a', 0, ""},
		{"nor is a character past U+9FFF", '\U00020000', 0, ""},
	}
	for _, tt := range tests {
		if got := Initial(tt.r); got != tt.want {
			t.Errorf("%s: Initial(%q) = %q, want %q", tt.name, tt.r, got, tt.want)
		}
		if got := Others(tt.r); got != tt.others {
			t.Errorf("%s: Others(%q) = %q, want %q", tt.name, tt.r, got, tt.others)
		}
	}
}

// TestTableIsGenerated regenerates the table from the Unicode database,
// where the machine has it (Debian's unicode-data), and wants the same
// bytes as the committed table.go.
func TestTableIsGenerated(t *testing.T) {
	src := "/usr/share/unicode/Unihan_Readings.txt.bz2"
	if _, err := os.Stat(src); err != nil {
		t.Skip("no Unihan_Readings.txt here (apt-get install unicode-data)")
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command("go", "run", "gen.go", "-src", src, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("table.go differs from what gen.go makes of %s: run go generate ./site/internal/pinyin", src)
	}
}
