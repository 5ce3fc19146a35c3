package dataintegrity

import "testing"

// BenchmarkVerify verifies the signed OB credential of the tests: two
// RDFC-1.0 canonicalisations, contexts parsed from the embedded copies, and
// one Ed25519 verification.
func BenchmarkVerify(b *testing.B) {
	signed := signedOB(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(signed, resolveTestKey); err != nil {
			b.Fatal(err)
		}
	}
}
