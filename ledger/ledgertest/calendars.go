package ledgertest

import (
	"testing"

	"github.com/recert/recert/ledger"
)

func testCalendars(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	byHash := func(h string) (ledger.CalendarFeed, error) {
		var f ledger.CalendarFeed
		err := s.View(ctx, func(tx ledger.Tx) (err error) {
			f, err = tx.CalendarFeedByHash(ctx, []byte(h))
			return err
		})
		return f, err
	}
	putFeed := func(f ledger.CalendarFeed) error {
		return s.Update(ctx, func(tx ledger.Tx) error { return tx.PutCalendarFeed(ctx, f) })
	}
	old := ledger.CalendarFeed{Candidate: "c1", Hash: []byte("hash-one\x00\xff"), CreatedAt: at(3, 9)}
	other := ledger.CalendarFeed{Candidate: "c2", Hash: []byte("hash-two"), CreatedAt: at(3, 10)}
	for _, f := range []ledger.CalendarFeed{old, other} {
		if err := putFeed(f); err != nil {
			t.Fatalf("PutCalendarFeed(%s): %v", f.Candidate, err)
		}
	}
	got, err := byHash("hash-one\x00\xff")
	if err != nil {
		t.Fatalf("CalendarFeedByHash: %v", err)
	}
	same(t, "CalendarFeedByHash", old, got)
	inUTC(t, "a feed's CreatedAt", got.CreatedAt)
	_, err = byHash("hash-one")
	wantErr(t, "CalendarFeedByHash of a prefix of a hash", err, ledger.ErrNotFound)

	// A new feed replaces the old: the old URL stops working at once.
	renewed := ledger.CalendarFeed{Candidate: "c1", Hash: []byte("hash-three"), CreatedAt: at(4, 9)}
	if err := putFeed(renewed); err != nil {
		t.Fatalf("PutCalendarFeed replacing c1's: %v", err)
	}
	_, err = byHash("hash-one\x00\xff")
	wantErr(t, "CalendarFeedByHash of a replaced feed", err, ledger.ErrNotFound)
	got, err = byHash("hash-three")
	if err != nil {
		t.Fatalf("CalendarFeedByHash of the new feed: %v", err)
	}
	same(t, "the new feed", renewed, got)
	err = putFeed(ledger.CalendarFeed{Candidate: "c3", Hash: []byte("hash-two"), CreatedAt: at(5, 9)})
	wantErr(t, "PutCalendarFeed with another candidate's hash", err, ledger.ErrExists)

	if err := s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteCalendarFeed(ctx, "c1") }); err != nil {
		t.Fatalf("DeleteCalendarFeed: %v", err)
	}
	_, err = byHash("hash-three")
	wantErr(t, "CalendarFeedByHash of a deleted feed", err, ledger.ErrNotFound)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.DeleteCalendarFeed(ctx, "c1") })
	wantErr(t, "DeleteCalendarFeed of a candidate without one", err, ledger.ErrNotFound)
	if got, err := byHash("hash-two"); err != nil || got.Candidate != "c2" {
		t.Errorf("c2's feed after c1's went: %+v, %v", got, err)
	}
}
