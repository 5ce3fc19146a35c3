package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The W3C eddsa-rdfc-2022 test vector (testdata/vc-di-eddsa-rdfc-2022,
// from w3c/vc-di-eddsa TestVectors/): every intermediate value of the
// specification's algorithm is reproduced byte for byte.

func vectorFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vc-di-eddsa-rdfc-2022", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vectorKey reads keyPair.json: the private key is a Multikey with the
// ed25519-priv multicodec (0x1300, varint 0x80 0x26) before the seed.
func vectorKey(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	var kp struct{ PublicKeyMultibase, PrivateKeyMultibase string }
	if err := json.Unmarshal(vectorFile(t, "keyPair.json"), &kp); err != nil {
		t.Fatal(err)
	}
	raw, err := decodeMultibase(kp.PrivateKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0x80, 0x26}) || len(raw) != 2+ed25519.SeedSize {
		t.Fatalf("private key multibase is not an ed25519-priv Multikey: % x", raw)
	}
	key := ed25519.NewKeyFromSeed(raw[2:])
	if got := PublicKeyMultibase(key.Public().(ed25519.PublicKey)); got != kp.PublicKeyMultibase {
		t.Fatalf("PublicKeyMultibase = %s, keyPair.json says %s", got, kp.PublicKeyMultibase)
	}
	return key, kp.PublicKeyMultibase
}

// vectorUnsigned is the signed credential without its proof: the test
// vector's unsigned credential.
func vectorUnsigned(t *testing.T) (map[string]any, map[string]any) {
	t.Helper()
	var signed map[string]any
	if err := json.Unmarshal(vectorFile(t, "signedDataInt.json"), &signed); err != nil {
		t.Fatal(err)
	}
	p := signed["proof"].(map[string]any)
	delete(signed, "proof")
	return signed, p
}

func TestVectorIntermediateValues(t *testing.T) {
	key, _ := vectorKey(t)
	doc, _ := vectorUnsigned(t)

	canonDoc, err := Canonicalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(vectorFile(t, "canonDocDataInt.txt")); canonDoc != want {
		t.Errorf("canonical document:\n%s\nwant:\n%s", canonDoc, want)
	}

	var config map[string]any
	if err := json.Unmarshal(vectorFile(t, "proofConfigDataInt.json"), &config); err != nil {
		t.Fatal(err)
	}
	canonProof, err := Canonicalize(config)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(vectorFile(t, "proofCanonDataInt.txt")); canonProof != want {
		t.Errorf("canonical proof configuration:\n%s\nwant:\n%s", canonProof, want)
	}

	delete(config, "@context") // hashData sets it from the document
	hash, err := hashData(doc, config)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(vectorFile(t, "combinedHashDataInt.txt")))
	if got := hex.EncodeToString(hash); got != want {
		t.Errorf("combined hash = %s, want %s", got, want)
	}
	ph, dh := sha256.Sum256([]byte(canonProof)), sha256.Sum256([]byte(canonDoc))
	if got := hex.EncodeToString(ph[:]) + hex.EncodeToString(dh[:]); got != want {
		t.Errorf("proof-config hash then document hash = %s, want %s", got, want)
	}

	sig := ed25519.Sign(key, hash)
	if got, want := hex.EncodeToString(sig), strings.TrimSpace(string(vectorFile(t, "sigHexDataInt.txt"))); got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

func TestVectorSignAndVerify(t *testing.T) {
	key, pubMB := vectorKey(t)
	doc, wantProof := vectorUnsigned(t)
	unsigned, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339, wantProof["created"].(string))
	if err != nil {
		t.Fatal(err)
	}
	vm := wantProof["verificationMethod"].(string)
	signed, err := Sign(unsigned, key, ProofOptions{VerificationMethod: vm, Created: created})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(signed, &got); err != nil {
		t.Fatalf("Sign gave invalid JSON: %v\n%s", err, signed)
	}
	gotProof, _ := json.Marshal(got["proof"])
	wantJSON, _ := json.Marshal(wantProof)
	if !bytes.Equal(gotProof, wantJSON) {
		t.Errorf("proof = %s\nwant   %s", gotProof, wantJSON)
	}

	resolve := func(m string) (ed25519.PublicKey, error) {
		if m != vm {
			t.Errorf("resolve(%q), want %q", m, vm)
		}
		return ParsePublicKeyMultibase(pubMB)
	}
	if err := Verify(vectorFile(t, "signedDataInt.json"), resolve); err != nil {
		t.Errorf("Verify(the W3C signed credential) = %v", err)
	}
	if err := Verify(signed, resolve); err != nil {
		t.Errorf("Verify(Sign(...)) = %v", err)
	}
}
