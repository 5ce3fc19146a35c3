package ledgertest

import (
	"testing"

	"github.com/recert/recert/ledger"
)

func testPreferences(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	get := func(cand string) (ledger.Preferences, error) {
		var p ledger.Preferences
		err := s.View(ctx, func(tx ledger.Tx) (err error) {
			p, err = tx.Preferences(ctx, cand)
			return err
		})
		return p, err
	}
	put := func(p ledger.Preferences) (ledger.Preferences, error) {
		var got ledger.Preferences
		err := s.Update(ctx, func(tx ledger.Tx) (err error) {
			got, err = tx.PutPreferences(ctx, p)
			return err
		})
		return got, err
	}
	_, err := get("c1")
	wantErr(t, "Preferences of a candidate with none", err, ledger.ErrNotFound)
	_, err = put(ledger.Preferences{Candidate: "c1", Channels: []string{"email"}, Rev: 1})
	wantErr(t, "PutPreferences at Rev 1 with none stored", err, ledger.ErrConflict)

	first := ledger.Preferences{Candidate: "c1", Channels: []string{"webhook", "email"}, OptOut: []string{"sitting"}}
	got, err := put(first)
	if err != nil {
		t.Fatalf("first PutPreferences: %v", err)
	}
	first.Rev = 1
	same(t, "PutPreferences' result", first, got)
	stored, err := get("c1")
	if err != nil {
		t.Fatalf("Preferences: %v", err)
	}
	same(t, "Preferences after the first put", first, stored)

	_, err = put(ledger.Preferences{Candidate: "c1", Channels: []string{"email"}})
	wantErr(t, "a second create (Rev 0)", err, ledger.ErrConflict)
	_, err = put(ledger.Preferences{Candidate: "c1", Rev: 2})
	wantErr(t, "PutPreferences at a Rev ahead of the stored one", err, ledger.ErrConflict)

	// Empty lists: no channel at all, nothing opted out.
	second := ledger.Preferences{Candidate: "c1", Rev: 1}
	got, err = put(second)
	if err != nil {
		t.Fatalf("PutPreferences at Rev 1: %v", err)
	}
	second.Rev = 2
	same(t, "PutPreferences' result at Rev 2", second, got)
	stored, err = get("c1")
	if err != nil {
		t.Fatalf("Preferences: %v", err)
	}
	same(t, "Preferences after the second put", second, stored)
	_, err = put(ledger.Preferences{Candidate: "c1", Channels: []string{"email"}, Rev: 1})
	wantErr(t, "PutPreferences at a stale Rev", err, ledger.ErrConflict)
	if _, err := get("c2"); err == nil {
		t.Error("another candidate has c1's preferences")
	}
}
