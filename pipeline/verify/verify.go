// Package verify checks a published downloads folder on its own: no
// snapshot, no ledger, only what anyone can download. It recomputes every
// provider's dimensions, score, grade and published status from the
// published counts with the rule book the folder holds, checks each
// notice's period, appeal deadline and status against its dates, the
// checksums, that every format says the same thing, and that the log of
// notices accounts for every notice. Given an earlier night's downloads it
// checks that nothing was removed or changed against the rules, and given
// the public key, the signed checkpoints.
//
// It sits at the end of the flow, reading what report wrote.
package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/disclose-project/disclose/pipeline/ledger"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rating"
	"github.com/disclose-project/disclose/pipeline/record"
	"github.com/disclose-project/disclose/pipeline/report"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"golang.org/x/mod/sumdb/tlog"
)

// Options say what to check.
type Options struct {
	Dir       string // the downloads folder
	Previous  string // an earlier night's downloads folder, or ""
	PublicKey string // a note verifier key, or "": check the signed checkpoints
}

// Problem is one thing that does not hold, about one subject ("provider
// P1", "notice N…", "file providers.csv", "log").
type Problem struct {
	Subject string
	What    string
}

func (p Problem) String() string { return p.Subject + ": " + p.What }

// Result is what was checked and what did not hold.
type Result struct {
	AsOf                         string
	Files, Providers, Notices    int
	LogEntries                   int
	Checkpoint, PreviousCompared bool
	Problems                     []Problem
}

// OK reports whether everything held.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

func (r *Result) add(subject, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{subject, fmt.Sprintf(format, args...)})
}

// folder is one downloads folder, read.
type folder struct {
	dir      string
	manifest report.Manifest
	book     *rulebook.Book
	asOf     model.Date
	tables   map[string]*report.Table // read from Parquet
	notices  []model.Notice
	log      *record.Log
}

// Run checks the folder; an error means it could not be read at all.
func Run(opt Options) (*Result, error) {
	res := &Result{}
	cur, err := read(opt.Dir, res)
	if err != nil {
		return nil, err
	}
	res.AsOf = cur.asOf.String()
	checkFormats(cur, res)
	checkRatings(cur, res)
	checkNotices(cur, res)
	checkTransparency(cur, res)
	tree := checkLog(cur, res)
	if opt.PublicKey != "" {
		res.Checkpoint = true
		checkCheckpoint(cur.dir, opt.PublicKey, tree, "checkpoint", res)
	}
	if opt.Previous != "" {
		prevRes := &Result{}
		prev, err := read(opt.Previous, prevRes)
		if err != nil {
			return nil, fmt.Errorf("previous: %w", err)
		}
		for _, p := range prevRes.Problems {
			res.add("previous "+p.Subject, "%s", p.What)
		}
		res.PreviousCompared = true
		checkPrevious(prev, cur, opt.PublicKey, res)
	}
	return res, nil
}

