package ledgertest

import (
	"fmt"
	"testing"

	"github.com/recert/recert/ledger"
)

// signingKey is a key whose sealed and public halves hold bytes a text
// column would mangle (a NUL, invalid UTF-8).
func signingKey(id, alg string, day int) ledger.SigningKey {
	return ledger.SigningKey{ID: id, Alg: alg, Sealed: []byte("sealed\x00\xff" + id), Public: []byte("\x30\x2a\x00" + id),
		CreatedAt: at(day, 6)}
}

func signingKeys(t *testing.T, s ledger.Store) []ledger.SigningKey {
	t.Helper()
	var ks []ledger.SigningKey
	view(t, s, func(tx ledger.Tx) (err error) {
		ks, err = tx.SigningKeys(t.Context())
		return err
	})
	return ks
}

// activeKeys maps each algorithm to its active keys' ids.
func activeKeys(ks []ledger.SigningKey) map[string][]string {
	out := map[string][]string{}
	for _, k := range ks {
		if k.Active {
			out[k.Alg] = append(out[k.Alg], k.ID)
		}
	}
	return out
}

func testSigningKeys(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	// Put out of creation order: SigningKeys sorts by CreatedAt.
	k2, k1, r1 := signingKey("ed-2", "EdDSA", 9), signingKey("ed-1", "EdDSA", 2), signingKey("rs-1", "RS256", 5)
	k1.Active, r1.Active = true, true
	update(t, s, func(tx ledger.Tx) error {
		for _, k := range []ledger.SigningKey{k2, k1, r1} {
			if err := tx.PutSigningKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	got := signingKeys(t, s)
	same(t, "SigningKeys, oldest first", []ledger.SigningKey{k1, r1, k2}, got)
	for _, k := range got {
		inUTC(t, "SigningKey "+k.ID+"'s CreatedAt", k.CreatedAt)
	}
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.PutSigningKey(ctx, signingKey("ed-1", "RS256", 20)) })
	wantErr(t, "PutSigningKey of a taken id", err, ledger.ErrExists)

	// Rotation: the new key signs, the old one stays to verify.
	update(t, s, func(tx ledger.Tx) error { return tx.ActivateSigningKey(ctx, "ed-2") })
	got = signingKeys(t, s)
	if len(got) != 3 {
		t.Fatalf("keys after ActivateSigningKey: %d, want all 3 kept", len(got))
	}
	if a := fmt.Sprint(activeKeys(got)); a != "map[EdDSA:[ed-2] RS256:[rs-1]]" {
		t.Errorf("active keys after activating ed-2: %s, want ed-2 for EdDSA and rs-1 for RS256", a)
	}
	// Activating the active key again changes nothing.
	update(t, s, func(tx ledger.Tx) error { return tx.ActivateSigningKey(ctx, "ed-2") })
	// A key put as Active replaces the active key of its algorithm.
	k3 := signingKey("ed-3", "EdDSA", 12)
	k3.Active = true
	update(t, s, func(tx ledger.Tx) error { return tx.PutSigningKey(ctx, k3) })
	if a := fmt.Sprint(activeKeys(signingKeys(t, s))); a != "map[EdDSA:[ed-3] RS256:[rs-1]]" {
		t.Errorf("active keys after putting ed-3 active: %s, want ed-3 for EdDSA and rs-1 for RS256", a)
	}
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.ActivateSigningKey(ctx, "nope") })
	wantErr(t, "ActivateSigningKey of an unknown id", err, ledger.ErrNotFound)
}
