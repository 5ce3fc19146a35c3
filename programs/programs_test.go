package programs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
	"github.com/recert/recert/scenario"
)

// minScenarios is the least number of scenarios a program's own file holds.
const minScenarios = 30

// conformanceDir holds the shared scenarios of the reference program,
// outside this repository (shared/conformance beside it).
var conformanceDir = filepath.Join("..", "..", "shared", "conformance")

// TestAWSConformance runs the shared conformance scenarios against the
// embedded reference program.
func TestAWSConformance(t *testing.T) {
	if _, err := definition.LoadFile("aws.yaml"); err != nil {
		t.Fatalf("aws.yaml does not validate:\n%v", err)
	}
	if _, err := os.Stat(conformanceDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no conformance scenarios: %s does not exist", conformanceDir)
	}
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no conformance scenarios: %s holds no *.jsonl", conformanceDir)
	}
	p := definition.AWS()
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) { check(t, p, name) })
	}
}

// TestPrograms loads each program definition shipped beside the reference
// program, and the test programs in testdata (Prometric-style change
// tiers), and runs its own scenario file against it.
func TestPrograms(t *testing.T) {
	for _, path := range []string{"microsoft", "google-cloud", "testdata/prometric-style"} {
		id := filepath.Base(path)
		t.Run(id, func(t *testing.T) {
			p, err := definition.LoadFile(path + ".yaml")
			if err != nil {
				t.Fatalf("%s.yaml does not validate:\n%v", id, err)
			}
			if p.ID != id {
				t.Errorf("%s.yaml: program id %q, want %q", id, p.ID, id)
			}
			name := path + ".jsonl"
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if n := scenarios(data); n < minScenarios {
				t.Errorf("%s: %d scenarios, want at least %d", name, n, minScenarios)
			}
			check(t, p, name)
		})
	}
}

// check runs one scenario file with scenario.Check and fails listing every
// difference it reports.
func check(t *testing.T, p *policy.Program, name string) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var diffs strings.Builder
	res, err := scenario.Check(p, name, f, &diffs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed > 0 {
		t.Errorf("%s: %d passed, %d failed:\n%s", name, res.Passed, res.Failed, diffs.String())
	}
	if res.Passed == 0 && res.Failed == 0 {
		t.Errorf("%s: no scenarios", name)
	}
}

// scenarios counts the non-blank lines of a JSON Lines file.
func scenarios(data []byte) int {
	n := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}
