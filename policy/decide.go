package policy

import (
	"time"
)

// Action is the question a decision answers.
type Action uint8

const (
	Book Action = iota + 1
	Cancel
	Reschedule
	Status
	RecertifyOptions
	Score
	// MarkNoShow asks whether an appointment can be recorded as missed
	// (R8): it must be open and its slot must have begun.
	MarkNoShow
	// MedicalException asks whether a missed appointment's forfeited fee
	// can be refunded on an approved medical exception (R8), once (R13).
	MedicalException
	// RecordResult asks whether a result can be recorded: for an open
	// appointment whose slot has begun, or, without one, for a sitting of
	// Ask.Exam at Ask.Slot that is not in the future (R14) and not on
	// record already (R15); Ask.Score must lie on the exam's scale (E3).
	RecordResult
	// Revoke asks whether a certification can be withdrawn: the candidate
	// must hold it, active, in grace or expired, and not revoked already.
	Revoke
)

var actionNames = [...]string{"", "book", "cancel", "reschedule", "status", "recertify_options", "score", "no_show",
	"medical_exception", "record_result", "revoke"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "unknown"
}

// ParseAction reads an action name as the scenario format writes it.
func ParseAction(s string) (Action, bool) {
	for i := 1; i < len(actionNames); i++ {
		if actionNames[i] == s {
			return Action(i), true
		}
	}
	return 0, false
}

// Ask is one question about a candidate.
type Ask struct {
	Action        Action
	Exam          string
	Certification string
	Appointment   string
	Slot          time.Time // book, reschedule: the new slot; record_result: the sitting instant
	Score         int

	// UseVoucher pays a booking with the oldest unused voucher (V5).
	UseVoucher bool
	// Delivery is the mode of the center a booking or reschedule chose:
	// "online" or "test_center". An ask that names it is about a real seat,
	// so the exam must be delivered that way (R12) and the slot must lie on
	// the program's calendar: within its booking horizon (R10) and on its
	// slot grid (R11). Empty: not stated, as in decide.md's scenarios, which
	// are about no particular seat; none of the three is checked then.
	// Cancel reads it as the appointment's mode when the history does not
	// record one.
	Delivery string
}

// ClockSkew is how far a sitting recorded without an appointment may lie
// after the moment it is recorded (R14): the clocks of a test center and of
// the server that records its results are never quite in step, and five
// minutes is far below the shortest exam.
const ClockSkew = 5 * time.Minute

// Code is a reason a request is refused, as decide.md lists them.
type Code string

const (
	UnknownExam          Code = "unknown_exam"
	UnknownCertification Code = "unknown_certification"
	UnknownAppointment   Code = "unknown_appointment"
	ExamUnavailable      Code = "exam_unavailable"     // E2
	SlotNotFuture        Code = "slot_not_future"      // R4
	RetakeWait           Code = "retake_wait"          // R1
	PassedLockout        Code = "passed_lockout"       // R3
	NoShowWait           Code = "no_show_wait"         // R8
	AlreadyBooked        Code = "already_booked"       // R5
	AppointmentClosed    Code = "appointment_closed"   // R6
	ChangeWindowClosed   Code = "change_window_closed" // R7
	RescheduleLimit      Code = "reschedule_limit"     // R9
	NotActive            Code = "not_active"           // V3
	AttemptLimit         Code = "attempt_limit"        // attempt caps (Microsoft, Google)
	OutsideWindow        Code = "outside_renewal_window"
	InvalidScore         Code = "invalid_score"
	SlotNotStarted       Code = "slot_not_started" // a no-show or result before the slot (R14)

	NoVoucher           Code = "no_voucher"           // V5: use_voucher with no unused voucher
	DeliveryUnavailable Code = "delivery_unavailable" // R12
	BeyondHorizon       Code = "beyond_horizon"       // R10
	OffGrid             Code = "off_grid"             // R11
	NotMissed           Code = "not_missed"           // R8: a medical exception needs a missed appointment
	AlreadyRefunded     Code = "already_refunded"     // R13
	NoMedicalRefund     Code = "no_medical_refund"    // R8: the program refunds nothing on a medical exception
	SittingInFuture     Code = "sitting_in_future"    // R14
	NotHeld             Code = "not_held"             // revoke: nothing to withdraw
	DuplicateSitting    Code = "duplicate_sitting"    // R15
)

