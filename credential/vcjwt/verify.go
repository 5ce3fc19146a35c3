package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	json "github.com/go-json-experiment/json"
)

// KeyResolver maps a kid (a verification method id) to the public key it
// names. It is where the caller's trust decision lives: resolving only the
// issuer's own did:web keys is what makes a valid signature mean "issued
// by us". Resolvers should cache parsed keys; Verify calls one per token.
type KeyResolver func(kid string) (crypto.PublicKey, error)

// rawHeader is the protected header as sent. An empty member counts as
// absent (no alg, typ or kid is valid empty, and an empty cty says
// nothing); crit and b64 are read only to refuse them.
type rawHeader struct {
	Alg  string  `json:"alg"`
	Typ  string  `json:"typ"`
	Cty  string  `json:"cty"`
	Kid  string  `json:"kid"`
	Crit present `json:"crit"`
	B64  present `json:"b64"`
	// The members that carry or point to a key (RFC 7515 §4.1.2-§4.1.8).
	// The key always comes from the resolver, so these would say nothing
	// true; Sign never writes them, and go-jose and jwx refuse a token
	// whose jwk does not parse, which FuzzDifferential found this package
	// accepting. So a token with any of them is refused outright.
	JWK     present `json:"jwk"`
	JKU     present `json:"jku"`
	X5C     present `json:"x5c"`
	X5U     present `json:"x5u"`
	X5T     present `json:"x5t"`
	X5TS256 present `json:"x5t#S256"`
}

// embedsKey reports whether the header carries or points to a key.
func (h rawHeader) embedsKey() bool {
	return bool(h.JWK || h.JKU || h.X5C || h.X5U || h.X5T || h.X5TS256)
}

// Verify checks a compact VC-JWT and returns the credential it secures
// and its protected header. The checks run cheapest and most telling
// first, and the error wraps the one reason that failed: ErrMalformed,
// ErrAlgNone, ErrType, ErrUnknownKey, ErrAlgorithm, ErrSignature or
// ErrNotCredential. A header that embeds or points to a key (jwk, jku, x5c,
// x5u, x5t, x5t#S256) is refused: the key comes from keys alone.
//
// Verify does not look at validFrom, validUntil or status: those are the
// caller's business, with its clock and its status lists.
//
// A caller that verifies the same tokens again and again caches verdicts
// itself (credential/verify's Cache, keyed by the token and the key its
// kid resolves to).
func Verify(token string, keys KeyResolver) (credential []byte, header Header, err error) {
	hdr, parts, err := parseHeader(token)
	if err != nil {
		return nil, hdr, err
	}
	if keys == nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w: no key resolver", hdr.Kid, ErrUnknownKey)
	}
	pub, err := keys(hdr.Kid)
	if err != nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify: %w %q: %w", ErrUnknownKey, hdr.Kid, err)
	}
	if pub == nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify: %w %q", ErrUnknownKey, hdr.Kid)
	}
	want, err := algorithmFor(pub)
	if err != nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w: %v", hdr.Kid, ErrAlgorithm, err)
	}
	if want.String() != hdr.Alg {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w: header says %s, the key takes %s", hdr.Kid, ErrAlgorithm, hdr.Alg, want)
	}
	input := []byte(parts.input)
	if err := checkSignature(pub, input, parts.sig); err != nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w: %v", hdr.Kid, ErrSignature, err)
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(parts.payload)
	if err != nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w: payload: %v", hdr.Kid, ErrMalformed, err)
	}
	if err := checkCredential(payload); err != nil {
		return nil, hdr, fmt.Errorf("vcjwt: verify %s: %w", hdr.Kid, err)
	}
	return payload, hdr, nil
}

