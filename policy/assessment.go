package policy

// assessmentRules applies to renewal assessments (Microsoft): one can be
// sat only to renew a certification the candidate holds, and only inside
// its renewal window. It returns the date the window opens when that is
// what refused the slot, and the last date on which the assessment still
// renews something (NoDate: no end; OpenStart: none).
func (c *ctx) assessmentRules(d *Decision, e *Exam, slotDate Date) (Date, Date) {
	var held, early, ok bool
	opens, last := NoDate, OpenStart
	for i := range c.p.Certifications {
		cert := &c.p.Certifications[i]
		if !cert.hasPath(e.Line) {
			continue
		}
		t := c.term(cert)
		if t.Earned {
			last = max(last, t.renewableUntil())
		}
		inTerm, open := t.renewable(slotDate)
		if inTerm && open {
			ok = true
		} else if inTerm {
			early = true
			opens = min(opens, cert.Window.SubFrom(t.Expires))
		}
		held = held || t.Earned
	}
	switch {
	case ok:
		return OpenStart, last
	case early:
		d.refuse(Reason{Code: OutsideWindow, Exam: e.Code, Until: opens})
		return opens, last
	default:
		d.refuse(Reason{Code: NotActive, Exam: e.Code, From: NoDate, Count: boolInt(held)})
	}
	return OpenStart, OpenStart
}

// renewableUntil is the last date a pass still renews the term: its expiry,
// or the end of its grace; NoDate when it never expires.
func (t Term) renewableUntil() Date {
	if t.Expires == NoDate {
		return NoDate
	}
	if !t.Grace.IsZero() {
		return t.Grace.AddTo(t.Expires)
	}
	return t.Expires
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
