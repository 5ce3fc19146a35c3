package app

import (
	"context"
	"sync"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// WithVerificationCache keeps what a verification reads besides the
// credential's own record (its holder, the holder's other credentials of
// the certification, the certification's rules) for ttl of wall-clock
// time, so that a verification is one indexed read of the ledger: public
// verification is the busiest route and must not cost four queries. The
// credential's own record (its status and reason) is always read fresh,
// so a revocation or suspension shows on the next call; a renewal, a
// renamed holder or a new program version shows within ttl. Zero (the
// default) reads everything on every call.
func WithVerificationCache(ttl time.Duration) Option {
	return func(a *App) { a.verifyCache.ttl = ttl }
}

// maxVerifyContexts bounds the cache; when full it is cleared and refilled.
const maxVerifyContexts = 10_000

// verifyContext is what a verification joins besides the credential.
type verifyContext struct {
	chain []ledger.IssuedCredential // without their documents
	cand  ledger.Candidate
	prog  *policy.Program
	cert  policy.Certification
	until time.Time // wall clock
}

type verifyCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]verifyContext // candidate + "\x00" + certification
}

// verifyContextOf is c's context, from the cache when fresh and when it
// knows c (a credential newer than the cached chain reloads it).
func (a *App) verifyContextOf(ctx context.Context, tx ledger.Tx, c ledger.IssuedCredential) (verifyContext, error) {
	key := c.Candidate + "\x00" + c.Certification
	vc := &a.verifyCache
	if vc.ttl > 0 {
		vc.mu.Lock()
		got, ok := vc.m[key]
		vc.mu.Unlock()
		if ok && time.Now().Before(got.until) && hasCredential(got.chain, c.ID) {
			return got, nil
		}
	}
	chain, err := tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: c.Candidate, Certification: c.Certification}, ledger.Page{Limit: 500})
	if err != nil {
		return verifyContext{}, storeErr(err, "credentials of "+c.Candidate)
	}
	for i := range chain {
		chain[i].Document, chain[i].JWT = nil, ""
	}
	cand, err := tx.Candidate(ctx, c.Candidate)
	if err != nil {
		return verifyContext{}, storeErr(err, "candidate "+c.Candidate)
	}
	prog, err := a.program(ctx, tx, cand.Program)
	if err != nil {
		return verifyContext{}, err
	}
	out := verifyContext{chain: chain, cand: cand, prog: prog}
	if cc, ok := prog.Certification(c.Certification); ok {
		out.cert = *cc
	}
	if vc.ttl > 0 {
		out.until = time.Now().Add(vc.ttl)
		vc.mu.Lock()
		if vc.m == nil || len(vc.m) >= maxVerifyContexts {
			vc.m = map[string]verifyContext{}
		}
		vc.m[key] = out
		vc.mu.Unlock()
	}
	return out, nil
}

func hasCredential(chain []ledger.IssuedCredential, id string) bool {
	for _, c := range chain {
		if c.ID == id {
			return true
		}
	}
	return false
}
