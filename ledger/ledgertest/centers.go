package ledgertest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

func center(id string, seats int) ledger.Center {
	return ledger.Center{ID: id, Name: "Center " + id, TimeZone: "Asia/Kolkata", Seats: seats, CreatedAt: at(1, 6)}
}

func getCenter(t *testing.T, s ledger.Store, id string) (ledger.Center, error) {
	t.Helper()
	var c ledger.Center
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		c, err = tx.Center(t.Context(), id)
		return err
	})
	return c, err
}

func testCenters(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	c := center("x1", 12)
	c.Rev = 9 // ignored: a new record is at Rev 1
	online := center("online", 500)
	online.Online = true
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateCenter(ctx, c); err != nil {
			return err
		}
		return tx.CreateCenter(ctx, online)
	})
	err := s.Update(ctx, func(tx ledger.Tx) error { return tx.CreateCenter(ctx, center("x1", 1)) })
	wantErr(t, "CreateCenter of a taken id", err, ledger.ErrExists)
	_, err = getCenter(t, s, "nope")
	wantErr(t, "Center of an unknown id", err, ledger.ErrNotFound)

	got, err := getCenter(t, s, "x1")
	if err != nil {
		t.Fatalf("Center: %v", err)
	}
	c.Rev = 1
	same(t, "created center", c, got)
	got, _ = getCenter(t, s, "online")
	online.Rev = 1
	same(t, "created online center", online, got)

	changed := c
	changed.Name, changed.TimeZone, changed.Online, changed.Seats = "Renamed", "Europe/Paris", true, 20
	var updated ledger.Center
	update(t, s, func(tx ledger.Tx) (err error) {
		updated, err = tx.UpdateCenter(ctx, changed)
		return err
	})
	changed.Rev = 2
	same(t, "UpdateCenter result", changed, updated)
	got, _ = getCenter(t, s, "x1")
	same(t, "center after update", changed, got)

	stale := changed
	stale.Rev, stale.Seats = 1, 3
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateCenter(ctx, stale); return err })
	wantErr(t, "UpdateCenter at a stale Rev", err, ledger.ErrConflict)
	got, _ = getCenter(t, s, "x1")
	same(t, "center after a stale update", changed, got)
	err = s.Update(ctx, func(tx ledger.Tx) error { _, err := tx.UpdateCenter(ctx, center("nope", 1)); return err })
	wantErr(t, "UpdateCenter of an unknown id", err, ledger.ErrNotFound)
}

func testListCenters(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		for _, id := range shuffledIDs {
			if err := tx.CreateCenter(ctx, center(id, 5)); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(p ledger.Page) (ids []string, err error) {
		err = s.View(ctx, func(tx ledger.Tx) error {
			cs, err := tx.ListCenters(ctx, p)
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return err
		})
		return ids, err
	}
	got := pages(t, 2, list)
	want := [][]string{{"c1", "c2"}, {"c3", "c4"}, {"c5", "c6"}, {"c7"}, nil}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ListCenters pages of 2 = %q, want %q", got, want)
	}
	if all, _ := list(ledger.Page{}); len(all) != len(shuffledIDs) {
		t.Errorf("ListCenters with no limit = %q, want all %d", all, len(shuffledIDs))
	}
}

func reserve(t *testing.T, s ledger.Store, center string, slot time.Time) error {
	t.Helper()
	return s.Update(t.Context(), func(tx ledger.Tx) error { return tx.ReserveSeat(t.Context(), center, slot) })
}

func release(t *testing.T, s ledger.Store, center string, slot time.Time) {
	t.Helper()
	update(t, s, func(tx ledger.Tx) error { return tx.ReleaseSeat(t.Context(), center, slot) })
}

func taken(t *testing.T, s ledger.Store, center string, slot time.Time) int {
	t.Helper()
	var n int
	view(t, s, func(tx ledger.Tx) (err error) {
		n, err = tx.SeatsTaken(t.Context(), center, slot)
		return err
	})
	return n
}

