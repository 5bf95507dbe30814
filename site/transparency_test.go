package site

import (
	"slices"
	"testing"
)

func TestFillMonths(t *testing.T) {
	months := func(ms []monthTotal) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Month)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"nothing stays nothing", nil, nil},
		{"one month stays one", []string{"2025-06"}, []string{"2025-06"}},
		{"a gap is filled", []string{"2024-10", "2024-12"}, []string{"2024-10", "2024-11", "2024-12"}},
		{"a gap over the year's end is filled", []string{"2024-11", "2025-02"}, []string{"2024-11", "2024-12", "2025-01", "2025-02"}},
		{"months in a row stay as they are", []string{"2025-05", "2025-06"}, []string{"2025-05", "2025-06"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in []monthTotal
			for i, m := range tc.in {
				in = append(in, monthTotal{Month: m, Issued: int64(i + 1)})
			}
			got := fillMonths(in)
			if !slices.Equal(months(got), tc.want) {
				t.Fatalf("months %q, want %q", months(got), tc.want)
			}
			for _, m := range got {
				if i := slices.Index(tc.in, m.Month); i >= 0 && m.Issued != int64(i+1) || i < 0 && m.Issued != 0 {
					t.Errorf("%s: issued %d", m.Month, m.Issued)
				}
			}
		})
	}
}
