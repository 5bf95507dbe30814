package rules

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
)

// BenchmarkStretches judges 16 K items of one service on random days
// against its commitments: by the stretches worked out once (kindView, a
// few held in the view itself or more searched), and by picking the
// commitment that applies on each item's day, which the stretches stand
// in for.
func BenchmarkStretches(b *testing.B) {
	const items = 16 << 10
	for _, n := range []int{1, 8} { // commitments: held in the view, and searched
		var cs []*model.Commitment
		var ss []stretch
		ss = append(ss, stretch{from: math.MinInt32})
		for k := range n {
			c := &model.Commitment{ID: fmt.Sprint("C", k), ServiceID: "S1", Target: float64(10 + k),
				EffectiveFrom: model.Date(20000 + 40*k), EffectiveTo: model.NoDate}
			cs = append(cs, c)
			ss = append(ss, stretch{from: c.EffectiveFrom, target: c.Target, perf: &model.Perf{}})
		}
		kv := kindView{n: len(ss)}
		if kv.n <= len(kv.first) {
			copy(kv.first[:], ss)
		} else {
			kv.all = ss
		}
		r := rand.New(rand.NewPCG(5, 6))
		days := make([]model.Date, items)
		for i := range days {
			days[i] = model.Date(19990 + r.IntN(40*n+20))
		}
		b.Run(fmt.Sprintf("%d commitments/stretches", n), func(b *testing.B) {
			var sum float64
			for b.Loop() {
				for _, d := range days {
					sum += kv.pick(d).target
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*items), "ns/item")
		})
		b.Run(fmt.Sprintf("%d commitments/pick", n), func(b *testing.B) {
			var sum float64
			for b.Loop() {
				for _, d := range days {
					if i := pick(cs, "S1", d); i >= 0 {
						sum += cs[i].Target
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*items), "ns/item")
		})
	}
}
