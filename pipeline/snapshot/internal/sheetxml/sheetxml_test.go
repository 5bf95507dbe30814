package sheetxml

import "testing"

func TestUTF8Declared(t *testing.T) {
	for decl, want := range map[string]bool{
		``:                                                        true,
		`<?xml version="1.0"?>`:                                   true,
		`<?xml version="1.0" encoding="UTF-8"?>`:                  true,
		`<?xml version='1.0' encoding='utf-8'?>`:                  true,
		`<?xml version="1.0" encoding="UTF-16"?>`:                 false,
		`<?xml version="1.0" encoding="GB18030"?>`:                false,
		`<?xml version="1.0" encoding="UTF-8'?>`:                  false,
		"\xef\xbb\xbf" + `<?xml version="1.0" encoding="UTF-8"?>`: true,
		`<?xml version="1.0" encoding="UTF-8"`:                    false,
	} {
		if got := utf8Declared([]byte(decl + `<worksheet/>`)); got != want {
			t.Errorf("utf8Declared(%q) = %v, want %v", decl, got, want)
		}
	}
}

// FuzzSheetScan reads arbitrary worksheet XML: no panic, and a sheet that
// the check passes is read to the end without errUnsupported.
func FuzzSheetScan(f *testing.F) {
	f.Add(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2"><v>1</v></c></row></sheetData>`)
	f.Add(`<sheetData><row><c t="inlineStr"><is><t>a &amp; b</t></is></c><c t="str"><v>x&#13;y</v></c></row><row r="5"/></sheetData>`)
	f.Add(`<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData/></worksheet>`)
	sst := []string{"id", "name"}
	f.Fuzz(func(t *testing.T, data string) {
		check, ok := newSheetScan([]byte(data), sst, nil, true)
		if !ok || !check.all() {
			return
		}
		s, ok := newSheetScan([]byte(data), sst, nil, false)
		if !ok {
			t.Fatal("the check passes a sheet the reader cannot start")
		}
		for {
			_, _, ok, err := s.next()
			if err != nil {
				t.Fatalf("the check passes a sheet the reader cannot read: %v", err)
			}
			if !ok {
				return
			}
		}
	})
}
