package validate

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"

	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
	"github.com/disclose-project/disclose/pipeline/snapshot"
)

// Sink receives the rows that pass validation, in this order: Reference
// once, then every order, every ticket (with its order), complaints,
// decisions, appeals, contact checks and shop_gmv days. Rows of one table
// arrive in source order. The pointers are valid only during the call.
// Orders and tickets are handed over on a goroutine of Scan's own, but no
// two calls ever overlap, and all of them happen before Scan returns.
type Sink interface {
	Reference(ref *model.Reference)
	Order(o *model.Order)
	Ticket(t *model.Ticket, o *model.Order)
	Complaint(c *model.Complaint)
	Decision(d *model.Decision)
	Appeal(a *model.Appeal)
	Check(c *model.Check)
	GMV(g *model.GMV)
}

// Discard is a Sink that drops every row: for a pass that only validates
// and counts.
type Discard struct{}

func (Discard) Reference(*model.Reference)         {}
func (Discard) Order(*model.Order)                 {}
func (Discard) Ticket(*model.Ticket, *model.Order) {}
func (Discard) Complaint(*model.Complaint)         {}
func (Discard) Decision(*model.Decision)           {}
func (Discard) Appeal(*model.Appeal)               {}
func (Discard) Check(*model.Check)                 {}
func (Discard) GMV(*model.GMV)                     {}

// TableStats counts one table's rows.
type TableStats struct {
	Files    []string       `json:"files"`
	Read     int64          `json:"read"`
	Used     int64          `json:"used"`
	Rejected int64          `json:"rejected"`
	Reasons  map[string]int `json:"reasons"`
	Extra    []string       `json:"extra_columns,omitempty"`
}

// Stats is the validation part of the report.
type Stats struct {
	AsOf   string                 `json:"as_of"`
	Tables map[string]*TableStats `json:"tables"`
	// Order lists the tables found, in validation order.
	Order []string `json:"-"`
	// FileRows counts the rows read from each file of the snapshot.
	FileRows map[string]int64 `json:"-"`
}

// Option tunes Scan.
type Option func(*scanner)

// Progress has Scan report, after each batch, how many rows of a table it
// has read, and the table's row count when the snapshot knows it (else 0).
func Progress(fn func(table string, read, total int64)) Option {
	return func(s *scanner) { s.progress = fn }
}

// KnownDuplicates gives Scan the duplicate ids that an earlier Scan of the
// same snapshot found, once it had read the table, and returned in a
// *Rescan.
func KnownDuplicates(dups map[string]map[string]bool) Option {
	return func(s *scanner) { s.knownDups = dups }
}

// Rescan is the error of a Scan that found, once it had read the orders,
// that some order ids occur more than once. The orders are read once, and
// their ids checked for repeats as they go, so that a table without any
// (nearly always) is not read twice; but then the rows of a repeated id
// were handed to the sink and the quarantine as if it were not. What the
// two got must be thrown away, and Scan run again, into new ones, with
// KnownDuplicates(r.Dups).
type Rescan struct {
	Dups map[string]map[string]bool // by table, the ids found more than once
}

func (r *Rescan) Error() string {
	tables := slices.Sorted(maps.Keys(r.Dups))
	return fmt.Sprintf("ids found more than once in %s once read: to be read again knowing them", strings.Join(tables, ", "))
}

// keptOrder is an order that a ticket or complaint points at, held
// compactly: everything but its id (the map key) and the merchant, which is
// never used.
type keptOrder struct {
	valid                              bool  // a valid order was read with this id (the zero value is none, so a new slice needs no filling)
	service                            int32 // index in svcList (its provider is the order's)
	status                             uint8 // index in model.OrderStatusEnum.Codes
	orderedAt, promisedBy, deliveredAt model.Instant
	amount                             model.Fen
}

// order rebuilds a kept order; its strings are shared, not allocated.
func (s *scanner) order(id string, k *keptOrder) model.Order {
	ids := s.svcIDs[k.service]
	return model.Order{ID: id, ProviderID: ids[0], ServiceID: ids[1], Svc: k.service + 1, OrderedAt: k.orderedAt, Amount: k.amount,
		PromisedBy: k.promisedBy, DeliveredAt: k.deliveredAt, Status: model.OrderStatus(model.OrderStatusEnum.Codes[k.status])}
}

// validOrder reports whether an id is that of a valid order (one kept).
func (s *scanner) validOrder(id string) bool {
	slot, ok := s.orders.find(id)
	return ok && s.kept[slot].valid
}

