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
	v, err := a.write(ctx, pr, op{what: "booking " + in.Exam, candidate: in.Candidate, decide: func(w *locked) (any, error) {
		s := w.s
		d := s.prog.Decide(s.hist, w.now, policy.Ask{Action: policy.Book, Exam: in.Exam, Slot: in.Slot})
		if !d.Allowed {
			return nil, refusal(s.prog, &d, "booking "+in.Exam)
		}
		exam, _ := s.prog.Exam(in.Exam)
		center, err := w.tx.Center(w.ctx, in.Center)
		if err != nil {
			return nil, storeErr(err, "test center "+in.Center)
		}
		if err := deliveryOK(exam, center); err != nil {
			return nil, err
		}
		fee, voucher, err := a.price(s, exam, in.UseVoucher, w.now)
		if err != nil {
			return nil, err
		}
		if err := w.tx.ReserveSeat(w.ctx, center.ID, in.Slot); err != nil {
			return nil, storeErr(err, "seat")
		}
		id := a.newID("ap_")
		slot := in.Slot.UTC()
		if err := w.emit(EvBooked, EventData{Appointment: id, Exam: exam.Code, Center: center.ID, Slot: &slot, At: &w.now, Voucher: voucher}, &d); err != nil {
			return nil, err
		}
		if voucher != "" {
			if err := w.emit(EvVoucherUsed, EventData{Appointment: id, Voucher: voucher}, nil); err != nil {
				return nil, err
			}
		}
		if err := w.emit(EvFeeCharged, EventData{Appointment: id, AmountMinor: fee, Currency: exam.Price.Currency}, nil); err != nil {
			return nil, err
		}
		ap, _ := findAppointment(s, id)
		return ap, nil
	}})
	out, _ := v.(ledger.Appointment)
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

// findAppointment is an appointment as the subject's stream says it is.
func findAppointment(s *subject, id string) (ledger.Appointment, bool) {
	v := project(s.prog, s.cand.ID, s.events, s.hist)
	for _, ap := range v.Appointments {
		if ap.ID == id {
			return ap, true
		}
	}
	return ledger.Appointment{}, false
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
