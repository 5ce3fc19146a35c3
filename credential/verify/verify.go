// Package verify checks a credential recert issued, in either form, the
// way an employer's verifier must: the signature, the OB 3.0 schema, the
// issuer, the dates and the status lists, and says which check failed
// rather than only "invalid".
package verify

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/recert/recert/credential/dataintegrity"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/vcjwt"
)

// The forms a credential comes in.
const (
	FormJWT           = "vc+jwt"
	FormDataIntegrity = "data-integrity"
)

// The states a verification answers.
const (
	StateInvalid      = "invalid"       // a check failed: Checks says which
	StateNotYetValid  = "not_yet_valid" // before validFrom
	StateActive       = "active"
	StateExpiringSoon = "expiring_soon" // active, and validUntil within ExpiringWithin
	StateExpired      = "expired"
	StateSuspended    = "suspended"
	StateRevoked      = "revoked"
)

// The checks, in the order they run.
const (
	CheckFormat    = "format"
	CheckSignature = "signature"
	CheckIssuer    = "issuer"
	CheckSchema    = "schema"
	CheckDates     = "dates"
	CheckStatus    = "status"
)

// Verifier checks credentials.
type Verifier struct {
	// Key resolves a verification method (did:web:host#key-1) to its
	// public key: the issuer's DID document, cached.
	Key func(verificationMethod string) (crypto.PublicKey, error)
	// Trusted says whether an issuer id is one this verifier knows.
	Trusted func(issuer string) bool
	// StatusList returns the status list credential at url, its own
	// proof and dates already checked by the caller (who caches it for
	// its ttl).
	StatusList func(url string) (map[string]any, error)
	// ExpiringWithin is how close to validUntil "expiring soon" begins.
	ExpiringWithin time.Duration
	// Cache, when set, keeps decoded status lists and schema results
	// across calls (NewCache); a Verifier may be used by many goroutines.
	Cache *Cache
}

