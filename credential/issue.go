// Package credential joins the credential packages into what recert does
// with them: Issue secures an Open Badges 3.0 credential in both forms the
// issue asks for, and (package credential/verify) a verifier checks either
// form and says what it found.
package credential

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/vcjwt"
)

// Issuer secures credentials with one of the issuer's keys.
type Issuer struct {
	DID string      // did:web:host, the issuer's id
	Key keyring.Key // the active EdDSA key: it signs both forms
}

// Secured is one credential in both forms: the JSON-LD document with an
// embedded eddsa-rdfc-2022 proof, and the same credential as a VC-JWT.
type Secured struct {
	Document []byte
	JWT      string
}

// VerificationMethod is the DID URL of the issuer's key.
func (is Issuer) VerificationMethod() string { return is.DID + "#" + is.Key.ID }

// Issue builds the credential of in (its issuer is is.DID), checks it
// against the OB 3.0 schema (ob.Build does), and secures it in both forms
// with the same key. at is the proof's creation time.
func (is Issuer) Issue(in ob.Input, at time.Time) (Secured, error) {
	priv, ok := is.Key.Private.(ed25519.PrivateKey)
	if !ok || is.Key.Alg != keyring.EdDSA {
		return Secured{}, errors.New("credential: issue: the signing key must be an EdDSA (Ed25519) key: eddsa-rdfc-2022 needs one")
	}
	if is.DID == "" {
		return Secured{}, errors.New("credential: issue: the issuer has no DID")
	}
	in.Issuer.ID = is.DID
	doc, err := ob.Build(in)
	if err != nil {
		return Secured{}, err
	}
	vm := is.VerificationMethod()
	signed, err := dataintegrity.Sign(doc, priv, dataintegrity.ProofOptions{VerificationMethod: vm, Created: at, ProofPurpose: dataintegrity.AssertionMethod})
	if err != nil {
		return Secured{}, fmt.Errorf("credential: issue %s: %w", in.ID, err)
	}
	jwt, err := vcjwt.Sign(doc, priv, vm)
	if err != nil {
		return Secured{}, fmt.Errorf("credential: issue %s: %w", in.ID, err)
	}
	return Secured{Document: signed, JWT: jwt}, nil
}
