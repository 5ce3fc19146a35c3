package apiclient_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// generator is the pinned generator the go:generate line must run.
const generator = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"

// TestClientIsGenerated runs generate.go's go:generate command, with the
// code sent to standard output instead of client.gen.go, and fails unless
// it is the committed file byte for byte: the client is the document's
// and nobody edited it.
//
// The generator is a Go module. Under CI=true it is fetched through the
// module proxy when needed; on a developer's machine the test runs only
// when the module cache already holds it (no network), and otherwise
// skips saying how to get it.
//
// Checked by changing a description in httpapi/openapi.json without
// regenerating: the test fails and names the first line that differs.
func TestClientIsGenerated(t *testing.T) {
	args := generateCommand(t)
	if !strings.Contains(strings.Join(args, " "), generator) {
		t.Fatalf("generate.go: the go:generate line runs %v, not the pinned %s", args, generator)
	}
	env := os.Environ()
	if os.Getenv("CI") != "true" {
		// The module cache's download directory is a module proxy:
		// pointing GOPROXY at it lets go run work offline from the cache
		// and fail at once when the generator is not there.
		cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOMODCACHE: %v", err)
		}
		env = append(env, "GOPROXY=file://"+filepath.ToSlash(filepath.Join(strings.TrimSpace(string(cache)), "cache", "download")))
		probe := exec.Command("go", "run", generator, "--version")
		probe.Env = env
		if out, err := probe.CombinedOutput(); err != nil {
			t.Skipf("oapi-codegen v2.8.2 is not in the module cache: run `go generate ./internal/apiclient` once with the module proxy reachable (%v: %s)", err, bytes.TrimSpace(out))
		}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	committed, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), committed) {
		t.Fatalf("client.gen.go is not what httpapi/openapi.json generates (%s): run `go generate ./internal/apiclient`\n%s",
			generator, firstDifference(committed, stdout.Bytes()))
	}
}

// generateCommand is generate.go's go:generate command without its
// "-o client.gen.go", so that the code goes to standard output.
func generateCommand(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("generate.go")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(line, "//go:generate "); ok {
			lines = append(lines, rest)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("generate.go has %d go:generate lines, want 1", len(lines))
	}
	var args []string
	fields := strings.Fields(lines[0])
	for i := 0; i < len(fields); i++ {
		if fields[i] == "-o" && i+1 < len(fields) && fields[i+1] == "client.gen.go" {
			i++
			continue
		}
		args = append(args, fields[i])
	}
	if len(args) == len(fields) {
		t.Fatalf("generate.go: the go:generate line does not write client.gen.go with -o: %s", lines[0])
	}
	return args
}

// firstDifference names the first line at which two files differ.
func firstDifference(committed, generated []byte) string {
	a := strings.Split(string(committed), "\n")
	b := strings.Split(string(generated), "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return "line " + strconv.Itoa(i+1) + ":\n  committed: " + x + "\n  generated: " + y
		}
	}
	return "the files differ"
}
