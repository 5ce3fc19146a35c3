package credential

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential/ob"
	"github.com/recert/recert/credential/statuslist"
	"github.com/recert/recert/credential/verify"
)

var _ app.CredentialVerifier = (*Verifier)(nil)

// Verifier is app.CredentialVerifier for this issuer: a credential/verify
// Verifier whose keys are the issuer's own (every key, rotated ones too),
// whose one trusted issuer is its DID, and whose status lists are the ones
// this server signs now. It asks for the lists on every verification, so a
// status change in the ledger is seen on the next call (app re-signs a list
// when a bit changes); a list whose bytes did not change is not checked
// again.
type Verifier struct {
	// Refresh, when set, is how often (wall clock) the lists are asked for
	// again: between, the list last checked is used, so a verification
	// costs no status-list read of the ledger. recert's ledger still says
	// a credential is revoked or suspended on the next call (app reads the
	// credential's own record); only the verifier's status check lags, by
	// at most Refresh, well inside the lists' ttl that any other verifier
	// may cache them for. Zero asks on every verification.
	Refresh time.Duration

	ks    *Keys
	lists func(purpose string) ([]byte, error)
	cache *verify.Cache

	mu      sync.RWMutex
	checked map[string]checkedList // by purpose
	bodies  map[[32]byte]selfSaid  // by the SHA-256 of a verified body
}

// selfSaid is what a verified credential says of itself that app joins.
type selfSaid struct{ ID, Holder, Name string }

// maxBodies bounds the bodies remembered; when full they are forgotten.
const maxBodies = 10_000

// said reads a verified body's id, holder and achievement names, once per
// body: the same credential is verified again and again, and decoding it
// costs more than hashing it.
func (v *Verifier) said(body []byte) selfSaid {
	sum := sha256.Sum256(body)
	v.mu.RLock()
	s, ok := v.bodies[sum]
	v.mu.RUnlock()
	if ok {
		return s
	}
	d := ob.Describe(body)
	s = selfSaid{ID: d.ID, Holder: d.Holder, Name: d.Certification}
	v.mu.Lock()
	if len(v.bodies) >= maxBodies {
		clear(v.bodies)
	}
	v.bodies[sum] = s
	v.mu.Unlock()
	return s
}

// checkedList is a status list credential whose proof and issuer held.
type checkedList struct {
	body        []byte
	from, until time.Time // zero until: no end
	fetched     time.Time // wall clock
	parsed      map[string]any
}

// NewVerifier verifies this issuer's credentials. lists returns the signed
// status list credential of a purpose (revocation, suspension) as the
// server publishes it: app.StatusList, through the wiring.
func NewVerifier(ks *Keys, lists func(purpose string) ([]byte, error)) *Verifier {
	return &Verifier{ks: ks, lists: lists, cache: verify.NewCache(), checked: map[string]checkedList{}, bodies: map[[32]byte]selfSaid{}}
}

// base is the credential/verify Verifier, its status lists read as of at.
// foreign, when set, is told of a verification method of another DID: the
// signature cannot be checked because the issuer is not this one.
func (v *Verifier) base(at time.Time, foreign *string) verify.Verifier {
	vv := verify.Verifier{
		Key: func(vm string) (crypto.PublicKey, error) {
			if foreign != nil && !strings.HasPrefix(vm, v.ks.DID()+"#") {
				*foreign = vm
			}
			return v.ks.PublicKey(vm)
		},
		Trusted:        func(issuer string) bool { return issuer == v.ks.DID() },
		ExpiringWithin: app.DefaultExpiringWithin,
		Cache:          v.cache,
	}
	vv.StatusList = func(url string) (map[string]any, error) { return v.statusList(vv, url, at) }
	return vv
}

// statusList is the checked list at url, one of this issuer's own.
func (v *Verifier) statusList(vv verify.Verifier, url string, at time.Time) (map[string]any, error) {
	var purpose string
	for _, p := range []string{statuslist.PurposeRevocation, statuslist.PurposeSuspension} {
		if url == v.ks.StatusListURL(p) {
			purpose = p
		}
	}
	if purpose == "" || v.lists == nil {
		return nil, fmt.Errorf("%s is not a status list of this issuer", url)
	}
	v.mu.RLock()
	c, ok := v.checked[purpose]
	v.mu.RUnlock()
	valid := ok && !at.Before(c.from) && (c.until.IsZero() || at.Before(c.until))
	if valid && v.Refresh > 0 && time.Since(c.fetched) < v.Refresh {
		return c.parsed, nil
	}
	body, err := v.lists(purpose)
	if err != nil {
		return nil, err
	}
	if valid && bytes.Equal(c.body, body) {
		if v.Refresh > 0 {
			v.mu.Lock()
			c.fetched = time.Now()
			v.checked[purpose] = c
			v.mu.Unlock()
		}
		return c.parsed, nil
	}
	parsed, err := vv.StatusListCredential(body, v.ks.DID(), at)
	if err != nil {
		return nil, err
	}
	c = checkedList{body: body, parsed: parsed, fetched: time.Now()}
	c.from, _ = time.Parse(time.RFC3339, str(parsed["validFrom"]))
	c.until, _ = time.Parse(time.RFC3339, str(parsed["validUntil"]))
	v.mu.Lock()
	v.checked[purpose] = c
	v.mu.Unlock()
	return parsed, nil
}

func str(v any) string { s, _ := v.(string); return s }

// Verify is app.CredentialVerifier: the checks of credential/verify, and
// what the credential says of itself once its signature held.
func (v *Verifier) Verify(input []byte, at time.Time) app.VerifyResult {
	var foreign string
	r := v.base(at, &foreign).Verify(input, at)
	out := app.VerifyResult{Form: r.Form, State: r.State, Issuer: r.Issuer, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil}
	for _, c := range r.Checks {
		if !c.OK && c.Name == verify.CheckSignature && foreign != "" {
			// Signed by a key of another DID: the failure is the issuer,
			// whose key this server does not hold, not a forged signature.
			did, _, _ := strings.Cut(foreign, "#")
			c = verify.Check{Name: verify.CheckIssuer, Detail: fmt.Sprintf("signed by %s (%s), not by this issuer (%s): it verifies only its own credentials", did, foreign, v.ks.DID())}
		}
		out.Checks = append(out.Checks, app.VerifyCheck{Name: c.Name, OK: c.OK, Detail: c.Detail})
	}
	if r.State == verify.StateInvalid || len(r.Body) == 0 {
		return out
	}
	said := v.said(r.Body)
	out.ID, out.Holder, out.Name = said.ID, said.Holder, said.Name
	out.LocalID, _ = v.LocalID(said.ID)
	return out
}

// LocalID is app.CredentialVerifier: the id in PUBLIC/credentials/{id}.
func (v *Verifier) LocalID(credentialURL string) (string, bool) {
	id, ok := strings.CutPrefix(credentialURL, v.ks.CredentialURL(""))
	if !ok || id == "" || strings.ContainsAny(id, "/?#") {
		return "", false
	}
	return id, true
}
