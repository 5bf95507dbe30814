package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/disclose-project/disclose/content"
	"github.com/disclose-project/disclose/pipeline/model"
	"github.com/disclose-project/disclose/pipeline/rulebook"
)

// DictionaryPath is where the downloads' words live in the content tree:
// every table's and column's meaning in Chinese and English, the
// descriptions of the files, and the workbook's own words.
const DictionaryPath = "dictionary.json"

// LicencePath is where the licence and terms of reuse of the data live.
const LicencePath = "licence.json"

// Bilingual is one wording in Chinese and English.
type Bilingual struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// words are content/dictionary.json, as written: its texts may hold
// {param}s, filled from the rule book (params) where they are used.
type words struct {
	Types       map[string]Bilingual            `json:"types"`
	Where       map[string]string               `json:"where"`
	Files       map[string]Bilingual            `json:"files"`
	ListZh      string                          `json:"list_zh"`
	ListEn      string                          `json:"list_en"`
	KindLabel   Bilingual                       `json:"kind_label"`
	Label       Bilingual                       `json:"label"`
	CSVRule     Bilingual                       `json:"csv_rule"`
	Codes       map[string]map[string]Bilingual `json:"codes"`
	SchemaTitle Bilingual                       `json:"schema_title"`
	Tables      map[string]tableWords           `json:"tables"`
	Workbook    workbookWords                   `json:"workbook"`
}

type tableWords struct {
	Zh      string               `json:"zh"`
	En      string               `json:"en"`
	Columns map[string]Bilingual `json:"columns"`
}

type workbookWords struct {
	Title Bilingual `json:"title"`
	Facts struct {
		AsOf     Bilingual `json:"as_of"`
		Platform Bilingual `json:"platform"`
		Tool     Bilingual `json:"tool"`
		Rulebook Bilingual `json:"rulebook"`
		Licence  Bilingual `json:"licence"`
	} `json:"facts"`
	Notes []struct {
		Key Bilingual `json:"key"`
		Zh  string    `json:"zh"`
		En  string    `json:"en"`
	} `json:"notes"`
	Terms       Bilingual `json:"terms"`
	Attribution Bilingual `json:"attribution"`
	Inputs      struct {
		File   Bilingual `json:"file"`
		Bytes  Bilingual `json:"bytes"`
		SHA256 Bilingual `json:"sha256"`
		Rows   Bilingual `json:"rows"`
	} `json:"inputs"`
	Summary struct {
		Notices    Bilingual `json:"notices"`
		Violations Bilingual `json:"violations"`
		Month      Bilingual `json:"month"`
	} `json:"summary"`
	Dictionary struct {
		File   Bilingual `json:"file"`
		Column Bilingual `json:"column"`
		Type   Bilingual `json:"type"`
		Zh     Bilingual `json:"zh"`
		En     Bilingual `json:"en"`
	} `json:"dictionary"`
	Footer Bilingual `json:"footer"`
}

// contentFS is the content tree to read: fsys, or the embedded one.
func contentFS(fsys fs.FS) fs.FS {
	if fsys == nil {
		return content.FS
	}
	return fsys
}

// decodeStrict decodes a content file, refusing fields it does not know.
func decodeStrict(fsys fs.FS, path string, v any) error {
	b, err := fs.ReadFile(contentFS(fsys), path)
	if err != nil {
		return fmt.Errorf("read content/%s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read content/%s: %w", path, err)
	}
	return nil
}

// loadWords reads content/dictionary.json.
func loadWords(fsys fs.FS) (*words, error) {
	w := &words{}
	if err := decodeStrict(fsys, DictionaryPath, w); err != nil {
		return nil, err
	}
	return w, nil
}

// check makes sure that every {param} of the dictionary is one the
// downloads fill in: one of p, the rule book's, or one that depends on
// where the text is used.
func (w *words) check(p params) error {
	var bad []string
	eachText(w, func(where, s string) {
		for _, name := range placeholders(s) {
			if !p.known(name) {
				bad = append(bad, fmt.Sprintf("%s: {%s}", where, name))
			}
		}
	})
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("read content/%s: unknown parameters: %s", DictionaryPath, strings.Join(bad, "; "))
	}
	return nil
}

