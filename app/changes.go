package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Change identifies an appointment to change. IfMatch, when not zero, is
// the Rev the caller last saw (the ETag): a change to a newer state fails
// with precondition_failed instead of acting on what the caller never saw.
type Change struct {
	Appointment string
	IfMatch     int64
}

// changeFunc decides one change to the appointment the write path locked
// (w.ap, read from the locked stream) and stages its events; it may also
// move seats in w.tx.
type changeFunc func(w *locked) error

// change is what every change to an appointment shares: the write path
// locks the appointment's stream, reads the appointment from it, checks
// that the caller may act on it and its ETag, and after fn appends, projects
// and keeps the response for the Idempotency-Key.
func (a *App) change(ctx context.Context, pr Principal, c Change, fn changeFunc) (ledger.Appointment, error) {
	v, err := a.write(ctx, pr, op{appointment: c.Appointment, ifMatch: c.IfMatch,
		decide: func(w *locked) (any, error) {
			if err := fn(w); err != nil {
				return nil, err
			}
			return w.appointment(w.ap.ID)
		}})
	out, _ := v.(ledger.Appointment)
	return out, err
}

// Cancel cancels an appointment (R7): the engine says what it costs — in
// time, the fee refunded and a voucher returned (V5); inside a program's
// late-change tier, part or all of the fee forfeited — and the seat is
// freed.
func (a *App) Cancel(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	return a.change(ctx, pr, c, func(w *locked) error {
		s, ap, now := w.s, w.ap, w.now
		center, err := w.center(ap.Center)
		if err != nil {
			return err
		}
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Cancel, Appointment: ap.ID, Delivery: delivery(center)})
		if !d.Allowed {
			return refusal(s.prog, &d, "cancelling "+ap.ID)
		}
		if err := w.emit(EvCancelled, EventData{Appointment: ap.ID, At: &now}, &d); err != nil {
			return err
		}
		if err := w.settle(ap.ID, &d, ""); err != nil {
			return err
		}
		// The seat given back is the one the locked stream says this
		// appointment holds, not one read before the lock.
		return storeErr(w.tx.ReleaseSeat(w.ctx, ap.Center, ap.Slot), "seat")
	})
}

// RescheduleInput moves an appointment to a new slot, optionally at
// another center.
type RescheduleInput struct {
	Change
	Slot   time.Time
	Center string
}

// Reschedule moves an appointment (R7, R9; the new slot obeys R4, R10-R12;
// a late-change tier may charge a fee): the old seat is freed and a new one
// taken in the same transaction.
func (a *App) Reschedule(ctx context.Context, pr Principal, in RescheduleInput) (ledger.Appointment, error) {
	if in.Slot.IsZero() {
		return ledger.Appointment{}, invalid("slot", "slot is required (RFC 3339)")
	}
	return a.change(ctx, pr, in.Change, func(w *locked) error {
		tx, ap, s, now, ctx := w.tx, w.ap, w.s, w.now, w.ctx
		to := ap.Center
		if in.Center != "" && in.Center != ap.Center {
			if pr.Role == RoleCenter {
				return forbidden("move an appointment to another center")
			}
			to = in.Center
		}
		c, err := w.center(to)
		if err != nil {
			return err
		}
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Reschedule, Appointment: ap.ID, Slot: in.Slot, Delivery: delivery(c)})
		if !d.Allowed {
			return refusal(s.prog, &d, "rescheduling "+ap.ID)
		}
		if err := tx.ReleaseSeat(ctx, ap.Center, ap.Slot); err != nil {
			return storeErr(err, "seat")
		}
		if err := tx.ReserveSeat(ctx, to, in.Slot); err != nil {
			return storeErr(err, "seat")
		}
		slot := in.Slot.UTC()
		moved := EventData{Appointment: ap.ID, Slot: &slot, At: &now, Center: to, Delivery: delivery(c)}
		for _, x := range d.Consequences {
			if x.Kind == policy.FeeCharged {
				moved.AmountMinor, moved.Currency = x.Amount.Minor, x.Amount.Currency
			}
		}
		if err := w.emit(EvRescheduled, moved, &d); err != nil {
			return err
		}
		return w.settle(ap.ID, &d, "")
	})
}

// NoShow records a missed appointment (R8): the engine forfeits the fee and
// the candidate waits before booking that exam again. Only staff or the
// test center may record it, and only once the slot has begun.
func (a *App) NoShow(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	if pr.Role == RoleCandidate {
		return ledger.Appointment{}, forbidden("record a no-show")
	}
	return a.change(ctx, pr, c, func(w *locked) error {
		s, ap := w.s, w.ap
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.MarkNoShow, Appointment: ap.ID}) // R6, R8
		if !d.Allowed {
			return refusal(s.prog, &d, "recording "+ap.ID+" as missed")
		}
		if err := w.emit(EvNoShow, EventData{Appointment: ap.ID}, &d); err != nil {
			return err
		}
		return w.settle(ap.ID, &d, "")
	})
}

// MedicalRefund approves a medical exception for a missed appointment: the
// engine refunds the forfeited fee (R8), once (R13). Staff only.
func (a *App) MedicalRefund(ctx context.Context, pr Principal, c Change, note string) (ledger.Appointment, error) {
	if err := pr.mustBeStaff("approve a medical exception"); err != nil {
		return ledger.Appointment{}, err
	}
	if err := checkText("note", note, maxNote); err != nil {
		return ledger.Appointment{}, err
	}
	return a.change(ctx, pr, c, func(w *locked) error {
		s, ap := w.s, w.ap
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.MedicalException, Appointment: ap.ID})
		if !d.Allowed {
			return refusal(s.prog, &d, "a medical exception for "+ap.ID)
		}
		return w.settleAs(ap.ID, &d, "medical exception: "+note, &d)
	})
}
