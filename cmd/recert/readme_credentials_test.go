package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCredentials runs the README's credentials block, as written,
// against a real server with the recert it builds: the credential the
// worker issues verifies through the JSON API and offline.
func TestReadmeCredentials(t *testing.T) {
	block := readmeBlock(t, "credentials")
	s := startFlowSite(t)
	bin := filepath.Join(t.TempDir(), "recert")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(block))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "U="+s.url, "TOKEN="+s.token, "RECERT="+bin, "XDG_CACHE_HOME="+filepath.Join(work, "cache"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the credentials block failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"state":"active"`, "mary.jwt: active", "holder:        Mary Somerville"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the credentials block's output lacks %q:\n%s", want, out)
		}
	}
}
