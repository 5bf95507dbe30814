// Package record keeps the tamper-evident log of enforcement notices:
// every notice as it was issued and every change of a notice's status,
// appended in order to a Merkle tree as RFC 6962 defines it (the Go
// checksum database's log, golang.org/x/mod/sumdb/tlog). A checkpoint
// states the tree's size and root hash, signed when the build has a key
// (golang.org/x/mod/sumdb/note, Ed25519). Whoever kept an earlier
// checkpoint can check that a later log extends it: a notice cannot be
// removed or rewritten unseen, even by whoever runs the build.
//
// It sits after ledger in the flow: the build appends what tonight changed
// in the ledger, keeps the log in the state directory, and publishes it with
// the downloads (log.jsonl, checkpoint).
package record

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Entry is one line of the log: a notice as issued, or a change of its
// status. Its JSON form, with the fields in this order, is what the tree
// hashes.
type Entry struct {
	Event          string   `json:"event"` // "issued" or "status"
	NoticeID       string   `json:"notice_id"`
	ProviderID     string   `json:"provider_id,omitempty"`
	ProviderName   string   `json:"provider_name,omitempty"`
	RuleID         string   `json:"rule_id,omitempty"`
	RuleVersion    string   `json:"rule_version,omitempty"`
	Measure        string   `json:"measure,omitempty"`
	Origin         string   `json:"origin,omitempty"`
	IssuedOn       string   `json:"issued_on,omitempty"`
	EffectiveUntil string   `json:"effective_until,omitempty"`
	AppealBy       string   `json:"appeal_by,omitempty"`
	Continues      string   `json:"continues,omitempty"`
	Basis          []string `json:"basis,omitempty"`
	FactsZh        string   `json:"facts_zh,omitempty"`
	FactsEn        string   `json:"facts_en,omitempty"`
	// A status change: the new status, the day it took effect, and why.
	Status string `json:"status,omitempty"`
	On     string `json:"on,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Events.
const (
	Issued = "issued"
	Status = "status"
)

func dateText(d model.Date) string {
	if d == model.NoDate {
		return ""
	}
	return d.String()
}

// IssuedEntry is the entry of a notice as issued.
func IssuedEntry(n *model.Notice) Entry {
	return Entry{Event: Issued, NoticeID: n.ID, ProviderID: n.ProviderID, ProviderName: n.ProviderName, RuleID: n.RuleID,
		RuleVersion: n.RuleVersion, Measure: string(n.Measure), Origin: n.Origin, IssuedOn: dateText(n.IssuedOn),
		EffectiveUntil: dateText(n.EffectiveUntil), AppealBy: dateText(n.AppealBy), Continues: n.Continues,
		Basis: n.Basis, FactsZh: n.FactsZh, FactsEn: n.FactsEn}
}

// Matches reports which field of a notice differs from its issued entry
// ("" when none does): a notice's issued fields never change.
func (e *Entry) Matches(n *model.Notice) string {
	w := IssuedEntry(n)
	a, _ := json.Marshal(e)
	b, _ := json.Marshal(&w)
	if bytes.Equal(a, b) {
		return ""
	}
	var x, y map[string]any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	for _, k := range []string{"provider_id", "provider_name", "rule_id", "rule_version", "measure", "origin", "issued_on",
		"effective_until", "appeal_by", "continues", "basis", "facts_zh", "facts_en"} {
		if fmt.Sprint(x[k]) != fmt.Sprint(y[k]) {
			return k
		}
	}
	return "notice"
}

// Changes lists what tonight's notices add to the log, given the notices
// the log already holds with their last status: each new notice as issued
// (in the ledger's order), then, for each notice whose status differs from
// the log's, the change (in the ledger's order). asOf dates an expiry:
// the build that found the period over.
func Changes(logged map[string]string, notices []model.Notice, asOf model.Date) []Entry {
	var out, status []Entry
	for i := range notices {
		n := &notices[i]
		last, ok := logged[n.ID]
		if !ok {
			out = append(out, IssuedEntry(n))
			last = model.InForce
		}
		if n.Status != last {
			e := Entry{Event: Status, NoticeID: n.ID, Status: n.Status, On: asOf.String()}
			if n.Status == model.Rescinded {
				e.On, e.Reason = dateText(n.RescindedOn), n.RescindReason
			}
			status = append(status, e)
		}
	}
	return append(out, status...)
}

// Log is the whole log, in order.
type Log struct {
	Entries []Entry
}

// Encode writes the log as JSON lines, one entry a line.
func (l *Log) Encode(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i := range l.Entries {
		b, err := json.Marshal(&l.Entries[i])
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Bytes is the log as Encode writes it.
func (l *Log) Bytes() []byte {
	var b bytes.Buffer
	l.Encode(&b)
	return b.Bytes()
}

// Decode reads a log Encode wrote; name says where from, in errors.
func Decode(data []byte, name string) (*Log, error) {
	l := &Log{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, i+1, err)
		}
		if e.Event != Issued && e.Event != Status {
			return nil, fmt.Errorf("%s: line %d: event %q", name, i+1, e.Event)
		}
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

// Statuses replays the log: each notice's last status.
func (l *Log) Statuses() map[string]string {
	m := map[string]string{}
	for _, e := range l.Entries {
		switch e.Event {
		case Issued:
			m[e.NoticeID] = model.InForce
		case Status:
			m[e.NoticeID] = e.Status
		}
	}
	return m
}

// records are the log's entries as the tree hashes them.
func (l *Log) records() [][]byte {
	out := make([][]byte, len(l.Entries))
	for i := range l.Entries {
		out[i], _ = json.Marshal(&l.Entries[i])
	}
	return out
}

// hashes are the tree's stored hashes (tlog's layout), built in memory.
type hashes []tlog.Hash

func (h hashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(h)) {
			return nil, fmt.Errorf("record: no stored hash %d", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

func (l *Log) stored() (hashes, error) {
	var h hashes
	for i, rec := range l.records() {
		add, err := tlog.StoredHashes(int64(i), rec, h)
		if err != nil {
			return nil, err
		}
		h = append(h, add...)
	}
	return h, nil
}

// Tree is the log's size and root hash.
func (l *Log) Tree() (tlog.Tree, error) {
	h, err := l.stored()
	if err != nil {
		return tlog.Tree{}, err
	}
	n := int64(len(l.Entries))
	root, err := tlog.TreeHash(n, h)
	return tlog.Tree{N: n, Hash: root}, err
}

// Extends checks that the log extends the tree old, an earlier checkpoint
// of it: a consistency proof (RFC 6962 §2.1.2) from old's size to the
// log's, checked against both roots.
func (l *Log) Extends(old tlog.Tree) error {
	h, err := l.stored()
	if err != nil {
		return err
	}
	n := int64(len(l.Entries))
	if old.N > n {
		return fmt.Errorf("the log holds %d entries, fewer than the %d of the earlier checkpoint", n, old.N)
	}
	root, err := tlog.TreeHash(n, h)
	if err != nil {
		return err
	}
	proof, err := tlog.ProveTree(n, old.N, h)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(proof, n, root, old.N, old.Hash); err != nil {
		return fmt.Errorf("the log's first %d entries are not the earlier checkpoint's: an entry was removed or rewritten", old.N)
	}
	return nil
}

// Checkpoint is the checkpoint text of a tree: an origin line naming the
// log, the tree size and the root hash in base64 (the C2SP checkpoint
// form the Go checksum database's notes follow).
func Checkpoint(origin string, t tlog.Tree) []byte {
	return []byte(fmt.Sprintf("%s\n%d\n%s\n", origin, t.N, base64.StdEncoding.EncodeToString(t.Hash[:])))
}

// ParseCheckpoint reads a checkpoint's text.
func ParseCheckpoint(text []byte) (origin string, t tlog.Tree, err error) {
	lines := strings.Split(string(text), "\n")
	if len(lines) < 4 || lines[3] != "" {
		return "", t, errors.New("checkpoint: want three lines: origin, size, root hash")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 {
		return "", t, fmt.Errorf("checkpoint: size %q", lines[1])
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return "", t, fmt.Errorf("checkpoint: root hash %q", lines[2])
	}
	t.N = n
	copy(t.Hash[:], h)
	return lines[0], t, nil
}

// Sign signs a checkpoint with a note signer key (NAME.key of Keygen).
func Sign(checkpoint []byte, skey string) ([]byte, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return note.Sign(&note.Note{Text: string(checkpoint)}, s)
}

// Open checks a signed checkpoint with a note verifier key (NAME.pub of
// Keygen) and returns its text.
func Open(signed []byte, vkey string) ([]byte, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return []byte(n.Text), nil
}

// Keygen makes a signing key and its public key for name, in note format.
func Keygen(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}
