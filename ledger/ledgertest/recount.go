package ledgertest

import (
	"testing"

	"github.com/recert/recert/ledger"
)

// testRecountSeats: SeatSlots lists every slot that has a seat count or an
// appointment, in (center, slot) order and by pages; RecountSeats sets a
// slot's count to the appointments there not cancelled, whatever it was,
// creates the count of a slot that had none, reports the center's seats
// (a count above them is kept, not clipped), and names an unknown center.
func testRecountSeats(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	s1, s2, s3 := at(10, 9), at(11, 9), at(12, 9)
	update(t, s, func(tx ledger.Tx) error {
		for _, c := range []ledger.Center{center("x1", 2), center("x2", 5)} {
			if err := tx.CreateCenter(ctx, c); err != nil {
				return err
			}
		}
		for _, k := range []ledger.SlotKey{{Center: "x1", Slot: s1}, {Center: "x1", Slot: s3}} {
			if err := tx.ReserveSeat(ctx, k.Center, k.Slot); err != nil {
				return err
			}
		}
		ap := appointment
		if err := tx.ReplaceView(ctx, ledger.View{Candidate: "c1", Appointments: []ledger.Appointment{
			ap("a1", "c1", "x1", "open", 10), ap("a2", "c1", "x1", "sat", 10), ap("a3", "c1", "x1", "cancelled", 10),
		}}); err != nil {
			return err
		}
		return tx.ReplaceView(ctx, ledger.View{Candidate: "c2", Appointments: []ledger.Appointment{
			ap("a4", "c2", "x1", "missed", 10), ap("a5", "c2", "x1", "open", 11), ap("a6", "c2", "x2", "cancelled", 10),
		}})
	})
	want := []ledger.SlotKey{{Center: "x1", Slot: s1}, {Center: "x1", Slot: s2}, {Center: "x1", Slot: s3}, {Center: "x2", Slot: s1}}
	var got []ledger.SlotKey
	view(t, s, func(tx ledger.Tx) error {
		all, err := tx.SeatSlots(ctx, ledger.SlotKey{}, 0)
		same(t, "SeatSlots with no limit", want, all)
		got = nil
		after := ledger.SlotKey{}
		for i := 0; i < 5; i++ {
			page, err := tx.SeatSlots(ctx, after, 3)
			if err != nil || len(page) == 0 {
				return err
			}
			got = append(got, page...)
			after = page[len(page)-1]
		}
		return err
	})
	same(t, "SeatSlots by pages of 3", want, got)

	wantCounts := []ledger.SeatCount{
		{SlotKey: want[0], Before: 1, Taken: 3, Seats: 2}, // open, sat and missed hold seats; above the center's 2
		{SlotKey: want[1], Before: 0, Taken: 1, Seats: 2}, // no count before
		{SlotKey: want[2], Before: 1, Taken: 0, Seats: 2}, // a count with no appointment
		{SlotKey: want[3], Before: 0, Taken: 0, Seats: 5}, // only a cancelled one
	}
	for _, w := range wantCounts {
		var c ledger.SeatCount
		update(t, s, func(tx ledger.Tx) (err error) {
			c, err = tx.RecountSeats(ctx, w.SlotKey)
			return err
		})
		same(t, "RecountSeats", w, c)
		if n := taken(t, s, w.Center, w.Slot); n != w.Taken {
			t.Errorf("SeatsTaken after RecountSeats(%v) = %d, want %d", w.SlotKey, n, w.Taken)
		}
	}
	err := s.Update(ctx, func(tx ledger.Tx) error {
		_, err := tx.RecountSeats(ctx, ledger.SlotKey{Center: "nowhere", Slot: s1})
		return err
	})
	wantErr(t, "RecountSeats at an unknown center", err, ledger.ErrNotFound)
}
