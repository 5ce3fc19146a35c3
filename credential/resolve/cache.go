package resolve

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The kinds of document a Cache keeps.
const (
	KindDID        = "did"
	KindStatusList = "status-list"
)

// Entry is one cached document: what it is, where and when it was
// fetched, how long its publisher said it stays fresh, and its bytes as
// fetched (a proof is checked over them again when read).
type Entry struct {
	Kind string `json:"kind"`
	// ID is the DID, or the status list credential's URL.
	ID  string `json:"id"`
	URL string `json:"url"`
	// Issuer is the DID a status list was checked against.
	Issuer    string    `json:"issuer,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
	// TTLSeconds is how long the entry is fresh after FetchedAt.
	TTLSeconds int64  `json:"ttl_seconds"`
	Body       string `json:"body"`
}

// TTL is the entry's ttl.
func (e Entry) TTL() time.Duration { return time.Duration(e.TTLSeconds) * time.Second }

// Stale says whether the entry is past its ttl at now.
func (e Entry) Stale(now time.Time) bool { return !now.Before(e.FetchedAt.Add(e.TTL())) }

// Cache is a directory of entries, one file each under did/ and
// status-list/, written whole (a temporary file renamed), so a reader
// never sees half an entry and two runs at once leave one or the other.
type Cache struct{ Dir string }

// ErrNotCached is what Get answers for a document the cache does not hold.
var ErrNotCached = errors.New("not in the cache")

// path is the entry's file: a readable stem and a hash of the id, so
// ids that clean up alike do not share a file.
func (c Cache) path(kind, id string) string {
	var stem strings.Builder
	for _, r := range id {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			stem.WriteRune(r)
		} else {
			stem.WriteByte('_')
		}
		if stem.Len() >= 80 {
			break
		}
	}
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(c.Dir, kind, stem.String()+"-"+hex.EncodeToString(sum[:6])+".json")
}

// Get reads the entry of kind and id; ErrNotCached when there is none.
func (c Cache) Get(kind, id string) (Entry, error) {
	p := c.path(kind, id)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, fmt.Errorf("resolve: %s %s: %w", kind, id, ErrNotCached)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("resolve: reading the cache: %w", err)
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return Entry{}, fmt.Errorf("resolve: cache file %s: %w", p, err)
	}
	if e.Kind != kind || e.ID != id {
		return Entry{}, fmt.Errorf("resolve: cache file %s holds %s %s, not %s %s", p, e.Kind, e.ID, kind, id)
	}
	return e, nil
}

// Put writes e, replacing what was cached for its kind and id.
func (c Cache) Put(e Entry) error {
	if e.Kind != KindDID && e.Kind != KindStatusList {
		return fmt.Errorf("resolve: cache: unknown kind %q", e.Kind)
	}
	p := c.path(e.Kind, e.ID)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("resolve: cache: %w", err)
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("resolve: cache %s: %w", e.ID, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".entry-*")
	if err != nil {
		return fmt.Errorf("resolve: cache: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("resolve: cache %s: %w", e.ID, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("resolve: cache %s: %w", e.ID, err)
	}
	return nil
}
