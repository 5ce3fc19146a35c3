// Package resolve is what a verifier outside recert needs around
// credential/verify: the issuer's did:web document and the status lists a
// credential names, fetched over the network (bounded) into a cache
// directory, and read back from it offline. Trust is on first fetch: an
// issuer is trusted when its DID document is in the cache.
package resolve

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"github.com/recert/recert/credential/ob"
	"sync"
	"time"

	"github.com/recert/recert/credential/verify"
)

// Resolver verifies credentials against a Cache, refreshing it from the
// network first when Online. One Resolver serves one run: it fetches each
// document at most once, however many credentials name it.
type Resolver struct {
	Cache Cache
	// Online fetches each DID document and status list before it is used
	// (and caches it); offline, only the cache is read.
	Online  bool
	Fetcher *Fetcher
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// ExpiringWithin is verify.Verifier's.
	ExpiringWithin time.Duration
	// Hint ends the message for a document the cache lacks: what the user
	// should do ("run recert verify --fetch").
	Hint string

	mu      sync.Mutex
	tried   map[string]error // kind+" "+id fetched this run, and how that went
	docs    map[string]*Document
	lists   map[string]map[string]any
	listAge map[string]Entry
}

// ClockSkew is how far ahead of this machine's clock the publisher's may
// be: a list signed just now says validFrom the publisher's second, which
// may be later than the instant a verification began.
const ClockSkew = time.Minute

