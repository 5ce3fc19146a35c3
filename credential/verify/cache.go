package verify

import (
	"crypto"
	"crypto/ed25519"
	"sync"

	"github.com/recert/recert/credential/statuslist"
)

// Cache keeps what a verifier would otherwise redo on every request for
// the same inputs:
//
//   - decoded status lists, keyed by their encoded text itself (a list
//     changes only when its credential is re-issued, and a changed list is
//     a different key, so a stale decoding is never used);
//   - credentials already found valid against the OB 3.0 schema, with the
//     members the checks read, keyed by the SHA-256 of their exact JSON
//     (so a body changed by one byte is decoded and validated afresh);
//   - VC-JWTs whose header, signature and payload verified, keyed by the
//     SHA-256 of the exact token, with the key their kid resolved to (the
//     kid is resolved again on every call, and a withdrawn or replaced
//     key stops a remembered token verifying);
//   - Data Integrity documents whose proof verified, keyed by the SHA-256
//     of their exact bytes, with the keys their verification methods
//     resolved to: the verification is a pure function of the document
//     and those keys (the contexts are embedded), so when every method
//     still resolves to the same key the answer is the same, and when one
//     does not the proof is checked afresh.
//
// What depends on the caller or the clock (the issuer's trust, the key
// resolution, the dates, the status bits) is checked on every call. Each
// part is bounded; when full it is cleared and refilled.
type Cache struct {
	mu     sync.RWMutex
	lists  map[string]*statuslist.List
	heads  map[[32]byte]*head
	proofs map[[32]byte]proofKeys
	jwts   map[[32]byte]jwtVerdict
}

// Cache bounds: status lists are few (two per issuer key era); a head
// holds the parsed credentialStatus (about 1 KiB); a token sum is 32
// bytes.
const (
	maxLists  = 64
	maxHeads  = 20_000
	maxTokens = 100_000
)

// NewCache returns an empty cache for a Verifier.
func NewCache() *Cache {
	return &Cache{lists: map[string]*statuslist.List{}, heads: map[[32]byte]*head{}, proofs: map[[32]byte]proofKeys{}}
}

// decode is statuslist.Decode, once per encoded list.
func (c *Cache) decode(encoded string) (*statuslist.List, error) {
	if c == nil {
		return statuslist.Decode(encoded)
	}
	c.mu.RLock()
	l, ok := c.lists[encoded]
	c.mu.RUnlock()
	if ok {
		return l, nil
	}
	l, err := statuslist.Decode(encoded)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.lists) >= maxLists {
		clear(c.lists)
	}
	c.lists[encoded] = l
	c.mu.Unlock()
	return l, nil
}

// validHead returns the head of the body whose SHA-256 is sum, if that
// body passed the schema check before. The head is shared: read only.
func (c *Cache) validHead(sum [32]byte) (*head, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	h, ok := c.heads[sum]
	c.mu.RUnlock()
	return h, ok
}

// rememberValid records that the body whose SHA-256 is sum passed the
// schema check, with its decoded head.
func (c *Cache) rememberValid(sum [32]byte, h *head) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.heads) >= maxHeads {
		clear(c.heads)
	}
	c.heads[sum] = h
	c.mu.Unlock()
}

// proofKeys are the verification methods a Data Integrity proof check
// resolved, in order, with the Ed25519 keys they resolved to.
type proofKeys struct {
	vms  []string
	keys []ed25519.PublicKey
}

// provenDocument returns the keys under which the document whose SHA-256
// is sum verified before.
func (c *Cache) provenDocument(sum [32]byte) (proofKeys, bool) {
	if c == nil {
		return proofKeys{}, false
	}
	c.mu.RLock()
	p, ok := c.proofs[sum]
	c.mu.RUnlock()
	return p, ok
}

// rememberProof records that the document whose SHA-256 is sum verified
// under the keys p.
func (c *Cache) rememberProof(sum [32]byte, p proofKeys) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.proofs) >= maxTokens {
		clear(c.proofs)
	}
	c.proofs[sum] = p
	c.mu.Unlock()
}

// jwtVerdict is a VC-JWT whose header, signature and payload verified:
// its kid, the key that kid resolved to then, and its payload. Keyed by
// the SHA-256 of the exact token, it lets a token seen before skip its
// parsing as well as its signature, as long as the kid still resolves to
// that same key (checked on every call, so a withdrawn or replaced key
// stops it verifying).
type jwtVerdict struct {
	kid    string
	key    crypto.PublicKey
	body   []byte
	detail string
}

// knownJWT is the verdict of the token whose SHA-256 is sum, if any.
func (c *Cache) knownJWT(sum [32]byte) (jwtVerdict, bool) {
	c.mu.RLock()
	e, ok := c.jwts[sum]
	c.mu.RUnlock()
	return e, ok
}

// rememberJWT records a token's verdict.
func (c *Cache) rememberJWT(sum [32]byte, e jwtVerdict) {
	c.mu.Lock()
	if c.jwts == nil || len(c.jwts) >= maxHeads {
		c.jwts = map[[32]byte]jwtVerdict{}
	}
	c.jwts[sum] = e
	c.mu.Unlock()
}

// sameKey says whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && b != nil && k.Equal(b)
}
