package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// codeReasons returns the reason codes reasons.go declares, in order.
func codeReasons(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "reasons.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Reason" {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a reason that is not a literal: %T", v)
				}
				code, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, code)
			}
		}
	}
	return codes
}

// readmeReasons returns the codes of the README's table of reasons, in
// order, with their meanings.
func readmeReasons(t *testing.T) (codes, meanings []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n| reason | meaning |\n|---|---|\n")
	if !ok {
		t.Fatal("README.md has no table of reasons (| reason | meaning |)")
	}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		codes = append(codes, strings.Trim(strings.TrimSpace(cells[0]), "`"))
		meanings = append(meanings, strings.TrimSpace(strings.Join(cells[1:], "|")))
	}
	return codes, meanings
}

// TestReasonsREADME wants the README's table of reasons to list every
// reason code the code declares, each once, in the order rows are
// checked, each with a meaning: a code added, renamed or dropped on one
// side only fails here.
func TestReasonsREADME(t *testing.T) {
	code := codeReasons(t)
	readme, meanings := readmeReasons(t)
	if len(code) == 0 {
		t.Fatal("no reason codes found in reasons.go")
	}
	for _, c := range code {
		if !slices.Contains(readme, c) {
			t.Errorf("reason %s is not in the README's table", c)
		}
	}
	for i, c := range readme {
		if !slices.Contains(code, c) {
			t.Errorf("the README's table has %s, which is no reason code", c)
		}
		if meanings[i] == "" {
			t.Errorf("the README's table gives %s no meaning", c)
		}
	}
	if !slices.Equal(code, readme) && len(code) == len(readme) {
		t.Errorf("the README lists the reasons in another order:\nREADME %v\ncode   %v", readme, code)
	}
}

// TestEveryReasonIsGiven wants each reason code given to some row by the
// validation code: a code no check returns is a promise the README makes
// for nothing.
func TestEveryReasonIsGiven(t *testing.T) {
	var src strings.Builder
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") && e.Name() != "reasons.go" {
			b, err := os.ReadFile(e.Name())
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
	}
	f, err := parser.ParseFile(token.NewFileSet(), "reasons.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, obj := range f.Scope.Objects {
		if obj.Kind == ast.Con && !strings.Contains(src.String(), name) {
			t.Errorf("reason %s is declared but no check gives it", name)
		}
	}
}
