package resolve_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"testing"

	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/resolve"
	"github.com/recert/recert/credential/vcjwt"
)

// TestParseDocument: recert's did.json (a Multikey and an RSA JWK) gives
// both keys; a document of another DID, a key of another controller, a
// private JWK and a document with no assertion key are refused.
func TestParseDocument(t *testing.T) {
	const did = "did:web:recert.example.org"
	ed, _, _ := ed25519.GenerateKey(rand.Reader)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := vcjwt.JWK(&rk.PublicKey, did+"#key-2")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ob.DIDDocument("recert.example.org", []ob.VerificationKey{{ID: "key-1", PublicKeyMultibase: dataintegrity.PublicKeyMultibase(ed)}, {ID: "key-2", JWK: jwk}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := resolve.ParseDocument(did, doc)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := d.Key(did + "#key-1"); err != nil || !ed.Equal(k) {
		t.Errorf("key-1: %v, %v; want the Ed25519 key", k, err)
	}
	if k, err := d.Key(did + "#key-2"); err != nil || !rk.PublicKey.Equal(k) {
		t.Errorf("key-2: %v, %v; want the RSA key", k, err)
	}
	if _, err := d.Key("did:web:elsewhere.example#key-1"); err == nil {
		t.Error("a key of another DID was found")
	}
	mutate := func(change func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ := json.Marshal(m)
		return b
	}
	vm := func(m map[string]any, i int) map[string]any {
		return m["verificationMethod"].([]any)[i].(map[string]any)
	}
	for name, bad := range map[string][]byte{
		"another DID":        mutate(func(m map[string]any) { m["id"] = "did:web:elsewhere.example" }),
		"another controller": mutate(func(m map[string]any) { vm(m, 0)["controller"] = "did:web:elsewhere.example" }),
		"private JWK":        mutate(func(m map[string]any) { vm(m, 1)["publicKeyJwk"].(map[string]any)["d"] = "AQAB" }),
		"no assertion keys":  mutate(func(m map[string]any) { m["assertionMethod"] = []any{} }),
		"unknown key type":   mutate(func(m map[string]any) { vm(m, 0)["type"] = "Ed25519VerificationKey2018" }),
		"not JSON":           []byte("<html>"),
	} {
		if _, err := resolve.ParseDocument(did, bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A key listed but not an assertion method may not sign credentials.
	d, err = resolve.ParseDocument(did, mutate(func(m map[string]any) { m["assertionMethod"] = []any{did + "#key-1"} }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Key(did + "#key-2"); err == nil {
		t.Error("a key outside assertionMethod was taken")
	}
}
