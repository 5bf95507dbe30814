package model

import (
	"slices"
	"testing"
)

// TestSchemaDeclarations wants every reference to name a table with a key
// that is validated before the referring one, and every conditional
// requirement to name an enum column of the same table and codes of its
// enum: a declaration the validation cannot follow fails here, not on a
// snapshot.
func TestSchemaDeclarations(t *testing.T) {
	tables := Tables()
	seen := map[string]*Table{}
	refs, whens := 0, 0
	for _, tbl := range tables {
		for _, c := range tbl.Columns {
			if c.Ref != "" {
				refs++
				to, ok := seen[c.Ref]
				switch {
				case !ok:
					t.Errorf("%s.%s refers to %s, which is not validated before %s", tbl.Name, c.Name, c.Ref, tbl.Name)
				case to.Key == "" || to.Columns[to.Col(to.Key)].Type != c.Type:
					t.Errorf("%s.%s refers to %s, whose key is not of its type", tbl.Name, c.Name, c.Ref)
				}
			}
			if w := c.RequiredWhen; w != nil {
				whens++
				on := tbl.Col(w.Column)
				if on < 0 || tbl.Columns[on].Enum == nil {
					t.Errorf("%s.%s is required when %s holds a code, and that is no enum column", tbl.Name, c.Name, w.Column)
					continue
				}
				for _, code := range w.Codes {
					if !slices.Contains(tbl.Columns[on].Enum.Codes, code) {
						t.Errorf("%s.%s is required when %s is %s, no code of its enum", tbl.Name, c.Name, w.Column, code)
					}
				}
				if c.Required {
					t.Errorf("%s.%s is required always and when %s holds a code", tbl.Name, c.Name, w.Column)
				}
			}
		}
		seen[tbl.Name] = tbl
	}
	if refs == 0 || whens == 0 {
		t.Errorf("%d references and %d conditional requirements declared", refs, whens)
	}
}