func testSeats(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateCenter(ctx, center("x1", 3)); err != nil {
			return err
		}
		return tx.CreateCenter(ctx, center("x2", 3))
	})
	slot, other := at(10, 9), at(10, 13)
	for i := range 3 {
		if err := reserve(t, s, "x1", slot); err != nil {
			t.Fatalf("ReserveSeat %d of 3: %v", i+1, err)
		}
	}
	wantErr(t, "ReserveSeat 4 of 3", reserve(t, s, "x1", slot), ledger.ErrFull)
	// The same instant written in UTC is the same slot.
	wantErr(t, "ReserveSeat of the full slot named in UTC", reserve(t, s, "x1", slot.UTC()), ledger.ErrFull)
	if n := taken(t, s, "x1", slot); n != 3 {
		t.Errorf("SeatsTaken of the full slot = %d, want 3", n)
	}
	if n := taken(t, s, "x1", other); n != 0 {
		t.Errorf("SeatsTaken of a slot never reserved = %d, want 0", n)
	}
	if err := reserve(t, s, "x1", other); err != nil {
		t.Errorf("ReserveSeat in another slot: %v", err)
	}
	if err := reserve(t, s, "x2", slot); err != nil {
		t.Errorf("ReserveSeat at another center: %v", err)
	}
	wantErr(t, "ReserveSeat at an unknown center", reserve(t, s, "nope", slot), ledger.ErrNotFound)

	release(t, s, "x1", slot.UTC())
	if n := taken(t, s, "x1", slot); n != 2 {
		t.Errorf("SeatsTaken after ReleaseSeat = %d, want 2", n)
	}
	if err := reserve(t, s, "x1", slot); err != nil {
		t.Errorf("ReserveSeat of the released seat: %v", err)
	}
	release(t, s, "x2", other) // nothing taken there: no error, no negative count
	if n := taken(t, s, "x2", other); n != 0 {
		t.Errorf("SeatsTaken after releasing an empty slot = %d, want 0", n)
	}

	// More seats at the center give the slot more room.
	c, err := getCenter(t, s, "x1")
	if err != nil {
		t.Fatalf("Center: %v", err)
	}
	c.Seats = 4
	update(t, s, func(tx ledger.Tx) error { _, err := tx.UpdateCenter(ctx, c); return err })
	if err := reserve(t, s, "x1", slot); err != nil {
		t.Errorf("ReserveSeat after raising Seats to 4: %v", err)
	}
	wantErr(t, "ReserveSeat 5 of 4", reserve(t, s, "x1", slot), ledger.ErrFull)

	update(t, s, func(tx ledger.Tx) error { return tx.ResetSeats(ctx) })
	for _, q := range []struct {
		center string
		slot   time.Time
	}{{"x1", slot}, {"x1", other}, {"x2", slot}} {
		if n := taken(t, s, q.center, q.slot); n != 0 {
			t.Errorf("SeatsTaken(%s, %v) after ResetSeats = %d, want 0", q.center, q.slot, n)
		}
	}
}

// testConcurrentSeats is the overbooking test: 200 transactions race for
// the 10 seats of one slot. Exactly 10 win and every other one is told
// ErrFull (a store may retry on serialization failures, but never ErrFull).
func testConcurrentSeats(t *testing.T, s ledger.Store) {
	const seats, writers = 10, 200
	update(t, s, func(tx ledger.Tx) error { return tx.CreateCenter(t.Context(), center("x1", seats)) })
	slot := at(10, 9)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(t.Context(), func(tx ledger.Tx) error {
				return tx.ReserveSeat(t.Context(), "x1", slot)
			})
		})
	}
	close(start)
	wg.Wait()
	won, full := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, ledger.ErrFull):
			full++
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if won != seats || full != writers-seats {
		t.Errorf("%d writers for %d seats: %d reserved, %d full; want %d, %d", writers, seats, won, full, seats, writers-seats)
	}
	if n := taken(t, s, "x1", slot); n != seats {
		t.Errorf("SeatsTaken after the race = %d, want %d", n, seats)
	}
}