// Check is one check and what it found.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Result is what a verification found.
type Result struct {
	Form       string     `json:"form"`
	State      string     `json:"state"`
	Checks     []Check    `json:"checks"`
	Issuer     string     `json:"issuer,omitempty"`
	ValidFrom  *time.Time `json:"valid_from,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Body is the credential's JSON (for a VC-JWT, its payload) once its
	// signature held.
	Body json.RawMessage `json:"-"`
}

// Verify checks input (a VC-JWT, or a JSON credential with its proof) as of
// instant at. It never fails: what it could not check is a failed check.
func (v Verifier) Verify(input []byte, at time.Time) Result {
	r := Result{Checks: make([]Check, 0, 6)}
	// Every verification method the proof made us resolve, to check below
	// that each is the issuer's own: a trusted issuer's key must not vouch
	// for a credential naming another trusted issuer.
	var signers []string
	if key := v.Key; key != nil {
		v.Key = func(vm string) (crypto.PublicKey, error) {
			signers = append(signers, vm)
			return key(vm)
		}
	}
	body, ok := v.secured(&r, bytes.TrimSpace(input))
	if !ok {
		r.State = StateInvalid
		return r
	}
	// Only the members the checks read are decoded; the whole document
	// is decoded for the schema check. A Cache remembers both for a body
	// that passed, by the SHA-256 of its exact bytes.
	var sum [32]byte
	if v.Cache != nil {
		sum = sha256.Sum256(body)
	}
	doc, valid := v.Cache.validHead(sum)
	if !valid {
		h, err := decodeHead(body)
		if err != nil {
			r.fail(CheckFormat, "the credential is not a JSON object: "+err.Error())
			return r
		}
		doc = &h
	}
	r.Body = body
	r.Issuer = string(doc.Issuer)
	if v.Trusted == nil || !v.Trusted(r.Issuer) {
		r.fail(CheckIssuer, fmt.Sprintf("issuer %q is not one this verifier knows", r.Issuer))
		return r
	}
	for _, vm := range signers {
		if did, _, _ := strings.Cut(vm, "#"); did != r.Issuer {
			r.fail(CheckSignature, fmt.Sprintf("signed with %s, a key of %s, not of the issuer %s", vm, did, r.Issuer))
			return r
		}
	}
	r.pass(CheckIssuer, r.Issuer)
	if !valid {
		if err := validateSchema(body); err != nil {
			r.fail(CheckSchema, err.Error())
			return r
		}
		v.Cache.rememberValid(sum, doc)
	}
	r.pass(CheckSchema, "OB 3.0 AchievementCredential")
	if !v.dates(&r, doc, at) {
		return r
	}
	v.status(&r, doc)
	return r
}

// validateSchema checks a credential's JSON against the OB 3.0
// AchievementCredential schema.
func validateSchema(body []byte) error {
	var full map[string]any
	if err := json.Unmarshal(body, &full); err != nil {
		return err
	}
	// The schema describes the credential, not its proof.
	delete(full, "proof")
	return ob.ValidateValue(full)
}

// secured checks the form and the signature and returns the credential's
// JSON.
func (v Verifier) secured(r *Result, in []byte) ([]byte, bool) {
	switch {
	case len(in) == 0:
		r.fail(CheckFormat, "nothing to verify")
		return nil, false
	case in[0] == '{':
		r.Form = FormDataIntegrity
		r.pass(CheckFormat, "a JSON credential with an embedded proof")
		if err := v.proof(in); err != nil {
			r.fail(CheckSignature, err.Error())
			return nil, false
		}
		r.pass(CheckSignature, "eddsa-rdfc-2022")
		return in, true
	case bytes.Count(in, []byte(".")) == 2:
		r.Form = FormJWT
		r.pass(CheckFormat, "a VC-JWT")
		var sum [32]byte
		if v.Cache != nil {
			sum = sha256.Sum256(in)
			if e, ok := v.Cache.knownJWT(sum); ok {
				if k, err := v.resolve(e.kid); err == nil && sameKey(k, e.key) {
					r.pass(CheckSignature, e.detail)
					return e.body, true
				}
			}
		}
		var used crypto.PublicKey // the key the token's kid resolved to
		resolve := func(vm string) (crypto.PublicKey, error) {
			k, err := v.resolve(vm)
			used = k
			return k, err
		}
		body, h, err := vcjwt.Verify(string(in), resolve)
		if err != nil {
			r.fail(CheckSignature, err.Error())
			return nil, false
		}
		detail := h.Alg + " by " + h.Kid
		if v.Cache != nil {
			v.Cache.rememberJWT(sum, jwtVerdict{kid: h.Kid, key: used, body: bytes.Clone(body), detail: detail})
		}
		r.pass(CheckSignature, detail)
		return body, true
	}
	r.fail(CheckFormat, "neither a VC-JWT nor a JSON credential")
	return nil, false
}

// proof checks a Data Integrity document's proof, or finds in the Cache
// that the same bytes verified under keys its methods still resolve to.
func (v Verifier) proof(doc []byte) error {
	var sum [32]byte
	if v.Cache != nil {
		sum = sha256.Sum256(doc)
		if p, ok := v.Cache.provenDocument(sum); ok && v.stillResolve(p) {
			return nil
		}
	}
	var used proofKeys
	err := dataintegrity.Verify(doc, func(vm string) (ed25519.PublicKey, error) {
		pub, err := v.ed25519Key(vm)
		if err != nil {
			return nil, err
		}
		used.vms, used.keys = append(used.vms, vm), append(used.keys, pub)
		return pub, nil
	})
	if err != nil {
		return err
	}
	v.Cache.rememberProof(sum, used)
	return nil
}

// stillResolve reports whether every method in p resolves to the key it
// did when the proof verified.
func (v Verifier) stillResolve(p proofKeys) bool {
	for i, vm := range p.vms {
		pub, err := v.ed25519Key(vm)
		if err != nil || !pub.Equal(p.keys[i]) {
			return false
		}
	}
	return true
}

// ed25519Key resolves a verification method to the Ed25519 key a Data
// Integrity proof needs.
func (v Verifier) ed25519Key(vm string) (ed25519.PublicKey, error) {
	k, err := v.resolve(vm)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("key %s is not an Ed25519 key", vm)
	}
	return pub, nil
}

func (v Verifier) resolve(vm string) (crypto.PublicKey, error) {
	if v.Key == nil {
		return nil, errors.New("no issuer keys")
	}
	return v.Key(vm)
}

// dates checks validFrom and validUntil against at.
func (v Verifier) dates(r *Result, doc *head, at time.Time) bool {
	from, err := instant(doc.ValidFrom)
	if err != nil {
		r.fail(CheckDates, "validFrom: "+err.Error())
		return false
	}
	r.ValidFrom = &from
	var until time.Time
	if doc.ValidUntil != nil {
		if until, err = instant(doc.ValidUntil); err != nil {
			r.fail(CheckDates, "validUntil: "+err.Error())
			return false
		}
		r.ValidUntil = &until
	}
	switch {
	case at.Before(from):
		r.pass(CheckDates, "valid from "+from.Format(time.RFC3339))
		r.State = StateNotYetValid
	case !until.IsZero() && !at.Before(until):
		r.pass(CheckDates, "valid until "+until.Format(time.RFC3339))
		r.State = StateExpired
	case !until.IsZero() && until.Sub(at) <= v.ExpiringWithin:
		r.pass(CheckDates, "valid until "+until.Format(time.RFC3339))
		r.State = StateExpiringSoon
	default:
		r.pass(CheckDates, "valid")
		r.State = StateActive
	}
	return true
}

// status reads each credentialStatus entry's list; a revoked or suspended
// bit overrides the state the dates gave.
func (v Verifier) status(r *Result, doc *head) {
	raw := doc.CredentialStatus
	var entries []map[string]any
	switch s := raw.(type) {
	case nil:
		r.pass(CheckStatus, "no status list")
		return
	case map[string]any:
		entries = []map[string]any{s}
	case []any:
		for _, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				r.fail(CheckStatus, "a credentialStatus entry is not an object")
				return
			}
			entries = append(entries, m)
		}
	default:
		r.fail(CheckStatus, "credentialStatus is neither an object nor a list")
		return
	}
	revoked, suspended := false, false
	for _, e := range entries {
		url, _ := e["statusListCredential"].(string)
		if v.StatusList == nil {
			r.fail(CheckStatus, "cannot fetch the status list "+url)
			return
		}
		list, err := v.StatusList(url)
		if err != nil {
			r.fail(CheckStatus, "status list "+url+": "+err.Error())
			return
		}
		set, err := statuslist.CheckWith(e, list, v.Cache.decode)
		if err != nil {
			r.fail(CheckStatus, "status list "+url+": "+err.Error())
			return
		}
		switch e["statusPurpose"] {
		case statuslist.PurposeRevocation:
			revoked = revoked || set
		case statuslist.PurposeSuspension:
			suspended = suspended || set
		}
	}
	switch {
	case revoked:
		r.pass(CheckStatus, "revoked")
		r.State = StateRevoked
	case suspended:
		r.pass(CheckStatus, "suspended")
		r.State = StateSuspended
	default:
		r.pass(CheckStatus, "neither revoked nor suspended")
	}
}

func (r *Result) pass(name, detail string) { r.Checks = append(r.Checks, Check{name, true, detail}) }

func (r *Result) fail(name, detail string) {
	r.Checks = append(r.Checks, Check{name, false, detail})
	r.State = StateInvalid
}

func instant(v *string) (time.Time, error) {
	if v == nil {
		return time.Time{}, errors.New("missing")
	}
	s := *v
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	return t.UTC(), nil
}

// StatusListCredential checks a fetched status list credential before its
// bits are believed: its proof by a key of the issuer, that the issuer is
// the one expected, and that it is valid at at. It returns the credential
// as parsed JSON, for statuslist.Check.
func (v Verifier) StatusListCredential(doc []byte, issuer string, at time.Time) (map[string]any, error) {
	err := dataintegrity.Verify(doc, v.ed25519Key)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	h, err := decodeHead(doc)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	if got := string(h.Issuer); got != issuer {
		return nil, fmt.Errorf("status list: issued by %q, not %q", got, issuer)
	}
	from, err := instant(h.ValidFrom)
	if err != nil {
		return nil, fmt.Errorf("status list: validFrom: %w", err)
	}
	if at.Before(from) {
		return nil, fmt.Errorf("status list: not valid before %s", from.Format(time.RFC3339))
	}
	if h.ValidUntil != nil {
		until, err := instant(h.ValidUntil)
		if err != nil || !at.Before(until) {
			return nil, fmt.Errorf("status list: not valid at %s", at.Format(time.RFC3339))
		}
	}
	return m, nil
}