type scanner struct {
	ctx   context.Context
	snap  *snapshot.Snapshot
	book  *rulebook.Book
	sink  Sink
	q     *Quarantine
	stats *Stats
	clock *model.Clock

	providers map[string]*model.Provider
	// orders numbers the ids of the orders that tickets or complaints point
	// at; kept[slot] is filled when a valid order with that id is read.
	orders *idSet
	kept   []keptOrder
	// join, instead of orders and kept, joins them on disk when tickets
	// and complaints have more than joinAbove rows together (see
	// referenced); joined holds, per row of a batch of tickets or
	// complaints, the order its order id names (valid: false for none).
	join      *diskJoin
	joinAbove int64
	joined    []keptOrder
	svcIndex  map[string]int32 // service id → index in svcList
	svcList   []*model.Service // the valid services
	svcSeen   []seenCode       // by index in svcList: the code of the last provider id ofProvider found to be its provider's
	svcIDs    [][2]string      // by index in svcList: its provider's id and its own, side by side (not behind a pointer)
	complaint map[string]bool
	decision  map[string]bool
	// knownDups holds the duplicate ids of the tables checked for repeats as
	// they are read (the orders), when a Scan before found them
	// (KnownDuplicates).
	knownDups map[string]map[string]bool
	// small holds the batches of a small table read by duplicates, so that
	// rows need not read it again (reference tables are read once).
	small map[string][]*snapshot.Batch
	// early holds the passes over ids that Scan starts in the background
	// (see startEarly), by what they find: "referenced" or a table's name
	// for its duplicates.
	early map[string]*pass

	progress func(table string, read, total int64)

	// refsOf is the table whose referring columns refs remembers (declared).
	refsOf *model.Table
	refs   []refMemo

	// The totals of the summed columns over the rows used so far (see
	// model.MaxTotal).
	decisionPoints, decisionFen, gmvFen int64
}

