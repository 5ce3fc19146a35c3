package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// Sign secures credential as a compact JWS (application/vc+jwt) signed by
// key and naming kid, the verification method id a verifier resolves.
// The payload is credential byte for byte: re-encoding it would make the
// signed form differ from the JSON the issuer stored and showed.
//
// key may be any crypto.Signer (an HSM or KMS handle included) whose
// public key is Ed25519 (signed with EdDSA) or RSA of at least 2048 bits
// (signed with RS256).
func Sign(credential []byte, key crypto.Signer, kid string) (string, error) {
	if key == nil {
		return "", fmt.Errorf("vcjwt: sign: %w: no key", ErrKey)
	}
	if kid == "" {
		return "", fmt.Errorf("vcjwt: sign: %w: empty kid", ErrKey)
	}
	alg, err := algorithmFor(key.Public())
	if err != nil {
		return "", fmt.Errorf("vcjwt: sign %s: %w", kid, err)
	}
	if err := checkCredential(credential); err != nil {
		return "", fmt.Errorf("vcjwt: sign %s: %w", kid, err)
	}
	hdr := jws.NewHeaders()
	for name, value := range map[string]string{jws.TypeKey: Type, jws.ContentTypeKey: ContentType, jws.KeyIDKey: kid} {
		if err := hdr.Set(name, value); err != nil {
			return "", fmt.Errorf("vcjwt: sign %s: set header %s: %w", kid, name, err)
		}
	}
	token, err := jws.Sign(credential, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("vcjwt: sign %s with %s: %w", kid, alg, err)
	}
	return string(token), nil
}

// algorithmFor is the one place that binds an algorithm to a key type:
// Sign picks the alg from it and Verify demands the header's alg match it.
func algorithmFor(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrKey, len(k))
		}
		return jwa.EdDSA(), nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("%w: empty RSA key", ErrKey)
		}
		if bits := k.N.BitLen(); bits < MinRSABits {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("%w: RSA key of %d bits, at least %d needed", ErrKey, bits, MinRSABits)
		}
		return jwa.RS256(), nil
	default:
		return jwa.SignatureAlgorithm{}, fmt.Errorf("%w: key type %T (want Ed25519 or RSA)", ErrKey, pub)
	}
}
