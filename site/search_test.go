package site

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/disclose-project/disclose/pipeline/model"
)

// searchIndex is a built index as the client sees it.
type searchIndex struct {
	meta   searchMeta
	shards []map[string]json.RawMessage
	recs   [][]string
	bytes  map[string]int // fetched file sizes, by path
}

func buildIndex(t testing.TB, ps []*model.Provider) *searchIndex {
	t.Helper()
	w := &world{}
	for _, p := range ps {
		w.providers = append(w.providers, &prov{F: &model.Facts{Provider: p}, R: &model.Rating{Grade: model.Unrated}, Slug: Slug(p.ID), Status: "active"})
	}
	files, meta := w.searchFiles()
	ix := &searchIndex{meta: meta, shards: make([]map[string]json.RawMessage, meta.Shards), bytes: map[string]int{}}
	for _, f := range files {
		ix.bytes[f.path] = len(f.raw)
		var n int
		switch {
		case strings.HasPrefix(f.path, "search/i/"):
			fmt.Sscanf(f.path, "search/i/%d.json", &n)
			if err := json.Unmarshal(f.raw, &ix.shards[n]); err != nil {
				t.Fatalf("%s: %v", f.path, err)
			}
		case strings.HasPrefix(f.path, "search/r/"):
			var recs [][]string
			if err := json.Unmarshal(f.raw, &recs); err != nil {
				t.Fatalf("%s: %v", f.path, err)
			}
			ix.recs = append(ix.recs, recs...)
		}
	}
	return ix
}

func decodePosting(t testing.TB, s string) []int32 {
	t.Helper()
	b, err := base64.RawStdEncoding.DecodeString(s[1:])
	if err != nil {
		t.Fatalf("posting %q: %v", s, err)
	}
	var out []int32
	switch s[0] {
	case 'b':
		for i, c := range b {
			for bit := 0; bit < 8; bit++ {
				if c&(1<<bit) != 0 {
					out = append(out, int32(8*i+bit))
				}
			}
		}
	case 'd':
		prev := int64(0)
		for len(b) > 0 {
			v, n := binary.Uvarint(b)
			b = b[n:]
			if len(out) > 0 {
				v += uint64(prev)
			}
			out = append(out, int32(v))
			prev = int64(v)
		}
	default:
		t.Fatalf("posting %q: unknown kind", s)
	}
	return out
}

// lookup does what site.js does: walk from the node of the query's first
// character to its leaf, and take the union of the postings of the keys
// that start with the query; a query longer than a key is then checked
// against the records. It returns the numbers and the files fetched.
func (ix *searchIndex) lookup(t testing.TB, q string) (hits []int32, fetched []string) {
	t.Helper()
	qr, _ := searchNorm(q)
	if len(qr) == 0 {
		return nil, nil
	}
	l := min(len(qr), ix.meta.KeyRunes)
	want := string(qr[:l])
	set := map[int32]bool{}
	for depth := 1; ; depth++ {
		prefix := string(qr[:depth])
		sh := shardOf(prefix, ix.meta.Shards)
		fetched = append(fetched, fmt.Sprintf("search/i/%d.json", sh))
		raw, ok := ix.shards[sh][prefix]
		if !ok {
			return nil, fetched
		}
		var leaf [][2]string
		if json.Unmarshal(raw, &leaf) == nil {
			for _, e := range leaf {
				if strings.HasPrefix(prefix+e[0], want) {
					for _, n := range decodePosting(t, e[1]) {
						set[n] = true
					}
				}
			}
			break
		}
		if depth == l {
			var split map[string]string
			if err := json.Unmarshal(raw, &split); err != nil {
				t.Fatal(err)
			}
			for _, n := range decodePosting(t, split["u"]) {
				set[n] = true
			}
			break
		}
	}
	for n := range set {
		hits = append(hits, n)
	}
	slices.Sort(hits)
	if len(qr) > l { // longer than a key: check the records
		full := string(qr)
		hits = slices.DeleteFunc(hits, func(n int32) bool {
			r := ix.recs[n]
			for _, f := range []string{r[0], r[2], r[3]} {
				if fr, _ := searchNorm(f); strings.Contains(string(fr), full) {
					return false
				}
			}
			return true
		})
	}
	return hits, fetched
}

// brute is what a search must find: the providers one of whose texts
// holds the query at a place a search may start.
func brute(ps []*model.Provider, q string) []int32 {
	qr, _ := searchNorm(q)
	var out []int32
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, func(a, b *model.Provider) int { return strings.Compare(a.ID, b.ID) })
	for i, p := range sorted {
		for _, k := range fullKeys(p) {
			if strings.HasPrefix(k, string(qr)) {
				out = append(out, int32(i))
				break
			}
		}
	}
	return out
}

