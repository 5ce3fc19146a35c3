package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Key is one entry of the issuer's JWKS: a public key and the
// verification method id tokens name it by.
type Key struct {
	ID     string
	Public crypto.PublicKey
}

// JWK renders pub as a JSON Web Key with kid, alg and use "sig", the form
// /.well-known/jwks.json and a did:web document's publicKeyJwk use.
//
// It takes public keys only and refuses private ones outright, rather than
// stripping them, so that a mix-up in the caller fails loudly instead of
// depending on this function to remove the secret parts.
func JWK(pub crypto.PublicKey, kid string) (json.RawMessage, error) {
	if kid == "" {
		return nil, fmt.Errorf("vcjwt: jwk: %w: empty kid", ErrKey)
	}
	switch pub.(type) {
	case ed25519.PublicKey, *rsa.PublicKey:
	default:
		return nil, fmt.Errorf("vcjwt: jwk %s: %w: %T is not an Ed25519 or RSA public key", kid, ErrKey, pub)
	}
	alg, err := algorithmFor(pub)
	if err != nil {
		return nil, fmt.Errorf("vcjwt: jwk %s: %w", kid, err)
	}
	key, err := jwk.Import(pub)
	if err != nil {
		return nil, fmt.Errorf("vcjwt: jwk %s: import: %w", kid, err)
	}
	for name, value := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: alg, jwk.KeyUsageKey: jwk.ForSignature} {
		if err := key.Set(name, value); err != nil {
			return nil, fmt.Errorf("vcjwt: jwk %s: set %s: %w", kid, name, err)
		}
	}
	b, err := json.Marshal(key)
	if err != nil {
		return nil, fmt.Errorf("vcjwt: jwk %s: marshal: %w", kid, err)
	}
	return b, nil
}

// JWKS renders keys as a JSON Web Key Set ({"keys":[...]}) in the order
// given. Old keys stay in the set after a rotation so that credentials
// signed with them still verify; a duplicate kid is refused because a
// verifier could not tell which key it names.
func JWKS(keys ...Key) ([]byte, error) {
	set := struct {
		Keys []json.RawMessage `json:"keys"`
	}{Keys: make([]json.RawMessage, 0, len(keys))}
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k.ID] {
			return nil, fmt.Errorf("vcjwt: jwks: %w: duplicate kid %q", ErrKey, k.ID)
		}
		seen[k.ID] = true
		j, err := JWK(k.Public, k.ID)
		if err != nil {
			return nil, fmt.Errorf("vcjwt: jwks: %w", err)
		}
		set.Keys = append(set.Keys, j)
	}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("vcjwt: jwks: marshal: %w", err)
	}
	return b, nil
}