// Report is one credential's verification, with what the caller should
// know beside the result: the certification and holder it names, and
// warnings (a status list used past its ttl).
type Report struct {
	verify.Result
	Certification string   `json:"certification,omitempty"`
	Holder        string   `json:"holder,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Resolver) hint() string {
	if r.Hint != "" {
		return r.Hint
	}
	return "fetch it first"
}

// Trust fetches did's document into the cache, whether or not the
// Resolver is online: from then on the issuer is trusted.
func (r *Resolver) Trust(ctx context.Context, did string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.docs, did)
	return r.fetchDID(ctx, did)
}

// Verify checks one credential (either form) as of Now.
func (r *Resolver) Verify(ctx context.Context, input []byte) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := r.now()
	var rep Report
	var missing error // why a signer's document could not be had
	issuer := ""
	v := verify.Verifier{
		ExpiringWithin: r.ExpiringWithin,
		Key: func(vm string) (crypto.PublicKey, error) {
			// verify.Verifier refuses a key of any DID but the issuer's.
			doc, err := r.document(ctx, DIDOf(vm))
			if err != nil {
				missing = err
				return nil, err
			}
			return doc.Key(vm)
		},
		Trusted: func(id string) bool {
			issuer = id
			_, err := r.document(ctx, id)
			return err == nil
		},
		StatusList: func(url string) (map[string]any, error) {
			m, warn, err := r.statusList(ctx, url, issuer, at)
			if warn != "" {
				rep.Warnings = append(rep.Warnings, warn)
			}
			return m, err
		},
	}
	rep.Result = v.Verify(input, at)
	res := &rep.Result
	if missing != nil && len(res.Checks) > 0 {
		// The key could not be looked up because its issuer's document
		// is not cached (or could not be fetched): that is the issuer
		// check failing, not the signature.
		last := &res.Checks[len(res.Checks)-1]
		if last.Name == verify.CheckSignature && !last.OK {
			detail := "the issuer's DID document: " + missing.Error()
			if errors.Is(missing, ErrNotCached) {
				detail = "unknown issuer: " + missing.Error()
			}
			*last = verify.Check{Name: verify.CheckIssuer, Detail: detail}
		}
	}
	if len(res.Body) > 0 {
		d := ob.Describe(res.Body)
		rep.Certification, rep.Holder = d.Certification, d.Holder
	}
	return rep
}

// document is did's parsed document: fetched first when online, else
// from the cache.
func (r *Resolver) document(ctx context.Context, did string) (*Document, error) {
	if d, ok := r.docs[did]; ok {
		return d, nil
	}
	if r.Online {
		key := KindDID + " " + did
		if _, done := r.tried[key]; !done {
			r.remember(key, r.fetchDID(ctx, did))
		}
		if err := r.tried[key]; err != nil {
			return nil, err
		}
	}
	e, err := r.Cache.Get(KindDID, did)
	if errors.Is(err, ErrNotCached) {
		return nil, fmt.Errorf("the DID document of %s is not in the cache %s; %s: %w", did, r.Cache.Dir, r.hint(), ErrNotCached)
	}
	if err != nil {
		return nil, err
	}
	d, err := ParseDocument(did, []byte(e.Body))
	if err != nil {
		return nil, err
	}
	if r.docs == nil {
		r.docs = map[string]*Document{}
	}
	r.docs[did] = d
	return d, nil
}

func (r *Resolver) remember(key string, err error) {
	if r.tried == nil {
		r.tried = map[string]error{}
	}
	r.tried[key] = err
}

// fetchDID fetches did's document, and caches it if it is did's.
func (r *Resolver) fetchDID(ctx context.Context, did string) error {
	url, err := DocumentURL(did)
	if err != nil {
		return err
	}
	f, err := r.fetcher().Get(ctx, url)
	if err != nil {
		return err
	}
	if _, err := ParseDocument(did, f.Body); err != nil {
		return err
	}
	return r.Cache.Put(Entry{Kind: KindDID, ID: did, URL: url, FetchedAt: r.now(), TTLSeconds: int64(f.MaxAge / time.Second), Body: string(f.Body)})
}

func (r *Resolver) fetcher() *Fetcher {
	if r.Fetcher != nil {
		return r.Fetcher
	}
	return &Fetcher{}
}

// listVerifier checks a status list's proof with issuer's keys only.
func (r *Resolver) listVerifier(ctx context.Context, issuer string) verify.Verifier {
	return verify.Verifier{Key: func(vm string) (crypto.PublicKey, error) {
		if DIDOf(vm) != issuer {
			return nil, fmt.Errorf("%s is not a key of the issuer %s", vm, issuer)
		}
		d, err := r.document(ctx, issuer)
		if err != nil {
			return nil, err
		}
		return d.Key(vm)
	}}
}

// statusList is the list at url, issued by issuer: fetched and checked
// first when online, else from the cache, its proof checked again. A list
// past its ttl is still used, with a warning saying how old it is.
func (r *Resolver) statusList(ctx context.Context, url, issuer string, at time.Time) (map[string]any, string, error) {
	key := KindStatusList + " " + url
	if r.Online {
		if _, done := r.tried[key]; !done {
			r.remember(key, r.fetchList(ctx, url, issuer))
		}
		if err := r.tried[key]; err != nil {
			return nil, "", err
		}
	}
	if m, ok := r.lists[key]; ok && r.listAge[key].Issuer == issuer {
		return m, r.staleness(r.listAge[key], at), nil
	}
	e, err := r.Cache.Get(KindStatusList, url)
	if errors.Is(err, ErrNotCached) {
		return nil, "", fmt.Errorf("not in the cache %s; %s", r.Cache.Dir, r.hint())
	}
	if err != nil {
		return nil, "", err
	}
	if e.Issuer != issuer {
		return nil, "", fmt.Errorf("cached as a list of %s, not of the issuer %s", e.Issuer, issuer)
	}
	m, err := r.listVerifier(ctx, issuer).StatusListCredential([]byte(e.Body), issuer, at.Add(ClockSkew))
	if err != nil {
		return nil, "", fmt.Errorf("the cached copy: %w", err)
	}
	if r.lists == nil {
		r.lists, r.listAge = map[string]map[string]any{}, map[string]Entry{}
	}
	r.lists[key], r.listAge[key] = m, e
	return m, r.staleness(e, at), nil
}

// staleness is the warning for a list used past its ttl, or "".
func (r *Resolver) staleness(e Entry, at time.Time) string {
	if !e.Stale(at) {
		return ""
	}
	age := at.Sub(e.FetchedAt).Truncate(time.Second)
	return fmt.Sprintf("status list %s was fetched %s ago (%s), past its ttl of %s: a revocation or suspension since then does not show; %s",
		e.ID, age, e.FetchedAt.Format(time.RFC3339), e.TTL(), r.hint())
}

// fetchList fetches the list at url and caches it only once its proof,
// issuer and dates hold.
func (r *Resolver) fetchList(ctx context.Context, url, issuer string) error {
	f, err := r.fetcher().Get(ctx, url)
	if err != nil {
		return err
	}
	now := r.now()
	m, err := r.listVerifier(ctx, issuer).StatusListCredential(f.Body, issuer, now.Add(ClockSkew))
	if err != nil {
		return fmt.Errorf("fetched from %s: %w", url, err)
	}
	if id, _ := m["id"].(string); id != url {
		return fmt.Errorf("fetched from %s: the list names itself %q", url, id)
	}
	ttl := f.MaxAge
	if sub, ok := m["credentialSubject"].(map[string]any); ok {
		if ms, ok := sub["ttl"].(float64); ok && ms > 0 {
			if d := time.Duration(ms) * time.Millisecond; ttl == 0 || d < ttl {
				ttl = d
			}
		}
	}
	delete(r.lists, KindStatusList+" "+url)
	return r.Cache.Put(Entry{Kind: KindStatusList, ID: url, URL: url, Issuer: issuer, FetchedAt: now,
		TTLSeconds: int64(ttl / time.Second), Body: string(f.Body)})
}