// Scan validates every table of the snapshot, writing rejected rows to q and
// handing used rows to sink. It returns the per-table counts. An error is a
// table that cannot be read (wrapping snapshot.ErrSnapshot) or a cancelled
// context; the safety checks are Check's.
func Scan(ctx context.Context, snap *snapshot.Snapshot, book *rulebook.Book, sink Sink, q *Quarantine, opts ...Option) (*Stats, error) {
	s := &scanner{ctx: ctx, snap: snap, book: book, sink: sink, q: q, clock: snap.Clock(),
		stats:     &Stats{AsOf: snap.AsOf.String(), Tables: map[string]*TableStats{}, FileRows: map[string]int64{}},
		providers: map[string]*model.Provider{},
		complaint: map[string]bool{}, decision: map[string]bool{}, joinAbove: joinInMemory}
	for _, o := range opts {
		o(s)
	}
	ctx, cancel := context.WithCancel(ctx)
	s.ctx = ctx
	defer func() {
		cancel()
		for _, p := range s.early {
			p.wait()
			if p.join != nil {
				p.join.remove()
			}
		}
		if s.join != nil {
			s.join.remove()
		}
	}()
	s.startEarly() // beside the reading of every source's header, too
	var missing []string
	for _, t := range snap.Schema {
		if snap.Table(t.Name) == nil && !t.Optional {
			missing = append(missing, t.Name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return s.stats, fmt.Errorf("%w: required table %s is missing", snapshot.ErrSnapshot, missing[0])
	default:
		return s.stats, fmt.Errorf("%w: required tables %s are missing", snapshot.ErrSnapshot, strings.Join(missing, ", "))
	}
	for _, t := range snap.Schema {
		if snap.Table(t.Name) == nil {
			continue
		}
		st := &TableStats{Reasons: map[string]int{}, Files: []string{}}
		for _, src := range snap.Table(t.Name).Sources {
			st.Files = append(st.Files, src.String())
		}
		extra, err := snap.Extra(t.Name)
		if err != nil {
			return s.stats, err
		}
		st.Extra = extra
		s.stats.Tables[t.Name] = st
		s.stats.Order = append(s.stats.Order, t.Name)
	}
	ref := &model.Reference{AsOf: snap.AsOf, T: snap.T, HasGMV: snap.Table(model.TShopGMV) != nil}
	steps := []func(*model.Reference) error{
		s.scanProviders, s.scanServices, s.scanCommitments, s.scanCalendar,
		func(ref *model.Reference) error { sink.Reference(ref); return nil },
		s.scanOrdersAndTickets, s.scanComplaints, s.scanDecisions, s.scanAppeals,
		s.scanChecks, s.scanGMV,
	}
	for _, step := range steps {
		if err := step(ref); err != nil {
			return s.stats, err
		}
	}
	return s.stats, nil
}

// rows walks a table, giving each row that passes the common checks
// (required values, types, enums, duplicate ids, times after T) to fn, which
// returns "" to use the row or the reason to reject it.
func (s *scanner) rows(table string, dups map[string]bool, fn func(b *snapshot.Batch, i int) Reason) error {
	return s.batchRows(table, dups, nil, fn)
}

// batchRows is rows with prepare, when not nil, called with each batch
// before fn is called for its rows: it looks up for all rows at once what
// fn needs, which is faster than one row at a time (the lookups miss the
// cache, and a loop of independent lookups overlaps their misses).
func (s *scanner) batchRows(table string, dups map[string]bool, prepare func(b *snapshot.Batch), fn func(b *snapshot.Batch, i int) Reason) error {
	t := s.snap.Table(table)
	if t == nil {
		return nil
	}
	st := s.stats.Tables[table]
	key := t.Col(t.Key)
	var timeCols []int
	for c, col := range t.Columns {
		if col.Type == model.TypeTime && !isPromise(col.Name) {
			timeCols = append(timeCols, c)
		}
	}
	dayCol := -1
	if table == model.TShopGMV {
		dayCol = t.Col("day")
	}
	total := int64(0)
	if s.progress != nil {
		total = s.snap.RowCount(table)
	}
	return s.scan(table, func(b *snapshot.Batch) error {
		s.stats.FileRows[b.Source] += int64(b.Len)
		if s.progress != nil {
			defer func() { s.progress(table, st.Read, total) }()
		}
		if prepare != nil {
			prepare(b)
		}
		outOfRange(b)
		clean := allValid(b)
		for i := 0; i < b.Len; i++ {
			st.Read++
			r := commonCheck(b, i, clean, key, dups, timeCols, dayCol, s.snap)
			if r == "" {
				r = fn(b, i)
			}
			if r != "" {
				st.Rejected++
				st.Reasons[string(r)]++
				s.q.Add(table, b.Source, b.Location, b.Row[i], r, b.RawJSON(i))
				continue
			}
			st.Used++
		}
		return s.ctx.Err()
	})
}

// scan hands every batch of a table to fn: from the batches duplicates kept
// for a small table, else from the snapshot.
func (s *scanner) scan(table string, fn func(b *snapshot.Batch) error) error {
	if bs, ok := s.small[table]; ok {
		delete(s.small, table)
		for _, b := range bs {
			if err := fn(b); err != nil {
				return err
			}
		}
		return nil
	}
	return s.snap.Scan(s.ctx, table, nil, fn)
}

// isPromise reports whether a time column holds a promise, which may point
// past T.
func isPromise(col string) bool { return col == "promised_by" }

// allValid reports whether valueCheck passes every row of a batch, so
// that commonCheck need not look at values one by one.
func allValid(b *snapshot.Batch) bool {
	for c, col := range b.Table.Columns {
		v := &b.Cols[c]
		switch {
		case !v.Present && col.Required:
			return false
		case !v.Present:
		case col.Required:
			for _, st := range v.State[:b.Len] {
				if st != snapshot.OK {
					return false
				}
			}
		default:
			for _, st := range v.State[:b.Len] {
				if st == snapshot.Bad {
					return false
				}
			}
		}
	}
	return true
}

// outOfRange marks the values of a batch that lie outside their column's
// range (model.Column.Bounds; a number's Max) as not of their column's
// type, so that they are rejected as invalid_value and never become a
// figure: a negative amount, points or deduction, a date before 1970.
func outOfRange(b *snapshot.Batch) {
	for c := range b.Table.Columns {
		col, v := &b.Table.Columns[c], &b.Cols[c]
		if !v.Present {
			continue
		}
		if lo, hi, ok := col.Bounds(); ok {
			for i, x := range v.Int[:b.Len] {
				if (x < lo || x > hi) && v.State[i] == snapshot.OK {
					v.State[i] = snapshot.Bad
				}
			}
		}
		if col.Type == model.TypeNumber && col.Max > 0 {
			for i, x := range v.Num[:b.Len] {
				if x > float64(col.Max) && v.State[i] == snapshot.OK {
					v.State[i] = snapshot.Bad
				}
			}
		}
	}
}

// valueCheck checks that row i of a batch has a value in every required
// column, and a valid one in every column read.
func valueCheck(b *snapshot.Batch, i int) Reason {
	for c, col := range b.Table.Columns {
		if col.Required && (!b.Cols[c].Present || b.Cols[c].State[i] == snapshot.Null) {
			return MissingValue
		}
	}
	for c, col := range b.Table.Columns {
		if b.Cols[c].Present && b.Cols[c].State[i] == snapshot.Bad {
			if col.Type == model.TypeEnum {
				return InvalidEnum
			}
			return InvalidValue
		}
	}
	return ""
}

// commonCheck is rows' checks of row i of a batch; clean is allValid's
// answer for the batch.
func commonCheck(b *snapshot.Batch, i int, clean bool, key int, dups map[string]bool, timeCols []int, dayCol int, snap *snapshot.Snapshot) Reason {
	if !clean {
		if r := valueCheck(b, i); r != "" {
			return r
		}
	}
	if key >= 0 && dups[b.Cols[key].Key(i)] {
		return DuplicateID
	}
	for _, c := range timeCols {
		v := &b.Cols[c]
		if v.Present && v.State[i] == snapshot.OK && model.Instant(v.Int[i]) >= snap.T {
			return TimeAfterAsOf
		}
	}
	if dayCol >= 0 && model.Date(b.Cols[dayCol].Int[i]) > snap.AsOf {
		return TimeAfterAsOf
	}
	return ""
}

// duplicates returns the ids that occur more than once in a table's key
// column. Over a large table it keeps a hash per row, not the ids (see
// duplicateIDs), so that it runs in bounded memory (80 MB for 10 M rows).
func (s *scanner) duplicates(table string) (map[string]bool, error) {
	if p, ok := s.early[table]; ok {
		err := p.wait() // before reading what the pass sets
		return p.dups, err
	}
	return s.countDuplicates(table)
}

// countDuplicates is duplicates without the passes started early.
func (s *scanner) countDuplicates(table string) (map[string]bool, error) {
	t := s.snap.Table(table)
	if t == nil || t.Key == "" {
		return nil, nil
	}
	key := t.Col(t.Key)
	sheets := true
	for _, src := range t.Sources {
		sheets = sheets && src.Sheet != ""
	}
	if !t.Large && sheets {
		// A small table from workbooks: read it whole once, count ids
		// exactly, keep the batches (they hold plain strings; Parquet
		// batches point into records released after each call).
		var bs []*snapshot.Batch
		count := map[string]int{}
		err := s.snap.Scan(s.ctx, table, nil, func(b *snapshot.Batch) error {
			bs = append(bs, b)
			v := &b.Cols[key]
			for i := 0; i < b.Len; i++ {
				if v.State[i] == snapshot.OK {
					count[v.Key(i)]++
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if s.small == nil {
			s.small = map[string][]*snapshot.Batch{}
		}
		s.small[table] = bs
		dups := map[string]bool{}
		for id, n := range count {
			if n > 1 {
				dups[id] = true
			}
		}
		return dups, nil
	}
	seed := maphash.MakeSeed()
	parts := 1
	if t.Large {
		parts = 2 // read side by side: the orders' pass is the longest of the early ones
	}
	return duplicateIDs(func(part, parts int, fn func([][]byte, []bool) error) error {
		return s.snap.KeysPart(s.ctx, table, t.Key, part, parts, fn)
	}, func(k []byte) uint64 { return maphash.Bytes(seed, k) }, parts, holdHashes)
}

// holdHashes is how many ids' hashes a pass over a table's ids holds in
// memory per part (32 MiB) before it moves them to temporary files: past
// 4 M rows a part, memory does not grow with the rows.
const holdHashes = 1 << 22

// cols gives named access to a row of a batch.
type cols struct {
	b *snapshot.Batch
	i int
}

// ok returns the column at position j (see positions) when this row has a
// value in it, else nil.
func (c cols) ok(j int) *snapshot.Vec {
	if j < 0 || !c.b.Cols[j].Present || c.b.Cols[j].State[c.i] != snapshot.OK {
		return nil
	}
	return &c.b.Cols[j]
}

func (c cols) strAt(j int) string {
	if v := c.ok(j); v != nil {
		return v.Str[c.i]
	}
	return ""
}

func (c cols) intAt(j int) int64 {
	if v := c.ok(j); v != nil {
		return v.Int[c.i]
	}
	return 0
}

func (c cols) timeAt(j int) model.Instant {
	if v := c.ok(j); v != nil {
		return model.Instant(v.Int[c.i])
	}
	return model.NoInstant
}

// The named accessors look the column up by name, for the small tables;
// the large ones resolve positions once per table.
func (c cols) col(name string) int            { return c.b.Table.Col(name) }
func (c cols) has(name string) bool           { return c.ok(c.col(name)) != nil }
func (c cols) str(name string) string         { return c.strAt(c.col(name)) }
func (c cols) int(name string) int64          { return c.intAt(c.col(name)) }
func (c cols) time(name string) model.Instant { return c.timeAt(c.col(name)) }

func (c cols) num(name string) float64 {
	if v := c.ok(c.col(name)); v != nil {
		return v.Num[c.i]
	}
	return 0
}

func (c cols) date(name string) model.Date {
	if v := c.ok(c.col(name)); v != nil {
		return model.Date(v.Int[c.i])
	}
	return model.NoDate
}

// declared returns the reason the schema's declarations give to reject a
// row (model.Column's RequiredWhen and Ref): a column required by another's
// value and empty is missing_value; then, in column order, a value that
// names no used row of the table its column refers to is that table's
// unknown_* reason. It is the one pass of the references for every table
// but orders and tickets, whose references are looked up a batch at a time
// (scanOrdersAndTickets), with the same reasons.
func (s *scanner) declared(r cols) Reason {
	cs := r.b.Table.Columns
	for c := range cs {
		if w := cs[c].RequiredWhen; w != nil && r.ok(c) == nil && slices.Contains(w.Codes, r.str(w.Column)) {
			return MissingValue
		}
	}
	if s.refsOf != r.b.Table {
		s.refsOf, s.refs = r.b.Table, make([]refMemo, len(cs))
	}
	for c := range cs {
		if cs[c].Ref == "" {
			continue
		}
		if id := r.strAt(c); id != "" && !s.refs[c].known(s, cs[c].Ref, r.b, c, r.i, id) {
			return unknown(cs[c].Ref)
		}
	}
	return ""
}

// refMemo remembers, for one referring column, whether the ids it met are
// known, by their codes (codeMemo), so that a large table's provider ids
// (contact checks, shop_gmv) are not looked up row by row.
type refMemo struct {
	memo   codeMemo
	lookup func(string) (int32, bool)
}

func (m *refMemo) known(s *scanner, table string, b *snapshot.Batch, c, i int, id string) bool {
	if table == model.TOrders && s.join != nil {
		return s.joined[i].valid // joinBatch's, for this batch
	}
	if m.lookup == nil {
		m.lookup = func(id string) (int32, bool) { return 0, s.known(table, id) }
	}
	m.memo.batch(b.Numbering)
	_, ok := m.memo.get(codeAt(b.Cols[c].Codes(b.Len), i), id, m.lookup)
	return ok
}

// known reports whether id names a used row of a table that others refer
// to.
func (s *scanner) known(table, id string) bool {
	switch table {
	case model.TProviders:
		return s.knownProvider(id)
	case model.TServices:
		return s.service(id) != nil
	case model.TOrders:
		return s.validOrder(id)
	}
	return false
}

// unknown returns the reason for a reference to a table that names no
// used row of it.
func unknown(table string) Reason {
	switch table {
	case model.TProviders:
		return UnknownProvider
	case model.TServices:
		return UnknownService
	case model.TOrders:
		return UnknownOrder
	}
	return InvalidValue
}

// schema returns the contract's description of a table.
func (s *scanner) schema(name string) *model.Table {
	for _, t := range s.snap.Schema {
		if t.Name == name {
			return t
		}
	}
	return &model.Table{Name: name}
}

// positions resolves column names of a table to their positions.
func positions(t *model.Table, names ...string) []int {
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = t.Col(n)
	}
	return out
}

func (s *scanner) scanProviders(ref *model.Reference) error {
	dups, err := s.duplicates(model.TProviders)
	if err != nil {
		return err
	}
	err = s.rows(model.TProviders, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		ref.Providers = append(ref.Providers, model.Provider{ID: r.str("provider_id"), Name: r.str("name"), NameEn: r.str("name_en"),
			Category: r.str("category"), Region: r.str("region"), JoinedOn: r.date("joined_on"),
			Deposit: model.Fen(r.int("deposit")), Status: model.ProviderStatus(r.str("status"))})
		return ""
	})
	for i := range ref.Providers {
		s.providers[ref.Providers[i].ID] = &ref.Providers[i]
	}
	return err
}

func (s *scanner) knownProvider(id string) bool { _, ok := s.providers[id]; return ok }

func (s *scanner) serviceIndex(id string) (int32, bool) {
	i, ok := s.svcIndex[id]
	return i, ok
}

// seenCode is a value's code in a numbering (snapshot.Vec.Code); the
// zero value is none.
type seenCode struct {
	numbering uint64
	code      int32
}

// ofProvider reports whether the valid service at index si in svcList is
// the provider's with the id, whose code in the batch's numbering is code
// (-1: none). The orders' provider ids come with codes, so the code of the
// last one found to match answers without comparing bytes, which for ten
// million orders is a cache miss each.
func (s *scanner) ofProvider(si int32, id string, numbering uint64, code int32) bool {
	seen := &s.svcSeen[si]
	if code >= 0 && numbering != 0 && *seen == (seenCode{numbering, code}) {
		return true
	}
	if s.svcIDs[si][0] != id {
		return false
	}
	if code >= 0 {
		*seen = seenCode{numbering, code}
	}
	return true
}

// service returns the valid service with an id, or nil.
func (s *scanner) service(id string) *model.Service {
	if i, ok := s.svcIndex[id]; ok {
		return s.svcList[i]
	}
	return nil
}

func (s *scanner) scanServices(ref *model.Reference) error {
	dups, err := s.duplicates(model.TServices)
	if err != nil {
		return err
	}
	err = s.rows(model.TServices, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		sv := model.Service{ID: r.str("service_id"), ProviderID: r.str("provider_id"), Title: r.str("title"),
			Category: r.str("category"), Price: model.Fen(r.int("price")), HasPrice: r.has("price"),
			ListedOn: r.date("listed_on"), State: r.str("state")}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		ref.Services = append(ref.Services, sv)
		return ""
	})
	s.svcIndex = make(map[string]int32, len(ref.Services))
	for i := range ref.Services {
		s.svcIndex[ref.Services[i].ID] = int32(len(s.svcList))
		s.svcList = append(s.svcList, &ref.Services[i])
	}
	s.svcSeen = make([]seenCode, len(s.svcList))
	s.svcIDs = make([][2]string, len(s.svcList))
	for i, sv := range s.svcList {
		s.svcIDs[i] = [2]string{sv.ProviderID, sv.ID}
	}
	return err
}

func (s *scanner) scanCommitments(ref *model.Reference) error {
	dups, err := s.duplicates(model.TCommitments)
	if err != nil {
		return err
	}
	return s.rows(model.TCommitments, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		c := model.Commitment{ID: r.str("commitment_id"), ProviderID: r.str("provider_id"), ServiceID: r.str("service_id"),
			Kind: r.str("kind"), Target: r.num("target"), EffectiveFrom: r.date("effective_from"),
			EffectiveTo: r.date("effective_to"), Text: r.str("text")}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		switch {
		case c.ServiceID != "" && s.service(c.ServiceID).ProviderID != c.ProviderID:
			return ServiceOfOtherProvider
		case c.Target <= 0:
			return TargetNotPositive
		case s.book.Floor(c.Kind).Looser(c.Target):
			return LooserThanFloor
		}
		ref.Commitments = append(ref.Commitments, c)
		return ""
	})
}

func (s *scanner) scanCalendar(ref *model.Reference) error {
	dups, err := s.duplicates(model.TCalendar)
	if err != nil {
		return err
	}
	return s.rows(model.TCalendar, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		ref.Calendar = append(ref.Calendar, model.CalendarDay{Day: r.date("day"), Working: r.int("working") == 1})
		return ""
	})
}

// scanOrdersAndTickets streams orders, then tickets. Before that it notes
// which orders tickets and complaints point at, so that only those orders
// are kept for the tickets' pass.
func (s *scanner) scanOrdersAndTickets(*model.Reference) error {
	ids, join, err := s.referencedOrders()
	s.join = join // removed at Scan's end, even after an error
	if err != nil {
		return err
	}
	seed := maphash.Seed{}
	if join != nil {
		seed = join.seed
	} else {
		s.orders, s.kept, seed = ids, make([]keptOrder, ids.len()), ids.seed
	}
	// The orders' ids are checked for repeats as they are read: each id's
	// hash goes into a bag, and only if two are alike are the ids read
	// again, to count them exactly (see duplicateIDs). Found ones make
	// the Scan a Rescan.
	dups, known := s.knownDups[model.TOrders]
	var bag *hashBag
	if !known {
		sp := &spill{}
		defer sp.remove()
		bag = &hashBag{spill: sp, hold: holdHashes}
	}
	var o model.Order
	var svcMemo codeMemo
	var provCodes []int32 // per row of a batch: its provider id's code, or -1
	orders := newFeed(s.sink.Order)
	defer orders.close()
	var slots, svcs []int32 // per row of a batch: the order's slot in s.orders (on disk: 0 if it may be referred to), its service's index (-1: none)
	var hashes []uint64     // per row of a batch: its id's hash
	oc := positions(s.schema(model.TOrders), "order_id", "provider_id", "service_id", "ordered_at", "amount", "promised_by", "delivered_at", "status")
	prepare := func(b *snapshot.Batch) {
		slots, svcs = slices.Grow(slots[:0], b.Len)[:b.Len], slices.Grow(svcs[:0], b.Len)[:b.Len]
		if ids := b.Cols[oc[0]]; ids.Present {
			if s.join != nil {
				s.join.hashAll(ids.Str[:b.Len], slots)
				hashes = s.join.hashes
			} else {
				s.orders.findAll(ids.Str[:b.Len], slots)
				hashes = s.orders.hashes
			}
			// findAll (or hashAll) hashed every id: the bag takes those hashes.
			if bag != nil && bag.err == nil { // after a failure to spill, the error waits for the end
				for i, st := range ids.State[:b.Len] {
					if st == snapshot.OK {
						bag.add(hashes[i])
					}
				}
			}
		}
		if sv := b.Cols[oc[2]]; sv.Present {
			svcMemo.batch(b.Numbering)
			codes := sv.Codes(b.Len)
			for i, id := range sv.Str[:b.Len] {
				code := int32(-1)
				if codes != nil {
					code = codes[i]
				}
				si, ok := svcMemo.get(code, id, s.serviceIndex)
				if !ok {
					si = -1
				}
				svcs[i] = si
			}
		}
		provCodes = nil
		if pv := b.Cols[oc[1]]; pv.Present {
			provCodes = pv.Codes(b.Len)
		}
	}
	err = s.batchRows(model.TOrders, dups, prepare, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		o = model.Order{ID: r.strAt(oc[0]), ProviderID: r.strAt(oc[1]), ServiceID: r.strAt(oc[2]),
			OrderedAt: r.timeAt(oc[3]), Amount: model.Fen(r.intAt(oc[4])), PromisedBy: r.timeAt(oc[5]),
			DeliveredAt: r.timeAt(oc[6]), Status: model.OrderStatus(r.strAt(oc[7]))}
		si := svcs[i] // order_id and service_id are required: present and valid in a row given to fn
		var sv *model.Service
		if si >= 0 {
			sv = s.svcList[si]
		}
		switch {
		case o.DeliveredAt != model.NoInstant && o.DeliveredAt < o.OrderedAt:
			return DeliveredBeforeOrdered
		case sv != nil && s.ofProvider(si, o.ProviderID, b.Numbering, codeAt(provCodes, i)):
			// the common case: a known service of this (so a known) provider
		case !s.knownProvider(o.ProviderID):
			return UnknownProvider
		case sv == nil:
			return UnknownService
		default:
			return ServiceOfOtherProvider
		}
		// The feed's orders outlive the batch: the id is copied, provider
		// and service are the service's ids (equal to the order's), and the
		// status is the enum's code.
		o.Svc, o.ProviderID, o.ServiceID = si+1, s.svcIDs[si][0], s.svcIDs[si][1]
		if slot := slots[i]; slot >= 0 {
			k := keptOrder{valid: true, service: si, status: uint8(slices.Index(model.OrderStatusEnum.Codes, string(o.Status))),
				orderedAt: o.OrderedAt, promisedBy: o.PromisedBy, deliveredAt: o.DeliveredAt, amount: o.Amount}
			if s.join != nil {
				s.join.keep(hashes[i], o.ID, &k)
			} else {
				s.kept[slot] = k
			}
		}
		o.ID = orders.own(o.ID)
		orders.add(&o)
		return ""
	})
	orders.close() // the sink has had every order before the first ticket
	if err == nil && bag != nil {
		err = bag.err // a failure to spill
	}
	if err != nil {
		return err
	}
	if bag != nil {
		found, err := confirmed(bag, func(fn func([][]byte, []bool) error) error {
			return s.snap.Keys(s.ctx, model.TOrders, "order_id", fn)
		}, func(k []byte) uint64 { return maphash.Bytes(seed, k) })
		if err != nil {
			return err
		}
		if len(found) > 0 {
			return &Rescan{Dups: map[string]map[string]bool{model.TOrders: found}}
		}
	}
	if s.join != nil {
		if err := s.join.resolve(); err != nil {
			return err
		}
	}
	dups, err = s.duplicates(model.TTickets)
	if err != nil {
		return err
	}
	var tk model.Ticket
	tickets := newFeed(func(j *judged) { s.sink.Ticket(&j.t, &j.o) })
	defer tickets.close()
	tc := positions(s.schema(model.TTickets), "ticket_id", "order_id", "opened_at", "first_response_at", "resolved_at", "kind")
	prepare = func(b *snapshot.Batch) {
		slots = slices.Grow(slots[:0], b.Len)[:b.Len]
		if s.join != nil {
			s.joinBatch(joinTickets, b, tc[1])
		} else if ids := b.Cols[tc[1]]; ids.Present {
			s.orders.findAll(ids.Str[:b.Len], slots)
		}
	}
	var jt judged
	err = s.batchRows(model.TTickets, dups, prepare, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		tk = model.Ticket{ID: r.strAt(tc[0]), OrderID: r.strAt(tc[1]), OpenedAt: r.timeAt(tc[2]),
			FirstResponseAt: r.timeAt(tc[3]), ResolvedAt: r.timeAt(tc[4]), Kind: model.TicketKind(r.strAt(tc[5]))}
		switch {
		case tk.FirstResponseAt != model.NoInstant && tk.FirstResponseAt < tk.OpenedAt:
			return ResponseBeforeOpened
		case tk.ResolvedAt != model.NoInstant && tk.ResolvedAt < tk.OpenedAt:
			return ResolvedBeforeOpened
		}
		var k *keptOrder // order_id is required: present and valid in a row given to fn
		if s.join != nil {
			k = &s.joined[i]
		} else if slot := slots[i]; slot >= 0 {
			k = &s.kept[slot]
		}
		if k == nil || !k.valid {
			return UnknownOrder
		}
		// As for orders: the ids are copied, the kind is the enum's code.
		tk.ID, tk.OrderID = tickets.own(tk.ID), tickets.own(tk.OrderID)
		jt = judged{tk, s.order(tk.OrderID, k)}
		tickets.add(&jt)
		return ""
	})
	tickets.close()
	if err == nil && s.join != nil {
		err = s.join.nextDone(joinTickets)
	}
	return err
}

