// Package recert_test holds the tests that guard the shape of the whole
// module: which package may import which, and what the engine may not do.
package recert_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/recert/recert"

// allowed lists, for each package, the module's own packages it may import.
// Imports point inward: cmd wires everything; the engine imports nothing.
// A package missing from this table fails the test, so a new package has to
// take its place in the layering deliberately.
var allowed = map[string][]string{
	"policy":            {},
	"programs":          {},
	"definition":        {"policy", "programs"},
	"scenario":          {"policy"},
	"ledger":            {},
	"ledger/sqlite":     {"ledger"},
	"ledger/postgres":   {"ledger"},
	"ledger/ledgertest": {"ledger"},
	"internal/pgtest":   {},
	"internal/loadgen":  {},
	"app":               {"policy", "ledger", "definition", "programs"},
	"httpapi":           {"app", "ledger", "policy", "internal/httpstatus", "internal/ratelimit"},
	"calendar":          {"app"},
	// The pages: the API's sibling over app, never importing it.
	"web":        {"app", "ledger", "policy", "internal/httpstatus", "internal/ratelimit"},
	"metrics":    {},
	"queue":      {"app", "ledger", "ledger/sqlite", "ledger/postgres"},
	"cmd/recert": {"*"},

	// The client generated from httpapi/openapi.json: it talks HTTP, so it
	// imports nothing of the server.
	"internal/apiclient": {},

	// THE table from error codes to HTTP statuses, shared by the API and
	// the pages.
	"internal/httpstatus": {"app"},
	// A token bucket per client address, for the API and the pages.
	"internal/ratelimit": {},

	// The notification channels: adapters filling app's interfaces.
	"notify/mail":    {"app", "ledger"},
	"notify/webhook": {"app", "ledger"},

	// Issuing in both forms, and verifying either: the credential packages
	// joined, still nothing of the server.
	"credential":        {"app", "credential/dataintegrity", "credential/keyring", "credential/ob", "credential/statuslist", "credential/vcjwt", "credential/verify", "ledger"},
	"credential/verify": {"credential/dataintegrity", "credential/ob", "credential/statuslist", "credential/vcjwt"},
	// What a verifier outside recert needs around it: DID documents and
	// status lists fetched (bounded) into a cache directory, read offline.
	"credential/resolve": {"credential/dataintegrity", "credential/ob", "credential/verify"},

	// The issuer's keys, sealed under a master key outside the database.
	"credential/keyring": {},

	// The Open Badges 3.0 credential, its schema and the did:web document:
	// plain values in, JSON out.
	"credential/ob": {},

	// The Mailpit test harness talks SMTP and HTTP to a real server.
	"internal/mailpit": {},

	// The browser test harness drives a real Chromium (chromedp); it knows
	// nothing of the server it visits.
	"internal/browser": {},

	// The W3C Bitstring Status List: pure encoding and checking, shared by
	// the issuer and the verifier.
	"credential/statuslist": {},
	// Verifiable credentials: VC-JWT securing (JOSE) is pure crypto and
	// JSON; it imports nothing of the module.
	"credential/vcjwt": {},
	// Data Integrity proofs (eddsa-rdfc-2022) over pinned JSON-LD
	// contexts: pure cryptography and canonicalisation, nothing of recert.
	"credential/dataintegrity": {},
}

// notOutside are modules a package may not import, though they are the
// module's dependencies: metrics owns the Prometheus registry, so the API
// and the worker report through plain funcs the wiring connects and stay
// testable without it.
var notOutside = map[string][]string{
	"httpapi": {"github.com/prometheus/"},
	"app":     {"github.com/prometheus/"},
}

// stdlibOnly are packages that may import nothing outside the standard
// library: the engine is pure and portable.
var stdlibOnly = map[string]bool{"policy": true}

func TestImportsPointInward(t *testing.T) {
	for dir, files := range goFiles(t, false) {
		rules, ok := allowed[dir]
		if !ok {
			t.Errorf("%s: package is not in the layering table of arch_test.go", dir)
			continue
		}
		for _, f := range files {
			for _, imp := range imports(t, f) {
				if strings.HasPrefix(imp, module+"/") {
					target := strings.TrimPrefix(imp, module+"/")
					if !contains(rules, target) && !contains(rules, "*") {
						t.Errorf("%s imports %s; %s may import only %v of this module", f, target, dir, rules)
					}
					continue
				}
				for _, prefix := range notOutside[dir] {
					if strings.HasPrefix(imp, prefix) {
						t.Errorf("%s imports %s; %s may not import %s*", f, imp, dir, prefix)
					}
				}
				if stdlibOnly[dir] && strings.Contains(strings.Split(imp, "/")[0], ".") {
					t.Errorf("%s imports %s; %s uses the standard library only", f, imp, dir)
				}
			}
		}
	}
}

// TestPolicyIsPure keeps the engine free of clocks, I/O and logging: time,
// ids and randomness are arguments, so every decision can be replayed.
func TestPolicyIsPure(t *testing.T) {
	forbiddenImports := []string{"os", "io", "log", "log/slog", "net", "net/http", "math/rand", "math/rand/v2", "crypto/rand", "bufio"}
	forbiddenCalls := []string{"time.Now", "time.Since", "time.Until", "time.Local", "time.LoadLocation", "fmt.Print", "fmt.Fprint"}
	for _, f := range goFiles(t, false)["policy"] {
		for _, imp := range imports(t, f) {
			if contains(forbiddenImports, imp) {
				t.Errorf("%s imports %s: the policy engine does no I/O and draws no randomness", f, imp)
			}
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range forbiddenCalls {
			if strings.Contains(string(src), call) {
				t.Errorf("%s uses %s: the engine takes time and zones as arguments", f, call)
			}
		}
	}
}

// goFiles maps each package directory to its non-test Go files.
func goFiles(t *testing.T, tests bool) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") != tests {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "." {
			return nil
		}
		out[dir] = append(out[dir], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func imports(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, spec := range f.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		out = append(out, p)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
