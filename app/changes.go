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
func (a *App) change(ctx context.Context, pr Principal, c Change, what string, fn changeFunc) (ledger.Appointment, error) {
	v, err := a.write(ctx, pr, op{what: what + " " + c.Appointment, appointment: c.Appointment, ifMatch: c.IfMatch,
		decide: func(w *locked) (any, error) {
			if err := fn(w); err != nil {
				return nil, err
			}
			ap, _ := findAppointment(w.s, w.ap.ID)
			return ap, nil
		}})
	out, _ := v.(ledger.Appointment)
	return out, err
}

// Cancel cancels an appointment in time (R7): the fee is refunded and a
// voucher that paid for it returned (V5), and the seat freed.
func (a *App) Cancel(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	return a.change(ctx, pr, c, "cancelling", func(w *locked) error {
		s, ap, now := w.s, w.ap, w.now
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Cancel, Appointment: ap.ID})
		if !d.Allowed {
			return refusal(s.prog, &d, "cancelling "+ap.ID)
		}
		if err := w.emit(EvCancelled, EventData{Appointment: ap.ID, At: &now}, &d); err != nil {
			return err
		}
		if ap.FeeMinor > 0 && s.prog.Appointments.Fees.TimelyCancel == policy.Refund {
			if err := w.emit(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "timely cancel"}, nil); err != nil {
				return err
			}
		}
		if ap.Voucher != "" && s.prog.Vouchers.ReturnedOnTimelyCancel {
			if err := w.emit(EvVoucherBack, EventData{Appointment: ap.ID, Voucher: ap.Voucher}, nil); err != nil {
				return err
			}
		}
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

// Reschedule moves an appointment (R7, R9; the new slot obeys R4): the old
// seat is freed and a new one taken in the same transaction.
func (a *App) Reschedule(ctx context.Context, pr Principal, in RescheduleInput) (ledger.Appointment, error) {
	if in.Slot.IsZero() {
		return ledger.Appointment{}, invalid("slot", "slot is required (RFC 3339)")
	}
	return a.change(ctx, pr, in.Change, "rescheduling", func(w *locked) error {
		tx, ap, s, now, ctx := w.tx, w.ap, w.s, w.now, w.ctx
		center := ap.Center
		if in.Center != "" && in.Center != ap.Center {
			if pr.Role == RoleCenter {
				return forbidden("move an appointment to another center")
			}
			center = in.Center
		}
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Reschedule, Appointment: ap.ID, Slot: in.Slot})
		if !d.Allowed {
			return refusal(s.prog, &d, "rescheduling "+ap.ID)
		}
		c, err := tx.Center(ctx, center)
		if err != nil {
			return storeErr(err, "test center "+center)
		}
		exam, _ := s.prog.Exam(ap.Exam)
		if err := deliveryOK(exam, c); err != nil {
			return err
		}
		// The seat given back is the one the locked stream says this
		// appointment holds, not one read before the lock.
		if err := tx.ReleaseSeat(ctx, ap.Center, ap.Slot); err != nil {
			return storeErr(err, "seat")
		}
		if err := tx.ReserveSeat(ctx, center, in.Slot); err != nil {
			return storeErr(err, "seat")
		}
		slot := in.Slot.UTC()
		return w.emit(EvRescheduled, EventData{Appointment: ap.ID, Slot: &slot, At: &now, Center: center}, &d)
	})
}

// NoShow records a missed appointment (R8): the fee is forfeited and the
// candidate waits before booking that exam again. Only staff or the test
// center may record it, and only once the slot has begun.
func (a *App) NoShow(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	if pr.Role == RoleCandidate {
		return ledger.Appointment{}, forbidden("record a no-show")
	}
	return a.change(ctx, pr, c, "recording a no-show of", func(w *locked) error {
		s, ap := w.s, w.ap
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.MarkNoShow, Appointment: ap.ID}) // R6, R8
		if !d.Allowed {
			return refusal(s.prog, &d, "recording "+ap.ID+" as missed")
		}
		if err := w.emit(EvNoShow, EventData{Appointment: ap.ID}, &d); err != nil {
			return err
		}
		if ap.FeeMinor > 0 && s.prog.Appointments.Fees.NoShow == policy.Forfeit {
			return w.emit(EvFeeForfeited, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "no-show"}, nil)
		}
		return nil
	})
}

// MedicalRefund approves a medical exception for a missed appointment: the
// forfeited fee is refunded (R8). Staff only; once per appointment.
func (a *App) MedicalRefund(ctx context.Context, pr Principal, c Change, note string) (ledger.Appointment, error) {
	if err := pr.mustBeStaff("approve a medical exception"); err != nil {
		return ledger.Appointment{}, err
	}
	if err := checkText("note", note, maxNote); err != nil {
		return ledger.Appointment{}, err
	}
	return a.change(ctx, pr, c, "a medical exception for", func(w *locked) error {
		s, ap := w.s, w.ap
		if ap.State != "missed" {
			return &Error{Code: CodeRefused, Message: "a medical exception applies to a missed appointment; " + ap.ID + " is " + ap.State, Reasons: []string{"not_missed"}}
		}
		for _, e := range s.events {
			if e.Type == EvFeeRefunded && e.D.Appointment == ap.ID {
				return &Error{Code: CodeRefused, Message: "the fee of " + ap.ID + " has already been refunded", Reasons: []string{"already_refunded"}}
			}
		}
		if s.prog.Appointments.Fees.MedicalException != policy.Refund {
			return &Error{Code: CodeRefused, Message: "this program does not refund fees on a medical exception", Reasons: []string{"no_medical_refund"}}
		}
		return w.emit(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "medical exception: " + note}, nil)
	})
}
