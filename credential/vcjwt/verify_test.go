package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// segments splits a token Sign made; tests rebuild tokens from them.
func segments(t *testing.T, token string) (h, p, s string) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	return parts[0], parts[1], parts[2]
}

func decode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipByte(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x01
	return out
}

// TestVerifyRefusesTampering changes each part of a signed token in the
// ways an attacker would and checks that Verify names the right reason.
func TestVerifyRefusesTampering(t *testing.T) {
	cred := credential(t)
	otherEd := ed25519.NewKeyFromSeed(make([]byte, 32))
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	keys := resolver(map[string]crypto.PublicKey{
		"did:web:recert.example#other": otherEd.Public(),
		"did:web:recert.example#small": &small.PublicKey,
	})
	for _, signed := range []struct {
		name string
		key  crypto.Signer
		kid  string
		sign func([]byte) []byte
		// swap is the other algorithm, which must not be accepted for
		// this key.
		swap string
	}{
		{"EdDSA", edKey(), edKid, edSign(edKey()), AlgRS256},
		{"RS256", rsaKey(), rsaKid, rsaSign(rsaKey()), AlgEdDSA},
	} {
		token, err := Sign(cred, signed.key, signed.kid)
		if err != nil {
			t.Fatal(err)
		}
		h, p, s := segments(t, token)
		header := map[string]any{"alg": signed.name, "typ": Type, "cty": ContentType, "kid": signed.kid}
		// with returns header changed by name, value pairs; a nil value
		// removes the member.
		with := func(kv ...any) map[string]any {
			out := map[string]any{}
			for k, v := range header {
				out[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(out, kv[i].(string))
				} else {
					out[kv[i].(string)] = kv[i+1]
				}
			}
			return out
		}
		// A payload change near the credential's name, so the token
		// still decodes and only the signature can catch it.
		i := strings.Index(string(cred), "Certified Widget Engineer")
		tamperedPayload := b64(flipByte(cred, i))
		tests := []struct {
			name  string
			token string
			want  error
		}{
			{"payload byte", h + "." + tamperedPayload + "." + s, ErrSignature},
			{"payload char", h + "." + p[:10] + string(p[10]^1) + p[11:] + "." + s, ErrSignature},
			{"payload swapped for another credential", h + "." + b64([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential"}`)) + "." + s, ErrSignature},
			{"header member added", b64(mustJSON(t, with("x", "y"))) + "." + p + "." + s, ErrSignature},
			{"header cty dropped", b64(mustJSON(t, with("cty", nil))) + "." + p + "." + s, ErrSignature},
			{"signature byte", h + "." + p + "." + b64(flipByte(decode(t, s), 5)), ErrSignature},
			{"signature truncated", h + "." + p + "." + b64(decode(t, s)[:10]), ErrSignature},
			{"signature empty", h + "." + p + ".", ErrSignature},
			{"signature non-canonical base64", h + "." + p + "." + s[:len(s)-1] + string(s[len(s)-1]+1), ErrMalformed},
			{"alg swapped to " + signed.swap, forge(t, with("alg", signed.swap), cred, signed.sign), ErrAlgorithm},
			{"alg HS256 with the public key as secret", forge(t, with("alg", "HS256"), cred, hmacWithPublicKey(t, signed.key.Public())), ErrAlgorithm},
			{"alg ES256", forge(t, with("alg", "ES256"), cred, signed.sign), ErrAlgorithm},
			{"alg none", forge(t, with("alg", "none"), cred, nil), ErrAlgNone},
			{"alg none with a signature", forge(t, with("alg", "none"), cred, signed.sign), ErrAlgNone},
			{"alg NONE", forge(t, with("alg", "NONE"), cred, nil), ErrAlgNone},
			{"typ JWT", forge(t, with("typ", "JWT"), cred, signed.sign), ErrType},
			{"typ vc+ld+jwt", forge(t, with("typ", "vc+ld+jwt"), cred, signed.sign), ErrType},
			{"typ missing", forge(t, with("typ", nil), cred, signed.sign), ErrType},
			{"cty other", forge(t, with("cty", "application/json"), cred, signed.sign), ErrType},
			{"kid unknown", forge(t, with("kid", "did:web:evil.example#key-1"), cred, signed.sign), ErrUnknownKey},
			{"kid missing", forge(t, with("kid", nil), cred, signed.sign), ErrUnknownKey},
			{"kid empty", forge(t, with("kid", ""), cred, signed.sign), ErrUnknownKey},
			{"kid of another key", forge(t, with("kid", "did:web:recert.example#other", "alg", AlgEdDSA), cred, signed.sign), ErrSignature},
			{"kid of a too small RSA key", forge(t, with("kid", "did:web:recert.example#small", "alg", AlgRS256), cred, rsaSign(small)), ErrAlgorithm},
			{"crit header", forge(t, with("crit", []string{"exp"}), cred, signed.sign), ErrMalformed},
			{"b64 false", forge(t, with("b64", false), cred, signed.sign), ErrMalformed},
			{"not a credential", forge(t, header, []byte(`{"sub":"x"}`), signed.sign), ErrNotCredential},
			{"VC 1.1 vc claim", forge(t, header, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","vc":{}}`), signed.sign), ErrNotCredential},
		}
		for _, tc := range tests {
			t.Run(signed.name+"/"+tc.name, func(t *testing.T) {
				got, _, err := Verify(tc.token, keys)
				if got != nil {
					t.Errorf("credential returned with the error")
				}
				wantReason(t, err, tc.want)
			})
		}
	}
}

func TestVerifyRefusesMalformed(t *testing.T) {
	token, err := Sign(credential(t), edKey(), edKid)
	if err != nil {
		t.Fatal(err)
	}
	h, p, s := segments(t, token)
	hdr := func(json string) string { return b64([]byte(json)) + "." + p + "." + s }
	for name, tok := range map[string]string{
		"empty":                "",
		"one part":             h,
		"two parts":            h + "." + p,
		"four parts":           token + ".x",
		"JWE (five parts)":     h + "." + p + "." + s + "." + s + "." + s,
		"padding":              h + "=." + p + "." + s,
		"standard base64":      h + "." + p + "." + strings.NewReplacer("-", "+", "_", "/").Replace(s) + "+/",
		"space":                h + " ." + p + "." + s,
		"header not JSON":      hdr(`alg`),
		"header array":         hdr(`["EdDSA"]`),
		"header no alg":        hdr(`{"typ":"vc+jwt","kid":"` + edKid + `"}`),
		"header alg number":    hdr(`{"alg":1,"typ":"vc+jwt","kid":"` + edKid + `"}`),
		"header duplicate alg": hdr(`{"alg":"none","alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `"}`),
		"header duplicate typ": hdr(`{"alg":"EdDSA","typ":"JWT","typ":"vc+jwt","kid":"` + edKid + `"}`),
		"too large":            h + "." + strings.Repeat("A", MaxTokenSize) + "." + s,
		"header jwk":           hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","jwk":{"kty":"OKP"}}`),
		"header jku":           hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","jku":"https://evil.example/jwks"}`),
		"header x5c":           hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","x5c":["AA"]}`),
		"header x5u":           hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","x5u":"https://evil.example/c"}`),
		"header x5t":           hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","x5t":"AA"}`),
		"header x5t#S256":      hdr(`{"alg":"EdDSA","typ":"vc+jwt","kid":"` + edKid + `","x5t#S256":"AA"}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Verify(tok, resolver(nil))
			wantReason(t, err, ErrMalformed)
		})
	}
}

// TestVerifyMediaTypeForms accepts the equivalent spellings RFC 7515
// §4.1.9 allows for typ and cty.
func TestVerifyMediaTypeForms(t *testing.T) {
	for _, typ := range []string{"vc+jwt", "application/vc+jwt", "VC+JWT", "Application/VC+JWT"} {
		tok := forge(t, map[string]any{"alg": AlgEdDSA, "typ": typ, "cty": "application/vc", "kid": edKid}, credential(t), edSign(edKey()))
		if _, hdr, err := Verify(tok, resolver(nil)); err != nil || hdr.Typ != typ {
			t.Errorf("typ %q: header %+v, err %v", typ, hdr, err)
		}
	}
}

func TestVerifyNilResolver(t *testing.T) {
	token, err := Sign(credential(t), edKey(), edKid)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Verify(token, nil)
	wantReason(t, err, ErrUnknownKey)
	_, _, err = Verify(token, func(string) (crypto.PublicKey, error) { return nil, nil })
	wantReason(t, err, ErrUnknownKey)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hmacWithPublicKey is the classic key-confusion forgery: an HS256 MAC
// keyed with the issuer's public key bytes, which a verifier that trusts
// the header's alg would accept.
func hmacWithPublicKey(t *testing.T, pub crypto.PublicKey) func([]byte) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return func(in []byte) []byte {
		m := hmac.New(sha256.New, der)
		m.Write(in)
		return m.Sum(nil)
	}
}
