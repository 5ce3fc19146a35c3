package definition

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recert/recert/programs"
)

// FuzzParse feeds arbitrary bytes to the loader. It calls parse, not
// Parse, so that a panic is a failure rather than a recovered error. It
// checks that a definition either compiles (and the program answers for
// every exam and certification it lists) or yields well-formed Errors.
func FuzzParse(f *testing.F) {
	f.Add(programs.AWS)
	f.Add([]byte(base))
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	// The other programs and the tiered test program seed the late-change,
	// horizon and grid fields.
	more, _ := filepath.Glob(filepath.Join("..", "programs", "*.yaml"))
	tiers, _ := filepath.Glob(filepath.Join("..", "programs", "testdata", "*.yaml"))
	seeds = append(append(seeds, more...), tiers...)
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		prog, err := parse("fuzz.yaml", data)
		if err == nil {
			if prog == nil {
				t.Fatal("no error and no program")
			}
			// Compile already succeeded inside parse; it must again, and the
			// indexes it built must find what the program lists.
			if cerr := prog.Compile(); cerr != nil {
				t.Fatalf("parsed program does not compile: %v", cerr)
			}
			for _, e := range prog.Exams {
				if _, ok := prog.Exam(e.Code); !ok {
					t.Fatalf("exam %q not indexed", e.Code)
				}
			}
			for _, c := range prog.Certifications {
				if _, ok := prog.Certification(c.ID); !ok {
					t.Fatalf("certification %q not indexed", c.ID)
				}
			}
			return
		}
		if prog != nil {
			t.Fatal("a program returned with errors")
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error is not Errors: %T %v", err, err)
		}
		for i, e := range errs {
			if e.File != "fuzz.yaml" || e.Line < 1 || e.Column < 1 || e.Message == "" {
				t.Fatalf("malformed error %#v", e)
			}
			if strings.Contains(e.Message, "internal error") {
				t.Fatalf("internal error: %v", e)
			}
			if i > 0 && (errs[i-1].Line > e.Line || errs[i-1].Line == e.Line && errs[i-1].Column > e.Column) {
				t.Fatalf("errors out of order:\n%v", err)
			}
		}
	})
}
