package credential

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/vcjwt"
	"github.com/recert/recert/ledger"
)

// Keys are the issuer's signing keys, unsealed in memory: the active ones
// sign new credentials, and every key, active or not, stays in the DID
// document and the JWKS so that credentials signed before a rotation still
// verify.
type Keys struct {
	did, host string
	base      string // the public URL, without a trailing slash
	keys      []ledger.SigningKey
	unsealed  map[string]keyring.Key // by id
	active    map[string]string      // alg -> id
}

// algorithms are the keys a store is given on first start: Ed25519 signs
// both securing forms; RSA is there for VC-JWT verifiers without EdDSA.
var algorithms = []string{keyring.EdDSA, keyring.RS256}

// OpenKeys reads the issuer's keys from st and unseals them with master;
// on a store that has none (the first start) it makes one of each
// algorithm. publicURL names the issuer (did:web).
func OpenKeys(ctx context.Context, st ledger.Store, master []byte, publicURL string, now time.Time) (*Keys, error) {
	did, err := ob.DIDWeb(publicURL)
	if err != nil {
		return nil, fmt.Errorf("credential: the issuer's public URL: %w", err)
	}
	u, _ := url.Parse(publicURL)
	var stored []ledger.SigningKey
	err = st.Update(ctx, func(tx ledger.Tx) error {
		var err error
		if stored, err = tx.SigningKeys(ctx); err != nil {
			return err
		}
		have := map[string]bool{}
		for _, k := range stored {
			have[k.Alg] = true
		}
		for _, alg := range algorithms {
			if have[alg] {
				continue
			}
			k, err := newStored(master, alg, now)
			if err != nil {
				return err
			}
			if err := tx.PutSigningKey(ctx, k); err != nil {
				return err
			}
			stored = append(stored, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("credential: issuer keys: %w", err)
	}
	ks := &Keys{did: did, host: u.Host, base: strings.TrimRight(publicURL, "/"), keys: stored, unsealed: map[string]keyring.Key{}, active: map[string]string{}}
	for _, s := range stored {
		k, err := keyring.Open(master, s.ID, s.Alg, s.CreatedAt, s.Sealed)
		if err != nil {
			return nil, fmt.Errorf("credential: issuer keys: %w", err)
		}
		ks.unsealed[s.ID] = k
		if s.Active {
			ks.active[s.Alg] = s.ID
		}
	}
	if _, ok := ks.active[keyring.EdDSA]; !ok {
		return nil, errors.New("credential: issuer keys: no active EdDSA key")
	}
	return ks, nil
}

// RotateKeys adds a new key of alg and makes it the one that signs new
// credentials; the keys before it stay, inactive, and still verify.
func RotateKeys(ctx context.Context, st ledger.Store, master []byte, alg string, now time.Time) (ledger.SigningKey, error) {
	k, err := newStored(master, alg, now)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	err = st.Update(ctx, func(tx ledger.Tx) error {
		// The new key must be sealed under the master key the stored ones
		// are: one sealed under another would leave keys no single master
		// key opens, and the issuer unable to start.
		stored, err := tx.SigningKeys(ctx)
		if err != nil {
			return err
		}
		for _, s := range stored {
			if _, err := keyring.Open(master, s.ID, s.Alg, s.CreatedAt, s.Sealed); err != nil {
				return fmt.Errorf("the master key given does not open the stored keys, so it is not this issuer's: %w", err)
			}
		}
		if err := tx.PutSigningKey(ctx, k); err != nil {
			return err
		}
		return tx.ActivateSigningKey(ctx, k.ID)
	})
	if err != nil {
		return ledger.SigningKey{}, fmt.Errorf("credential: rotating the %s key: %w", alg, err)
	}
	k.Sealed = nil
	return k, nil
}

// newStored makes a key of alg, sealed, to be stored active.
func newStored(master []byte, alg string, now time.Time) (ledger.SigningKey, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return ledger.SigningKey{}, err
	}
	id := fmt.Sprintf("key-%s-%s", now.UTC().Format("20060102"), hex.EncodeToString(b[:]))
	k, err := keyring.Generate(id, alg, now)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	sealed, err := keyring.Seal(master, k)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	pub, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		return ledger.SigningKey{}, err
	}
	return ledger.SigningKey{ID: id, Alg: alg, Sealed: sealed, Public: pub, CreatedAt: now.UTC(), Active: true}, nil
}

// DID is the issuer's did:web identifier.
func (ks *Keys) DID() string { return ks.did }

// Issuer signs with the active EdDSA key.
func (ks *Keys) Issuer() Issuer {
	return Issuer{DID: ks.did, Key: ks.unsealed[ks.active[keyring.EdDSA]]}
}

// PublicKey resolves one of the issuer's verification methods
// (did:web:host#key-…), for verifying what it signed.
func (ks *Keys) PublicKey(verificationMethod string) (crypto.PublicKey, error) {
	for id, k := range ks.unsealed {
		if ks.did+"#"+id == verificationMethod {
			return k.Public(), nil
		}
	}
	return nil, fmt.Errorf("credential: %s is not one of the issuer's keys", verificationMethod)
}

// DIDDocument is the issuer's did.json: every key, oldest first.
func (ks *Keys) DIDDocument() ([]byte, error) {
	var vks []ob.VerificationKey
	for _, s := range ks.keys {
		k := ks.unsealed[s.ID]
		vk := ob.VerificationKey{ID: s.ID}
		if pub, ok := k.Public().(ed25519.PublicKey); ok {
			vk.PublicKeyMultibase = dataintegrity.PublicKeyMultibase(pub)
		} else {
			jwk, err := vcjwt.JWK(k.Public(), ks.did+"#"+s.ID)
			if err != nil {
				return nil, err
			}
			vk.JWK = jwk
		}
		vks = append(vks, vk)
	}
	return ob.DIDDocument(ks.host, vks)
}

// JWKS is the issuer's jwks.json: every key, with its verification method
// as the kid a VC-JWT names.
func (ks *Keys) JWKS() ([]byte, error) {
	var keys []vcjwt.Key
	for _, s := range ks.keys {
		keys = append(keys, vcjwt.Key{ID: ks.did + "#" + s.ID, Public: ks.unsealed[s.ID].Public()})
	}
	return vcjwt.JWKS(keys...)
}

// StatusListTTL is how long a verifier may cache a status list, and how
// long a revocation may take to be seen.
const StatusListTTL = 5 * time.Minute

// StatusListURL is where the list of purpose is published.
func (ks *Keys) StatusListURL(purpose string) string { return ks.base + "/status/" + purpose }

// StatusList signs the list of purpose with the indexes set, valid from
// validFrom, and says how long it may be cached.
func (ks *Keys) StatusList(purpose string, set []int, validFrom time.Time) ([]byte, time.Duration, error) {
	b, err := ks.Issuer().SignStatusList(StatusList{URL: ks.StatusListURL(purpose), Purpose: purpose, Set: set}, validFrom, StatusListTTL)
	return b, StatusListTTL, err
}
