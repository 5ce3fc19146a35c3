package vcjwt_test

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/recert/recert/credential/vcjwt"
)

// The issuer signs with its current key; a verifier resolves the kid to
// the issuer's published key and learns what, if anything, failed.
func Example() {
	seed := make([]byte, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	const kid = "did:web:recert.example#key-1"
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:recert.example"}`)

	token, err := vcjwt.Sign(cred, key, kid)
	if err != nil {
		fmt.Println(err)
		return
	}
	keys := func(id string) (crypto.PublicKey, error) {
		if id != kid {
			return nil, fmt.Errorf("not one of our keys")
		}
		return key.Public(), nil
	}
	got, hdr, err := vcjwt.Verify(token, keys)
	fmt.Println(string(got) == string(cred), hdr.Alg, hdr.Typ, err)

	_, _, err = vcjwt.Verify(token[:len(token)-2]+"AA", keys)
	fmt.Println(errors.Is(err, vcjwt.ErrSignature))
	// Output:
	// true EdDSA vc+jwt <nil>
	// true
}
