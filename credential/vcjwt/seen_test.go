package vcjwt

import (
	"crypto"
	"crypto/ed25519"
	"sync"
	"testing"
)

// mapSeen is the simplest Seen: every sum, kept forever, with a count of
// the hits so tests can tell a skipped signature check from a real one.
type mapSeen struct {
	mu   sync.Mutex
	sums map[[32]byte]bool
	hits int
}

var _ Seen = (*mapSeen)(nil)

func newSeen() *mapSeen { return &mapSeen{sums: map[[32]byte]bool{}} }

func (m *mapSeen) Verified(sum [32]byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sums[sum] {
		m.hits++
	}
	return m.sums[sum]
}

func (m *mapSeen) Remember(sum [32]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sums[sum] = true
}

// TestVerifySeenSkipsOnlyTheSameToken: the second verification of a token
// is answered from Seen with the same credential and header; a refused
// token is never remembered.
func TestVerifySeenSkipsOnlyTheSameToken(t *testing.T) {
	cred := credential(t)
	for _, k := range []struct {
		key crypto.Signer
		kid string
	}{{edKey(), edKid}, {rsaKey(), rsaKid}} {
		token, err := Sign(cred, k.key, k.kid)
		if err != nil {
			t.Fatal(err)
		}
		seen := newSeen()
		first, h1, err := VerifySeen(token, resolver(nil), seen)
		if err != nil {
			t.Fatal(err)
		}
		second, h2, err := VerifySeen(token, resolver(nil), seen)
		if err != nil || string(first) != string(second) || h1 != h2 || string(first) != string(cred) {
			t.Fatalf("%s: second verification differs: %v", k.kid, err)
		}
		if seen.hits != 1 || len(seen.sums) != 1 {
			t.Errorf("%s: %d hits, %d sums; want 1 and 1", k.kid, seen.hits, len(seen.sums))
		}
		bad := token[:len(token)-3] + "AAA"
		if _, _, err := VerifySeen(bad, resolver(nil), seen); err == nil {
			t.Fatalf("%s: tampered signature accepted", k.kid)
		}
		if len(seen.sums) != 1 {
			t.Errorf("%s: a refused token was remembered", k.kid)
		}
	}
}

// TestVerifySeenFollowsTheResolver: a remembered token stops verifying
// when its kid resolves to another key (a key replaced in the issuer's
// document) or to none (a key withdrawn), because the key is part of the
// remembered sum and the resolver is asked every time.
func TestVerifySeenFollowsTheResolver(t *testing.T) {
	token, err := Sign(credential(t), edKey(), edKid)
	if err != nil {
		t.Fatal(err)
	}
	seen := newSeen()
	if _, _, err := VerifySeen(token, resolver(nil), seen); err != nil {
		t.Fatal(err)
	}
	other := ed25519.NewKeyFromSeed(make([]byte, 32)).Public()
	_, _, err = VerifySeen(token, resolver(map[string]crypto.PublicKey{edKid: other}), seen)
	wantReason(t, err, ErrSignature)
	_, _, err = VerifySeen(token, func(string) (crypto.PublicKey, error) { return nil, nil }, seen)
	wantReason(t, err, ErrUnknownKey)
	if seen.hits != 0 {
		t.Errorf("%d hits for a token whose key changed", seen.hits)
	}
}
