package vcjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"os"
	"testing"
)

// TestJWKGolden pins the published form of the fixed Ed25519 key.
func TestJWKGolden(t *testing.T) {
	got, err := JWKS(Key{ID: edKid, Public: edKey().Public()})
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/jwks.ed25519.json"
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got)+"\n" != string(want) {
		t.Errorf("JWKS differs from %s:\n got %s\nwant %s", golden, got, want)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(got, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS %s: %v", got, err)
	}
	k := set.Keys[0]
	if k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["kid"] != edKid || k["alg"] != AlgEdDSA || k["use"] != "sig" || k["x"] == "" || len(k) != 6 {
		t.Errorf("JWK members %v", k)
	}
}

func TestJWKRefuses(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pub  crypto.PublicKey
		kid  string
	}{
		{"Ed25519 private key", edKey(), edKid},
		{"RSA private key", rsaKey(), rsaKid},
		{"RSA 1024", &small.PublicKey, rsaKid},
		{"ECDSA", &ec.PublicKey, rsaKid},
		{"nil", nil, rsaKid},
		{"empty kid", edKey().Public(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := JWK(tc.pub, tc.kid)
			if b != nil {
				t.Errorf("JWK returned %s with the error", b)
			}
			wantReason(t, err, ErrKey)
			_, err = JWKS(Key{ID: tc.kid, Public: tc.pub})
			wantReason(t, err, ErrKey)
		})
	}
	_, err = JWKS(Key{ID: edKid, Public: edKey().Public()}, Key{ID: edKid, Public: &rsaKey().PublicKey})
	wantReason(t, err, ErrKey)
}

func TestJWKSEmpty(t *testing.T) {
	got, err := JWKS()
	if err != nil || string(got) != `{"keys":[]}` {
		t.Errorf("JWKS() = %s, %v", got, err)
	}
}
