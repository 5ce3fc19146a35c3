package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

const (
	edKid  = "did:web:recert.example#key-1"
	rsaKid = "did:web:recert.example#key-rsa"
)

// edKey is fixed (its seed is a hash of a phrase) so that the EdDSA token,
// which Ed25519 makes deterministic, can be kept as a golden file.
func edKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("recert vcjwt test key 1"))
	return ed25519.NewKeyFromSeed(seed[:])
}

var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// resolver knows the two test keys and nothing else, as the issuer's
// did:web document would.
func resolver(extra map[string]crypto.PublicKey) KeyResolver {
	keys := map[string]crypto.PublicKey{edKid: edKey().Public(), rsaKid: &rsaKey().PublicKey}
	for k, v := range extra {
		keys[k] = v
	}
	return func(kid string) (crypto.PublicKey, error) {
		k, ok := keys[kid]
		if !ok {
			return nil, fmt.Errorf("no verification method %q", kid)
		}
		return k, nil
	}
}

func credential(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/credential.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// forge builds a compact JWS by hand, bypassing Sign, so that tests can
// make tokens Sign would never make. sign may be nil for an empty
// signature.
func forge(t testing.TB, header map[string]any, payload []byte, sign func([]byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(payload)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func edSign(k ed25519.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte { return ed25519.Sign(k, in) }
}

func rsaSign(k *rsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		h := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

var reasons = []error{ErrMalformed, ErrType, ErrAlgNone, ErrUnknownKey, ErrAlgorithm, ErrSignature, ErrNotCredential, ErrKey}

// wantReason fails unless err wraps want and none of the other reasons, so
// a check that fails for the wrong reason is caught too.
func wantReason(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	for _, r := range reasons {
		if got := errors.Is(err, r); got != (r == want) {
			t.Fatalf("error %q: errors.Is(%v) = %v, want reason %v only", err, r, got, want)
		}
	}
}
