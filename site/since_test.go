package site

import (
	"crypto/sha256"
	"testing"
)

// TestKeepSince keeps the previous build's date of last change on a
// provider's page exactly when the rest of the page is the same bytes.
func TestKeepSince(t *testing.T) {
	page := func(figures, date string) string {
		return `<main>` + figures + `</main><p class="changed" data-since>since <time>` + date + `</time></p><footer></footer>`
	}
	prev := func(figures, date string) Prev {
		return Prev{SHA256: sha256.Sum256([]byte(page(figures, date))), Since: date}
	}
	tests := []struct {
		name    string
		tonight string
		prev    Prev
		want    string
	}{
		{"the same figures keep the earlier date", page("A 91", "2025-07-01"), prev("A 91", "2025-06-01"), page("A 91", "2025-06-01")},
		{"other figures take tonight's date", page("B 79", "2025-07-01"), prev("A 91", "2025-06-01"), page("B 79", "2025-07-01")},
		{"a date after tonight's is not kept", page("A 91", "2025-07-01"), prev("A 91", "2025-08-01"), page("A 91", "2025-07-01")},
		{"a previous page without a date", page("A 91", "2025-07-01"), Prev{SHA256: sha256.Sum256([]byte("A 91"))}, page("A 91", "2025-07-01")},
		{"a page without a date is left alone", `<main>A 91</main>`, prev("A 91", "2025-06-01"), `<main>A 91</main>`},
	}
	for _, tt := range tests {
		b := []byte(tt.tonight)
		keepSince(b, tt.prev)
		if string(b) != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, b, tt.want)
		}
	}
	if got := SinceOf([]byte(page("A 91", "2025-06-01"))); got != "2025-06-01" {
		t.Errorf("SinceOf: %q", got)
	}
}