// eachText calls f with every text of the dictionary and where it is.
func eachText(w *words, f func(where, s string)) {
	bi := func(where string, b Bilingual) {
		f(where+".zh", b.Zh)
		f(where+".en", b.En)
	}
	for k, b := range w.Types {
		bi("types."+k, b)
	}
	for k, s := range w.Where {
		f("where."+k, s)
	}
	for k, b := range w.Files {
		bi("files."+k, b)
	}
	bi("kind_label", w.KindLabel)
	bi("label", w.Label)
	bi("csv_rule", w.CSVRule)
	bi("schema_title", w.SchemaTitle)
	for k, codes := range w.Codes {
		for c, b := range codes {
			bi("codes."+k+"."+c, b)
		}
	}
	for k, t := range w.Tables {
		f("tables."+k+".zh", t.Zh)
		f("tables."+k+".en", t.En)
		for c, b := range t.Columns {
			f("tables."+k+".columns key", c)
			bi("tables."+k+".columns."+c, b)
		}
	}
	wb := &w.Workbook
	for k, b := range map[string]Bilingual{"title": wb.Title, "facts.as_of": wb.Facts.AsOf, "facts.platform": wb.Facts.Platform,
		"facts.tool": wb.Facts.Tool, "facts.rulebook": wb.Facts.Rulebook, "facts.licence": wb.Facts.Licence, "terms": wb.Terms,
		"attribution": wb.Attribution, "inputs.file": wb.Inputs.File, "inputs.bytes": wb.Inputs.Bytes, "inputs.sha256": wb.Inputs.SHA256,
		"inputs.rows": wb.Inputs.Rows, "summary.notices": wb.Summary.Notices, "summary.violations": wb.Summary.Violations,
		"summary.month": wb.Summary.Month, "dictionary.file": wb.Dictionary.File, "dictionary.column": wb.Dictionary.Column,
		"dictionary.type": wb.Dictionary.Type, "dictionary.zh": wb.Dictionary.Zh, "dictionary.en": wb.Dictionary.En, "footer": wb.Footer} {
		bi("workbook."+k, b)
	}
	for i, n := range wb.Notes {
		where := "workbook.notes[" + strconv.Itoa(i) + "]"
		bi(where+".key", n.Key)
		f(where+".zh", n.Zh)
		f(where+".en", n.En)
	}
}

// params are the values of the {param}s of the downloads' words.
type params map[string]string

// contextParams are the {param}s whose values depend on where a text is
// used (a table, a column, a sheet, the build), not on the rule book.
var contextParams = []string{"table", "what_zh", "what_en", "of", "name", "unit", "dimension", "dimension_zh", "dimension_en", "weight",
	"sheets_zh", "sheets_en", "sheet_count", "sheets_data_zh", "sheets_data_en", "as_of", "platform"}

// known reports whether a {param} is one the downloads fill in: one of
// p or of contextParams.
func (p params) known(name string) bool {
	_, ok := p[name]
	return ok || slices.Contains(contextParams, name)
}

