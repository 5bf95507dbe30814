package site

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/disclose-project/disclose/site/internal/pinyin"
	"golang.org/x/text/unicode/norm"
)

// The search index is static and sharded, so that a phone looking up one
// provider among tens of thousands fetches a few small files, not the
// whole register. site.js reads it; the two sides must agree on every
// rule below.
//
// Each provider is numbered by its place in the order of provider ids.
// Its keys are the places where a search may start in its id, name and
// English name (normalised by searchNorm): every character of Chinese
// text (so that any substring is found, as before), the start of each
// word, letter or digit run otherwise (SP000123 is found by "sp0001",
// "000123" and "123"), and every place in the pinyin initials of its
// Chinese name (天天电商 by "ttds" and "ds"). A key keeps at most
// searchKeyRunes characters; a longer query is matched on that much and
// then checked against the names themselves.
//
// The keys, each with the sorted numbers of the providers it comes from
// (its posting), form a trie of nodes named by a prefix. A node whose
// keys would take more than searchNodeBytes is split by the next
// character: it keeps only the union of its keys' postings (the answer
// to a query that is exactly its prefix) and the posting of the key
// equal to it, and each child is a node of its own. A node lives in
// search/i/<n>.json, where n is the FNV-1a hash of its prefix's UTF-8
// bytes modulo the number of shards, chosen so that a shard holds about
// searchShardBytes. A query walks from the node of its first character
// down to the leaf that holds it: one small file a step.
//
// The providers' records (id, page, name, English name, category,
// grade, score, status) are in search/r/<n>.json, searchBlock a file. The
// number of shards, the block size and a version (which the client adds
// to each address, so that a cache never mixes two nights' files) are in
// status.json.

const (
	searchKeyRunes   = 12
	searchNodeBytes  = 6 << 10
	searchShardBytes = 4 << 10
	searchBlock      = 64
)

// searchMeta is what status.json says of the index.
type searchMeta struct {
	Version  string `json:"v"`
	Shards   int    `json:"shards"`
	Block    int    `json:"block"`
	KeyRunes int    `json:"key_runes"`
	N        int    `json:"n"`
}

// searchNorm folds text for search as site.js does: NFKC, each character
// lower-cased where its lower case is one character (U+0130 is not, in
// JavaScript), white space and format characters (bidi controls) dropped.
// gap[i] reports whether something was dropped before rune i.
func searchNorm(s string) (rs []rune, gap []bool) {
	dropped := false
	for _, r := range norm.NFKC.String(s) {
		if unicode.Is(unicode.White_Space, r) || unicode.Is(unicode.Cf, r) {
			dropped = true
			continue
		}
		if r != 'İ' {
			r = unicode.ToLower(r)
		}
		rs = append(rs, r)
		gap = append(gap, dropped)
		dropped = false
	}
	return rs, gap
}

// runeClass sorts characters for word starts: 'w' for a character that
// is a word of its own (Han, kana, Hangul), 'l' letters, 'd' digits, 'p'
// anything else.
func runeClass(r rune) byte {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return 'w'
	case unicode.IsLetter(r):
		return 'l'
	case unicode.IsDigit(r):
		return 'd'
	}
	return 'p'
}

// searchStarts lists the places in rs where a search may start.
func searchStarts(rs []rune, gap []bool) []int {
	var out []int
	for i, r := range rs {
		c := runeClass(r)
		start := i == 0 || gap[i] || c == 'w'
		if i > 0 {
			p := runeClass(rs[i-1])
			start = start || p == 'w' || p == 'p' || p != c
		}
		if !start {
			continue
		}
		out = append(out, i)
		// A number is found without its leading zeros too.
		if c == 'd' && r == '0' {
			j := i
			for j < len(rs) && rs[j] == '0' {
				j++
			}
			if j < len(rs) && runeClass(rs[j]) == 'd' {
				out = append(out, j)
			}
		}
	}
	return out
}

