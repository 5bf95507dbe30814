// Package rating computes each provider's W90 rating from the evaluated
// figures: smoothed dimensions, weights, the points deduction, the score
// rounded half away from zero, and the grade, each with its reasons. The
// arithmetic is exact (rational numbers), so that a score of x.x5 rounds the
// way the rule book says and not the way a float happens to fall.
package rating

import (
	"math/big"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// raw returns a provider's x and n for a dimension.
func raw(f *model.Facts, id string) (x, n int64) {
	switch id {
	case model.DimDelivery:
		return f.DeliveryOnTime, f.DeliveryDue
	case model.DimFirstResponse:
		return f.ResponseOnTime, f.ResponseDue
	case model.DimResolution:
		return f.ResolutionOnTime, f.ResolutionDue
	case model.DimReachability:
		return f.ChecksAnswered, f.Checks
	case model.DimComplaints:
		return f.ComplaintsUpheld90, f.Orders90
	}
	return 0, 0
}

// Rate rates every provider. cleared holds the providers with a clearance
// finding; they, and providers whose status is cleared, get no grade.
func Rate(facts []*model.Facts, book *rulebook.Book, cleared map[string]bool) []model.Rating {
	ra := &book.Rating
	// Platform rates: all providers' x over all their n.
	platform := map[string]*big.Rat{}
	for _, d := range ra.Dimensions {
		var sx, sn int64
		for _, f := range facts {
			x, n := raw(f, d.ID)
			sx, sn = sx+x, sn+n
		}
		switch {
		case sn > 0:
			platform[d.ID] = big.NewRat(sx, sn)
		case d.Factor != nil: // a dimension of bad items: none anywhere is none
			platform[d.ID] = new(big.Rat)
		default:
			platform[d.ID] = big.NewRat(1, 1)
		}
	}
	out := make([]model.Rating, 0, len(facts))
	for _, f := range facts {
		out = append(out, rate(f, book, platform, cleared[f.Provider.ID]))
	}
	return out
}

func rate(f *model.Facts, book *rulebook.Book, platform map[string]*big.Rat, cleared bool) model.Rating {
	ra := &book.Rating
	r := model.Rating{ProviderID: f.Provider.ID, RatedItems: f.DeliveryDue + f.TicketsAssessable}
	sum := new(big.Rat)
	one := big.NewRat(1, 1)
	for _, d := range ra.Dimensions {
		x, n := raw(f, d.ID)
		p := platform[d.ID]
		k := big.NewRat(d.Prior, 1)
		// (x + k·p) / (n + k)
		num := new(big.Rat).Add(big.NewRat(x, 1), new(big.Rat).Mul(k, p))
		den := new(big.Rat).Add(big.NewRat(n, 1), k)
		v := new(big.Rat).Set(p)
		if den.Sign() != 0 {
			v.Quo(num, den)
		}
		if d.Factor != nil { // max(0, 1 − factor × smoothed)
			v.Sub(one, v.Mul(v, big.NewRat(*d.Factor, 1)))
			if v.Sign() < 0 {
				v.SetInt64(0)
			}
		}
		c := new(big.Rat).Mul(v, d.WeightRat)
		sum.Add(sum, c)
		pf, _ := p.Float64()
		vf, _ := v.Float64()
		wf, _ := d.WeightRat.Float64()
		cf, _ := new(big.Rat).Mul(c, big.NewRat(100, 1)).Float64()
		r.Dimensions = append(r.Dimensions, model.DimensionScore{ID: d.ID, X: x, N: n, Platform: pf, Prior: d.Prior,
			Smoothed: vf, Weight: wf, Contribution: cf})
	}
	sum.Mul(sum, big.NewRat(100, 1))
	r.Weighted, _ = sum.Float64()
	r.PointsDeducted = min(f.Points365, ra.MaxPointsDeducted)
	score := sum.Sub(sum, big.NewRat(r.PointsDeducted, 1))
	if score.Sign() < 0 {
		score.SetInt64(0)
	}
	if score.Cmp(big.NewRat(100, 1)) > 0 {
		score.SetInt64(100)
	}
	r.ScoreTenths = roundHalfAway(score.Mul(score, big.NewRat(10, 1)))
	switch {
	case cleared || f.Provider.Status == model.StatusCleared:
		r.Grade = model.Cleared
	case r.RatedItems < ra.MinRatedItems:
		r.Grade = model.Unrated
	default:
		r.Scored = true
		r.Grade = book.GradeOf(r.Score())
	}
	return r
}

// roundHalfAway rounds a non-negative rational to the nearest integer,
// halves away from zero.
func roundHalfAway(x *big.Rat) int64 {
	twice := new(big.Int).Mul(x.Num(), big.NewInt(2))
	twice.Add(twice, x.Denom())                                              // 2·num + den
	q := new(big.Int).Quo(twice, new(big.Int).Mul(x.Denom(), big.NewInt(2))) // floor((2num+den)/(2den)) = floor(x + 1/2)
	return q.Int64()
}
