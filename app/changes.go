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

func checkRev(ap ledger.Appointment, c Change) error {
	if c.IfMatch != 0 && c.IfMatch != ap.Rev {
		return &Error{Code: CodePrecondition, Message: "appointment " + ap.ID + " has changed since it was read"}
	}
	return nil
}

// Cancel cancels an appointment in time (R7): the fee is refunded and a
// voucher that paid for it returned (V5), and the seat freed.
func (a *App) Cancel(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		ap, s, err := a.appointmentFor(ctx, tx, pr, c.Appointment)
		if err != nil {
			return err
		}
		if err := checkRev(ap, c); err != nil {
			return err
		}
		now := a.now().UTC()
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Cancel, Appointment: ap.ID})
		if !d.Allowed {
			return refusal(s.prog, &d, "cancelling "+ap.ID)
		}
		dj := decisionJSON(s.prog, &d)
		evs := []ledger.Event{newEvent(EvCancelled, EventData{Appointment: ap.ID, At: &now}, now, dj, d.Program)}
		fees := s.prog.Appointments.Fees
		if ap.FeeMinor > 0 && fees.TimelyCancel == policy.Refund {
			evs = append(evs, newEvent(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "timely cancel"}, now, nil, d.Program))
		}
		if ap.Voucher != "" && s.prog.Vouchers.ReturnedOnTimelyCancel {
			evs = append(evs, newEvent(EvVoucherBack, EventData{Appointment: ap.ID, Voucher: ap.Voucher}, now, nil, d.Program))
		}
		if err := tx.ReleaseSeat(ctx, ap.Center, ap.Slot); err != nil {
			return storeErr(err, "seat")
		}
		if err := a.commit(ctx, tx, s, evs); err != nil {
			return err
		}
		out = findAppointment(s, ap.ID)
		return a.remember(ctx, tx, out)
	})
	return out, err
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
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		ap, s, err := a.appointmentFor(ctx, tx, pr, in.Appointment)
		if err != nil {
			return err
		}
		if err := checkRev(ap, in.Change); err != nil {
			return err
		}
		center := ap.Center
		if in.Center != "" && in.Center != ap.Center {
			if pr.Role == RoleCenter {
				return forbidden("move an appointment to another center")
			}
			center = in.Center
		}
		now := a.now().UTC()
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
		if err := tx.ReleaseSeat(ctx, ap.Center, ap.Slot); err != nil {
			return storeErr(err, "seat")
		}
		if err := tx.ReserveSeat(ctx, center, in.Slot); err != nil {
			return storeErr(err, "seat")
		}
		slot := in.Slot.UTC()
		ev := newEvent(EvRescheduled, EventData{Appointment: ap.ID, Slot: &slot, At: &now, Center: center}, now, decisionJSON(s.prog, &d), d.Program)
		if err := a.commit(ctx, tx, s, []ledger.Event{ev}); err != nil {
			return err
		}
		out = findAppointment(s, ap.ID)
		return a.remember(ctx, tx, out)
	})
	return out, err
}

// NoShow records a missed appointment (R8): the fee is forfeited and the
// candidate waits before booking that exam again. Only staff or the test
// center may record it, and only once the slot has begun.
func (a *App) NoShow(ctx context.Context, pr Principal, c Change) (ledger.Appointment, error) {
	if pr.Role == RoleCandidate {
		return ledger.Appointment{}, forbidden("record a no-show")
	}
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		ap, s, err := a.appointmentFor(ctx, tx, pr, c.Appointment)
		if err != nil {
			return err
		}
		if err := checkRev(ap, c); err != nil {
			return err
		}
		now := a.now().UTC()
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.MarkNoShow, Appointment: ap.ID}) // R6, R8
		if !d.Allowed {
			return refusal(s.prog, &d, "recording "+ap.ID+" as missed")
		}
		evs := []ledger.Event{newEvent(EvNoShow, EventData{Appointment: ap.ID}, now, decisionJSON(s.prog, &d), d.Program)}
		if ap.FeeMinor > 0 && s.prog.Appointments.Fees.NoShow == policy.Forfeit {
			evs = append(evs, newEvent(EvFeeForfeited, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "no-show"}, now, nil, d.Program))
		}
		if err := a.commit(ctx, tx, s, evs); err != nil {
			return err
		}
		out = findAppointment(s, ap.ID)
		return a.remember(ctx, tx, out)
	})
	return out, err
}

// MedicalRefund approves a medical exception for a missed appointment: the
// forfeited fee is refunded (R8). Staff only; once per appointment.
func (a *App) MedicalRefund(ctx context.Context, pr Principal, c Change, note string) (ledger.Appointment, error) {
	if err := pr.mustBeStaff("approve a medical exception"); err != nil {
		return ledger.Appointment{}, err
	}
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		ap, s, err := a.appointmentFor(ctx, tx, pr, c.Appointment)
		if err != nil {
			return err
		}
		if err := checkRev(ap, c); err != nil {
			return err
		}
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
		now := a.now().UTC()
		ev := newEvent(EvFeeRefunded, EventData{Appointment: ap.ID, AmountMinor: ap.FeeMinor, Currency: ap.Currency, Reason: "medical exception: " + note}, now, nil, s.prog.Label())
		if err := a.commit(ctx, tx, s, []ledger.Event{ev}); err != nil {
			return err
		}
		out = findAppointment(s, ap.ID)
		return a.remember(ctx, tx, out)
	})
	return out, err
}