// read checks the folder's checksums and reads its manifest, rule book,
// tables and log.
func read(dir string, res *Result) (*folder, error) {
	f := &folder{dir: dir, tables: map[string]*report.Table{}}
	checkSums(dir, res)
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := json.Unmarshal(b, &f.manifest); err != nil {
		return nil, fmt.Errorf("%s: manifest.json: %w", dir, err)
	}
	if f.asOf, err = model.ParseDate(f.manifest.AsOf); err != nil {
		return nil, fmt.Errorf("%s: manifest.json: as_of: %w", dir, err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "rulebook.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if sum := sha256.Sum256(src); hex.EncodeToString(sum[:]) != f.manifest.RulebookSHA256 {
		res.add("file rulebook.json", "its SHA-256 is not the one manifest.json gives for the rule book in force")
	}
	if f.book, err = rulebook.Parse(src); err != nil {
		return nil, fmt.Errorf("%s: rulebook.json: %w", dir, err)
	}
	for _, t := range report.Schema(f.book) {
		pt, err := report.ReadParquet(filepath.Join(dir, t.Name+".parquet"), t.Cols)
		if err != nil {
			res.add("file "+t.Name+".parquet", "%v", err)
			continue
		}
		pt.Name = t.Name
		f.tables[t.Name] = pt
	}
	if nt := f.tables["notices"]; nt != nil {
		f.notices = report.NoticesOf(nt)
	}
	lb, err := os.ReadFile(filepath.Join(dir, "log.jsonl"))
	if err != nil {
		res.add("file log.jsonl", "%v", err)
		f.log = &record.Log{}
	} else if f.log, err = record.Decode(lb, "log.jsonl"); err != nil {
		res.add("file log.jsonl", "%v", err)
		f.log = &record.Log{}
	}
	return f, nil
}

// checkSums checks every file against SHA256SUMS, and that SHA256SUMS
// lists every file.
func checkSums(dir string, res *Result) {
	b, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		res.add("file SHA256SUMS", "%v", err)
		return
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			res.add("file SHA256SUMS", "line %q is not \"SHA-256  name\"", line)
			continue
		}
		listed[name] = true
		s, err := report.Sum(filepath.Join(dir, filepath.FromSlash(name)), name)
		switch {
		case err != nil:
			res.add("file "+name, "listed in SHA256SUMS but cannot be read: %v", err)
		case s.SHA256 != sum:
			res.add("file "+name, "does not match SHA256SUMS")
		}
		res.Files++
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		// The downloads page of the site lives in the folder too; it is a
		// page, not a download.
		if rel = filepath.ToSlash(rel); rel != "SHA256SUMS" && !strings.HasSuffix(rel, ".html") && !listed[rel] {
			res.add("file "+rel, "not listed in SHA256SUMS")
		}
		return nil
	})
}

// checkFormats compares every table's CSV and JSON with its Parquet, cell
// by cell (the workbook too, by checkWorkbook).
func checkFormats(f *folder, res *Result) {
	doc, err := readJSON(f.dir)
	if err != nil {
		res.add("file disclosure-"+f.asOf.String()+".json", "%v", err)
	}
	for _, t := range report.Schema(f.book) {
		pt := f.tables[t.Name]
		if pt == nil {
			continue
		}
		if rows, err := readCSV(filepath.Join(f.dir, t.Name+".csv")); err == nil {
			compareCSV(pt, rows, res)
		} else if !errors.Is(err, fs.ErrNotExist) {
			res.add("file "+t.Name+".csv", "%v", err)
		}
		if doc != nil {
			if rows, ok := doc[t.Name]; ok {
				compareJSON(pt, rows, "disclosure-"+f.asOf.String()+".json", res)
			}
		}
	}
	checkWorkbook(f, res)
}