// Reason is one rule that refused a request, with the facts that explain it.
type Reason struct {
	Code Code
	Exam string // the exam the rule is about, when it is about one

	From    Date      // the date the rule counts from (a failed or passed sitting)
	Until   Date      // the first date the rule allows again; NoDate when never
	FromAt  time.Time // for rules on exact instants (T4)
	UntilAt time.Time
	Span    Span
	Count   int // reschedules or attempts so far
	Limit   int
	// Delivery is the mode asked for, when delivery_unavailable refused it.
	Delivery string
}

// CertState is the state of a certification on a date.
type CertState string

const (
	StateNone    CertState = "none"
	StateActive  CertState = "active"
	StateGrace   CertState = "grace" // expired, still renewable (Google Cloud's 30 days)
	StateExpired CertState = "expired"
	StateRevoked CertState = "revoked" // withdrawn; only its own exam earns it anew
)

// Option is one exam that would recertify a certification (V2).
type Option struct {
	Exam     string
	Earliest Date
	InTime   bool
}

// Decision answers an Ask. Which fields are set depends on the action.
type Decision struct {
	Action  Action
	Program string // program id and version the decision used
	At      time.Time
	Zone    *time.Location
	Subject string // exam, certification or appointment asked about

	Allowed bool
	Reasons []Reason
	// Earliest is the first date a slot would satisfy E2, R1 and R3 (book,
	// reschedule); NoDate with HasEarliest means there is none.
	Earliest    Date
	HasEarliest bool
	RetryAt     time.Time // when no_show_wait refused: booking opens again

	State     CertState
	ExpiresOn Date // NoDate when none or never
	Term      Term
	Options   []Option

	Passed bool
	Score  int

	// Consequences are the money and vouchers an allowed change moves, in
	// a stable order: book: fee_charged, voucher_redeemed; cancel:
	// fee_refunded, fee_forfeited, voucher_returned; reschedule:
	// fee_charged; no_show: fee_forfeited; medical_exception: fee_refunded.
	// A fee of zero moves nothing and is left out.
	Consequences []Consequence

	// late is the change tier that priced an allowed cancel or reschedule
	// (nil: none applied), for the explanation.
	late *ChangeTier
}

// ConsequenceKind names what an allowed decision moves.
type ConsequenceKind string

const (
	FeeCharged      ConsequenceKind = "fee_charged"
	FeeRefunded     ConsequenceKind = "fee_refunded"
	FeeForfeited    ConsequenceKind = "fee_forfeited"
	VoucherRedeemed ConsequenceKind = "voucher_redeemed"
	VoucherReturned ConsequenceKind = "voucher_returned"
)

// Consequence is one movement of money or of a voucher that an allowed
// decision entails. The ledger records them as they are; it computes none.
type Consequence struct {
	Kind    ConsequenceKind
	Amount  Money   // fee kinds
	Voucher Voucher // voucher kinds: FromExam and Issued identify it
	Rule    string  // the program's rule id behind it (V5, R7, R8, ...)
}

// Has reports whether the decision lists a reason code.
func (d *Decision) Has(c Code) bool {
	for i := range d.Reasons {
		if d.Reasons[i].Code == c {
			return true
		}
	}
	return false
}

func (d *Decision) refuse(r Reason) {
	// Reasons stay sorted by code, as decide.md asks; the list is short.
	d.Reasons = append(d.Reasons, r)
	for i := len(d.Reasons) - 1; i > 0 && d.Reasons[i].Code < d.Reasons[i-1].Code; i-- {
		d.Reasons[i], d.Reasons[i-1] = d.Reasons[i-1], d.Reasons[i]
	}
	d.Allowed = false
}

