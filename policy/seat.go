package policy

import "time"

// seatRules apply to an ask about a real seat, one that names its delivery
// mode: the exam must be delivered that way (R12), and the slot must lie
// within the booking horizon (R10) and on the slot grid (R11). decide.md's
// scenarios name no mode and are about no particular seat, so they are
// free of the calendar (its conformance books slots years ahead and at any
// minute).
func (c *ctx) seatRules(d *Decision, x int32, slot time.Time, mode string) {
	if mode == "" {
		return
	}
	p := c.p
	e := &p.Exams[x]
	if !e.DeliveredAs(mode) {
		d.refuse(Reason{Code: DeliveryUnavailable, Exam: e.Code, Delivery: mode}) // R12
	}
	ap := &p.Appointments
	if h := ap.BookingHorizon; !h.IsZero() {
		if h.Exact() {
			if last := c.at.Add(h.Duration()); slot.After(last) {
				d.refuse(Reason{Code: BeyondHorizon, Exam: e.Code, FromAt: slot, UntilAt: last, Span: h}) // R10
			}
		} else if last := h.AddTo(c.atDate); c.date(slot) > last {
			d.refuse(Reason{Code: BeyondHorizon, Exam: e.Code, FromAt: slot, Until: last, Span: h}) // R10
		}
	}
	if g := ap.SlotGrid; !g.IsZero() && !onGrid(slot, g) {
		d.refuse(Reason{Code: OffGrid, Exam: e.Code, FromAt: slot, Span: g}) // R11
	}
}

// onGrid reports whether a slot starts a whole number of grid steps after
// an hour. Compile keeps the step a divisor of an hour, and every zone's
// offset from UTC is a whole number of quarter hours, so a quarter-hour
// grid reads the same in the candidate's zone as in UTC.
func onGrid(slot time.Time, grid Span) bool {
	step := int64(grid.Minutes) * 60
	u := slot.Unix()
	return slot.Nanosecond() == 0 && (u%step+step)%step == 0
}

// DeliveredAs reports whether the exam is delivered in a mode (R12). An
// exam that lists no modes is delivered in every one.
func (e *Exam) DeliveredAs(mode string) bool {
	if len(e.Delivery) == 0 {
		return true
	}
	for _, m := range e.Delivery {
		if m == mode {
			return true
		}
	}
	return false
}

// recordResult checks that a result can be recorded: an appointment's
// must be open (R6) and its slot begun (R14); a sitting without one must
// not lie after the moment of recording, ClockSkew aside (R14); either way
// the same exam at the same instant must not be on record already (R15),
// and the score must lie on the exam's scale (E3).
func (c *ctx) recordResult(d *Decision, ask Ask) {
	p := c.p
	var x int32
	var at time.Time
	if ask.Appointment != "" {
		d.Subject = ask.Appointment
		a := c.h.find(ask.Appointment)
		if a < 0 {
			d.refuse(Reason{Code: UnknownAppointment})
			return
		}
		ap := &c.h.appts[a]
		if ap.state != apptOpen {
			d.refuse(Reason{Code: AppointmentClosed, Exam: p.Exams[ap.exam].Code}) // R6
			return
		}
		x, at = ap.exam, ap.slot
		if c.at.Before(ap.slot) {
			d.refuse(Reason{Code: SlotNotStarted, Exam: p.Exams[x].Code, FromAt: ap.slot}) // R14
		}
	} else {
		d.Subject = ask.Exam
		i, ok := p.examIndex[ask.Exam]
		if !ok {
			d.refuse(Reason{Code: UnknownExam, Exam: ask.Exam})
			return
		}
		x, at = int32(i), ask.Slot
		if limit := c.at.Add(ClockSkew); at.After(limit) {
			d.refuse(Reason{Code: SittingInFuture, Exam: p.Exams[x].Code, FromAt: at, UntilAt: limit}) // R14
		}
	}
	e := &p.Exams[x]
	for i := range c.h.sittings {
		if s := &c.h.sittings[i]; s.exam == x && s.at.Equal(at) {
			d.refuse(Reason{Code: DuplicateSitting, Exam: e.Code, FromAt: at}) // R15
			break
		}
	}
	d.Score = ask.Score
	if ask.Score < e.ScoreMin || ask.Score > e.ScoreMax {
		d.refuse(Reason{Code: InvalidScore, Exam: e.Code, Limit: e.ScoreMax, Count: ask.Score}) // E3
	}
	if d.Allowed {
		d.Passed = e.Passes(ask.Score)
		d.Term.BasisExam = e.Code
	}
}