// fullKeys are a provider's keys, not cut to searchKeyRunes.
func fullKeys(p *model.Provider) []string {
	var out []string
	for i, t := range []string{p.ID, p.Name, p.NameEn} {
		rs, gap := searchNorm(t)
		for _, s := range searchStarts(rs, gap) {
			out = append(out, string(rs[s:]))
		}
		if i == 1 {
			for _, in := range searchInitials(rs) {
				ir := []rune(in)
				for s := range ir {
					out = append(out, string(ir[s:]))
				}
			}
		}
	}
	return out
}

func TestSearchNorm(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"white space and case go", "Alpha  Tech", "alphatech"},
		{"full-width letters fold (NFKC)", "ＡＢＣ科技", "abc科技"},
		{"bidi controls go", "甲\u202e乙", "甲乙"},
		{"dotted capital I keeps its case, as in JavaScript", "İ", "İ"},
	}
	for _, tt := range tests {
		rs, _ := searchNorm(tt.in)
		if string(rs) != tt.want {
			t.Errorf("%s: searchNorm(%q) = %q, want %q", tt.name, tt.in, string(rs), tt.want)
		}
	}
}

func TestSearchKeys(t *testing.T) {
	keys := searchKeys("SP000123", "重庆天天电商", "Provider 000123")
	for _, want := range []string{"sp000123", "000123", "123", "重庆天天电商", "电商", "商", "cqttds", "zqttds", "ttds", "ds", "provider0001"} {
		if !slices.Contains(keys, want) {
			t.Errorf("searchKeys: no %q in %q", want, keys)
		}
	}
	for _, not := range []string{"p000123", "23", "ovider000123"} {
		if slices.Contains(keys, not) {
			t.Errorf("searchKeys: %q is not the start of a word, in %q", not, keys)
		}
	}
}

// names makes n providers: gen's kind of names (few parts, much shared)
// and names as varied as a real register's, with Latin and digits.
func names(n int, seed uint64) []*model.Provider {
	r := rand.New(rand.NewPCG(seed, 1))
	han := []rune("天天智锐数汇星图越宏启思云帆百川恒信聚力锦程鼎新杭州北京上海深圳广州成都重庆厦门长沙电商服务网络科技数据信息技术营销策划有限公司工作室贸易咨询文化传媒设计软件开发")
	latin := []string{"ABC", "Tech", "Co.", "Ltd", "Studio", "Data", "No.7", "ＸＹＺ"}
	var ps []*model.Provider
	for i := 0; i < n; i++ {
		var b strings.Builder
		for k := 0; k < 4+r.IntN(10); k++ {
			b.WriteRune(han[r.IntN(len(han))])
		}
		if r.IntN(5) == 0 {
			b.WriteString(latin[r.IntN(len(latin))])
		}
		ps = append(ps, &model.Provider{ID: fmt.Sprintf("SP%06d", i+1), Name: b.String(), NameEn: fmt.Sprintf("Provider %06d %s", i+1, latin[r.IntN(len(latin))])})
	}
	return ps
}

func TestSearchFindsWhatBruteForceFinds(t *testing.T) {
	ps := names(1500, 7)
	ix := buildIndex(t, ps)
	r := rand.New(rand.NewPCG(9, 9))
	queries := []string{"有限公司", "公司", "司", "天天", "sp0001", "000123", "123", "SP002", "provider 0029", "tech", "cq", "xm", "ＸＹＺ", "xyz", "no.7", "没有的名字", "zzzz"}
	for i := 0; i < 80; i++ { // substrings of names, of every length
		name := []rune(ps[r.IntN(len(ps))].Name)
		a := r.IntN(len(name))
		b := a + 1 + r.IntN(len(name)-a)
		queries = append(queries, string(name[a:b]))
	}
	for _, q := range queries {
		got, _ := ix.lookup(t, q)
		want := brute(ps, q)
		if !slices.Equal(got, want) {
			t.Errorf("search %q finds %d providers, want %d", q, len(got), len(want))
		}
	}
}

func TestSearchShardsAreSmall(t *testing.T) {
	ps := names(20000, 3)
	ix := buildIndex(t, ps)
	largest, total := 0, 0
	for p, n := range ix.bytes {
		if strings.HasPrefix(p, "search/i/") {
			largest = max(largest, n)
			total += n
		}
	}
	t.Logf("20,000 providers: %d shards, %d bytes in all, the largest %d", ix.meta.Shards, total, largest)
	if largest > 24<<10 {
		t.Errorf("the largest shard holds %d bytes, want a few KB", largest)
	}
	for _, q := range []string{"公司", "有", "sp", "1", "天天电商服务有限公司"} {
		_, fetched := ix.lookup(t, q)
		bytes := 0
		for _, f := range fetched {
			bytes += ix.bytes[f]
		}
		if bytes > 100<<10 {
			t.Errorf("search %q fetches %d bytes of index (%v)", q, bytes, fetched)
		}
	}
}
