package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// redoclyDir holds the package.json that pins the Redocly CLI and the
// redocly.yaml with the rules; CI installs it with npm ci.
const redoclyDir = "../tools/redocly"

// TestOpenAPILint lints openapi.json with Redocly's recommended rules and
// fails on any error. The schemas are checked against real answers by
// the other tests here; this one checks the document as a document (what
// generators and viewers read: servers, operation ids, $refs, examples).
//
// The CLI is an npm package, so it is found rather than fetched: in
// RECERT_REDOCLY (a path to the redocly executable) or in the node_modules
// that `npm ci --prefix tools/redocly` installs. Without it the test skips
// on a developer's machine and fails under CI=true.
//
// Checked by deleting "servers" from openapi.json: the test fails with
// no-empty-servers, an error of the recommended set.
func TestOpenAPILint(t *testing.T) {
	bin := redoclyBinary(t)
	want := pinnedRedocly(t)
	out, err := redocly(bin, "--version")
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	if got := strings.TrimSpace(out); got != want {
		t.Fatalf("%s is Redocly CLI %s; tools/redocly/package.json pins %s: run npm ci --prefix tools/redocly", bin, got, want)
	}
	out, err = redocly(bin, "lint", "--config", filepath.Join(redoclyDir, "redocly.yaml"), "--format=stylish", "openapi.json")
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		t.Fatalf("openapi.json does not pass Redocly's recommended rules:\n%s", out)
	case err != nil:
		t.Fatalf("%s lint: %v\n%s", bin, err, out)
	}
	t.Logf("redocly %s lint: no error\n%s", want, out)
}

// redoclyBinary finds the pinned CLI, or skips (fails under CI) with how
// to install it.
func redoclyBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("RECERT_REDOCLY"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join(redoclyDir, "node_modules", ".bin", "redocly"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(p)
	_, noNode := exec.LookPath("node")
	if err == nil && noNode == nil {
		return p
	}
	msg := "Redocly CLI is not installed: run `npm ci --prefix tools/redocly` (Node.js 20.19+ or 22.12+) or set RECERT_REDOCLY to a redocly executable"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// pinnedRedocly is the exact version tools/redocly/package.json asks for.
func pinnedRedocly(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(redoclyDir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("tools/redocly/package.json: %v", err)
	}
	v := pkg.DevDependencies["@redocly/cli"]
	if v == "" || strings.ContainsAny(v, "^~<>=* x") {
		t.Fatalf("tools/redocly/package.json: @redocly/cli is %q; pin an exact version", v)
	}
	return v
}

// redocly runs the CLI quietly (no telemetry, no update notice) and
// returns its standard output; on failure, its standard error too. The
// CLI writes notices such as Node.js deprecations to standard error.
func redocly(bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}
