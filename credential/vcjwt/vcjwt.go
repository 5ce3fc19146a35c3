// Package vcjwt secures W3C Verifiable Credentials 2.0 with JOSE, as the
// W3C "Securing Verifiable Credentials using JOSE and COSE" Recommendation
// (VC-JOSE-COSE) specifies for the media type application/vc+jwt: the
// compact JWS payload is the credential JSON itself, unchanged (no "vc"
// claim, no JWT claims copied out of it), and the protected header carries
// typ "vc+jwt", cty "vc", alg and kid.
//
// Why a package of its own: the same bytes are signed at issuance and
// checked by the public verifier, `recert verify` and the bulk roster
// check, so the rules (which algorithms, which key sizes, which header)
// live in one place. The kid is the verification method id (for example
// did:web:example.com#key-1); the caller resolves it to a key, so this
// package does no I/O and holds no key store.
//
// Only two algorithms are accepted, each bound to its key type: EdDSA with
// Ed25519 and RS256 with RSA keys of at least 2048 bits. Binding the
// algorithm to the key type, not to the header, is what stops the classic
// algorithm-substitution attacks (alg none, or an RSA key used as an HMAC
// secret).
package vcjwt

import "errors"

// The media type values from VC-JOSE-COSE §3.1.1: typ SHOULD be vc+jwt
// and, when present, cty SHOULD be vc. We always write both; on reading,
// typ must be vc+jwt (so that a JWT minted for something else, such as an
// access token signed by the same key, is never taken for a credential)
// and cty, if present, must be vc.
const (
	Type        = "vc+jwt"
	ContentType = "vc"
	MediaType   = "application/vc+jwt"
)

// The algorithm names as they appear in the alg header.
const (
	AlgEdDSA = "EdDSA"
	AlgRS256 = "RS256"
)

// MinRSABits is the smallest RSA modulus accepted for signing and for
// verification: 2048 bits is the floor of NIST SP 800-131A and RFC 7518
// §3.3.
const MinRSABits = 2048

// MaxTokenSize bounds what Verify will look at, so that a pasted or
// uploaded blob cannot make the verifier decode megabytes. A credential
// with an embedded badge image fits comfortably.
const MaxTokenSize = 1 << 20

// Header is the protected header of a verified token, for callers that
// show or log which key signed a credential.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
	Cty string `json:"cty,omitempty"`
}

// The reasons Verify (and Sign) give. Each returned error wraps exactly one
// of them, so callers (the verification page, the JSON API) can say what
// failed with errors.Is and show the message for detail.
var (
	// ErrMalformed: not a compact JWS with a JSON protected header, or the
	// header is unusable (duplicate or missing members, crit or b64 set).
	ErrMalformed = errors.New("malformed VC-JWT")
	// ErrType: the typ header is not vc+jwt (or cty is not vc).
	ErrType = errors.New("typ is not vc+jwt")
	// ErrAlgNone: the token claims to be unsigned.
	ErrAlgNone = errors.New(`alg "none" is refused`)
	// ErrUnknownKey: no kid, or the key resolver does not know it.
	ErrUnknownKey = errors.New("unknown kid")
	// ErrAlgorithm: the alg is not one we accept, or not the one that goes
	// with the resolved key's type (or the key is too weak).
	ErrAlgorithm = errors.New("alg not allowed for this key")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("bad signature")
	// ErrNotCredential: the payload is not a VC 2.0 credential (a JSON
	// object with the v2 @context first and type VerifiableCredential).
	ErrNotCredential = errors.New("payload is not a verifiable credential")
	// ErrKey: Sign or JWK was given a key it will not use.
	ErrKey = errors.New("unusable key")
)
