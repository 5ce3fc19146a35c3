package vcjwt

import (
	"bytes"
	"crypto"
	"errors"
	"strings"
	"testing"
)

// FuzzVerify feeds Verify arbitrary strings, seeded with valid tokens of
// both kinds and near-misses. Verify must never panic, must fail with
// exactly one of the named reasons, and may succeed only on a token whose
// payload segment is the credential it returns and whose kid is known.
func FuzzVerify(f *testing.F) {
	cred := credential(f)
	for _, k := range []struct {
		key crypto.Signer
		kid string
	}{{edKey(), edKid}, {rsaKey(), rsaKid}} {
		tok, err := Sign(cred, k.key, k.kid)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(strings.Replace(tok, ".", "..", 1))
	}
	f.Add("")
	f.Add("..")
	f.Add(forge(f, map[string]any{"alg": "none", "typ": Type, "kid": edKid}, cred, nil))
	f.Add(b64([]byte(`{"alg":"EdDSA","typ":"vc+jwt","kid":"did:web:recert.example#key-1","crit":[]}`)) + ".e30.AA")
	keys := resolver(nil)
	f.Fuzz(func(t *testing.T, token string) {
		got, hdr, err := Verify(token, keys)
		if err != nil {
			if got != nil {
				t.Errorf("credential returned with error %v", err)
			}
			n := 0
			for _, r := range reasons {
				if errors.Is(err, r) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("error %q wraps %d of the named reasons, want 1", err, n)
			}
			return
		}
		if hdr.Kid != edKid && hdr.Kid != rsaKid {
			t.Errorf("verified with kid %q", hdr.Kid)
		}
		_, p, _ := strings.Cut(token, ".")
		p, _, _ = strings.Cut(p, ".")
		if !strings.Contains(token, b64(got)) || b64(got) != p {
			t.Errorf("returned credential is not the token's payload")
		}
		if checkCredential(got) != nil || !bytes.HasPrefix(bytes.TrimSpace(got), []byte("{")) {
			t.Errorf("verified payload is not a credential: %q", got)
		}
	})
}
