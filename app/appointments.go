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
	var out ledger.Appointment
	err := a.update(ctx, func(tx ledger.Tx) error {
		s, err := a.load(ctx, tx, in.Candidate)
		if err != nil {
			return err
		}
		now := a.now().UTC()
		d := s.prog.Decide(s.hist, now, policy.Ask{Action: policy.Book, Exam: in.Exam, Slot: in.Slot})
		if !d.Allowed {
			return refusal(s.prog, &d, "booking "+in.Exam)
		}
		exam, _ := s.prog.Exam(in.Exam)
		center, err := tx.Center(ctx, in.Center)
		if err != nil {
			return storeErr(err, "test center "+in.Center)
		}
		if err := deliveryOK(exam, center); err != nil {
			return err
		}
		if err := tx.ReserveSeat(ctx, center.ID, in.Slot); err != nil {
			return storeErr(err, "seat")
		}
		id := a.newID("ap_")
		fee, voucher, err := a.price(s, exam, in.UseVoucher, now)
		if err != nil {
			return err
		}
		dj := decisionJSON(s.prog, &d)
		slot := in.Slot.UTC()
		evs := []ledger.Event{newEvent(EvBooked, EventData{Appointment: id, Exam: exam.Code, Center: center.ID, Slot: &slot, At: &now, Voucher: voucher}, now, dj, d.Program)}
		if voucher != "" {
			evs = append(evs, newEvent(EvVoucherUsed, EventData{Appointment: id, Voucher: voucher}, now, nil, d.Program))
		}
		evs = append(evs, newEvent(EvFeeCharged, EventData{Appointment: id, AmountMinor: fee, Currency: exam.Price.Currency}, now, nil, d.Program))
		if err := a.commit(ctx, tx, s, evs); err != nil {
			return err
		}
		out = findAppointment(s, id)
		return a.remember(ctx, tx, out)
	})
	return out, err
}

// deliveryOK checks that the exam is offered the way the center delivers it.
func deliveryOK(e *policy.Exam, c ledger.Center) error {
	want := "test_center"
	if c.Online {
		want = "online"
	}
	if len(e.Delivery) == 0 {
		return nil
	}
	for _, d := range e.Delivery {
		if d == want {
			return nil
		}
	}
	return invalid("center", "%s is not delivered %s", e.Code, map[bool]string{true: "online", false: "at a test center"}[c.Online])
}

// price is the fee to charge: the exam's price, less a voucher's discount
// when one is used (V5). The voucher is the oldest usable one, the same
// one the engine's replay will mark used.
func (a *App) price(s *subject, e *policy.Exam, useVoucher bool, now time.Time) (int64, string, error) {
	fee := e.Price.Minor
	if !useVoucher {
		return fee, "", nil
	}
	r := s.prog.Report(s.hist, now)
	for _, v := range r.Vouchers {
		if v.State == policy.VoucherUnused {
			return fee * int64(100-v.Discount) / 100, voucherID(s.cand.ID, v), nil
		}
	}
	return 0, "", &Error{Code: CodeRefused, Message: "the candidate has no unused voucher", Reasons: []string{"no_voucher"}}
}

func findAppointment(s *subject, id string) ledger.Appointment {
	v := project(s.prog, s.cand.ID, s.events, s.hist)
	for _, ap := range v.Appointments {
		if ap.ID == id {
			return ap
		}
	}
	return ledger.Appointment{}
}

// appointmentFor loads an appointment and its candidate's subject, checking
// that the caller may act on it. A caller who may not see it gets
// not_found, as if it did not exist.
func (a *App) appointmentFor(ctx context.Context, tx ledger.Tx, pr Principal, id string) (ledger.Appointment, *subject, error) {
	ap, err := tx.Appointment(ctx, id)
	if err != nil {
		return ap, nil, storeErr(err, "appointment "+id)
	}
	if !pr.canActOnAppointment(ap.Candidate, ap.Center) {
		return ap, nil, hidden("appointment " + id)
	}
	s, err := a.load(ctx, tx, ap.Candidate)
	return ap, s, err
}

// Appointment returns one appointment the caller may see.
func (a *App) Appointment(ctx context.Context, pr Principal, id string) (ledger.Appointment, error) {
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
