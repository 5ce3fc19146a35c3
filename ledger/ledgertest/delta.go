package ledgertest

import (
	"testing"

	"github.com/recert/recert/ledger"
)

// testViewDelta checks ledger.ViewDelta where a store offers it: each step
// from one view to the next stores exactly what ReplaceView would, rows
// appended, changed, dropped or left alone. A store without it is not
// wrong (ViewDelta is optional), so the test then skips.
func testViewDelta(t *testing.T, s ledger.Store) {
	offered := false
	view(t, s, func(tx ledger.Tx) error { _, offered = tx.(ledger.ViewDelta); return nil })
	if !offered {
		t.Skip("this store offers no ledger.ViewDelta; callers use ReplaceView")
	}
	full := fullView("c1")
	booked := full
	booked.Appointments = append(append([]ledger.Appointment(nil), full.Appointments...), appointment("c1-a9", "c1", "x1", "open", 30))
	booked.Fees = append(append([]ledger.Fee(nil), full.Fees...), fee("c1", 11, "c1-a9", "charged", 15000))
	// A notice due after every stored one is an append; dropping one
	// (the cancelled appointment's) rewrites the candidate's notices.
	booked.Notices = append(append([]ledger.Notice(nil), full.Notices...), notice("c1", "sitting", "c1-a9", 29, 0))
	cancelled := booked
	cancelled.Appointments = append([]ledger.Appointment(nil), booked.Appointments...)
	cancelled.Appointments[2].State, cancelled.Appointments[2].Rev = "cancelled", 31
	cancelled.Notices = booked.Notices[:len(booked.Notices)-1]
	dropped := cancelled
	dropped.Vouchers, dropped.Results = nil, cancelled.Results[1:]
	steps := []ledger.View{{Candidate: "c1"}, full, full, booked, cancelled, dropped, {Candidate: "c1"}}
	replace(t, s, fullView("c2")) // another candidate's rows stay as they are
	for i := 1; i < len(steps); i++ {
		update(t, s, func(tx ledger.Tx) error {
			return tx.(ledger.ViewDelta).ReplaceViewFrom(t.Context(), steps[i-1], steps[i])
		})
		same(t, "View(c1) after delta step "+string(rune('0'+i)), steps[i], readView(t, s, "c1"))
	}
	same(t, "View(c2) after c1's deltas", fullView("c2"), readView(t, s, "c2"))
	// The sweep's index holds what the views hold: c1's notices are gone.
	same(t, "DueNotices after c1's deltas", fullView("c2").Notices, dueNotices(t, s, at(1, 0), at(31, 0), ledger.Notice{}, 0))
	err := s.Update(t.Context(), func(tx ledger.Tx) error {
		return tx.(ledger.ViewDelta).ReplaceViewFrom(t.Context(), ledger.View{Candidate: "c2"}, fullView("c1"))
	})
	if err == nil {
		t.Error("ReplaceViewFrom with the old view of another candidate: no error")
	}
}
