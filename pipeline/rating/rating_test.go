package rating

import (
	"math/big"
	"testing"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

func TestRoundHalfAway(t *testing.T) {
	for _, tc := range []struct {
		num, den int64
		want     int64
	}{{8945, 10, 895}, {8944999, 10000, 894}, {905, 1, 905}, {1, 2, 1}, {0, 1, 0}, {899999, 10000, 90}, {-0, 3, 0}} {
		if got := roundHalfAway(big.NewRat(tc.num, tc.den)); got != tc.want {
			t.Errorf("roundHalfAway(%d/%d) = %d, want %d", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestGrades(t *testing.T) {
	b, err := rulebook.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		score float64
		want  string
	}{{90.0, "A"}, {89.9, "B"}, {80, "B"}, {70, "C"}, {60, "D"}, {59.9, "E"}, {0, "E"}} {
		if got := b.GradeOf(tc.score); got != tc.want {
			t.Errorf("GradeOf(%v) = %q, want %q", tc.score, got, tc.want)
		}
	}
}

// TestScoreBounds checks that scores stay within 0–100 whatever the figures.
func TestScoreBounds(t *testing.T) {
	b, _ := rulebook.Load(content.FS)
	var facts []*model.Facts
	for i := int64(0); i < 60; i++ {
		n := i * 3
		facts = append(facts, &model.Facts{Provider: &model.Provider{ID: string(rune('a' + i)), Status: "active"},
			DeliveryDue: n, DeliveryOnTime: n * (i % 4) / 3, ResponseDue: i, ResponseOnTime: i / 2, ResolutionDue: i,
			ResolutionOnTime: i, Checks: 10, ChecksAnswered: i % 11, Orders90: n, ComplaintsUpheld90: i % 7, Points365: i,
			TicketsAssessable: i})
	}
	for _, r := range Rate(facts, b, nil) {
		if r.ScoreTenths < 0 || r.ScoreTenths > 1000 {
			t.Errorf("%s: score %s out of 0–100", r.ProviderID, r.ScoreText())
		}
		if r.Grade == model.Unrated && r.RatedItems >= b.Rating.MinRatedItems {
			t.Errorf("%s: unrated with %d items", r.ProviderID, r.RatedItems)
		}
	}
}

// TestScoreByHand checks one provider's score worked out by hand: all
// dimensions perfect with no platform data, 12 points deducted.
func TestScoreByHand(t *testing.T) {
	b, _ := rulebook.Load(content.FS)
	f := &model.Facts{Provider: &model.Provider{ID: "P", Status: "active"}, DeliveryDue: 20, DeliveryOnTime: 20, Points365: 12}
	r := Rate([]*model.Facts{f}, b, nil)[0]
	// D = R = S = A = 1, C = 1 - 10·0 = 1: 100 - 12 = 88.0.
	if r.ScoreText() != "88.0" || r.Grade != "B" {
		t.Errorf("score %s grade %s, want 88.0 B", r.ScoreText(), r.Grade)
	}
	f.Points365 = 99
	if r := Rate([]*model.Facts{f}, b, nil)[0]; r.ScoreText() != "60.0" {
		t.Errorf("points deduction capped at 40: score %s, want 60.0", r.ScoreText())
	}
	if r := Rate([]*model.Facts{f}, b, map[string]bool{"P": true})[0]; r.Grade != model.Cleared || r.ScoreText() != "" {
		t.Errorf("cleared provider: grade %s score %q", r.Grade, r.ScoreText())
	}
}
