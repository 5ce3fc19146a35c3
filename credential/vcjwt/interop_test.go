package vcjwt

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"os"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// The tests in this file get a second opinion from go-jose, a JOSE
// implementation that shares no code with jwx: a bug in how jwx (or this
// package) builds the signing input or encodes the header would make
// tokens that only jwx accepts.

var joseAlgs = []jose.SignatureAlgorithm{jose.EdDSA, jose.RS256}

func TestGoJoseVerifiesOurTokens(t *testing.T) {
	cred := credential(t)
	golden, err := os.ReadFile("testdata/credential.eddsa.jwt")
	if err != nil {
		t.Fatal(err)
	}
	rsaToken, err := Sign(cred, rsaKey(), rsaKid)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, token, kid string
		alg              jose.SignatureAlgorithm
		pub              crypto.PublicKey
	}{
		{"EdDSA golden", strings.TrimSpace(string(golden)), edKid, jose.EdDSA, edKey().Public()},
		{"RS256", rsaToken, rsaKid, jose.RS256, &rsaKey().PublicKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := jose.ParseSigned(tc.token, joseAlgs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sig.Verify(tc.pub)
			if err != nil {
				t.Fatalf("go-jose: %v", err)
			}
			if !bytes.Equal(got, cred) {
				t.Errorf("go-jose payload differs from the credential")
			}
			p := sig.Signatures[0].Protected
			if p.KeyID != tc.kid || p.Algorithm != string(tc.alg) || p.ExtraHeaders[jose.HeaderType] != Type || p.ExtraHeaders[jose.HeaderContentType] != ContentType {
				t.Errorf("go-jose sees header %+v", p)
			}
			// And go-jose refuses the same token with a payload byte
			// changed, so the check above is not vacuous.
			h, pl, s := segments(t, tc.token)
			bad := h + "." + b64(flipByte(decode(t, pl), 40)) + "." + s
			if sig, err := jose.ParseSigned(bad, joseAlgs); err == nil {
				if _, err := sig.Verify(tc.pub); err == nil {
					t.Errorf("go-jose accepted a tampered token")
				}
			}
		})
	}
}

// TestWeVerifyGoJoseTokens signs with go-jose and verifies with Verify, so
// that agreement is shown in both directions.
func TestWeVerifyGoJoseTokens(t *testing.T) {
	cred := credential(t)
	for _, tc := range []struct {
		name string
		alg  jose.SignatureAlgorithm
		key  any
		kid  string
	}{
		{"EdDSA", jose.EdDSA, edKey(), edKid},
		{"RS256", jose.RS256, rsaKey(), rsaKid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := (&jose.SignerOptions{}).WithType(Type).WithContentType(ContentType).WithHeader("kid", tc.kid)
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: tc.alg, Key: tc.key}, opts)
			if err != nil {
				t.Fatal(err)
			}
			obj, err := signer.Sign(cred)
			if err != nil {
				t.Fatal(err)
			}
			token, err := obj.CompactSerialize()
			if err != nil {
				t.Fatal(err)
			}
			got, hdr, err := Verify(token, resolver(nil))
			if err != nil {
				t.Fatalf("Verify of a go-jose token: %v", err)
			}
			if !bytes.Equal(got, cred) || hdr.Kid != tc.kid || hdr.Alg != string(tc.alg) {
				t.Errorf("header %+v, payload equal %v", hdr, bytes.Equal(got, cred))
			}
		})
	}
}

// TestJWKSWithGoJose parses our JWKS with go-jose, checks that it holds
// public keys only with kid, alg and use, and verifies both tokens with
// the keys it found there.
func TestJWKSWithGoJose(t *testing.T) {
	cred := credential(t)
	set, err := JWKS(Key{ID: edKid, Public: edKey().Public()}, Key{ID: rsaKid, Public: &rsaKey().PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(set, &jwks); err != nil {
		t.Fatalf("go-jose cannot parse the JWKS: %v\n%s", err, set)
	}
	if len(jwks.Keys) != 2 {
		t.Fatalf("go-jose found %d keys", len(jwks.Keys))
	}
	for _, tc := range []struct {
		kid, alg string
		signer   crypto.Signer
	}{{edKid, AlgEdDSA, edKey()}, {rsaKid, AlgRS256, rsaKey()}} {
		found := jwks.Key(tc.kid)
		if len(found) != 1 {
			t.Fatalf("kid %s: %d keys", tc.kid, len(found))
		}
		k := found[0]
		if !k.IsPublic() || !k.Valid() || k.Use != "sig" || k.Algorithm != tc.alg {
			t.Errorf("kid %s: public %v valid %v use %q alg %q", tc.kid, k.IsPublic(), k.Valid(), k.Use, k.Algorithm)
		}
		token, err := Sign(cred, tc.signer, tc.kid)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := jose.ParseSigned(token, joseAlgs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sig.Verify(k); err != nil {
			t.Errorf("kid %s: the JWKS key does not verify the token: %v", tc.kid, err)
		}
		// The key go-jose read back is the key we published.
		switch pub := k.Key.(type) {
		case ed25519.PublicKey:
			if !pub.Equal(edKey().Public()) {
				t.Errorf("JWKS Ed25519 key differs")
			}
		case *rsa.PublicKey:
			if !pub.Equal(&rsaKey().PublicKey) {
				t.Errorf("JWKS RSA key differs")
			}
		default:
			t.Errorf("kid %s: go-jose key type %T", tc.kid, k.Key)
		}
	}
	// No private member of either key type may appear.
	for _, private := range []string{`"d"`, `"p"`, `"q"`, `"dp"`, `"dq"`, `"qi"`} {
		if bytes.Contains(set, []byte(private)) {
			t.Errorf("JWKS contains %s:\n%s", private, set)
		}
	}
}