// maxInitials bounds the spellings in initials of a name whose characters
// read more than one way.
const maxInitials = 4

// searchInitials returns the pinyin initials of the Chinese characters in
// rs, letters and digits kept as they are, in each spelling up to
// maxInitials (重庆 gives "zq" and "cq"); nil when rs has no character
// the table knows.
func searchInitials(rs []rune) []string {
	outs := []string{""}
	han := false
	for _, r := range rs {
		if l := pinyin.Initial(r); l != 0 {
			han = true
			next := make([]string, 0, len(outs))
			for _, o := range outs {
				next = append(next, o+string(rune(l)))
			}
			for _, alt := range pinyin.Others(r) {
				for _, o := range outs {
					if len(next) < maxInitials {
						next = append(next, o+string(alt))
					}
				}
			}
			outs = next
			continue
		}
		if c := runeClass(r); c == 'l' || c == 'd' {
			for i := range outs {
				outs[i] += string(r)
			}
		}
	}
	if !han {
		return nil
	}
	return outs
}

// searchKeys returns a provider's keys.
func searchKeys(texts ...string) []string {
	var keys []string
	add := func(rs []rune, starts []int) {
		for _, i := range starts {
			keys = append(keys, string(rs[i:min(len(rs), i+searchKeyRunes)]))
		}
	}
	for i, t := range texts {
		rs, gap := searchNorm(t)
		add(rs, searchStarts(rs, gap))
		if i == 1 { // the Chinese name
			for _, in := range searchInitials(rs) {
				ir := []rune(in)
				all := make([]int, len(ir))
				for j := range all {
					all[j] = j
				}
				add(ir, all)
			}
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// posting encodes sorted provider numbers: "b" and a bitmap, or "d" and
// LEB128 varints of the first number and each gap after it, whichever is
// shorter, in unpadded base64.
func posting(ns []int32) string {
	var d []byte
	prev := int32(0)
	for i, n := range ns {
		if i == 0 {
			d = binary.AppendUvarint(d, uint64(n))
		} else {
			d = binary.AppendUvarint(d, uint64(n-prev))
		}
		prev = n
	}
	if len(ns) > 0 {
		if bm := int(ns[len(ns)-1])/8 + 1; bm < len(d) {
			b := make([]byte, bm)
			for _, n := range ns {
				b[n/8] |= 1 << (n % 8)
			}
			return "b" + base64.RawStdEncoding.EncodeToString(b)
		}
	}
	return "d" + base64.RawStdEncoding.EncodeToString(d)
}

// searchEntry is one key and its posting.
type searchEntry struct {
	key string
	ns  []int32
}

// searchNode is one node of the trie, as a shard file holds it: a leaf
// is a list of [the key after the prefix, posting]; a split node an
// object with the union "u" and the posting "e" of the key equal to the
// prefix.
type searchNode struct {
	prefix string
	leaf   [][2]string
	union  string
	exact  string
}

func (n *searchNode) MarshalJSON() ([]byte, error) {
	if n.leaf != nil {
		return json.Marshal(n.leaf)
	}
	m := map[string]string{"u": n.union}
	if n.exact != "" {
		m["e"] = n.exact
	}
	return json.Marshal(m)
}

// searchFiles builds the index of the providers, numbered in id order,
// and returns its files (paths under the site root) and what status.json
// says of it.
func (w *world) searchFiles() ([]page, searchMeta) {
	ps := slices.Clone(w.providers)
	slices.SortFunc(ps, func(a, b *prov) int { return strings.Compare(a.F.Provider.ID, b.F.Provider.ID) })
	post := map[string][]int32{}
	for i, p := range ps {
		for _, k := range searchKeys(p.F.Provider.ID, p.F.Provider.Name, p.F.Provider.NameEn) {
			post[k] = append(post[k], int32(i))
		}
	}
	entries := make([]searchEntry, 0, len(post))
	for k, ns := range post {
		entries = append(entries, searchEntry{k, ns})
	}
	slices.SortFunc(entries, func(a, b searchEntry) int { return strings.Compare(a.key, b.key) })
	var nodes []*searchNode
	splitNodes(entries, "", 0, len(ps), &nodes)
	total := 0
	enc := make([][]byte, len(nodes))
	for i, n := range nodes {
		b, _ := json.Marshal(n)
		enc[i] = b
		total += len(b) + len(n.prefix) + 4
	}
	shards := 1
	for shards*searchShardBytes < total {
		shards *= 2
	}
	files := make([][]string, shards) // per shard: `"prefix":node` members
	for i, n := range nodes {
		k, _ := json.Marshal(n.prefix)
		h := shardOf(n.prefix, shards)
		files[h] = append(files[h], string(k)+":"+string(enc[i]))
	}
	var out []page
	sum := sha256.New()
	for i, members := range files {
		b := []byte("{" + strings.Join(members, ",") + "}")
		sum.Write(b)
		out = append(out, page{path: fmt.Sprintf("search/i/%d.json", i), raw: b})
	}
	for b := 0; b*searchBlock < len(ps); b++ {
		var recs [][]string
		for _, p := range ps[b*searchBlock : min(len(ps), (b+1)*searchBlock)] {
			slug := p.Slug
			if slug == p.F.Provider.ID {
				slug = ""
			}
			recs = append(recs, []string{p.F.Provider.ID, slug, p.F.Provider.Name, p.F.Provider.NameEn, p.F.Provider.Category, p.R.Grade, p.R.ScoreText(), string(p.Status)})
		}
		raw, _ := json.Marshal(recs)
		sum.Write(raw)
		out = append(out, page{path: fmt.Sprintf("search/r/%d.json", b), raw: raw})
	}
	meta := searchMeta{Version: hex.EncodeToString(sum.Sum(nil))[:12], Shards: shards, Block: searchBlock, KeyRunes: searchKeyRunes, N: len(ps)}
	return out, meta
}

// shardOf is the shard of a node: FNV-1a of its prefix's UTF-8 bytes.
func shardOf(prefix string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(prefix))
	return int(h.Sum32() % uint32(shards))
}

// splitNodes adds the nodes under prefix (depth runes long) for the
// sorted entries that start with it.
func splitNodes(es []searchEntry, prefix string, depth, n int, out *[]*searchNode) {
	size := 0
	for _, e := range es {
		size += len(e.key) - len(prefix) + len(posting(e.ns)) + 8
		if size > searchNodeBytes {
			break
		}
	}
	if depth > 0 && (size <= searchNodeBytes || depth >= searchKeyRunes) {
		leaf := make([][2]string, 0, len(es))
		for _, e := range es {
			leaf = append(leaf, [2]string{e.key[len(prefix):], posting(e.ns)})
		}
		*out = append(*out, &searchNode{prefix: prefix, leaf: leaf})
		return
	}
	if depth > 0 {
		node := &searchNode{prefix: prefix, union: posting(union(es, n))}
		if len(es) > 0 && es[0].key == prefix {
			node.exact = posting(es[0].ns)
		}
		*out = append(*out, node)
	}
	// The children, by the character after the prefix.
	i := 0
	if len(es) > 0 && es[0].key == prefix {
		i = 1
	}
	for i < len(es) {
		_, size := utf8.DecodeRuneInString(es[i].key[len(prefix):])
		child := prefix + es[i].key[len(prefix):len(prefix)+size]
		j := i
		for j < len(es) && strings.HasPrefix(es[j].key, child) {
			j++
		}
		splitNodes(es[i:j], child, depth+1, n, out)
		i = j
	}
}

// union merges the entries' postings.
func union(es []searchEntry, n int) []int32 {
	seen := make([]bool, n)
	for _, e := range es {
		for _, x := range e.ns {
			seen[x] = true
		}
	}
	var out []int32
	for i, s := range seen {
		if s {
			out = append(out, int32(i))
		}
	}
	return out
}
