package mailpit

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records Skip and Fatal instead of acting
// on them, so the missing-binary path can be tested without skipping.
type recorder struct {
	testing.TB
	skipped, fatal string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// withoutMailpit runs Start where no mailpit can be found.
func withoutMailpit(t *testing.T, ci string) *recorder {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	t.Setenv("PATH", filepath.Dir(goBin)) // go itself, but no mailpit
	t.Setenv("GOPATH", t.TempDir())
	t.Setenv("GOBIN", "")
	t.Setenv("CI", ci)
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(r)
	}()
	<-done
	return r
}

func TestMissingBinarySkipsWithHint(t *testing.T) {
	r := withoutMailpit(t, "")
	if r.fatal != "" || !strings.Contains(r.skipped, "go install github.com/axllent/mailpit@v1.33.1") {
		t.Errorf("skipped %q, fatal %q; want a skip saying how to install", r.skipped, r.fatal)
	}
}

func TestMissingBinaryFailsUnderCI(t *testing.T) {
	r := withoutMailpit(t, "true")
	if r.skipped != "" || !strings.Contains(r.fatal, "go install github.com/axllent/mailpit@v1.33.1") {
		t.Errorf("skipped %q, fatal %q; want a failure under CI=true", r.skipped, r.fatal)
	}
}
