package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// FuzzDifferential compares Verify's verdict on mutated tokens with two
// other JOSE implementations, go-jose and jwx, given the key Verify's
// resolver names for the token's kid. Verify applies a stricter profile
// than either (typ, cty, canonical base64url, no duplicate or crit
// headers, a VC 2.0 payload), so the properties are one-sided where the
// profile is and exact where it is not:
//
//   - a token Verify accepts, both libraries accept, with the same payload;
//   - a token Verify refuses for its signature, both libraries refuse
//     (so a token both accept is refused, if at all, for a profile
//     reason, never for its signature).
func FuzzDifferential(f *testing.F) {
	cred := credential(f)
	keys := resolver(nil)
	for _, k := range []struct {
		key  crypto.Signer
		kid  string
		alg  string
		sign func([]byte) []byte
	}{{edKey(), edKid, AlgEdDSA, edSign(edKey())}, {rsaKey(), rsaKid, AlgRS256, rsaSign(rsaKey())}} {
		tok, err := Sign(cred, k.key, k.kid)
		if err != nil {
			f.Fatal(err)
		}
		h, p, s, _ := split3(tok)
		f.Add(tok)
		f.Add(h + "." + p + "." + s + "=")
		f.Add(h + "." + p + ".." + s)
		f.Add(" " + tok)
		f.Add(h + "." + p[:len(p)-1] + string(p[len(p)-1]^1) + "." + s)
		f.Add(h + "." + p + "." + s[:len(s)-1] + string(s[len(s)-1]+1))
		hdr := map[string]any{"alg": k.alg, "typ": Type, "cty": ContentType, "kid": k.kid}
		f.Add(forge(f, hdr, cred, k.sign))
		for _, change := range []map[string]any{
			{"typ": "JWT"}, {"cty": "json"}, {"crit": []string{"b64"}, "b64": false}, {"kid": edKid},
			{"kid": rsaKid}, {"alg": "HS256"}, {"x5u": "https://evil.example/k"}, {"jwk": map[string]any{"kty": "OKP"}},
		} {
			m := map[string]any{}
			for n, v := range hdr {
				m[n] = v
			}
			for n, v := range change {
				m[n] = v
			}
			f.Add(forge(f, m, cred, k.sign))
		}
		f.Add(b64([]byte(`{"alg":"`+k.alg+`","alg":"`+k.alg+`","typ":"vc+jwt","kid":"`+k.kid+`"}`)) + "." + p + "." + s)
		f.Add(forge(f, hdr, []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","vc":1}`), k.sign))
	}
	f.Fuzz(func(t *testing.T, token string) {
		got, _, err := Verify(token, keys)
		joseOK, josePayload := goJoseVerifies(token, keys)
		jwxOK, jwxPayload := jwxVerifies(token, keys)
		switch {
		case err == nil:
			if !joseOK || !jwxOK || josePayload != string(got) || jwxPayload != string(got) {
				t.Fatalf("Verify accepts; go-jose %v, jwx %v (payloads equal: %v, %v)", joseOK, jwxOK, josePayload == string(got), jwxPayload == string(got))
			}
		case errors.Is(err, ErrSignature):
			if joseOK || jwxOK {
				t.Fatalf("Verify refuses the signature (%v); go-jose accepts %v, jwx accepts %v", err, joseOK, jwxOK)
			}
		}
	})
}

// split3 splits a compact token into its three parts.
func split3(token string) (h, p, s string, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// goJoseVerifies is go-jose's verdict, with the key keys gives the kid.
func goJoseVerifies(token string, keys KeyResolver) (bool, string) {
	sig, err := jose.ParseSignedCompact(token, joseAlgs)
	if err != nil || len(sig.Signatures) != 1 {
		return false, ""
	}
	pub, err := keys(sig.Signatures[0].Header.KeyID)
	if err != nil {
		return false, ""
	}
	payload, err := sig.Verify(pub)
	if err != nil {
		return false, ""
	}
	return true, string(payload)
}

// jwxVerifies is jwx's verdict, with the key keys gives the kid and the
// algorithm that goes with that key's type.
func jwxVerifies(token string, keys KeyResolver) (bool, string) {
	msg, err := jws.ParseString(token)
	if err != nil || len(msg.Signatures()) != 1 {
		return false, ""
	}
	kid, ok := msg.Signatures()[0].ProtectedHeaders().KeyID()
	if !ok {
		return false, ""
	}
	pub, err := keys(kid)
	if err != nil {
		return false, ""
	}
	alg := jwa.RS256()
	if _, ok := pub.(ed25519.PublicKey); ok {
		alg = jwa.EdDSA()
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(alg, pub))
	if err != nil {
		return false, ""
	}
	return true, string(payload)
}
