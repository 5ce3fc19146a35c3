package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// Seen remembers tokens that passed the signature and credential checks,
// so that a verifier asked about the same credential again and again (an
// employer's page reloaded, a roster re-checked) skips the Ed25519 or RSA
// arithmetic, the larger part of a verification.
//
// Why this cannot accept anything Verify would refuse: the remembered sum
// is SHA-256 over the resolved public key, the algorithm, the whole
// signing input and the signature, each length-prefixed. Both checks it
// stands for are pure functions of exactly those bytes, so an equal sum
// means (short of a SHA-256 collision) the same key, message and
// signature, which verified before and verify again. Everything else
// still runs on every call: the header rules, the kid resolved through
// the KeyResolver (so a key removed from the issuer's document stops
// verifying at once, and a rotated-in key is simply another sum), the
// payload's base64url.
type Seen interface {
	// Verified reports whether sum was remembered.
	Verified(sum [32]byte) bool
	// Remember records sum; an implementation may forget sums at will.
	Remember(sum [32]byte)
}

// verdictSum is the sum Seen keys on. ok is false for a key type Verify
// does not take (which then fails before the sum matters).
func verdictSum(pub crypto.PublicKey, alg string, input, sig []byte) (sum [32]byte, ok bool) {
	h := sha256.New()
	field(h, []byte("recert vcjwt verified v1"))
	switch k := pub.(type) {
	case ed25519.PublicKey:
		field(h, k)
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return sum, false
		}
		field(h, k.N.Bytes())
		field(h, binary.BigEndian.AppendUint64(nil, uint64(k.E)))
	default:
		return sum, false
	}
	field(h, []byte(alg))
	field(h, input)
	field(h, sig)
	h.Sum(sum[:0])
	return sum, true
}

// field writes b with its length before it, so that no two different
// sequences of fields hash the same bytes.
func field(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}
