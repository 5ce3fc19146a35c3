package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

// exitCode is the exit status a command's error stands for (0 for none).
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	t.Fatalf("a command error that is no exit status: %v", err)
	return -1
}

// call is one API request with the admin token; it fails the test unless
// the answer is 2xx, and decodes it into out.
func call(t testing.TB, method, url, token, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, b)
		}
	}
}

// freePort is a port nothing listens on just now, for a server that must
// know its own public URL (its did:web) before it starts.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

type issuedCredential struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"`
	Document json.RawMessage `json:"document"`
	JWT      string          `json:"jwt"`
}

// TestVerifyCommand: a certification earned through a running server's
// API yields a credential that `recert verify --fetch` finds active in
// both forms; with the server stopped, the cache alone does; a tampered
// file fails its signature; an issuer not cached fails saying to
// --fetch; once the credential is revoked in the ledger, --fetch says
// revoked while the cache from before still says active.
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "recert.db")
	port := freePort(t)
	base := "http://localhost:" + port
	url, out, stop := serveStoppable(t, db, "--addr", "127.0.0.1:"+port, "--public-url", base)
	m := regexp.MustCompile(`admin token \(shown once; keep it\): (rct_\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("serve printed no admin token:\n%s", out.String())
	}
	token := m[1]
	call(t, "POST", url+"/v1/centers", token, `{"id":"seattle","name":"Seattle","time_zone":"America/Los_Angeles","seats":12}`, nil)
	call(t, "POST", url+"/v1/candidates", token, `{"id":"ada","name":"Ada Lovelace","email":"ada@example.com","time_zone":"America/New_York"}`, nil)
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") + "T15:00:00Z" }
	call(t, "POST", url+"/v1/appointments", token, `{"candidate":"ada","exam":"SAA-C03","center":"seattle","slot":"`+day(30)+`"}`, nil)
	call(t, "POST", url+"/v1/results", token, `{"candidate":"ada","exam":"CLF-C02","on":"`+day(-1)+`","scaled_score":812}`, nil)

	// serve's worker issues the credential; wait for it (a poll, bounded).
	var creds struct {
		Items []issuedCredential `json:"items"`
	}
	for deadline := time.Now().Add(30 * time.Second); len(creds.Items) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no credential issued within 30 s:\n%s", out.String())
		}
		call(t, "GET", url+"/v1/candidates/ada/credentials", token, "", &creds)
	}
	c := creds.Items[0]
	jwtFile, docFile := filepath.Join(dir, "ada.jwt"), filepath.Join(dir, "ada.json")
	write := func(path string, b []byte) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(jwtFile, []byte(c.JWT+"\n"))
	write(docFile, c.Document)
	cache := filepath.Join(dir, "cache")

	got, err := run(t, "", "verify", "--cache", cache, "--fetch", jwtFile, docFile)
	if code := exitCode(t, err); code != 0 || strings.Count(got, ": active\n") != 2 {
		t.Fatalf("verify --fetch: exit %d\n%s", code, got)
	}
	did := "did:web:localhost%3A" + port
	for _, want := range []string{jwtFile + ": active", docFile + ": active", "issuer:        " + did, "holder:        Ada Lovelace", "certification: ", "valid from:", "valid until:"} {
		if !strings.Contains(got, want) {
			t.Errorf("verify --fetch output lacks %q:\n%s", want, got)
		}
	}
	before := filepath.Join(dir, "cache-before")
	copyDir(t, cache, before)

	// Revoked in the ledger (as a revocation through the API will do):
	// the server's revocation list has the bit set.
	st, _, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx ledger.Tx) error {
		ic, err := tx.Credential(context.Background(), c.ID)
		if err != nil {
			return err
		}
		ic.Status, ic.Reason, ic.ChangedAt = ledger.CredentialRevoked, "results invalidated", time.Now().UTC()
		_, err = tx.SetCredentialStatus(context.Background(), ic)
		return err
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err = run(t, "", "verify", "--cache", cache, "--fetch", jwtFile, docFile)
	if code := exitCode(t, err); code != 1 || strings.Count(got, ": revoked\n") != 2 {
		t.Fatalf("verify --fetch after the revocation: exit %d; want 1, both revoked\n%s", code, got)
	}
	got, err = run(t, "", "verify", "--json", "--cache", cache, jwtFile)
	var reports []struct {
		File  string `json:"file"`
		State string `json:"state"`
		Form  string `json:"form"`
	}
	if code := exitCode(t, err); code != 1 || json.Unmarshal([]byte(got), &reports) != nil || len(reports) != 1 || reports[0].State != "revoked" || reports[0].Form != "vc+jwt" {
		t.Fatalf("verify --json offline after the fetch: exit %d %+v\n%s", code, reports, got)
	}

	// --trust alone caches the issuer's document: the issuer is known,
	// its lists are not yet.
	trusted := filepath.Join(dir, "trusted")
	if got, err := run(t, "", "verify", "--cache", trusted, "--trust", did); exitCode(t, err) != 0 || !strings.Contains(got, "trusted "+did) {
		t.Fatalf("verify --trust: %v\n%s", err, got)
	}
	got, err = run(t, "", "verify", "--cache", trusted, jwtFile)
	if code := exitCode(t, err); code != 1 || !strings.Contains(got, "failed:        status: status list "+base+"/status/") || !strings.Contains(got, "not in the cache") {
		t.Fatalf("verify after --trust only: exit %d; want the status lists missing\n%s", code, got)
	}

	stop()
	// Offline, the server gone: the cache from before the revocation
	// still says active (within its ttl, so without a warning).
	got, err = run(t, "", "verify", "--cache", before, jwtFile, docFile)
	if code := exitCode(t, err); code != 0 || strings.Count(got, ": active\n") != 2 || strings.Contains(got, "warning") {
		t.Fatalf("verify offline on the earlier cache: exit %d\n%s", code, got)
	}

	if got, err := run(t, c.JWT, "verify", "--cache", before, "-"); exitCode(t, err) != 0 || !strings.Contains(got, "-: active") {
		t.Fatalf("verify - (stdin) offline: %v\n%s", err, got)
	}

	// A credential changed after signing fails its signature.
	tampered := filepath.Join(dir, "tampered.json")
	write(tampered, []byte(strings.Replace(string(c.Document), "Ada Lovelace", "Eve Lovelace", 1)))
	parts := strings.Split(c.JWT, ".")
	sig := []byte(parts[2])
	sig[5] ^= 1
	tamperedJWT := filepath.Join(dir, "tampered.jwt")
	write(tamperedJWT, []byte(parts[0]+"."+parts[1]+"."+string(sig)))
	got, err = run(t, "", "verify", "--cache", before, tampered, tamperedJWT)
	if code := exitCode(t, err); code != 1 || strings.Count(got, ": invalid\n") != 2 || strings.Count(got, "failed:        signature: ") != 2 {
		t.Fatalf("verify tampered files: exit %d; want 1, both failing the signature\n%s", code, got)
	}

	// An issuer not in the cache, offline.
	got, err = run(t, "", "verify", "--cache", filepath.Join(dir, "empty"), jwtFile)
	if code := exitCode(t, err); code != 1 || !strings.Contains(got, "failed:        issuer: unknown issuer") || !strings.Contains(got, did) || !strings.Contains(got, "--fetch") {
		t.Fatalf("verify with an empty cache: exit %d; want 1, the issuer unknown and --fetch named\n%s", code, got)
	}
	// --fetch with the server gone says what it could not fetch.
	got, err = run(t, "", "verify", "--cache", filepath.Join(dir, "empty"), "--fetch", jwtFile)
	if code := exitCode(t, err); code != 1 || !strings.Contains(got, "failed:        issuer: the issuer's DID document: resolve: GET "+base+"/.well-known/did.json") {
		t.Fatalf("verify --fetch with the server gone: exit %d\n%s", code, got)
	}
}

// TestVerifyBadInput: files that hold no credential each get a clear
// line, the run exits 1; usage errors exit 2.
func TestVerifyBadInput(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"empty":  nil,
		"binary": {0x89, 'P', 'N', 'G', 0, 0, 0xff},
		"huge":   []byte(strings.Repeat("a", 1<<20+1)),
		"text":   []byte("hello"),
	}
	var args []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	args = append(args, filepath.Join(dir, "missing"), dir)
	got, err := run(t, "", append([]string{"verify", "--cache", filepath.Join(dir, "cache")}, args...)...)
	if code := exitCode(t, err); code != 1 {
		t.Fatalf("exit %d; want 1\n%s", code, got)
	}
	for _, want := range []string{"empty: invalid", "empty: no credential", "binary data", "larger than 1048576 bytes", "neither a VC-JWT nor a JSON credential",
		"missing: invalid", "no such file", "a directory"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	got, err = run(t, "", "verify", "--cache", filepath.Join(dir, "cache"), "-")
	if code := exitCode(t, err); code != 1 || !strings.Contains(got, "-: invalid") {
		t.Errorf("empty stdin: exit %d\n%s", code, got)
	}
	for _, bad := range [][]string{{"verify"}, {"verify", "--no-such-flag", "x"}, {"verify", "--trust", "https://example.org"}, {"verify", "-", "-"}} {
		if got, err := run(t, "", bad...); exitCode(t, err) != 2 || !strings.Contains(got, "Usage:") {
			t.Errorf("%v: %v; want exit 2 with the usage\n%s", bad, err, got)
		}
	}
}

// copyDir copies a directory of files (the verify cache) to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
