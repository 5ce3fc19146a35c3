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
)

var actionNames = [...]string{"", "book", "cancel", "reschedule", "status", "recertify_options", "score", "no_show"}

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
	Slot          time.Time
	Score         int
}

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
	SlotNotStarted       Code = "slot_not_started" // a no-show before the slot
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
	case Reschedule:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		ap := &h.appts[a]
		c.slotRules(&d, ap.exam, ask.Slot, a)
		c.changeWindow(&d, ap)
		if lim := p.Appointments.MaxReschedules; lim >= 0 && ap.reschedules >= lim {
			d.refuse(Reason{Code: RescheduleLimit, Exam: p.Exams[ap.exam].Code, Count: ap.reschedules, Limit: lim}) // R9
		}
	case Cancel:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		c.changeWindow(&d, &h.appts[a])
	case MarkNoShow:
		d.Subject = ask.Appointment
		a, ok := c.openAppointment(&d, ask.Appointment)
		if !ok {
			return d
		}
		ap := &h.appts[a]
		if c.at.Before(ap.slot) {
			d.refuse(Reason{Code: SlotNotStarted, Exam: p.Exams[ap.exam].Code, FromAt: ap.slot})
			return d
		}
		// R8: booking the exam again waits this long after the missed slot.
		d.RetryAt = ap.slot.Add(p.Appointments.NoShowWait.Duration()).UTC()
		d.Reasons = d.Reasons[:0]
		d.Term.BasisExam = p.Exams[ap.exam].Code
	case Status:
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

// changeWindow applies R7: a change is allowed up to the window before the
// slot, exactly the window before included, on instants (T4).
func (c *ctx) changeWindow(d *Decision, ap *appointment) {
	w := c.p.Appointments.ChangeWindow
	deadline := ap.slot.Add(-w.Duration())
	if c.at.After(deadline) {
		d.refuse(Reason{Code: ChangeWindowClosed, Exam: c.p.Exams[ap.exam].Code, UntilAt: deadline, FromAt: ap.slot, Span: w})
	}
}
