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

// changeFunc decides one change to an appointment and returns the events
// that record it; it may also move seats in tx.
type changeFunc func(tx ledger.Tx, ap ledger.Appointment, s *subject, now time.Time) ([]ledger.Event, error)

// change is what every change to an appointment shares: in one write
// transaction, find the appointment the caller may act on, check the ETag,
// let fn decide, append its events and replace the read models, and keep
// the response for the Idempotency-Key.
func (a *App) change(ctx context.Context, pr Principal, c Change, fn changeFunc) (ledger.Appointment, error) {
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		ap, s, err := a.appointmentFor(ctx, tx, pr, c.Appointment)
		if err != nil {
			return err
		}
		if c.IfMatch != 0 && c.IfMatch != ap.Rev {
			return &Error{Code: CodePrecondition, Message: "appointment " + ap.ID + " has changed since it was read"}
		}
		evs, err := fn(tx, ap, s, a.now().UTC())
		if err != nil {
			return err
		}
		if err := a.commit(ctx, tx, s, evs); err != nil {
			return err
		}
		out = findAppointment(s, ap.ID)
		return a.remember(ctx, tx, out)
	})
	return out, err
}

// Cancel cancels an appointment in time (R7): the fee is refunded and a
// voucher that paid for it returned (V5), and the seat freed.
func (a *App) Cancel(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	return a.change(ctx, pr, c, func(tx ledger.Tx, ap ledger.Appointment, s *subject, now time.Time) ([]ledger.Event, error) {
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Cancel, Appointment: ap.ID})
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "cancelling "+ap.ID)
		}
		evs := []ledger.Event{newEvent(EvCancelled, EventData{Appointment: ap.ID, At: &now}, now, decisionJSON(s.prog, &d), d.Program)}
		if ap.FeeMinor > 0 && s.prog.Appointments.Fees.TimelyCancel == policy.Refund {
			evs = append(evs, newEvent(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "timely cancel"}, now, nil, d.Program))
		}
		if ap.Voucher != "" && s.prog.Vouchers.ReturnedOnTimelyCancel {
			evs = append(evs, newEvent(EvVoucherBack, EventData{Appointment: ap.ID, Voucher: ap.Voucher}, now, nil, d.Program))
		}
		return evs, storeErr(tx.ReleaseSeat(ctx, ap.Center, ap.Slot), "seat")
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
	return a.change(ctx, pr, in.Change, func(tx ledger.Tx, ap ledger.Appointment, s *subject, now time.Time) ([]ledger.Event, error) {
		center := ap.Center
		if in.Center != "" && in.Center != ap.Center {
			if pr.Role == RoleCenter {
				return nil, forbidden("move an appointment to another center")
			}
			center = in.Center
		}
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Reschedule, Appointment: ap.ID, Slot: in.Slot})
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "rescheduling "+ap.ID)
		}
		c, err := tx.Center(ctx, center)
		if err != nil {
			return nil, storeErr(err, "test center "+center)
		}
		exam, _ := s.prog.Exam(ap.Exam)
		if err := deliveryOK(exam, c); err != nil {
			return nil, err
		}
		if err := tx.ReleaseSeat(ctx, ap.Center, ap.Slot); err != nil {
			return nil, storeErr(err, "seat")
		}
		if err := tx.ReserveSeat(ctx, center, in.Slot); err != nil {
			return nil, storeErr(err, "seat")
		}
		slot := in.Slot.UTC()
		return []ledger.Event{newEvent(EvRescheduled, EventData{Appointment: ap.ID, Slot: &slot, At: &now, Center: center}, now, decisionJSON(s.prog, &d), d.Program)}, nil
	})
}

// NoShow records a missed appointment (R8): the fee is forfeited and the
// candidate waits before booking that exam again. Only staff or the test
// center may record it, and only once the slot has begun.
func (a *App) NoShow(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	if pr.Role == RoleCandidate {
		return ledger.Appointment{}, forbidden("record a no-show")
	}
	return a.change(ctx, pr, c, func(tx ledger.Tx, ap ledger.Appointment, s *subject, now time.Time) ([]ledger.Event, error) {
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.MarkNoShow, Appointment: ap.ID}) // R6, R8
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "recording "+ap.ID+" as missed")
		}
		evs := []ledger.Event{newEvent(EvNoShow, EventData{Appointment: ap.ID}, now, decisionJSON(s.prog, &d), d.Program)}
		if ap.FeeMinor > 0 && s.prog.Appointments.Fees.NoShow == policy.Forfeit {
			evs = append(evs, newEvent(EvFeeForfeited, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "no-show"}, now, nil, d.Program))
		}
		return evs, nil
	})
}

// MedicalRefund approves a medical exception for a missed appointment: the
// forfeited fee is refunded (R8). Staff only; once per appointment.
func (a *App) MedicalRefund(ctx context.Context, pr Principal, c Change, note string) (ledger.Appointment, error) {
	if err := pr.mustBeStaff("approve a medical exception"); err != nil {
		return ledger.Appointment{}, err
	}
	return a.change(ctx, pr, c, func(tx ledger.Tx, ap ledger.Appointment, s *subject, now time.Time) ([]ledger.Event, error) {
		if ap.State != "missed" {
			return nil, &Error{Code: CodeRefused, Message: "a medical exception applies to a missed appointment; " + ap.ID + " is " + ap.State, Reasons: []string{"not_missed"}}
		}
		for _, e := range s.events {
			if e.Type == EvFeeRefunded && e.D.Appointment == ap.ID {
				return nil, &Error{Code: CodeRefused, Message: "the fee of " + ap.ID + " has already been refunded", Reasons: []string{"already_refunded"}}
			}
		}
		if s.prog.Appointments.Fees.MedicalException != policy.Refund {
			return nil, &Error{Code: CodeRefused, Message: "this program does not refund fees on a medical exception", Reasons: []string{"no_medical_refund"}}
		}
		return []ledger.Event{newEvent(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "medical exception: " + note}, now, nil, s.prog.Label())}, nil
	})
}