// Decide answers one question about a candidate at instant at. It reads no
// clock and does no I/O: the same program, history, instant and ask always
// give the same decision.
func (p *Program) Decide(h *History, at time.Time, ask Ask) Decision {
	d := Decision{Action: ask.Action, Program: p.label, At: at, Zone: h.zone.loc, Allowed: true,
		Earliest: NoDate, ExpiresOn: NoDate}
	c := ctx{p: p, h: h, zone: h.zone, at: at}
	c.atDate = c.date(at)
	switch ask.Action {
	case Book:
		d.Subject = ask.Exam
		x, ok := p.examIndex[ask.Exam]
		if !ok {
			d.refuse(Reason{Code: UnknownExam, Exam: ask.Exam})
			return d
		}
		c.slotRules(&d, int32(x), ask.Slot, -1)
		c.seatRules(&d, int32(x), ask.Slot, ask.Delivery)
		c.bookingFee(&d, int32(x), ask.UseVoucher)
	case Reschedule:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		ap := &h.appts[a]
		c.slotRules(&d, ap.exam, ask.Slot, a)
		c.seatRules(&d, ap.exam, ask.Slot, ask.Delivery)
		cost := c.changeCost(&d, ap, ap.delivery, true)
		if lim := p.Appointments.MaxReschedules; lim >= 0 && ap.reschedules >= lim {
			d.refuse(Reason{Code: RescheduleLimit, Exam: p.Exams[ap.exam].Code, Count: ap.reschedules, Limit: lim}) // R9
		}
		if d.Allowed {
			c.rescheduleFee(&d, ap, cost)
		}
	case Cancel:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		ap := &h.appts[a]
		mode := ap.delivery
		if mode == "" {
			mode = ask.Delivery
		}
		cost := c.changeCost(&d, ap, mode, false)
		if d.Allowed {
			c.cancelMoney(&d, ap, cost)
		}
	case MarkNoShow:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		ap := &h.appts[a]
		if c.at.Before(ap.slot) {
			d.refuse(Reason{Code: SlotNotStarted, Exam: p.Exams[ap.exam].Code, FromAt: ap.slot}) // R14
			return d
		}
		// R8: booking the exam again waits this long after the missed slot.
		d.RetryAt = ap.slot.Add(p.Appointments.NoShowWait.Duration()).UTC()
		d.Reasons = d.Reasons[:0]
		d.Term.BasisExam = p.Exams[ap.exam].Code
		c.noShowMoney(&d, ap)
	case MedicalException:
		d.Subject = ask.Appointment
		c.medicalException(&d, ask.Appointment)
	case RecordResult:
		c.recordResult(&d, ask)
	case Status, Revoke:
		d.Subject = ask.Certification
		ci, ok := p.certIndex[ask.Certification]
		if !ok {
			d.refuse(Reason{Code: UnknownCertification})
			return d
		}
		t := c.term(&p.Certifications[ci])
		d.Term = t
		d.State, d.ExpiresOn = t.StateOn(c.atDate), t.Expires
		if d.State == StateNone || d.State == StateRevoked {
			d.ExpiresOn = NoDate
			if ask.Action == Revoke {
				d.refuse(Reason{Code: NotHeld}) // only a certification held can be withdrawn (R16)
			}
		}
	case RecertifyOptions:
		d.Subject = ask.Certification
		ci, ok := p.certIndex[ask.Certification]
		if !ok {
			d.refuse(Reason{Code: UnknownCertification})
			return d
		}
		c.recertifyOptions(&d, &p.Certifications[ci])
	case Score:
		d.Subject = ask.Exam
		e, ok := p.Exam(ask.Exam)
		if !ok {
			d.refuse(Reason{Code: UnknownExam, Exam: ask.Exam})
			return d
		}
		d.Score = ask.Score
		if ask.Score < e.ScoreMin || ask.Score > e.ScoreMax {
			d.refuse(Reason{Code: InvalidScore, Exam: e.Code, Limit: e.ScoreMax, Count: ask.Score})
			return d
		}
		d.Passed = e.Passes(ask.Score) // E3
	}
	return d
}

// ctx carries one decision's inputs; its zone cache is a copy so that
// decisions on a shared History do not write to it.
type ctx struct {
	p      *Program
	h      *History
	zone   zoneCache
	at     time.Time
	atDate Date
}

func (c *ctx) date(t time.Time) Date { return c.zone.date(t.Unix()) }

// openAppointment finds an appointment that can still change (R6). An
// unknown or closed one is answered with that reason alone.
func (c *ctx) openAppointment(d *Decision, id string) (int, bool) {
	a := c.h.find(id)
	if a < 0 {
		d.refuse(Reason{Code: UnknownAppointment})
		return -1, false
	}
	if c.h.appts[a].state != apptOpen {
		d.refuse(Reason{Code: AppointmentClosed, Exam: c.p.Exams[c.h.appts[a].exam].Code}) // R6
		return -1, false
	}
	return a, true
}
