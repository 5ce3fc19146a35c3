package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// BookInput asks for a seat for a candidate.
type BookInput struct {
	Candidate  string
	Exam       string
	Center     string // a test center, or the online-proctoring pool
	Slot       time.Time
	UseVoucher bool // pay with the oldest usable voucher (V5) instead of the full fee
}

// Book makes an appointment: the engine must allow it (E2, R1, R3, R4, R5,
// R8), the slot must have a seat, and the fee or a voucher is charged, all
// in one transaction.
func (a *App) Book(ctx context.Context, pr Principal, in BookInput) (ledger.Appointment, error) {
	if in.Candidate == "" {
		return ledger.Appointment{}, invalid("candidate", "candidate is required")
	}
	if in.Exam == "" {
		return ledger.Appointment{}, invalid("exam", "exam is required")
	}
	if in.Center == "" {
		return ledger.Appointment{}, invalid("center", "center is required (a test center id or the online pool)")
	}
	if in.Slot.IsZero() {
		return ledger.Appointment{}, invalid("slot", "slot is required (RFC 3339)")
	}
	if !pr.canActOnAppointment(in.Candidate, in.Center) {
		if pr.Role == RoleCandidate {
			return ledger.Appointment{}, forbidden("book for another candidate")
		}
		return ledger.Appointment{}, forbidden("book at another test center")
	}
	if in.UseVoucher && pr.Role == RoleCenter {
		// A voucher is the candidate's to spend, not the test center's (point 7).
		return ledger.Appointment{}, forbidden("spend a candidate's voucher")
	}
	v, err := a.write(ctx, pr, op{candidate: in.Candidate, decide: func(w *locked) (any, error) {
		s := w.s
		center, err := w.center(in.Center)
		if err != nil {
			return nil, err
		}
		// E2, R1, R3, R4, R5, R8, R10-R12, and the fee or voucher (V5).
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.Book, Exam: in.Exam, Slot: in.Slot,
			UseVoucher: in.UseVoucher, Delivery: delivery(center)})
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "booking "+in.Exam)
		}
		if err := w.tx.ReserveSeat(w.ctx, center.ID, in.Slot); err != nil {
			return nil, storeErr(err, "seat")
		}
		id := a.newID("ap_")
		slot := in.Slot.UTC()
		booked := EventData{Appointment: id, Exam: d.Subject, Center: center.ID, Slot: &slot, At: &w.now, Delivery: delivery(center)}
		for _, c := range d.Consequences {
			switch c.Kind {
			case policy.VoucherRedeemed:
				booked.Voucher = voucherID(s.cand.ID, c.Voucher)
			case policy.FeeCharged:
				booked.AmountMinor, booked.Currency = c.Amount.Minor, c.Amount.Currency
			}
		}
		if err := w.emit(EvBooked, booked, &d); err != nil {
			return nil, err
		}
		if err := w.settle(id, &d, ""); err != nil {
			return nil, err
		}
		return w.appointment(id)
	}})
	out, _ := v.(ledger.Appointment)
	return out, err
}

// Appointment returns one appointment the caller may see.
func (a *App) Appointment(ctx context.Context, pr Principal, id string) (ledger.Appointment, error) {
	if err := known("appointment", id); err != nil {
		return ledger.Appointment{}, err
	}
	var out ledger.Appointment
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		ap, err := tx.Appointment(ctx, id)
		if err != nil {
			return storeErr(err, "appointment "+id)
		}
		if !pr.canActOnAppointment(ap.Candidate, ap.Center) {
			return hidden("appointment " + id)
		}
		out = ap
		return nil
	})
	return out, err
}

// ListAppointments lists appointments, narrowed to what the caller may see.
func (a *App) ListAppointments(ctx context.Context, pr Principal, f ledger.AppointmentFilter, p ledger.Page) ([]ledger.Appointment, error) {
	switch pr.Role {
	case RoleCandidate:
		if f.Candidate != "" && f.Candidate != pr.Subject {
			return nil, forbidden("list another candidate's appointments")
		}
		f.Candidate = pr.Subject
	case RoleCenter:
		if f.Center != "" && f.Center != pr.Subject {
			return nil, forbidden("list another center's appointments")
		}
		f.Center = pr.Subject
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	for field, id := range map[string]string{"candidate": f.Candidate, "center": f.Center} {
		if id != "" && !idPattern.MatchString(id) {
			return nil, checkID(field, id)
		}
	}
	var out []ledger.Appointment
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListAppointments(ctx, f, page(p))
		return storeErr(err, "appointments")
	})
	return out, err
}

func page(p ledger.Page) ledger.Page {
	switch {
	case p.Limit <= 0:
		p.Limit = 50
	case p.Limit > 500:
		p.Limit = 500
	}
	return p
}
