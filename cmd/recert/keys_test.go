package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// getJSON fetches a public document and decodes it.
func getJSON(t *testing.T, url string, into any) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
	return resp.Header.Get("Content-Type")
}

// TestServeIssuerKeys: the first start makes a master key file (mode 0600)
// beside the database and the issuer's keys, published as did.json and
// jwks.json; a restart publishes the same keys; `recert keys rotate` adds
// one, and both stay published.
func TestServeIssuerKeys(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "recert.db")
	t.Setenv("RECERT_KEY", "")
	url, out, stop := serveStoppable(t, db)
	if !strings.Contains(out.String(), "made a new master key in "+filepath.Join(dir, "recert.key")) {
		t.Fatalf("serve did not say it made a master key:\n%s", out.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "recert.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the master key file: %v, %v; want mode 0600", fi, err)
	}
	var did struct {
		ID                 string           `json:"id"`
		VerificationMethod []map[string]any `json:"verificationMethod"`
	}
	if ct := getJSON(t, url+"/.well-known/did.json", &did); ct != "application/did+json" || did.ID != "did:web:localhost" || len(did.VerificationMethod) != 2 {
		// --addr 127.0.0.1:0 names no port, so the issuer is localhost.
		t.Fatalf("did.json (%s): %+v; want did:web:localhost with an EdDSA and an RSA key", ct, did)
	}
	var jwks struct {
		Keys []map[string]any `json:"keys"`
	}
	if ct := getJSON(t, url+"/.well-known/jwks.json", &jwks); ct != "application/jwk-set+json" || len(jwks.Keys) != 2 {
		t.Fatalf("jwks.json (%s): %+v; want two keys", ct, jwks)
	}
	stop()
	// Without --key-file, rotate finds the key file where serve made it,
	// beside the database (not in the working directory).
	if out, err := run(t, "", "keys", "rotate", "--db", db); err != nil || !strings.Contains(out, "new EdDSA key") {
		t.Fatalf("keys rotate: %v\n%s", err, out)
	}
	url, _, _ = serveStoppable(t, db)
	var after struct {
		VerificationMethod []map[string]any `json:"verificationMethod"`
	}
	getJSON(t, url+"/.well-known/did.json", &after)
	if len(after.VerificationMethod) != 3 || after.VerificationMethod[0]["id"] != did.VerificationMethod[0]["id"] && after.VerificationMethod[1]["id"] != did.VerificationMethod[0]["id"] {
		t.Fatalf("after a rotation did.json lists %v; want the first keys and the new one", after.VerificationMethod)
	}
}
