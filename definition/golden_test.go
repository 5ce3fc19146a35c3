package definition

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden parses every malformed definition in testdata and compares
// the complete error text with its .golden file. Run with -update after a
// deliberate change to a message, and review the diff.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			_, perr := Parse("testdata/"+filepath.Base(in), data)
			if perr == nil {
				t.Fatalf("%s parsed without error; testdata holds malformed definitions only", in)
			}
			got := perr.Error() + "\n"
			golden := strings.TrimSuffix(in, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./definition -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s: errors differ\n--- got\n%s--- want\n%s", in, got, want)
			}
		})
	}
}