// checkSignature checks sig over input with pub, whose type algorithmFor
// has already bound to the header's alg. Why the standard library and not
// jws.Verify or jwx's per-algorithm verifier: both parse the protected
// header again (less strictly than parseHeader: duplicate members are not
// refused) or dispatch through several layers per call, and the
// verification API runs this thousands of times a second. EdDSA is
// ed25519.Verify (RFC 8032, which refuses a non-canonical S) and RS256 is
// RSASSA-PKCS1-v1_5 over SHA-256, exactly what RFC 8037 and RFC 7518 §3.3
// define; go-jose cross-checks both in interop_test.go and
// FuzzDifferential.
func checkSignature(pub crypto.PublicKey, input, sig []byte) error {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if !ed25519.Verify(k, input, sig) {
			return errors.New("ed25519: signature does not verify")
		}
		return nil
	case *rsa.PublicKey:
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig); err != nil {
			return fmt.Errorf("rsa: %w", err)
		}
		return nil
	}
	return fmt.Errorf("no verifier for key type %T", pub)
}

// compact is a token's parts as parseHeader found them: the signing input
// (header and payload segments with their dot), the payload segment still
// encoded, and the decoded signature.
type compact struct {
	input, payload string
	sig            []byte
}

// parseHeader splits the token, checks that every part is canonical
// base64url (so that one signed credential has exactly one token form),
// and reads the protected header, refusing what this profile does not
// allow before any key is looked up.
func parseHeader(token string) (Header, compact, error) {
	if len(token) > MaxTokenSize {
		return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: token of %d bytes exceeds %d", ErrMalformed, len(token), MaxTokenSize)
	}
	h64, rest, ok := strings.Cut(token, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.Contains(s64, ".") {
		return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: not a compact JWS (three dot-separated parts)", ErrMalformed)
	}
	for _, part := range [...]struct{ name, v string }{{"header", h64}, {"payload", p64}, {"signature", s64}} {
		if !isBase64URL(part.v) {
			return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: %s is not unpadded base64url", ErrMalformed, part.name)
		}
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(h64)
	if err != nil {
		return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: header: %v", ErrMalformed, err)
	}
	var rh rawHeader
	if err := json.Unmarshal(raw, &rh); err != nil {
		return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: header: %v", ErrMalformed, err)
	}
	if rh.Alg == "" {
		return Header{}, compact{}, fmt.Errorf("vcjwt: verify: %w: header has no alg", ErrMalformed)
	}
	hdr := Header{Alg: rh.Alg, Kid: rh.Kid, Typ: rh.Typ, Cty: rh.Cty}
	if strings.EqualFold(hdr.Alg, "none") {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w", ErrAlgNone)
	}
	if rh.Crit || rh.B64 {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: crit and b64 headers are not supported", ErrMalformed)
	}
	if rh.embedsKey() {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: jwk, jku, x5c, x5u, x5t and x5t#S256 headers are refused (the key comes from the issuer's document)", ErrMalformed)
	}
	if !sameMediaType(hdr.Typ, Type) {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: typ %q", ErrType, hdr.Typ)
	}
	if hdr.Cty != "" && !sameMediaType(hdr.Cty, ContentType) {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: cty %q, want %q", ErrType, hdr.Cty, ContentType)
	}
	if hdr.Alg != AlgEdDSA && hdr.Alg != AlgRS256 {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: alg %q (only %s and %s)", ErrAlgorithm, hdr.Alg, AlgEdDSA, AlgRS256)
	}
	if hdr.Kid == "" {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: header has no kid", ErrUnknownKey)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(s64)
	if err != nil {
		return hdr, compact{}, fmt.Errorf("vcjwt: verify: %w: signature: %v", ErrMalformed, err)
	}
	return hdr, compact{input: token[:len(h64)+1+len(p64)], payload: p64, sig: sig}, nil
}

// sameMediaType compares typ and cty values as RFC 7515 §4.1.9 says:
// case-insensitively, with the "application/" prefix optional.
func sameMediaType(got, want string) bool {
	if len(got) > len("application/") && strings.EqualFold(got[:len("application/")], "application/") {
		got = got[len("application/"):]
	}
	return strings.EqualFold(got, want)
}

// isBase64URL reports whether s uses only the base64url alphabet and has
// a length unpadded base64 can have.
func isBase64URL(s string) bool {
	if len(s)%4 == 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
