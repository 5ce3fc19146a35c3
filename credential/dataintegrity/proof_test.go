package dataintegrity

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

const testVM = "did:web:recert.example#key-1"

// testKey is fixed so that failures reproduce.
var testKey = ed25519.NewKeyFromSeed([]byte("recert dataintegrity test key 32"))

func resolveTestKey(vm string) (ed25519.PublicKey, error) {
	if vm != testVM {
		return nil, fmt.Errorf("unknown verification method %q", vm)
	}
	return testKey.Public().(ed25519.PublicKey), nil
}

func signedOB(t testing.TB) []byte {
	t.Helper()
	doc, err := os.ReadFile("testdata/ob-credential.json")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(doc, testKey, ProofOptions{
		VerificationMethod: testVM,
		Created:            time.Date(2026, 3, 1, 9, 30, 15, 500, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestSignVerifyOpenBadge(t *testing.T) {
	signed := signedOB(t)
	if err := Verify(signed, resolveTestKey); err != nil {
		t.Fatalf("Verify(Sign(OB credential)) = %v\n%s", err, signed)
	}
	var got struct{ Proof map[string]any }
	if err := json.Unmarshal(signed, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type":               "DataIntegrityProof",
		"cryptosuite":        "eddsa-rdfc-2022",
		"created":            "2026-03-01T09:30:15Z",
		"verificationMethod": testVM,
		"proofPurpose":       "assertionMethod",
	}
	for k, v := range want {
		if got.Proof[k] != v {
			t.Errorf("proof.%s = %v, want %v", k, got.Proof[k], v)
		}
	}
	if pv, _ := got.Proof["proofValue"].(string); !strings.HasPrefix(pv, "z") {
		t.Errorf("proofValue %q is not multibase base58btc", pv)
	}
}

// TestEveryLeafIsSigned changes each leaf of a signed credential in turn,
// the proof's included, and each key's name: none may still verify.
func TestEveryLeafIsSigned(t *testing.T) {
	signed := signedOB(t)
	var doc any
	if err := json.Unmarshal(signed, &doc); err != nil {
		t.Fatal(err)
	}
	leaves := 0
	for _, path := range leafPaths(doc, "") {
		leaves++
		changed := mutate(t, doc, path, false)
		if err := Verify(changed, resolveTestKey); err == nil {
			t.Errorf("changing %s still verifies", path)
		}
	}
	for _, path := range keyPaths(doc, "") {
		changed := mutate(t, doc, path, true)
		if err := Verify(changed, resolveTestKey); err == nil {
			t.Errorf("renaming %s still verifies", path)
		}
	}
	if leaves < 40 {
		t.Fatalf("walked %d leaves: the walk is broken", leaves)
	}
}

func TestVerifyRefuses(t *testing.T) {
	signed := signedOB(t)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(signed, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	proofSet := func(m map[string]any) { m["proof"] = []any{m["proof"]} }
	setProof := func(k string, v any) func(map[string]any) {
		return func(m map[string]any) { m["proof"].(map[string]any)[k] = v }
	}
	cases := []struct {
		name string
		doc  []byte
		want error
		says string
	}{
		{"no proof", edit(func(m map[string]any) { delete(m, "proof") }), ErrNoProof, "no proof"},
		{"proof set", edit(proofSet), ErrMalformedProof, "not one object"},
		{"other cryptosuite", edit(setProof("cryptosuite", "ecdsa-rdfc-2019")), ErrUnknownCryptosuite, "ecdsa-rdfc-2019"},
		{"other proof type", edit(setProof("type", "Ed25519Signature2020")), ErrProofType, "Ed25519Signature2020"},
		{"other purpose", edit(setProof("proofPurpose", "authentication")), ErrProofPurpose, "authentication"},
		{"proofValue not base58btc", edit(setProof("proofValue", "uAAAA")), ErrProofValueEncoding, "'z' prefix"},
		{"proofValue bad character", edit(setProof("proofValue", "z0OIl")), ErrProofValueEncoding, "invalid base58btc character"},
		{"proofValue short", edit(setProof("proofValue", "z2YwC8z3")), ErrProofValueEncoding, "want 64"},
		{"unknown key", edit(setProof("verificationMethod", "did:web:elsewhere.example#k")), ErrVerificationMethod, "did:web:elsewhere.example#k"},
		{"proof context not the document's", edit(setProof("@context", []any{"https://www.w3.org/ns/credentials/examples/v2"})), ErrMalformedProof, "does not start with the proof's"},
		{"created not a date", edit(setProof("created", "yesterday")), ErrMalformedProof, "yesterday"},
		{"unknown context", edit(func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://evil.example/context.jsonld")
		}), ErrUnknownContext, "https://evil.example/context.jsonld"},
		{"duplicate member", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","name":"a","name":"b"}`), ErrMalformedCredential, "duplicate"},
		{"invalid UTF-8", []byte("{\"@context\":\"https://www.w3.org/ns/credentials/v2\",\"name\":\"\xff\"}"), ErrMalformedCredential, "UTF-8"},
		{"integer beyond 2^53", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","n":9007199254740993}`), ErrMalformedCredential, "9007199254740993"},
		{"not an object", []byte(`[]`), ErrMalformedCredential, "not a JSON object"},
		{"null", []byte(`null`), ErrMalformedCredential, "null"},
		{"signature of another document", edit(func(m map[string]any) { m["name"] = "Certified Gadget Engineer" }), ErrSignatureMismatch, testVM},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.doc, resolveTestKey)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("Verify = %q, which does not say %q", err, c.says)
			}
		})
	}
}

func TestSignRefusesUnknownContext(t *testing.T) {
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://schema.example/ctx"],"type":"VerifiableCredential"}`)
	_, err := Sign(doc, testKey, ProofOptions{VerificationMethod: testVM})
	if !errors.Is(err, ErrUnknownContext) || !strings.Contains(err.Error(), "https://schema.example/ctx") {
		t.Fatalf("Sign = %v, want an unknown-context error naming the URL", err)
	}
}

func TestSignRefuses(t *testing.T) {
	ok := []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential"}`)
	cases := []struct {
		name string
		doc  []byte
		key  ed25519.PrivateKey
		vm   string
		says string
	}{
		{"no verification method", ok, testKey, "", "no verification method"},
		{"short key", ok, testKey[:10], testVM, "private key of 10 bytes"},
		{"already signed", signedOB(t), testKey, testVM, "already has a proof"},
		{"no context", []byte(`{"type":"VerifiableCredential"}`), testKey, testVM, "no @context"},
		{"dropped property", []byte(`{"@context":{"@vocab":null},"x":1}`), testKey, testVM, "Dropping property"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Sign(c.doc, c.key, ProofOptions{VerificationMethod: c.vm})
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("Sign = %v, want an error saying %q", err, c.says)
			}
		})
	}
}

func TestSignKeepsTheDocument(t *testing.T) {
	doc := []byte("{\n  \"@context\": \"https://www.w3.org/ns/credentials/v2\",\n  \"type\": \"VerifiableCredential\"\n}\n")
	signed, err := Sign(doc, testKey, ProofOptions{VerificationMethod: testVM, ProofPurpose: "assertionMethod"})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "{\n  \"@context\": \"https://www.w3.org/ns/credentials/v2\",\n  \"type\": \"VerifiableCredential\"\n,\"proof\":{\"type\":\"DataIntegrityProof\",\"cryptosuite\":\"eddsa-rdfc-2022\",\"verificationMethod\":\"" + testVM + "\",\"proofPurpose\":\"assertionMethod\",\"proofValue\":\"z"
	if !strings.HasPrefix(string(signed), prefix) || !strings.HasSuffix(string(signed), "\"}}") {
		t.Errorf("Sign = %s\nwant the document unchanged, then the proof without created", signed)
	}
	if err := Verify(signed, resolveTestKey); err != nil {
		t.Errorf("Verify = %v", err)
	}
}
