package ledgertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/recert/recert/ledger"
)

// event is a stream entry as the app would write it; Seq is left to the
// store.
func event(typ string, day int) ledger.Event {
	return ledger.Event{
		Type:       typ,
		Data:       json.RawMessage(fmt.Sprintf(`{"exam": "SAA-C03", "day": %d, "nested": {"b": [1, 2], "a": null}}`, day)),
		RecordedAt: at(day, 9),
		Program:    "aws@2026.1",
		Decision:   json.RawMessage(`{"allowed": true, "rule": "retake-wait"}`),
	}
}

// withSeq is events numbered from first, as Stream should return them.
func withSeq(first int64, events ...ledger.Event) []ledger.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Seq = first + int64(i)
	}
	return out
}

func stream(t *testing.T, s ledger.Store, candidate string) ([]ledger.Event, int64) {
	t.Helper()
	var events []ledger.Event
	var version int64
	view(t, s, func(tx ledger.Tx) (err error) {
		events, version, err = tx.Stream(t.Context(), candidate)
		return err
	})
	return events, version
}

func appendEvents(t *testing.T, s ledger.Store, candidate string, expected int64, events ...ledger.Event) error {
	t.Helper()
	return s.Update(t.Context(), func(tx ledger.Tx) error {
		return tx.Append(t.Context(), candidate, expected, events)
	})
}

func testAppend(t *testing.T, s ledger.Store) {
	events, version := stream(t, s, "c1")
	if len(events) != 0 || version != 0 {
		t.Fatalf("Stream of a new candidate = %d events, version %d; want none, 0", len(events), version)
	}

	first := []ledger.Event{event("booked", 1), event("sat", 2)}
	first[0].Seq, first[1].Seq = 99, 7 // the store assigns Seq, whatever the caller says
	if err := appendEvents(t, s, "c1", 0, first...); err != nil {
		t.Fatalf("Append at 0: %v", err)
	}
	if first[0].Seq != 99 || first[1].Seq != 7 {
		t.Errorf("Append changed the caller's events: Seq %d, %d", first[0].Seq, first[1].Seq)
	}
	third := event("result", 3)
	third.Decision = nil // an event may carry no decision
	if err := appendEvents(t, s, "c1", 2, third); err != nil {
		t.Fatalf("Append at 2: %v", err)
	}
	if err := appendEvents(t, s, "c2", 0, event("booked", 4)); err != nil {
		t.Fatalf("Append to another stream at 0: %v", err)
	}
	if err := appendEvents(t, s, "c1", 3); err != nil {
		t.Fatalf("Append of no events at the current version: %v", err)
	}

	events, version = stream(t, s, "c1")
	if version != 3 {
		t.Errorf("version of c1 = %d, want 3", version)
	}
	same(t, "stream c1", withSeq(1, event("booked", 1), event("sat", 2), third), events)
	for _, e := range events {
		if !e.RecordedAt.Equal(at(int(e.Seq), 9)) {
			t.Errorf("event %d RecordedAt = %v, want %v", e.Seq, e.RecordedAt, at(int(e.Seq), 9))
		}
	}
	events, version = stream(t, s, "c2")
	if version != 1 {
		t.Errorf("version of c2 = %d, want 1", version)
	}
	same(t, "stream c2", withSeq(1, event("booked", 4)), events)
}

func testStaleVersion(t *testing.T, s ledger.Store) {
	if err := appendEvents(t, s, "c1", 0, event("booked", 1), event("sat", 2)); err != nil {
		t.Fatalf("Append at 0: %v", err)
	}
	for _, expected := range []int64{0, 1, 3, 10} {
		err := appendEvents(t, s, "c1", expected, event("result", 3))
		wantErr(t, fmt.Sprintf("Append at %d to a stream at 2", expected), err, ledger.ErrConflict)
	}
	if err := appendEvents(t, s, "new", 1, event("booked", 1)); !errors.Is(err, ledger.ErrConflict) {
		t.Errorf("Append at 1 to an empty stream: got %v, want ErrConflict", err)
	}
	events, version := stream(t, s, "c1")
	if version != 2 || len(events) != 2 {
		t.Fatalf("after stale appends: %d events, version %d; want 2, 2", len(events), version)
	}
	if _, version := stream(t, s, "new"); version != 0 {
		t.Errorf("stale append to an empty stream wrote: version %d", version)
	}
}

// testConcurrentAppend has appenders that all read version 0 race to
// append: one wins, the others get ErrConflict, and only the winner's event
// is in the stream.
func testConcurrentAppend(t *testing.T, s ledger.Store) {
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(t.Context(), func(tx ledger.Tx) error {
				return tx.Append(t.Context(), "c1", 0, []ledger.Event{event(fmt.Sprintf("writer-%d", i), 1)})
			})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both appended at version 0", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, ledger.ErrConflict):
			t.Fatalf("writer %d: got %v, want nil or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer appended")
	}
	events, version := stream(t, s, "c1")
	if version != 1 || len(events) != 1 || events[0].Type != fmt.Sprintf("writer-%d", winner) {
		t.Fatalf("stream after the race: version %d, events %+v; want writer-%d's event alone", version, events, winner)
	}
}

func testStreamIDs(t *testing.T, s ledger.Store) {
	for _, id := range []string{"c03", "c01", "c05", "c02", "c04"} {
		if err := appendEvents(t, s, id, 0, event("booked", 1)); err != nil {
			t.Fatalf("Append to %s: %v", id, err)
		}
	}
	if err := appendEvents(t, s, "c01", 1, event("sat", 2)); err != nil {
		t.Fatalf("Append to c01: %v", err)
	}
	// A candidate record without events has no stream.
	update(t, s, func(tx ledger.Tx) error {
		return tx.CreateCandidate(t.Context(), ledger.Candidate{ID: "c00", Name: "No Events", CreatedAt: at(1, 8)})
	})
	for _, tc := range []struct {
		after string
		limit int
		want  []string
	}{
		{"", 2, []string{"c01", "c02"}},
		{"c02", 2, []string{"c03", "c04"}},
		{"c04", 2, []string{"c05"}},
		{"c05", 2, nil},
		{"c025", 1, []string{"c03"}},
		{"", 0, []string{"c01", "c02", "c03", "c04", "c05"}},
	} {
		var got []string
		view(t, s, func(tx ledger.Tx) (err error) {
			got, err = tx.StreamIDs(t.Context(), tc.after, tc.limit)
			return err
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("StreamIDs(%q, %d) = %q, want %q", tc.after, tc.limit, got, tc.want)
		}
	}
}
