package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/recert/recert/ledger"
)

// IssuerIdentity is what the issuer publishes so that anyone can check its
// credentials without asking it: its did:web document and its JWKS, every
// key it ever signed with. The credential adapter fills it.
type IssuerIdentity interface {
	DIDDocument() ([]byte, error)
	JWKS() ([]byte, error)
	// StatusList signs the status list of purpose (revocation,
	// suspension) with the indexes set, valid from validFrom, and says how
	// long a verifier may cache it.
	StatusList(purpose string, set []int, validFrom time.Time) ([]byte, time.Duration, error)
}

// WithIssuer publishes the issuer's keys.
func WithIssuer(i IssuerIdentity) Option { return func(a *App) { a.issuer = i } }

// DIDDocument is the issuer's did.json; anyone may read it.
func (a *App) DIDDocument(ctx context.Context) ([]byte, error) {
	if a.issuer == nil {
		return nil, &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys)"}
	}
	b, err := a.issuer.DIDDocument()
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the issuer's DID document cannot be made", Err: err}
	}
	return b, nil
}

// JWKS is the issuer's jwks.json; anyone may read it.
func (a *App) JWKS(ctx context.Context) ([]byte, error) {
	if a.issuer == nil {
		return nil, &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys)"}
	}
	b, err := a.issuer.JWKS()
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the issuer's JWKS cannot be made", Err: err}
	}
	return b, nil
}

// The status lists' purposes.
var statusPurposes = map[string]bool{ledger.PurposeRevocation: true, ledger.PurposeSuspension: true}

// signedList is a status list as last signed, kept while it is fresh: a
// Data Integrity proof costs milliseconds, and verifiers fetch often.
type signedList struct {
	bits  []int // the indexes set when it was signed
	until time.Time
	body  []byte
	ttl   time.Duration
}

// statusCache holds the signed lists by purpose.
type statusCache struct {
	mu    sync.Mutex
	lists map[string]signedList
}

// StatusList is the signed Bitstring Status List credential of purpose,
// as the ledger's credentials say now, and how long it may be cached;
// anyone may read it. It is signed again when a bit changed or its time to
// live is over.
func (a *App) StatusList(ctx context.Context, purpose string) ([]byte, time.Duration, error) {
	if a.issuer == nil {
		return nil, 0, &Error{Code: CodeNotFound, Message: "this server issues no credentials (no issuer keys)"}
	}
	if !statusPurposes[purpose] {
		return nil, 0, &Error{Code: CodeNotFound, Message: "no status list " + quoteShort(purpose) + " (revocation, suspension)"}
	}
	var set []int
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		set, err = tx.StatusBits(ctx, purpose)
		return storeErr(err, "status list "+purpose)
	})
	if err != nil {
		return nil, 0, err
	}
	now := a.now().UTC()
	a.status.mu.Lock()
	defer a.status.mu.Unlock()
	if c, ok := a.status.lists[purpose]; ok && slices.Equal(c.bits, set) && now.Before(c.until) {
		return c.body, c.until.Sub(now), nil
	}
	body, ttl, err := a.issuer.StatusList(purpose, set, now.Truncate(time.Second))
	if err != nil {
		return nil, 0, &Error{Code: CodeInternal, Message: "the status list cannot be signed", Err: err}
	}
	if a.status.lists == nil {
		a.status.lists = map[string]signedList{}
	}
	a.status.lists[purpose] = signedList{bits: set, until: now.Add(ttl), body: body, ttl: ttl}
	return body, ttl, nil
}
