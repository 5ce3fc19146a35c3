package credential

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/statuslist"
)

// StatusList is one status list to publish: its URL (the id that
// credentials' entries name), its purpose, and the indexes whose bit is
// set (the revoked or the suspended credentials).
type StatusList struct {
	URL     string
	Purpose string // statuslist.PurposeRevocation or PurposeSuspension
	Set     []int
	Entries int // the list's length; statuslist.MinEntries when zero
}

// SignStatusList writes the BitstringStatusListCredential of l, valid from
// validFrom, to be cached for ttl, with a Data Integrity proof by the
// issuer's key: a verifier trusts a list only as far as its signature.
func (is Issuer) SignStatusList(l StatusList, validFrom time.Time, ttl time.Duration) ([]byte, error) {
	priv, ok := is.Key.Private.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("credential: status list: the signing key must be an Ed25519 key")
	}
	n := l.Entries
	if n == 0 {
		n = statuslist.MinEntries
	}
	bits, err := statuslist.New(n)
	if err != nil {
		return nil, fmt.Errorf("credential: status list %s: %w", l.URL, err)
	}
	for _, i := range l.Set {
		if err := bits.Set(i, true); err != nil {
			return nil, fmt.Errorf("credential: status list %s: %w", l.URL, err)
		}
	}
	enc, err := bits.Encode()
	if err != nil {
		return nil, err
	}
	doc, err := statuslist.Credential(statuslist.CredentialInput{ID: l.URL, Issuer: is.DID, Purpose: l.Purpose,
		ValidFrom: validFrom, TTL: ttl, Encoded: enc})
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	signed, err := dataintegrity.Sign(b, priv, dataintegrity.ProofOptions{VerificationMethod: is.VerificationMethod(),
		Created: validFrom, ProofPurpose: dataintegrity.AssertionMethod})
	if err != nil {
		return nil, fmt.Errorf("credential: status list %s: %w", l.URL, err)
	}
	return signed, nil
}
