package credential

import (
	"bytes"
	"crypto"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/recert/recert/app"
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
	ks    *Keys
	lists func(purpose string) ([]byte, error)
	cache *verify.Cache

	mu      sync.RWMutex
	checked map[string]checkedList // by purpose
}

// checkedList is a status list credential whose proof and issuer held.
type checkedList struct {
	body        []byte
	from, until time.Time // zero until: no end
	parsed      map[string]any
}

// NewVerifier verifies this issuer's credentials. lists returns the signed
// status list credential of a purpose (revocation, suspension) as the
// server publishes it: app.StatusList, through the wiring.
func NewVerifier(ks *Keys, lists func(purpose string) ([]byte, error)) *Verifier {
	return &Verifier{ks: ks, lists: lists, cache: verify.NewCache(), checked: map[string]checkedList{}}
}

// base is the credential/verify Verifier, its status lists read as of at.
func (v *Verifier) base(at time.Time) verify.Verifier {
	vv := verify.Verifier{
		Key:            func(vm string) (crypto.PublicKey, error) { return v.ks.PublicKey(vm) },
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
	body, err := v.lists(purpose)
	if err != nil {
		return nil, err
	}
	v.mu.RLock()
	c, ok := v.checked[purpose]
	v.mu.RUnlock()
	if ok && bytes.Equal(c.body, body) && !at.Before(c.from) && (c.until.IsZero() || at.Before(c.until)) {
		return c.parsed, nil
	}
	parsed, err := vv.StatusListCredential(body, v.ks.DID(), at)
	if err != nil {
		return nil, err
	}
	c = checkedList{body: body, parsed: parsed}
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
	r := v.base(at).Verify(input, at)
	out := app.VerifyResult{Form: r.Form, State: r.State, Issuer: r.Issuer, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil}
	for _, c := range r.Checks {
		out.Checks = append(out.Checks, app.VerifyCheck{Name: c.Name, OK: c.OK, Detail: c.Detail})
	}
	if r.State == verify.StateInvalid || len(r.Body) == 0 {
		return out
	}
	var body struct {
		ID      string `json:"id"`
		Subject struct {
			Name        string `json:"name"`
			Achievement struct {
				Name string `json:"name"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if json.Unmarshal(r.Body, &body) == nil {
		out.ID, out.Holder, out.Name = body.ID, body.Subject.Name, body.Subject.Achievement.Name
		out.LocalID, _ = v.LocalID(body.ID)
	}
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
