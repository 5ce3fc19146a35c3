package policy

import (
	"time"
)

// Report is a candidate's standing on one date: what they hold, what they
// may use and when they can next act. recert status prints it; the server
// will serve it.
type Report struct {
	Program        string
	Date           Date
	Certifications []CertReport
	Vouchers       []Voucher
	Exams          []ExamReport
	Appointments   []AppointmentReport
}

// CertReport is one certification the candidate has earned at some time.
type CertReport struct {
	ID, Name     string
	State        CertState
	Expires      Date // NoDate: never expires
	Term         Term
	NextReminder Date // NoDate when none is left
}

// VoucherState says whether a voucher can still be used.
type VoucherState string

const (
	VoucherUnused  VoucherState = "unused"
	VoucherUsed    VoucherState = "used"
	VoucherExpired VoucherState = "expired"
)

// Voucher is a discount voucher earned by a pass (V5).
type Voucher struct {
	FromExam    string
	Issued      Date
	Expires     Date // NoDate: no expiry stated
	Discount    int  // percent
	State       VoucherState
	Appointment string // the booking that used it
	issuedAt    time.Time
}

// ExamReport is an exam the candidate has sat or booked, with the first
// date it could be booked for again.
type ExamReport struct {
	Exam       string
	Sittings   int
	LastDate   Date
	LastScore  int
	LastPassed bool
	// NextDate is the first date a slot satisfies E2, R1, R3 and any cap;
	// NoDate when there is none. RetryAt is set while a no-show blocks
	// booking (R8).
	NextDate Date
	RetryAt  time.Time
	Reasons  []Reason // the rules that push NextDate past today
	// OpenAppointment is the open appointment for this exam, which blocks
	// booking another (R5).
	OpenAppointment string
}

// AppointmentReport is an open appointment (R6) and until when it can change.
type AppointmentReport struct {
	ID           string
	Exam         string
	Slot         time.Time
	ChangeUntil  time.Time // R7
	Reschedules  int
	RescheduleOK bool // R9
	Voucher      bool
	Paid         Money  // what the booking charged (R13)
	Delivery     string // its current mode; "" when not recorded
}

// Report builds a candidate's standing at instant at.
func (p *Program) Report(h *History, at time.Time) Report {
	c := ctx{p: p, h: h, zone: h.zone, at: at}
	c.atDate = c.date(at)
	r := Report{Program: p.label, Date: c.atDate}
	for i := range p.Certifications {
		cert := &p.Certifications[i]
		t := c.term(cert)
		if !t.Earned && !t.Revoked {
			continue
		}
		cr := CertReport{ID: cert.ID, Name: cert.Name, State: t.StateOn(c.atDate), Expires: t.Expires, Term: t, NextReminder: NoDate}
		if t.Expires != NoDate {
			for _, days := range cert.Reminders {
				if d := t.Expires.AddDays(-days); d >= c.atDate && d < cr.NextReminder {
					cr.NextReminder = d
				}
			}
		}
		r.Certifications = append(r.Certifications, cr)
	}
	r.Vouchers = c.vouchers()
	seen := map[int32]bool{}
	mark := func(x int32) {
		if seen[x] {
			return
		}
		seen[x] = true
		r.Exams = append(r.Exams, c.examReport(x))
	}
	for _, s := range h.sittings {
		mark(s.exam)
	}
	for _, a := range h.appts {
		mark(a.exam)
	}
	for _, a := range h.appts {
		if a.state != apptOpen {
			continue
		}
		lim := p.Appointments.MaxReschedules
		r.Appointments = append(r.Appointments, AppointmentReport{ID: a.id, Exam: p.Exams[a.exam].Code, Slot: a.slot,
			ChangeUntil: p.changeUntil(&a), Reschedules: a.reschedules,
			RescheduleOK: lim < 0 || a.reschedules < lim, Voucher: a.voucher, Paid: a.paid, Delivery: a.delivery})
	}
	return r
}

func (c *ctx) examReport(x int32) ExamReport {
	e := &c.p.Exams[x]
	er := ExamReport{Exam: e.Code}
	for _, s := range c.h.sittings {
		if s.exam == x {
			er.Sittings++
			er.LastDate, er.LastScore, er.LastPassed = s.date, s.score, s.passed
		}
	}
	b := c.examBounds(x)
	er.NextDate = c.earliest(e, &b, OpenStart)
	for _, r := range []Reason{b.retake, b.lock, b.cap} {
		if r.Code != "" && (r.Until > c.atDate || (!r.UntilAt.IsZero() && r.UntilAt.After(c.at))) {
			er.Reasons = append(er.Reasons, r)
		}
	}
	// A booking made now for a far slot still meets R8's wait, which runs
	// on the moment of booking.
	var probe Decision
	c.slotRules(&probe, x, c.at.Add(1000*24*time.Hour), -2)
	if probe.Has(NoShowWait) {
		er.RetryAt = probe.RetryAt
	}
	for _, a := range c.h.appts {
		if a.exam == x && a.state == apptOpen {
			er.OpenAppointment = a.id
		}
	}
	return er
}

// vouchers replays passes and voucher bookings (V5): each pass issues one;
// a booking paid with a voucher uses the oldest usable one; a booking
// cancelled in time (R7), free of any late-change cost, gives it back.
func (c *ctx) vouchers() []Voucher {
	vp := c.p.Vouchers
	if !vp.IssuedOnPass {
		return nil
	}
	n := 0
	for i := range c.h.sittings {
		if c.h.sittings[i].passed {
			n++
		}
	}
	vs := make([]Voucher, 0, n)
	for _, s := range c.h.sittings {
		if !s.passed {
			continue
		}
		v := Voucher{FromExam: c.p.Exams[s.exam].Code, Issued: s.date, Expires: NoDate, Discount: vp.DiscountPercent, State: VoucherUnused, issuedAt: s.at}
		if !vp.Validity.IsZero() {
			v.Expires = vp.Validity.AddTo(s.date)
		}
		vs = append(vs, v)
	}
	for i := range c.h.appts {
		a := &c.h.appts[i]
		if !a.voucher {
			continue
		}
		booked := c.date(a.bookedAt)
		for i := range vs {
			v := &vs[i]
			if v.State != VoucherUnused || v.issuedAt.After(a.bookedAt) || booked > v.Expires {
				continue
			}
			v.State, v.Appointment = VoucherUsed, a.id
			if a.state == apptCancelled && vp.ReturnedOnTimelyCancel && c.p.timelyCancel(a, a.cancelledAt) {
				v.State, v.Appointment = VoucherUnused, ""
			}
			break
		}
	}
	for i := range vs {
		if vs[i].State == VoucherUnused && c.atDate > vs[i].Expires {
			vs[i].State = VoucherExpired
		}
	}
	return vs
}
