package app

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// WithVerificationCache keeps what a verification reads of the ledger
// (the credential's record with its status and reason, its holder, the
// holder's other credentials of the certification, the certification's
// rules) for ttl of wall-clock time, so that verifying a credential seen
// within ttl reads nothing: public verification is the busiest route. A
// change this process makes to any credential (a revocation, a suspension,
// a new credential) empties the cache when its write commits, so it shows
// on the next call here; one made by another server on the same database
// shows within ttl, far inside the status list's own ttl that outside
// verifiers cache for. Zero (the default) reads everything on every call.
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
	gen   uint64    // the cache's generation when it was read
}

type verifyCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]verifyContext // candidate + "\x00" + certification
	// creds are credentials' records as read (without their documents),
	// by id, each good while until and gen are current.
	creds map[string]cachedCredential
	// gen counts the credential changes this process committed: an entry
	// read before one is stale, whatever its time.
	gen atomic.Uint64
}

// cachedCredential is a credential's record as a verification read it.
type cachedCredential struct {
	c     ledger.IssuedCredential
	gen   uint64
	until time.Time
}

// changed empties the cache: a write that changed a credential committed.
func (vc *verifyCache) changed() {
	vc.gen.Add(1)
	vc.mu.Lock()
	vc.creds, vc.m = nil, nil
	vc.mu.Unlock()
}

// credential is id's record and context when both are cached and current.
func (vc *verifyCache) credential(id string) (ledger.IssuedCredential, verifyContext, bool) {
	if vc.ttl <= 0 {
		return ledger.IssuedCredential{}, verifyContext{}, false
	}
	now, gen := time.Now(), vc.gen.Load()
	vc.mu.Lock()
	defer vc.mu.Unlock()
	e, ok := vc.creds[id]
	if !ok || e.gen != gen || !now.Before(e.until) {
		return ledger.IssuedCredential{}, verifyContext{}, false
	}
	ctx, ok := vc.m[e.c.Candidate+"\x00"+e.c.Certification]
	if !ok || ctx.gen != gen || !now.Before(ctx.until) || !hasCredential(ctx.chain, id) {
		return ledger.IssuedCredential{}, verifyContext{}, false
	}
	return e.c, ctx, true
}

// remember keeps c's record, read when the cache's generation was gen: a
// change committed since then makes it stale at once.
func (vc *verifyCache) remember(c ledger.IssuedCredential, gen uint64) {
	if vc.ttl <= 0 {
		return
	}
	c.Document, c.JWT = nil, ""
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.creds == nil || len(vc.creds) >= maxVerifyContexts {
		vc.creds = map[string]cachedCredential{}
	}
	vc.creds[c.ID] = cachedCredential{c: c, gen: gen, until: time.Now().Add(vc.ttl)}
}

// verifyContextOf is c's context, from the cache when fresh and when it
// knows c (a credential newer than the cached chain reloads it).
func (a *App) verifyContextOf(ctx context.Context, tx ledger.Tx, c ledger.IssuedCredential) (verifyContext, error) {
	key := c.Candidate + "\x00" + c.Certification
	vc := &a.verifyCache
	// A change committed while this reads leaves what it read stale: it
	// is kept under the generation from before the read, so it is never
	// taken for current.
	gen := vc.gen.Load()
	if vc.ttl > 0 {
		vc.mu.Lock()
		got, ok := vc.m[key]
		vc.mu.Unlock()
		if ok && got.gen == gen && time.Now().Before(got.until) && hasCredential(got.chain, c.ID) {
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
	out := verifyContext{chain: chain, cand: cand, prog: prog, gen: gen}
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
