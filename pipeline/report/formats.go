package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/disclose-project/disclose/pipeline/model"
)

// Meta heads the JSON document.
type Meta struct {
	AsOf            string `json:"as_of"`
	Platform        string `json:"platform"`
	Tool            string `json:"tool"`
	ToolVersion     string `json:"tool_version"`
	RulebookVersion string `json:"rulebook_version"`
	// Licence is the licence and terms of reuse of the data; Downloads
	// sets it from content/licence.json.
	Licence *Licence `json:"licence,omitempty"`
}

// jsonValue writes one cell as JSON: money as a number with two decimals,
// dates as "YYYY-MM-DD", scores with one decimal, null for no value.
func jsonValue(w *bufio.Writer, c Col, v Value) {
	if v.Null {
		w.WriteString("null")
		return
	}
	switch c.Kind {
	case KInt:
		w.WriteString(strconv.FormatInt(v.I, 10))
	case KMoney:
		w.WriteString(model.Fen(v.I).String())
	case KScore, KRate, KDecimal, KNumber, KBool:
		w.WriteString(Text(c, v))
	case KDate:
		w.WriteString(`"` + model.Date(v.I).String() + `"`)
	default:
		b, _ := json.Marshal(v.S)
		w.Write(b)
	}
}

// WriteJSON writes every table into one document: {"as_of", …, "tables":
// {"providers": [{…}, …], …}}, keys in column order.
func WriteJSON(path string, meta Meta, tables []*Table) error {
	return writeBuffered(path, func(w *bufio.Writer) {
		head, _ := json.Marshal(meta)
		w.Write(head[:len(head)-1])
		w.WriteString(`,"tables":{`)
		for ti, t := range tables {
			if ti > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n" + strconv.Quote(t.Name) + ":[")
			for ri, row := range t.Rows {
				if ri > 0 {
					w.WriteString(",")
				}
				w.WriteString("\n{")
				for ci, c := range t.Cols {
					if ci > 0 {
						w.WriteString(",")
					}
					w.WriteString(strconv.Quote(c.Name) + ":")
					jsonValue(w, c, row[ci])
				}
				w.WriteString("}")
			}
			w.WriteString("]")
		}
		w.WriteString("}}\n")
	})
}

// WriteSchema writes the JSON Schema (draft 2020-12) of the JSON document,
// with the given title.
func WriteSchema(path, id, title string, tables []*Table) error {
	kind := func(c Col) map[string]any {
		desc := c.En + " / " + c.Zh
		switch c.Kind {
		case KText, KEnum:
			return map[string]any{"type": "string", "description": desc}
		case KInt:
			return map[string]any{"type": []string{"integer", "null"}, "description": desc}
		case KDate:
			return map[string]any{"type": []string{"string", "null"}, "format": "date", "pattern": `^\d{4}-\d{2}-\d{2}$`, "description": desc}
		case KRate:
			return map[string]any{"type": []string{"number", "null"}, "minimum": 0, "maximum": 1, "description": desc}
		case KScore:
			return map[string]any{"type": []string{"number", "null"}, "minimum": 0, "maximum": 100, "description": desc}
		case KBool:
			return map[string]any{"type": "boolean", "description": desc}
		}
		return map[string]any{"type": []string{"number", "null"}, "description": desc}
	}
	props := map[string]any{}
	var names []string
	for _, t := range tables {
		cols := map[string]any{}
		var req []string
		for _, c := range t.Cols {
			cols[c.Name] = kind(c)
			req = append(req, c.Name)
		}
		props[t.Name] = map[string]any{"type": "array", "description": t.En + " / " + t.Zh,
			"items": map[string]any{"type": "object", "properties": cols, "required": req, "additionalProperties": false}}
		names = append(names, t.Name)
	}
	schema := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": id,
		"title": title, "type": "object",
		"required":             []string{"as_of", "platform", "tool", "tool_version", "rulebook_version", "licence", "tables"},
		"additionalProperties": false,
		"properties": map[string]any{
			"as_of":            map[string]any{"type": "string", "format": "date"},
			"platform":         map[string]any{"type": "string"},
			"tool":             map[string]any{"type": "string"},
			"tool_version":     map[string]any{"type": "string"},
			"rulebook_version": map[string]any{"type": "string"},
			"licence":          licenceSchema(),
			"tables":           map[string]any{"type": "object", "properties": props, "required": names, "additionalProperties": false},
		},
	}
	b, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// licenceSchema is the schema of the JSON document's licence.
func licenceSchema() map[string]any {
	str := map[string]any{"type": "string"}
	text := map[string]any{"type": "object", "additionalProperties": false,
		"required":   []string{"title", "licence", "terms", "attribution"},
		"properties": map[string]any{"title": str, "licence": str, "terms": str, "attribution": str}}
	return map[string]any{"type": "object", "additionalProperties": false,
		"required":   []string{"id", "name", "url", "zh", "en"},
		"properties": map[string]any{"id": str, "name": str, "url": map[string]any{"type": "string", "format": "uri"}, "zh": text, "en": text}}
}

var (
	moneyType = &arrow.Decimal128Type{Precision: 18, Scale: 2}
	scoreType = &arrow.Decimal128Type{Precision: 5, Scale: 1}
)

func arrowType(k Kind) arrow.DataType {
	switch k {
	case KInt:
		return arrow.PrimitiveTypes.Int64
	case KMoney:
		return moneyType
	case KDate:
		return arrow.FixedWidthTypes.Date32
	case KScore:
		return scoreType
	case KRate, KDecimal, KNumber:
		return arrow.PrimitiveTypes.Float64
	case KBool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// WriteParquet writes a table as typed Parquet: DECIMAL money and scores,
// DATE dates, INT64 counts, strings. Each parquetBatch rows make a row
// group of their own, so that what is held while a table is written is
// one batch: its arrow arrays, encoded pages and dictionaries (a table
// that grows with orders, such as violations, would otherwise hold all of
// them at once, about 150 MB at 190,000 violations).
func WriteParquet(path string, t *Table) error {
	return writeParquet(path, t, parquetBatch)
}

// parquetBatch is how many rows WriteParquet puts in a row group.
const parquetBatch = 64 << 10

func writeParquet(path string, t *Table, batch int) error {
	fields := make([]arrow.Field, len(t.Cols))
	for i, c := range t.Cols {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Kind), Nullable: c.Kind != KText && c.Kind != KEnum && c.Kind != KBool}
	}
	sc := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	// Snappy: every Parquet reader has it, and it is cheap to write. A
	// column's dictionary never gives way to plain pages: arrow would list
	// the two encodings in random order (the tables are provider-sized).
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithCreatedBy("disclose"),
		parquet.WithDictionaryPageSizeLimit(math.MaxInt64))
	w, err := pqarrow.NewFileWriter(sc, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	flush := func() error {
		rec := b.NewRecord()
		defer rec.Release()
		if len(t.Rows) == 0 {
			return w.Write(rec) // one empty row group
		}
		if rec.NumRows() == 0 {
			return nil
		}
		return w.Write(rec)
	}
	for r, row := range t.Rows {
		for i, c := range t.Cols {
			v := row[i]
			fb := b.Field(i)
			if v.Null {
				fb.AppendNull()
				continue
			}
			switch c.Kind {
			case KInt:
				fb.(*array.Int64Builder).Append(v.I)
			case KMoney, KScore:
				fb.(*array.Decimal128Builder).Append(decimal128.FromI64(v.I))
			case KDate:
				fb.(*array.Date32Builder).Append(arrow.Date32(v.I))
			case KRate, KDecimal, KNumber:
				fb.(*array.Float64Builder).Append(v.F)
			case KBool:
				fb.(*array.BooleanBuilder).Append(v.B)
			default:
				fb.(*array.StringBuilder).Append(v.S)
			}
		}
		if (r+1)%batch == 0 {
			if err = flush(); err != nil {
				break
			}
		}
	}
	if err == nil && (len(t.Rows) == 0 || len(t.Rows)%batch != 0) {
		err = flush()
	}
	if e := w.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteSums writes SHA256SUMS for the given files, in the format
// `sha256sum -c` reads.
func WriteSums(dir string, sums []FileSum) error {
	return writeBuffered(filepath.Join(dir, "SHA256SUMS"), func(w *bufio.Writer) {
		for _, s := range sums {
			fmt.Fprintf(w, "%s  %s\n", s.SHA256, s.Path)
		}
	})
}
