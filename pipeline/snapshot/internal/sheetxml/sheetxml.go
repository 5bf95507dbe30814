// Package sheetxml reads the rows of a workbook's worksheets straight
// from their XML, several times as fast as excelize's row iterator, which
// goes through encoding/xml token by token. It knows the plain forms that
// spreadsheet programs write: rows of cells with a value, a shared string
// or a simple inline string, and a header row whose cells are text in a
// style that leaves text as it is (any font, fill or border; the General
// or text number format); a formula's cell below the header gives its
// value as last computed, as excelize does. A sheet with anything else (a
// formula in the header, a rich inline string, a comment, a namespace prefix, text it would have to
// unescape beyond the XML entities, a header formatted otherwise) is left
// to excelize: Book.Rows reads the whole sheet once without keeping
// anything before it hands out a reader, so that a sheet is read by one
// reader or the other, never by both. The cells are excelize's either
// way: row 1 as excelize formats it, the other rows raw.
//
// It reads the workbook's archive itself (archive/zip), finding each
// sheet's part as excelize does: the workbook from the package's
// relationships, each sheet's part from the workbook's.
package sheetxml

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The limits of a worksheet, as excelize has them.
const (
	maxRows    = 1048576
	maxColumns = 16384
)

// errUnsupported says that the sheet reader leaves the sheet to excelize.
var errUnsupported = errors.New("not a form the sheet reader reads")

// Book is a workbook's archive as the sheet reader reads it.
type Book struct {
	files   map[string]*zip.File // the archive's parts by name (with slashes; the last of a name, as excelize keeps)
	paths   map[string]string    // each sheet's part, by the sheet's name; nil when not found as excelize would
	sst     []string             // the shared strings; nil when there are none or they are not plain
	plain   []bool               // by cell style (cellXfs index): it leaves text as it is
	maxPart int64
	checked map[string]bool // by sheet: whether the sheet reader reads all of it
}