// joinBatch sets s.joined, for a batch of a referring table of s.join, to
// the order each row's valid order id (in column c) names.
func (s *scanner) joinBatch(table int, b *snapshot.Batch, c int) {
	s.joined = slices.Grow(s.joined[:0], b.Len)[:b.Len]
	ids := &b.Cols[c]
	for i := range b.Len {
		s.joined[i] = keptOrder{}
		if ids.Present && ids.State[i] == snapshot.OK {
			s.joined[i] = s.join.next(table, ids.Str[i])
		}
	}
}

// judged is a ticket with the order it is judged against, for the feed.
type judged struct {
	t model.Ticket
	o model.Order
}

func (s *scanner) scanComplaints(*model.Reference) error {
	dups, err := s.duplicates(model.TComplaints)
	if err != nil {
		return err
	}
	var prepare func(b *snapshot.Batch)
	if s.join != nil {
		oc := s.schema(model.TComplaints).Col("order_id")
		prepare = func(b *snapshot.Batch) { s.joinBatch(joinComplaints, b, oc) }
	}
	err = s.batchRows(model.TComplaints, dups, prepare, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		c := model.Complaint{ID: r.str("complaint_id"), ProviderID: r.str("provider_id"), OrderID: r.str("order_id"),
			FiledAt: r.time("filed_at"), Category: r.str("category"), Status: model.ComplaintStatus(r.str("status")), DecidedAt: r.time("decided_at")}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		s.complaint[c.ID] = true
		s.sink.Complaint(&c)
		return ""
	})
	if err == nil && s.join != nil {
		err = s.join.nextDone(joinComplaints)
	}
	return err
}

