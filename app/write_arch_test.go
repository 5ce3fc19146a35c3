package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneWritePath keeps every step of a write in the write path: no use
// case appends events, replaces read models, stores a response for an
// Idempotency-Key or opens a write transaction itself, so none can forget
// one (lock first, read after the lock, decide, append, project,
// remember). Two files are the bulk forms of the same path and are named
// here on purpose: an import batch (many streams in one transaction, the
// same checks row by row) and rebuild (re-projection; it appends nothing).
//
// Checked by adding a ReplaceView call to app.change once: this test
// failed naming changes.go.
func TestOneWritePath(t *testing.T) {
	allowed := map[string]map[string]bool{
		"Append":                   {"write.go": true, "importexport_batch.go": true},
		"AppendStreams":            {"importexport_batch.go": true},
		"ReplaceView":              {"write.go": true, "importexport_batch.go": true, "rebuild.go": true},
		"ReplaceViews":             {"importexport_batch.go": true, "rebuild.go": true},
		"ReplaceViewFrom":          {"write.go": true},
		"SaveIdempotentResponse":   {"idempotency.go": true},
		"PurgeIdempotentResponses": {"idempotency.go": true},
		"Update":                   {"app.go": true, "idempotency.go": true, "rebuild.go": true},
		"update":                   {"write.go": true, "importexport_batch.go": true, "rebuild.go": true},
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			files, watched := allowed[sel.Sel.Name]
			if watched && !files[name] {
				t.Errorf("%s: %s is called outside the write path; go through a.write", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