func readCSV(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		return nil, errors.New("no UTF-8 byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// compareCSV wants the CSV's columns (a prefix of the table's, in order)
// to hold the Parquet's values as the CSV writes them.
func compareCSV(pt *report.Table, rows [][]string, res *Result) {
	file := "file " + pt.Name + ".csv"
	if len(rows) == 0 {
		res.add(file, "empty")
		return
	}
	idx := map[string]int{}
	for i, c := range pt.Cols {
		idx[c.Name] = i
	}
	var cols []int
	for _, h := range rows[0] {
		i, ok := idx[h]
		if !ok {
			res.add(file, "column %s is not in %s.parquet", h, pt.Name)
			return
		}
		cols = append(cols, i)
	}
	if len(rows)-1 != len(pt.Rows) {
		res.add(file, "%d rows, %s.parquet %d", len(rows)-1, pt.Name, len(pt.Rows))
		return
	}
	for r, row := range rows[1:] {
		for k, ci := range cols {
			want := report.Neutral(report.Text(pt.Cols[ci], pt.Rows[r][ci]))
			if k >= len(row) || row[k] != want {
				res.add(file, "row %d, %s: %q, but %s.parquet says %q", r+1, pt.Cols[ci].Name, at(row, k), pt.Name, want)
				return
			}
		}
	}
}

func at(row []string, k int) string {
	if k < len(row) {
		return row[k]
	}
	return ""
}

func readJSON(dir string) (map[string][]map[string]json.RawMessage, error) {
	matches, _ := filepath.Glob(filepath.Join(dir, "disclosure-*.json"))
	var path string
	for _, m := range matches {
		if !strings.HasSuffix(m, ".schema.json") {
			path = m
		}
	}
	if path == "" {
		return nil, errors.New("missing")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Tables map[string][]map[string]json.RawMessage `json:"tables"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return doc.Tables, nil
}

// compareJSON wants the JSON document's table to hold the Parquet's
// values as the JSON writer writes them.
func compareJSON(pt *report.Table, rows []map[string]json.RawMessage, name string, res *Result) {
	file := "file " + name
	if len(rows) != len(pt.Rows) {
		res.add(file, "table %s: %d rows, %s.parquet %d", pt.Name, len(rows), pt.Name, len(pt.Rows))
		return
	}
	for r, row := range rows {
		for ci, c := range pt.Cols {
			raw, ok := row[c.Name]
			if !ok {
				res.add(file, "table %s, row %d: no %s", pt.Name, r+1, c.Name)
				return
			}
			v := pt.Rows[r][ci]
			var want string
			switch {
			case v.Null:
				want = "null"
			case c.Kind == report.KText || c.Kind == report.KEnum || c.Kind == report.KDate:
				b, _ := json.Marshal(report.Text(c, v))
				want = string(b)
			default:
				want = report.Text(c, v)
			}
			if got := string(raw); got != want && !sameJSONString(got, want) {
				res.add(file, "table %s, row %d, %s: %s, but %s.parquet says %s", pt.Name, r+1, c.Name, got, pt.Name, want)
				return
			}
		}
	}
}

// sameJSONString compares two JSON strings by value (escapes may differ).
func sameJSONString(a, b string) bool {
	var x, y string
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && x == y
}

// col returns a table's column index by name, or -1.
func col(t *report.Table, name string) int {
	for i, c := range t.Cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// checkRatings recomputes every provider's rating and published status
// from the published counts and the rule book, and the measures in force
// from the notices.
func checkRatings(f *folder, res *Result) {
	pt := f.tables["providers"]
	if pt == nil {
		return
	}
	need := []string{"provider_id", "status", "grade", "score", "delivery_due", "delivery_on_time", "response_due", "response_on_time",
		"resolution_due", "resolution_on_time", "checks", "checks_answered", "orders_{rates_days}", "complaints_upheld_{rates_days}",
		"points_{points_days}", "measures", "tickets_assessable", "platform_status"}
	c := map[string]int{} // by the name as declared: the windows' columns are named by the rule book
	for _, n := range need {
		name := report.ColumnName(f.book, n, nil)
		if c[n] = col(pt, name); c[n] < 0 {
			res.add("file providers.parquet", "no column %s, which the recomputation needs", name)
			return
		}
	}
	var facts []*model.Facts
	for _, row := range pt.Rows {
		i := func(name string) int64 { return row[c[name]].I }
		facts = append(facts, &model.Facts{Provider: &model.Provider{ID: row[c["provider_id"]].S, Status: model.ProviderStatus(row[c["platform_status"]].S)},
			DeliveryDue: i("delivery_due"), DeliveryOnTime: i("delivery_on_time"), ResponseDue: i("response_due"),
			ResponseOnTime: i("response_on_time"), ResolutionDue: i("resolution_due"), ResolutionOnTime: i("resolution_on_time"),
			TicketsAssessable: i("tickets_assessable"), Checks: i("checks"), ChecksAnswered: i("checks_answered"),
			Orders90: i("orders_{rates_days}"), ComplaintsUpheld90: i("complaints_upheld_{rates_days}"), Points365: i("points_{points_days}")})
	}
	// A clearance in force clears a provider for good; a provider the
	// export lists as cleared is cleared too.
	cleared := map[string]bool{}
	byProvider := map[string][]*model.Notice{}
	for i := range f.notices {
		n := &f.notices[i]
		byProvider[n.ProviderID] = append(byProvider[n.ProviderID], n)
		if n.Measure == model.MeasureClearance && n.Status == model.InForce {
			cleared[n.ProviderID] = true
		}
	}
	ratings := rating.Rate(facts, f.book, cleared)
	ledger.Publish(facts, ratings, f.notices, f.asOf, f.book)
	for k, r := range ratings {
		row := pt.Rows[k]
		who := "provider " + r.ProviderID
		if g := row[c["grade"]].S; g != r.Grade {
			res.add(who, "grade %s, recomputed %s", g, r.Grade)
		}
		if s := row[c["score"]]; s.Null != !r.Scored || (r.Scored && s.I != r.ScoreTenths) {
			res.add(who, "score %s, recomputed %s", orNone(report.Text(report.Col{Kind: report.KScore}, s)), orNone(r.ScoreText()))
		}
		if s := model.ProviderStatus(row[c["status"]].S); s != r.Status {
			res.add(who, "status %s, recomputed %s", s, r.Status)
		}
		if m, want := row[c["measures"]].S, model.JoinMeasures(ledger.Measures(byProvider[r.ProviderID], f.asOf, f.book), ";"); m != want {
			res.add(who, "measures %q, but the notices in force give %q", m, want)
		}
		for _, d := range r.Dimensions {
			if i := col(pt, d.ID+"_smoothed"); i >= 0 && !row[i].Null && math.Abs(row[i].F-d.Smoothed) > 1e-9 {
				res.add(who, "%s smoothed %v, recomputed %v", d.ID, row[i].F, d.Smoothed)
			}
		}
	}
	res.Providers = len(ratings)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// checkNotices checks each notice's period, appeal deadline and status
// against its dates, the rule book and the as-of date.
func checkNotices(f *folder, res *Result) {
	ids := map[string]bool{}
	for i := range f.notices {
		n := &f.notices[i]
		who := "notice " + n.ID
		if ids[n.ID] {
			res.add(who, "listed twice")
		}
		ids[n.ID] = true
		if f.book.Measure(n.Measure) == nil {
			res.add(who, "measure %q is not in the rule book", n.Measure)
			continue
		}
		if want := ledger.Until(f.book, n.Measure, n.IssuedOn); n.EffectiveUntil != want {
			res.add(who, "in force until %s, but a %s issued on %s lasts until %s", dateOr(n.EffectiveUntil), n.Measure, n.IssuedOn, dateOr(want))
		}
		if want := n.IssuedOn + model.Date(f.book.AppealDays); n.AppealBy != want {
			res.add(who, "appeal by %s, but %d days from %s is %s", n.AppealBy, f.book.AppealDays, n.IssuedOn, want)
		}
		if n.IssuedOn > f.asOf {
			res.add(who, "issued on %s, after the as-of date %s", n.IssuedOn, f.asOf)
		}
		ended := n.EffectiveUntil != model.NoDate && f.asOf > n.EffectiveUntil
		switch n.Status {
		case model.InForce:
			if ended {
				res.add(who, "in force, but its period ended on %s", n.EffectiveUntil)
			}
		case model.Expired:
			if !ended {
				res.add(who, "expired, but its period runs until %s", dateOr(n.EffectiveUntil))
			}
		case model.Rescinded:
			if n.RescindedOn == model.NoDate || n.RescindReason == "" {
				res.add(who, "rescinded without a date or a reason")
			} else if n.RescindedOn < n.IssuedOn || n.RescindedOn > f.asOf {
				res.add(who, "rescinded on %s, outside its issue date %s and the as-of date %s", n.RescindedOn, n.IssuedOn, f.asOf)
			}
		default:
			res.add(who, "status %q", n.Status)
		}
		if n.Status != model.Rescinded && (n.RescindedOn != model.NoDate || n.RescindReason != "") {
			res.add(who, "%s, but with a rescission date or reason", n.Status)
		}
		if n.Continues != "" && !slices.ContainsFunc(f.notices, func(m model.Notice) bool {
			return m.ID == n.Continues && m.ProviderID == n.ProviderID && m.RuleID == n.RuleID && m.Measure == n.Measure
		}) {
			res.add(who, "continues %s, which is not a notice of the same provider, rule and measure", n.Continues)
		}
	}
	res.Notices = len(f.notices)
}

func dateOr(d model.Date) string {
	if d == model.NoDate {
		return "(permanent)"
	}
	return d.String()
}

// checkTransparency wants the monthly figures' notices issued and renewed
// to add up to the notices published, month by month, rule by rule.
func checkTransparency(f *folder, res *Result) {
	rows, err := readCSV(filepath.Join(f.dir, "transparency.csv"))
	if err != nil {
		res.add("file transparency.csv", "%v", err)
		return
	}
	if len(rows) == 0 {
		res.add("file transparency.csv", "empty")
		return
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	for _, h := range []string{"month", "rule_id", "measure", "origin", "issued", "renewed"} {
		if _, ok := idx[h]; !ok {
			res.add("file transparency.csv", "no column %s", h)
			return
		}
	}
	type key struct{ month, rule, measure, origin string }
	want := map[key][2]int64{}
	for i := range f.notices {
		n := &f.notices[i]
		k := key{n.IssuedOn.String()[:7], n.RuleID, string(n.Measure), n.Origin}
		c := want[k]
		if n.Continues == "" {
			c[0]++
		} else {
			c[1]++
		}
		want[k] = c
	}
	got := map[key][2]int64{}
	for _, r := range rows[1:] {
		if len(r) < len(rows[0]) {
			res.add("file transparency.csv", "a row of %d cells", len(r))
			return
		}
		k := key{r[idx["month"]], r[idx["rule_id"]], r[idx["measure"]], r[idx["origin"]]}
		is, err1 := strconv.ParseInt(r[idx["issued"]], 10, 64)
		re, err2 := strconv.ParseInt(r[idx["renewed"]], 10, 64)
		if err1 != nil || err2 != nil {
			res.add("file transparency.csv", "%v: issued %q, renewed %q", k, r[idx["issued"]], r[idx["renewed"]])
			return
		}
		c := got[k]
		got[k] = [2]int64{c[0] + is, c[1] + re}
	}
	for k, w := range want {
		if got[k] != w {
			res.add("file transparency.csv", "%s %s %s %s: %d issued and %d renewed, but notices.parquet has %d and %d",
				k.month, k.rule, k.measure, k.origin, got[k][0], got[k][1], w[0], w[1])
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && (g[0] != 0 || g[1] != 0) {
			res.add("file transparency.csv", "%s %s %s %s: %d issued and %d renewed, but notices.parquet has none", k.month, k.rule, k.measure, k.origin, g[0], g[1])
		}
	}
}

// checkLog wants the log to account for every notice: one issued entry
// with the notice's fields as published, and the notice's status the last
// the log gives it. It returns the log's tree.
func checkLog(f *folder, res *Result) tlog.Tree {
	res.LogEntries = len(f.log.Entries)
	issued := map[string]*record.Entry{}
	for i := range f.log.Entries {
		e := &f.log.Entries[i]
		if e.Event == record.Issued {
			if issued[e.NoticeID] != nil {
				res.add("log", "notice %s issued twice", e.NoticeID)
			}
			issued[e.NoticeID] = e
		} else if issued[e.NoticeID] == nil {
			res.add("log", "a status change of notice %s before it was issued", e.NoticeID)
		}
	}
	status := f.log.Statuses()
	published := map[string]bool{}
	for i := range f.notices {
		n := &f.notices[i]
		published[n.ID] = true
		e := issued[n.ID]
		switch {
		case e == nil:
			res.add("notice "+n.ID, "not in the log of notices")
		case e.Matches(n) != "":
			res.add("notice "+n.ID, "%s differs from the log's record of it as issued", e.Matches(n))
		case status[n.ID] != n.Status:
			res.add("notice "+n.ID, "status %s, but the log's last status for it is %s", n.Status, status[n.ID])
		}
	}
	for id := range issued {
		if !published[id] {
			res.add("notice "+id, "in the log of notices but not in notices.parquet: removed")
		}
	}
	tree, err := f.log.Tree()
	if err != nil {
		res.add("log", "%v", err)
	}
	return tree
}

// checkCheckpoint opens the folder's signed checkpoint with the public key
// and wants it to state the log's tree.
func checkCheckpoint(dir, vkey string, tree tlog.Tree, name string, res *Result) (tlog.Tree, bool) {
	signed, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		res.add("file "+name, "%v", err)
		return tlog.Tree{}, false
	}
	text, err := record.Open(signed, vkey)
	if err != nil {
		res.add("file "+name, "%v (not signed by the key given)", err)
		return tlog.Tree{}, false
	}
	_, t, err := record.ParseCheckpoint(text)
	if err != nil {
		res.add("file "+name, "%v", err)
		return tlog.Tree{}, false
	}
	if t != tree {
		res.add("file "+name, "states a log of %d entries with another root than log.jsonl's %d entries", t.N, tree.N)
	}
	return t, true
}

// checkPrevious wants every notice of the earlier folder in this one, as
// it was except as the rules allow (in force → expired once its period
// ended, → rescinded with a date and reason), the earlier log a prefix of
// this one (and, with the key, the earlier signed checkpoint's tree), the
// earlier history kept, and the earlier build in releases.json.
func checkPrevious(prev, cur *folder, vkey string, res *Result) {
	if cur.asOf < prev.asOf {
		res.add("folder", "as of %s, before the earlier folder's %s", cur.asOf, prev.asOf)
	}
	now := map[string]*model.Notice{}
	for i := range cur.notices {
		now[cur.notices[i].ID] = &cur.notices[i]
	}
	for i := range prev.notices {
		p := &prev.notices[i]
		who := "notice " + p.ID
		n := now[p.ID]
		if n == nil {
			res.add(who, "published on %s, gone on %s", prev.asOf, cur.asOf)
			continue
		}
		if k := record.IssuedEntry(p); k.Matches(n) != "" {
			res.add(who, "%s changed since %s", k.Matches(n), prev.asOf)
		}
		switch {
		case p.Status == n.Status:
			if p.RescindedOn != n.RescindedOn || p.RescindReason != n.RescindReason {
				res.add(who, "its rescission changed since %s", prev.asOf)
			}
		case p.Status == model.InForce && n.Status == model.Expired:
		case p.Status == model.InForce && n.Status == model.Rescinded:
		default:
			res.add(who, "went from %s on %s to %s on %s, which no rule allows", p.Status, prev.asOf, n.Status, cur.asOf)
		}
	}
	prevTree, err := prev.log.Tree()
	if err == nil {
		if vkey != "" {
			if t, ok := checkCheckpoint(prev.dir, vkey, prevTree, "previous checkpoint", res); ok {
				prevTree = t
			}
		}
		if err := cur.log.Extends(prevTree); err != nil {
			res.add("log", "%v", err)
		}
	}
	if ph, ch := prev.tables["history"], cur.tables["history"]; ph != nil && ch != nil {
		have := map[string]bool{}
		for _, row := range ch.Rows {
			have[rowKey(ch, row)] = true
		}
		for _, row := range ph.Rows {
			if model.Date(row[col(ph, "as_of")].I) < cur.asOf && !have[rowKey(ph, row)] {
				res.add("history", "%s on %s, published on %s, is gone or changed", row[col(ph, "provider_id")].S,
					model.Date(row[col(ph, "as_of")].I), prev.asOf)
			}
		}
	}
	checkReleases(prev, cur, res)
}

func rowKey(t *report.Table, row []report.Value) string {
	var b strings.Builder
	for i, c := range t.Cols {
		b.WriteString(report.Text(c, row[i]) + "\x00")
	}
	return b.String()
}

// checkReleases wants this folder's releases.json to list the earlier
// build with the SHA-256 of the manifest.json it published.
func checkReleases(prev, cur *folder, res *Result) {
	b, err := os.ReadFile(filepath.Join(cur.dir, "releases.json"))
	if err != nil {
		res.add("file releases.json", "%v", err)
		return
	}
	var rel struct {
		Builds []struct {
			AsOf           string  `json:"as_of"`
			ManifestSHA256 *string `json:"manifest_sha256"`
		} `json:"builds"`
	}
	if err := json.Unmarshal(b, &rel); err != nil {
		res.add("file releases.json", "%v", err)
		return
	}
	if prev.asOf == cur.asOf {
		return
	}
	mb, _ := os.ReadFile(filepath.Join(prev.dir, "manifest.json"))
	sum := sha256.Sum256(mb)
	for _, r := range rel.Builds {
		if r.AsOf == prev.asOf.String() {
			if r.ManifestSHA256 == nil || *r.ManifestSHA256 != hex.EncodeToString(sum[:]) {
				res.add("file releases.json", "the build of %s is listed with another manifest than the earlier folder's", prev.asOf)
			}
			return
		}
	}
	res.add("file releases.json", "does not list the build of %s", prev.asOf)
}

// Summary is one line saying what was checked.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "as of %s: %d files, %d providers recomputed, %d notices, %d log entries", r.AsOf, r.Files, r.Providers, r.Notices, r.LogEntries)
	if r.Checkpoint {
		b.WriteString(", signed checkpoint")
	}
	if r.PreviousCompared {
		b.WriteString(", against the earlier downloads")
	}
	return b.String()
}
