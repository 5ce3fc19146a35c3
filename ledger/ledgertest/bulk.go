package ledgertest

import (
	"errors"
	"testing"

	"github.com/recert/recert/ledger"
)

// testBulk checks ledger.Bulk where a store offers it: the bulk calls
// store exactly what the one-at-a-time calls store, and all or nothing.
// A store without it is not wrong (Bulk is optional), but nothing is
// checked then, so the test skips rather than pass.
func testBulk(t *testing.T, s ledger.Store) {
	offered := false
	view(t, s, func(tx ledger.Tx) error { _, offered = tx.(ledger.Bulk); return nil })
	if !offered {
		t.Skip("this store's transactions offer no ledger.Bulk (optional: callers fall back to Append and ReplaceView); nothing to check")
	}
	bulk := func(fn func(ledger.Bulk) error) error {
		return s.Update(t.Context(), func(tx ledger.Tx) error { return fn(tx.(ledger.Bulk)) })
	}
	if err := appendEvents(t, s, "b2", 0, event("booked", 1), event("sat", 2)); err != nil {
		t.Fatal(err)
	}
	err := bulk(func(b ledger.Bulk) error {
		return b.AppendStreams(t.Context(), []string{"b1", "b2"}, []int64{0, 2},
			[][]ledger.Event{{event("result", 3)}, {event("booked", 4), event("cancelled", 5)}})
	})
	if err != nil {
		t.Fatalf("AppendStreams: %v", err)
	}
	got1, v1 := stream(t, s, "b1")
	got2, v2 := stream(t, s, "b2")
	same(t, "b1 after AppendStreams", withSeq(1, event("result", 3)), got1)
	same(t, "b2 after AppendStreams", withSeq(1, event("booked", 1), event("sat", 2), event("booked", 4), event("cancelled", 5)), got2)
	if v1 != 1 || v2 != 4 {
		t.Errorf("versions %d and %d, want 1 and 4", v1, v2)
	}
	// One stale version refuses the whole call: b3's events are not kept.
	err = bulk(func(b ledger.Bulk) error {
		return b.AppendStreams(t.Context(), []string{"b3", "b1"}, []int64{0, 0},
			[][]ledger.Event{{event("result", 6)}, {event("result", 7)}})
	})
	wantErr(t, "AppendStreams at a stale version", err, ledger.ErrConflict)
	if _, v := stream(t, s, "b3"); v != 0 {
		t.Errorf("b3 is at version %d after a refused AppendStreams; want nothing stored", v)
	}

	views := []ledger.View{fullView("b1"), fullView("b2")}
	if err := bulk(func(b ledger.Bulk) error { return b.ReplaceViews(t.Context(), views) }); err != nil {
		t.Fatalf("ReplaceViews: %v", err)
	}
	for _, v := range views {
		same(t, "view of "+v.Candidate+" after ReplaceViews", v, readView(t, s, v.Candidate))
	}
	// Replacing again replaces: an empty view clears b1's rows.
	if err := bulk(func(b ledger.Bulk) error { return b.ReplaceViews(t.Context(), []ledger.View{{Candidate: "b1"}}) }); err != nil {
		t.Fatal(err)
	}
	same(t, "view of b1 after an empty ReplaceViews", ledger.View{Candidate: "b1"}, readView(t, s, "b1"))
	// An appointment id another candidate holds is refused, and nothing of the call kept.
	clash := fullView("b4")
	clash.Appointments[0].ID = "b2-a1"
	err = bulk(func(b ledger.Bulk) error { return b.ReplaceViews(t.Context(), []ledger.View{fullView("b5"), clash}) })
	if !errors.Is(err, ledger.ErrExists) {
		t.Errorf("ReplaceViews with another candidate's appointment id: %v, want ErrExists", err)
	}
	same(t, "view of b5 after a refused ReplaceViews", ledger.View{Candidate: "b5"}, readView(t, s, "b5"))
}