// Open finds the sheets of a workbook's archive. A part that unpacks to
// more than maxPart bytes is not read (its sheet is left to excelize).
// Open never fails: a workbook it cannot read gives a Book whose Rows are
// all nil.
func Open(zr *zip.Reader, maxPart int64) *Book {
	b := &Book{files: map[string]*zip.File{}, maxPart: maxPart, checked: map[string]bool{}}
	for _, f := range zr.File {
		b.files[strings.ReplaceAll(f.Name, `\`, "/")] = f
	}
	b.paths = b.sheetPaths()
	if b.paths == nil {
		return b
	}
	if ss, ok := b.part("xl/sharedStrings.xml"); ok {
		b.sst, _ = sharedStrings(ss)
	}
	if st, ok := b.part("xl/styles.xml"); ok {
		b.plain = plainStyles(st)
	}
	return b
}

// Rows returns a reader at the first row of a sheet, or nil when excelize
// must read the sheet. The sheet's part is unpacked for each reader (and
// held only while it is read); whether the sheet reader reads all of it
// is found once.
func (b *Book) Rows(sheet string) *Rows {
	name, ok := b.paths[sheet]
	if !ok {
		return nil
	}
	readable, seen := b.checked[sheet]
	if seen && !readable {
		return nil
	}
	data, ok := b.part(name)
	if !ok {
		b.checked[sheet] = false
		return nil
	}
	if !seen {
		check, can := newSheetScan(data, b.sst, b.plain, true)
		readable = can && check.all()
		b.checked[sheet] = readable
		if !readable {
			return nil
		}
	}
	s, ok := newSheetScan(data, b.sst, b.plain, false)
	if !ok {
		return nil
	}
	return &Rows{s: s}
}

// Rows reads the rows of a sheet one by one.
type Rows struct{ s *sheetScan }

// SetWidth has the rows read up to column width only (0: all): the cells
// right of it are skipped, never kept (a row with one cell at XFD would
// otherwise become 16,384 cells).
func (r *Rows) SetWidth(width int) { r.s.width = width }

// Next returns the next row that the sheet has: its number and its cells
// as excelize's Columns gives them (formatted for row 1, the header; raw
// values for the others). ok is false after the last row.
func (r *Rows) Next() (row int, cells []string, ok bool) {
	row, cells, ok, _ = r.s.next() // never errUnsupported: Book.Rows checked the sheet
	return row, cells, ok
}

// Numbers reports, for each cell of the row read last, whether it is a
// number (no type, or t="n"), as opposed to text, a boolean or an error.
func (r *Rows) Numbers() []bool { return r.s.num }

// Path returns the name of a sheet's part in the archive, found as
// excelize finds it.
func (b *Book) Path(sheet string) (string, bool) {
	name, ok := b.paths[sheet]
	return name, ok
}

// UTF8Declared reports whether the XML declaration of a part, if any,
// leaves the encoding at UTF-8.
func UTF8Declared(data []byte) bool { return utf8Declared(data) }

// part returns a part of the archive, unpacked, when it is there and
// unpacks to at most maxPart bytes.
func (b *Book) part(name string) ([]byte, bool) {
	f, ok := b.files[name]
	if !ok || f.UncompressedSize64 > uint64(b.maxPart) {
		return nil, false
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, b.maxPart+1))
	if err != nil || int64(len(data)) > b.maxPart {
		return nil, false
	}
	return data, true
}

type xmlRels struct {
	Rel []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// sheetPaths finds the name of each sheet's part as excelize does: the
// workbook from the package's relationships, each sheet's part from the
// workbook's. It returns nil when anything is not as expected.
func (b *Book) sheetPaths() map[string]string {
	var root, wbRels xmlRels
	var wb xmlWorkbook
	if !b.unmarshal("_rels/.rels", &root) {
		return nil
	}
	wbPath := ""
	for _, r := range root.Rel {
		if r.Type == "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	dir := path.Dir(wbPath)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "/")
	if dir == "." {
		relsPath = "_rels/" + path.Base(wbPath) + ".rels"
	}
	if wbPath == "" || !b.unmarshal(wbPath, &wb) || !b.unmarshal(relsPath, &wbRels) {
		return nil
	}
	paths := map[string]string{}
	for _, sh := range wb.Sheets {
		for other := range paths {
			if strings.EqualFold(other, sh.Name) {
				return nil // excelize would pick either
			}
		}
		for _, r := range wbRels.Rel {
			if r.ID != sh.ID {
				continue
			}
			name := strings.TrimPrefix(path.Clean(dir+"/"+r.Target), "/")
			if strings.HasPrefix(r.Target, "/") {
				name = strings.TrimPrefix(path.Clean(r.Target), "/")
			}
			if strings.Contains(r.Target, `\`) {
				return nil
			}
			paths[sh.Name] = name
		}
	}
	return paths
}

func (b *Book) unmarshal(name string, v any) bool {
	data, ok := b.part(name)
	return ok && xml.Unmarshal(data, v) == nil
}

// plainStyles reads which cell styles leave a text cell's text as it is
// when excelize formats it: those whose number format is General (0) or
// text (49), or a format of the workbook's own whose code is one of those
// (LibreOffice writes its General as format 164). Fonts, fills, borders
// and alignment do not change the text. It returns nil when the styles
// cannot be read.
func plainStyles(data []byte) []bool {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if xml.Unmarshal(data, &st) != nil {
		return nil
	}
	plainFmt := map[int]bool{0: true, 49: true}
	for _, f := range st.NumFmts {
		if f.ID >= 164 { // the built-in formats are excelize's own, whatever the file says
			plainFmt[f.ID] = strings.EqualFold(f.Code, "General") || f.Code == "@"
		}
	}
	out := make([]bool, len(st.Xfs))
	for i, xf := range st.Xfs {
		out[i] = plainFmt[xf.NumFmtID]
	}
	return out
}

// sharedStrings reads the shared strings: each item's text, then its runs'
// texts. It reports false (and excelize reads the workbook's sheets) for
// anything else, and for text with the _xHHHH_ escapes excelize decodes.
func sharedStrings(data []byte) ([]string, bool) {
	x := &xmlScan{data: data}
	if !x.skipTo("<sst") {
		return nil, false
	}
	if self, ok := x.startTag("sst"); !ok || self {
		return nil, ok && self
	}
	var out []string
	var b strings.Builder
	for {
		x.skipSpace()
		if x.end("sst") {
			return out, true
		}
		if self, ok := x.startTag("si"); !ok {
			return nil, false
		} else if self {
			out = append(out, "")
			continue
		}
		b.Reset()
		runs := false
		for !x.end("si") {
			x.skipSpace()
			switch {
			case x.isTag("t"):
				// excelize keeps one text of the item's own, and puts it
				// before the runs' whatever the order.
				t, ok := x.textElement("t", true)
				if !ok || runs || b.Len() > 0 {
					return nil, false
				}
				b.WriteString(t)
			case x.isTag("r"):
				runs = true
				if self, ok := x.startTag("r"); !ok || self {
					return nil, false
				}
				x.skipSpace()
				if x.isTag("rPr") && !x.skipElement("rPr") {
					return nil, false
				}
				x.skipSpace()
				t, ok := x.textElement("t", true)
				if !ok {
					return nil, false
				}
				b.WriteString(t)
				x.skipSpace()
				if !x.end("r") {
					return nil, false
				}
			case x.isTag("rPh"):
				if !x.skipElement("rPh") {
					return nil, false
				}
			case x.isTag("phoneticPr"):
				if self, ok := x.startTag("phoneticPr"); !ok || !self {
					return nil, false
				}
			default:
				return nil, false
			}
		}
		s := b.String()
		if strings.Contains(s, "_x") {
			return nil, false
		}
		out = append(out, s)
	}
}

// sheetScan reads the rows of a worksheet's XML one by one.
type sheetScan struct {
	x     xmlScan
	sst   []string
	plain []bool // by cell style: it leaves text as it is (see plainStyles)
	dry   bool   // only check that every row can be read: no cells
	row   int    // the number of the row read last
	done  bool   // the sheet has no more rows
	// width, when not 0, is how many columns are read: the cells right of
	// it are skipped, never kept (a row with one cell at XFD would
	// otherwise become 16,384 cells).
	width int
	// num[j] reports whether cell j of the row read last is a number (no
	// type, or t="n"), as opposed to text, a boolean or an error.
	num []bool
}

// newSheetScan starts reading a sheet at its first row; false when the
// sheet reader cannot read it.
func newSheetScan(data []byte, sst []string, plain []bool, dry bool) (*sheetScan, bool) {
	s := &sheetScan{x: xmlScan{data: data}, sst: sst, plain: plain, dry: dry}
	if !utf8Declared(data) || !s.x.skipTo("<sheetData") || dry && !wellFormedTo(data, s.x.pos) {
		return nil, false
	}
	self, ok := s.x.startTag("sheetData")
	s.done = self
	return s, ok
}

// wellFormedTo reports whether encoding/xml reads the XML before offset n,
// where the sheetData element starts, without an error: excelize reads no
// row of a sheet whose start it cannot read (an attribute of invalid
// UTF-8, a tag cut short).
func wellFormedTo(data []byte, n int) bool {
	d := xml.NewDecoder(io.MultiReader(bytes.NewReader(data[:n]), strings.NewReader("<sheetData/>")))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheetData" {
			return true
		}
	}
}

// utf8Declared reports whether the XML declaration, if any, leaves the
// encoding at UTF-8.
func utf8Declared(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return true
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return false
	}
	decl := string(data[:end])
	i := strings.Index(decl, "encoding=")
	if i < 0 {
		return true
	}
	v := strings.Trim(decl[i+len("encoding="):], " ")
	return len(v) > 6 && strings.EqualFold(v[1:6], "utf-8") && v[6] == v[0]
}

// all reads the rest of the sheet, and reports whether the sheet reader
// can read all of it.
func (s *sheetScan) all() bool {
	for {
		_, _, ok, err := s.next()
		if err != nil {
			return false
		}
		if !ok {
			return true
		}
	}
}

// next returns the next row that the sheet has: its number and its cells
// as excelize's Columns gives them (formatted for row 1, the header; raw
// values for the others); no cells when dry. ok is false at the end of the
// rows; errUnsupported says that excelize must read the sheet.
func (s *sheetScan) next() (row int, cells []string, ok bool, err error) {
	x := &s.x
	x.skipSpace()
	if s.done || x.end("sheetData") {
		s.done = true
		return 0, nil, false, nil
	}
	self, ok := x.startTag("row")
	if !ok || x.clash() {
		return 0, nil, false, errUnsupported
	}
	row = s.row + 1
	if v, has := x.attr("r"); has {
		n, err := strconv.Atoi(string(v))
		if err != nil || n <= s.row || n > maxRows {
			return 0, nil, false, errUnsupported
		}
		row = n
	}
	s.num = s.num[:0]
	if self {
		s.row = row
		return row, nil, true, nil
	}
	col, last := 0, 0 // the cell's column, and the last column with a value
	for {
		x.skipSpace()
		if x.end("row") {
			break
		}
		self, ok := x.startTag("c")
		if !ok || x.clash() {
			return 0, nil, false, errUnsupported
		}
		col++
		var typ string
		for _, a := range x.attrs {
			switch string(a.name) {
			case "r":
				c, ok := columnOf(a.value)
				if !ok {
					return 0, nil, false, errUnsupported
				}
				col = c
			case "s":
				// Styles matter to the header, which excelize formats: one
				// that leaves text as it is (bold, say) is read.
				n, err := strconv.Atoi(string(a.value))
				if err != nil || n < 0 || (n != 0 && row == 1 && (n >= len(s.plain) || !s.plain[n])) {
					return 0, nil, false, errUnsupported
				}
			case "t":
				typ = cellType(a.value)
			}
		}
		v, inline, hasInline, formula := "", "", false, false
		for !self {
			x.skipSpace()
			if x.end("c") {
				break
			}
			switch {
			case x.isTag("v"):
				// Even when dry, a shared string's index is read, to check
				// it, and the header, which must be text.
				if v, ok = x.textElement("v", !s.dry || typ == "s" || row == 1); !ok {
					return 0, nil, false, errUnsupported
				}
			case x.isTag("is") && typ == "inlineStr":
				if self, ok := x.startTag("is"); !ok || self {
					return 0, nil, false, errUnsupported
				}
				x.skipSpace()
				if inline, ok = x.textElement("t", true); !ok || strings.Contains(inline, "_x") {
					return 0, nil, false, errUnsupported
				}
				x.skipSpace()
				if !x.end("is") {
					return 0, nil, false, errUnsupported
				}
				hasInline = true
			case x.isTag("f") && row != 1:
				// A formula's cell holds its value as last computed, which
				// is what excelize gives raw (LibreOffice writes TRUE as
				// the formula TRUE()). The header, formatted, is left to
				// excelize.
				if !x.skipElement("f") {
					return 0, nil, false, errUnsupported
				}
				formula = true
			default:
				return 0, nil, false, errUnsupported
			}
		}
		val := v
		switch typ {
		case "s":
			if v != "" {
				i, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || i < 0 || i >= len(s.sst) {
					return 0, nil, false, errUnsupported
				}
				val = s.sst[i]
			}
		case "inlineStr":
			if hasInline {
				val = inline
			}
		case "str":
		default:
			// excelize formats the header's numbers, booleans and dates.
			if row == 1 && val != "" {
				return 0, nil, false, errUnsupported
			}
		}
		if val == "" && !formula && (!s.dry || typ == "s") {
			continue // when dry, a value not read may be one; a formula's cell is one even when empty, as excelize has it
		}
		if col <= last {
			return 0, nil, false, errUnsupported
		}
		last = col
		if !s.dry && (s.width == 0 || col <= s.width) {
			for len(cells) < col-1 {
				cells = append(cells, "")
				s.num = append(s.num, false)
			}
			cells = append(cells, val)
			s.num = append(s.num, typ == "" || typ == "n")
		}
	}
	s.row = row
	return row, cells, true, nil
}

// cellType returns a cell's type as a constant string (no allocation).
func cellType(t []byte) string {
	for _, known := range []string{"s", "str", "inlineStr", "n", "b", "d", "e"} {
		if string(t) == known {
			return known
		}
	}
	return string(t)
}

// clash reports whether an attribute of the tag read last has a prefix
// before a name the reader looks for: excelize matches names without
// their prefixes.
func (x *xmlScan) clash() bool {
	for _, a := range x.attrs {
		if i := bytes.LastIndexByte(a.name, ':'); i >= 0 {
			switch string(a.name[i+1:]) {
			case "r", "s", "t":
				return true
			}
		}
	}
	return false
}

// columnOf returns the column number of a cell reference such as "AB12".
func columnOf(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxColumns {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) || ref[i] == '0' {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// xmlScan reads the few XML forms of worksheets and shared strings
// straight from the bytes. Its methods report false at anything else.
type xmlScan struct {
	data  []byte
	pos   int
	attrs []xmlAttr // of the start tag read last, in data
}

type xmlAttr struct{ name, value []byte }

// attr returns the value of an attribute of the start tag read last.
func (x *xmlScan) attr(name string) ([]byte, bool) {
	for _, a := range x.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

func (x *xmlScan) skipSpace() {
	for x.pos < len(x.data) {
		switch x.data[x.pos] {
		case ' ', '\t', '\r', '\n':
			x.pos++
		default:
			return
		}
	}
}

// skipTo moves to the next occurrence of s.
func (x *xmlScan) skipTo(s string) bool {
	i := bytes.Index(x.data[x.pos:], []byte(s))
	if i < 0 {
		return false
	}
	x.pos += i
	return true
}

// isTag reports whether an element named name starts here.
func (x *xmlScan) isTag(name string) bool {
	rest := x.data[x.pos:]
	if len(rest) < len(name)+2 || rest[0] != '<' || string(rest[1:1+len(name)]) != name {
		return false
	}
	switch rest[1+len(name)] {
	case ' ', '\t', '\r', '\n', '>', '/':
		return true
	}
	return false
}

// end reads the end tag of an element named name, if it is here.
func (x *xmlScan) end(name string) bool {
	rest := x.data[x.pos:]
	if len(rest) < len(name)+3 || rest[0] != '<' || rest[1] != '/' || string(rest[2:2+len(name)]) != name {
		return false
	}
	i := 2 + len(name)
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\r' || rest[i] == '\n') {
		i++
	}
	if i == len(rest) || rest[i] != '>' {
		return false
	}
	x.pos += i + 1
	return true
}

// startTag reads the start tag of an element named name, and whether it
// closes itself; its attributes are then in x.attrs.
func (x *xmlScan) startTag(name string) (self, ok bool) {
	x.attrs = x.attrs[:0]
	if !x.isTag(name) {
		return false, false
	}
	x.pos += 1 + len(name)
	for {
		x.skipSpace()
		if x.pos >= len(x.data) {
			return false, false
		}
		switch x.data[x.pos] {
		case '>':
			x.pos++
			return false, true
		case '/':
			if x.pos+1 < len(x.data) && x.data[x.pos+1] == '>' {
				x.pos += 2
				return true, true
			}
			return false, false
		}
		start := x.pos
		for x.pos < len(x.data) && isNameByte(x.data[x.pos]) {
			x.pos++
		}
		attr := x.data[start:x.pos]
		x.skipSpace()
		// A name starts with a letter, '_' or ':', as encoding/xml (so
		// excelize) wants: an attribute "9" ends excelize's reading.
		if len(attr) == 0 || !isNameStart(attr[0]) || x.pos+1 >= len(x.data) || x.data[x.pos] != '=' {
			return false, false
		}
		x.pos++
		x.skipSpace()
		if x.pos >= len(x.data) {
			return false, false
		}
		q := x.data[x.pos]
		if q != '"' && q != '\'' {
			return false, false
		}
		end := bytes.IndexByte(x.data[x.pos+1:], q)
		if end < 0 {
			return false, false
		}
		raw := x.data[x.pos+1 : x.pos+1+end]
		x.pos += end + 2
		if bytes.ContainsAny(raw, "<&\t\r\n") {
			return false, false // values with entities or normalised space: excelize's
		}
		x.attrs = append(x.attrs, xmlAttr{attr, raw})
	}
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':' || c == '_' || c == '-' || c == '.'
}

// textElement reads an element named name that holds only text (no
// attributes but xml:space), and returns the text, or only checks it
// unless keep.
func (x *xmlScan) textElement(name string, keep bool) (string, bool) {
	self, ok := x.startTag(name)
	if !ok {
		return "", false
	}
	for _, a := range x.attrs {
		if string(a.name) != "xml:space" {
			return "", false
		}
	}
	if self {
		return "", true
	}
	i := bytes.IndexByte(x.data[x.pos:], '<')
	if i < 0 {
		return "", false
	}
	raw := x.data[x.pos : x.pos+i]
	x.pos += i
	if !x.end(name) {
		return "", false
	}
	return charData(raw, keep)
}

// skipElement skips an element named name that holds no element of the
// same name.
func (x *xmlScan) skipElement(name string) bool {
	self, ok := x.startTag(name)
	if !ok || self {
		return ok
	}
	i := bytes.Index(x.data[x.pos:], []byte("</"+name))
	if i < 0 {
		return false
	}
	x.pos += i
	return x.end(name)
}

// charData decodes text as encoding/xml does: the five named entities and
// character references, line ends as "\n"; it reports false for anything
// encoding/xml would reject or that it does not know. Unless keep, it only
// checks the text and returns "".
func charData(raw []byte, keep bool) (string, bool) {
	plain := true
	for _, c := range raw {
		if c == '&' || c == '\r' || c < 0x20 && c != '\t' && c != '\n' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		if !keep {
			return "", true
		}
		return string(raw), true
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '&':
			j := bytes.IndexByte(raw[i:], ';')
			if j < 0 {
				return "", false
			}
			r, ok := entity(string(raw[i+1 : i+j]))
			if !ok {
				return "", false
			}
			b.WriteRune(r)
			i += j + 1
		case c == '\r':
			b.WriteByte('\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c < utf8.RuneSelf:
			if c < 0x20 && c != '\t' && c != '\n' {
				return "", false
			}
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 || !xmlChar(r) {
				return "", false
			}
			b.Write(raw[i : i+n])
			i += n
		}
	}
	return b.String(), true
}

// entity decodes the name of an entity or character reference.
func entity(name string) (rune, bool) {
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// xmlChar reports whether r may appear in XML text (encoding/xml's
// character range).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