func (s *scanner) scanDecisions(*model.Reference) error {
	dups, err := s.duplicates(model.TDecisions)
	if err != nil {
		return err
	}
	return s.rows(model.TDecisions, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		d := model.Decision{ID: r.str("decision_id"), ProviderID: r.str("provider_id"), RuleID: r.str("rule_id"),
			DecidedAt: r.time("decided_at"), Measure: model.Measure(r.str("measure")), Points: r.int("points"),
			Deduction: model.Fen(r.int("deduction")), Facts: r.str("facts")}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		switch {
		case !s.book.IsStaffRule(d.RuleID):
			return UnknownRule
		case d.Points > model.MaxTotal-s.decisionPoints || int64(d.Deduction) > model.MaxTotal-s.decisionFen:
			return InvalidValue // the table's points or deductions would add up to more than any sum may
		}
		s.decisionPoints += d.Points
		s.decisionFen += int64(d.Deduction)
		s.decision[d.ID] = true
		s.sink.Decision(&d)
		return ""
	})
}

func (s *scanner) scanAppeals(*model.Reference) error {
	dups, err := s.duplicates(model.TAppeals)
	if err != nil {
		return err
	}
	return s.rows(model.TAppeals, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		a := model.Appeal{ID: r.str("appeal_id"), ProviderID: r.str("provider_id"), SubjectKind: model.SubjectKind(r.str("subject_kind")),
			SubjectID: r.str("subject_id"), FiledAt: r.time("filed_at"), DecidedAt: r.time("decided_at"), Outcome: model.AppealOutcome(r.str("outcome"))}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		switch {
		case a.SubjectKind == "complaint" && !s.complaint[a.SubjectID],
			a.SubjectKind == "decision" && !s.decision[a.SubjectID]:
			return UnknownSubject
		}
		s.sink.Appeal(&a)
		return ""
	})
}

