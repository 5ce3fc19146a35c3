package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"strings"
	"testing"
)

// BenchmarkVerify measures one full Verify (header checks, key lookup,
// signature, credential shape) with the keys already parsed, which is
// what the JSON API's verification does per request once it caches the
// issuer's keys. The "primitive" runs time the bare signature check on
// the same signing input, so the package's overhead can be read off even
// on a loaded machine.
func BenchmarkVerify(b *testing.B) {
	cred := credential(b)
	for _, tc := range []struct {
		name      string
		key       crypto.Signer
		kid       string
		primitive func(input, sig []byte) bool
	}{
		{"EdDSA", edKey(), edKid, func(in, sig []byte) bool {
			return ed25519.Verify(edKey().Public().(ed25519.PublicKey), in, sig)
		}},
		{"RS256", rsaKey(), rsaKid, func(in, sig []byte) bool {
			h := sha256.Sum256(in)
			return rsa.VerifyPKCS1v15(&rsaKey().PublicKey, crypto.SHA256, h[:], sig) == nil
		}},
	} {
		token, err := Sign(cred, tc.key, tc.kid)
		if err != nil {
			b.Fatal(err)
		}
		keys := resolver(nil)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Verify(token, keys); err != nil {
					b.Fatal(err)
				}
			}
		})
		i := strings.LastIndexByte(token, '.')
		input, sig := []byte(token[:i]), decode(b, token[i+1:])
		b.Run(tc.name+"/primitive", func(b *testing.B) {
			for b.Loop() {
				if !tc.primitive(input, sig) {
					b.Fatal("primitive verify failed")
				}
			}
		})
	}
}