// bookParams are the rule book's values in force on day d by the names
// the dictionary uses: every parameter of the book by its name in
// Book.Parameters (one whose words differ between the languages, such as
// a category, as <name>_zh and <name>_en), the grades, and the names of
// the measures (measure_<id>_zh and _en), categories and kinds, and lists
// of them.
func bookParams(b *rulebook.Book, d model.Date, w *words) params {
	p := params{}
	for _, bp := range b.Parameters(d) {
		if zh, en := bp.Text("zh"), bp.Text("en"); zh == en {
			p[bp.Name] = zh
		} else {
			p[bp.Name+"_zh"], p[bp.Name+"_en"] = zh, en
		}
	}
	if g := b.Rating.Grades; len(g) > 0 {
		p["grades"] = g[0].Grade + "–" + g[len(g)-1].Grade
	}
	var mZh, mEn, offZh, offEn []string
	for _, m := range b.Measures {
		id := string(m.ID)
		mZh = append(mZh, id+" "+m.ID.Zh())
		mEn = append(mEn, id)
		p["measure_"+id+"_zh"] = m.ID.Zh()
		p["measure_"+id+"_en"] = lowerFirst(m.ID.En())
		if m.ID.TakesOffSale() {
			offZh = append(offZh, m.ID.Zh())
			offEn = append(offEn, id)
		}
	}
	p["measures_zh"], p["measures_en"] = strings.Join(mZh, w.ListZh), strings.Join(mEn, w.ListEn)
	p["off_sale_measures_zh"], p["off_sale_measures_en"] = strings.Join(offZh, w.ListZh), strings.Join(offEn, "/")
	var kZh, kEn []string
	for _, f := range b.Floors {
		zh, _ := params{"name": model.CommitmentKindEnum.Label(f.Kind), "unit": b.Units[f.Unit].Zh}.expand(w.KindLabel.Zh)
		en, _ := params{"name": f.Kind, "unit": b.Units[f.Unit].En}.expand(w.KindLabel.En)
		kZh = append(kZh, f.Kind+" "+zh)
		kEn = append(kEn, en)
	}
	p["kinds_zh"], p["kinds_en"] = strings.Join(kZh, w.ListZh), strings.Join(kEn, w.ListEn)
	for name, e := range map[string]*model.Enum{"categories": model.CategoryEnum, "complaint_categories": model.ComplaintCategoryEnum,
		"service_states": model.ServiceStateEnum} {
		var zh []string
		for i, c := range e.Codes {
			zh = append(zh, c+" "+e.Labels[i])
		}
		p[name+"_zh"], p[name+"_en"] = strings.Join(zh, w.ListZh), strings.Join(e.Codes, w.ListEn)
	}
	return p
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// with returns p and extra together.
func (p params) with(extra map[string]string) params {
	if len(extra) == 0 {
		return p
	}
	out := make(params, len(p)+len(extra))
	for k, v := range p {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// expand fills in s's {param}s; an unknown one is an error.
func (p params) expand(s string) (string, error) {
	return rulebook.Fill(s, func(name string) (string, bool) { v, ok := p[name]; return v, ok })
}

// placeholders lists the {param}s of s.
func placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return append(out, s[i+1:])
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// bilingual expands both languages of b.
func (p params) bilingual(b Bilingual) (Bilingual, error) {
	zh, err := p.expand(b.Zh)
	if err != nil {
		return Bilingual{}, err
	}
	en, err := p.expand(b.En)
	return Bilingual{Zh: zh, En: en}, err
}

// fill gives a table and its columns their names and meanings: the
// dictionary's entry for each column's declared name, its {param}s filled
// from p and the column's own.
func (w *words) fill(t *Table, p params) error {
	fail := func(err error) error { return fmt.Errorf("content/%s: tables.%s: %w", DictionaryPath, t.Name, err) }
	tw, ok := w.Tables[t.Name]
	if !ok {
		return fail(fmt.Errorf("no entry for the table"))
	}
	d, err := p.bilingual(Bilingual{Zh: tw.Zh, En: tw.En})
	if err != nil {
		return fail(err)
	}
	t.Zh, t.En = d.Zh, d.En
	seen := map[string]bool{}
	for i := range t.Cols {
		c := &t.Cols[i]
		cw, ok := tw.Columns[c.Name]
		if !ok {
			return fail(fmt.Errorf("no meaning for column %s", c.Name))
		}
		cp := p.with(c.params)
		name, err := cp.expand(c.Name)
		if err != nil {
			return fail(err)
		}
		m, err := cp.bilingual(cw)
		if err != nil {
			return fail(fmt.Errorf("column %s: %w", c.Name, err))
		}
		c.Name, c.Zh, c.En = name, m.Zh, m.En
		for _, n := range []string{c.Name, labelName(c)} {
			if n != "" && seen[n] {
				return fail(fmt.Errorf("column %s twice", n))
			}
			seen[n] = true
		}
	}
	return nil
}

func labelName(c *Col) string {
	if c.Label == nil {
		return ""
	}
	return c.Label.Name
}

// Entry is one line of the data dictionary.
type Entry struct {
	Table, Name, TypeZh, TypeEn, Zh, En string
}

// dictionary lists every column of every download table, in the order
// given, the workbook's label columns beside the columns they name, and
// the CSV neutralising rule.
func (w *words) dictionary(all []*Table, p params) ([]Entry, error) {
	var out []Entry
	where := func(key, table string) (string, error) {
		return params{"table": table}.expand(w.Where[key])
	}
	kind := func(k Kind) Bilingual { return w.Types[k.key()] }
	for _, t := range all {
		key := "all"
		if _, ok := w.Where[t.Name]; ok {
			key = t.Name // summary, history: their own files
		}
		for _, c := range t.Cols {
			k := key
			if c.Extra {
				k = "no_csv"
			}
			at, err := where(k, t.Name)
			if err != nil {
				return nil, fmt.Errorf("content/%s: where.%s: %w", DictionaryPath, k, err)
			}
			ty := kind(c.Kind)
			out = append(out, Entry{Table: at, Name: c.Name, TypeZh: ty.Zh, TypeEn: ty.En, Zh: c.Zh, En: c.En})
			if c.Label != nil {
				at, err := where("xlsx", t.Name)
				if err != nil {
					return nil, fmt.Errorf("content/%s: where.xlsx: %w", DictionaryPath, err)
				}
				m, err := p.with(map[string]string{"of": c.Name}).bilingual(w.Label)
				if err != nil {
					return nil, fmt.Errorf("content/%s: label: %w", DictionaryPath, err)
				}
				ty := kind(KText)
				out = append(out, Entry{Table: at, Name: c.Label.Name, TypeZh: ty.Zh, TypeEn: ty.En, Zh: m.Zh, En: m.En})
			}
		}
	}
	ty := w.Types["rule"]
	return append(out, Entry{Table: w.Where["csv"], Name: "—", TypeZh: ty.Zh, TypeEn: ty.En, Zh: w.CSVRule.Zh, En: w.CSVRule.En}), nil
}

// Licence is the licence and terms of reuse of the data
// (content/licence.json), as the downloads page, the workbook's README
// sheet and the JSON document state it.
type Licence struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	URL  string      `json:"url"`
	Zh   LicenceText `json:"zh"`
	En   LicenceText `json:"en"`
}

// LicenceText is the licence in one language.
type LicenceText struct {
	Title       string `json:"title"`
	Licence     string `json:"licence"`
	Terms       string `json:"terms"`
	Attribution string `json:"attribution"`
}

// LoadLicence reads content/licence.json from fsys (nil: the embedded
// content) and fills in the platform and the as-of date of the
// attribution it asks for.
func LoadLicence(fsys fs.FS, platform, asOf string) (*Licence, error) {
	l := &Licence{}
	if err := decodeStrict(fsys, LicencePath, l); err != nil {
		return nil, err
	}
	p := params{"platform": platform, "as_of": asOf}
	for _, lt := range []*LicenceText{&l.Zh, &l.En} {
		for _, s := range []*string{&lt.Title, &lt.Licence, &lt.Terms, &lt.Attribution} {
			v, err := p.expand(*s)
			if err != nil {
				return nil, fmt.Errorf("read content/%s: %w", LicencePath, err)
			}
			*s = strings.Join(strings.Fields(v), " ")
		}
	}
	if l.ID == "" || l.URL == "" || l.Zh.Terms == "" || l.En.Terms == "" {
		return nil, fmt.Errorf("read content/%s: id, url and the terms in zh and en are required", LicencePath)
	}
	return l, nil
}