func (s *scanner) scanChecks(*model.Reference) error {
	dups, err := s.duplicates(model.TContactChecks)
	if err != nil {
		return err
	}
	var c model.Check
	cc := positions(s.schema(model.TContactChecks), "check_id", "provider_id", "called_at", "answered")
	return s.rows(model.TContactChecks, dups, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		c = model.Check{ID: r.strAt(cc[0]), ProviderID: r.strAt(cc[1]), CalledAt: r.timeAt(cc[2]), Answered: r.intAt(cc[3]) == 1}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		s.sink.Check(&c)
		return ""
	})
}

func (s *scanner) scanGMV(*model.Reference) error {
	var g model.GMV
	return s.rows(model.TShopGMV, nil, func(b *snapshot.Batch, i int) Reason {
		r := cols{b, i}
		g = model.GMV{ProviderID: r.str("provider_id"), Day: r.date("day"), GMV: model.Fen(r.int("gmv"))}
		if reason := s.declared(r); reason != "" {
			return reason
		}
		if !model.AddTotal(&s.gmvFen, int64(g.GMV)) {
			return InvalidValue // the table's GMV would add up to more than any sum may
		}
		s.sink.GMV(&g)
		return ""
	})
}

// ErrRefused marks a snapshot that failed a safety check: nothing may be
// published.
var ErrRefused = errors.New("refused")
