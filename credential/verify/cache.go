package verify

import (
	"crypto/sha256"
	"sync"

	"github.com/recert/recert/credential/statuslist"
)

// Cache keeps what a verifier would otherwise redo on every request for
// the same inputs: decoded status lists (a list changes only when its
// credential is re-issued, so its encoded text is the key) and credentials
// already found valid against the OB 3.0 schema (by the SHA-256 of their
// JSON). Both are bounded; when full they are cleared and refilled.
type Cache struct {
	mu     sync.RWMutex
	lists  map[string]*statuslist.List
	schema map[[32]byte]struct{}
}

// Cache bounds: status lists are few (two per issuer key era); schema
// results cost 32 bytes each.
const (
	maxLists  = 64
	maxSchema = 100_000
)

// NewCache returns an empty cache for a Verifier.
func NewCache() *Cache {
	return &Cache{lists: map[string]*statuslist.List{}, schema: map[[32]byte]struct{}{}}
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

// validated runs check unless body passed it before.
func (c *Cache) validated(body []byte, check func() error) error {
	if c == nil {
		return check()
	}
	sum := sha256.Sum256(body)
	c.mu.RLock()
	_, ok := c.schema[sum]
	c.mu.RUnlock()
	if ok {
		return nil
	}
	if err := check(); err != nil {
		return err
	}
	c.mu.Lock()
	if len(c.schema) >= maxSchema {
		clear(c.schema)
	}
	c.schema[sum] = struct{}{}
	c.mu.Unlock()
	return nil
}
