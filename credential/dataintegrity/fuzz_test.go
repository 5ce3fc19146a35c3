package dataintegrity

import (
	"testing"
)

// FuzzVerify feeds Verify arbitrary bytes, seeded with a signed credential
// and near misses: it must return, never panic, and whatever it accepts
// must say what the signed credential says (the same canonical form: a
// variant may differ only in spacing, member order and the like).
func FuzzVerify(f *testing.F) {
	signed := signedOB(f)
	want, err := canonicalWithoutProof(signed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"` + testVM + `","proofValue":"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"}}`))
	f.Add([]byte(`{"@context":[{"@version":1.1},{"@vocab":"x:"}],"@graph":[{"@id":"_:a","@list":[1,2]}],"proof":{}}`))
	f.Add([]byte(`{"@context":{"@import":"https://www.w3.org/ns/credentials/v2"},"@type":5}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<14 {
			return
		}
		if err := Verify(doc, resolveTestKey); err != nil {
			return
		}
		got, err := canonicalWithoutProof(doc)
		if err != nil {
			t.Fatalf("Verify accepted %q, which does not canonicalise: %v", doc, err)
		}
		if got != want {
			t.Fatalf("Verify accepted %q, which says\n%s\nnot what was signed:\n%s", doc, got, want)
		}
	})
}

func canonicalWithoutProof(doc []byte) (string, error) {
	m, err := parseDocument(doc)
	if err != nil {
		return "", err
	}
	delete(m, "proof")
	return Canonicalize(m)
}
