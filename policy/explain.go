package policy

import (
	"strconv"
	"time"
)

// Explain says in plain language why a decision came out as it did, one
// sentence a reason, each naming the rule the program cites for it. It is
// separate from Decide so that a caller that needs only the answer does not
// pay for the prose.
func (p *Program) Explain(d *Decision) []string {
	var out []string
	for _, r := range d.Reasons {
		out = append(out, p.explainReason(d, r))
	}
	switch d.Action {
	case MarkNoShow:
		if d.Allowed {
			out = append(out, "Appointment "+d.Subject+" for "+d.Term.BasisExam+" can be recorded as missed: the fee is "+
				string(p.Appointments.Fees.NoShow)+"ed, it is not a failed attempt, and "+d.Term.BasisExam+" can be booked again from "+
				instant(d.RetryAt, d.Zone)+p.cite("no_show_wait")+".")
		}
	case MedicalException:
		if d.Allowed {
			out = append(out, "Appointment "+d.Subject+" for "+d.Term.BasisExam+" was missed; on an approved medical exception its fee is refunded"+
				p.cite(ruleMedical)+", once"+p.cite("already_refunded")+".")
		}
	case Revoke:
		if d.Allowed {
			out = append(out, d.Subject+" is "+string(d.State)+"; once revoked it stays revoked until its own exam is passed again"+p.cite("revoked")+".")
		}
	case RecordResult:
		if d.Allowed {
			e, _ := p.Exam(d.Term.BasisExam)
			verb := "passes"
			if !d.Passed {
				verb = "does not pass"
			}
			out = append(out, "The result can be recorded: the sitting has begun"+p.cite("slot_not_started")+" and is not on record yet"+
				p.cite("duplicate_sitting")+"; a scaled score of "+strconv.Itoa(d.Score)+" "+verb+" "+e.Code+
				" (passing score "+strconv.Itoa(e.PassingScore)+")"+p.cite("scoring")+".")
		}
	case Book, Reschedule, Cancel:
		if d.Allowed {
			out = append(out, p.explainAllowed(d))
		} else if d.HasEarliest {
			if d.Earliest == NoDate {
				out = append(out, "No date satisfies every rule for "+d.Subject+": it is not offered again once they allow it.")
			} else {
				out = append(out, "The earliest date that satisfies every rule for "+d.Subject+" is "+d.Earliest.String()+".")
			}
		}
	}
	if d.Allowed {
		out = p.explainConsequences(out, d)
	}
	switch d.Action {
	case Status:
		if len(d.Reasons) == 0 {
			out = append(out, p.explainTerm(d.Subject, d.Term, d.State, d.At, d.Zone))
		}
	case RecertifyOptions:
		if len(d.Reasons) == 0 {
			out = append(out, p.explainTerm(d.Subject, d.Term, d.State, d.At, d.Zone))
			if len(d.Options) == 0 {
				out = append(out, "No exam on its renewal paths can be sat before the versions offered are retired.")
			}
			for _, o := range d.Options {
				s := "Passing " + o.Exam + " would renew it; the earliest date it can be sat is " + o.Earliest.String()
				switch {
				case o.InTime && d.Term.Expires != NoDate && o.Earliest > d.Term.Expires:
					s += ", in the grace period after the expiry, which ends on " + d.Term.Grace.AddTo(d.Term.Expires).String() + p.cite("renewal") + "."
				case o.InTime:
					s += ", on or before the expiry" + p.cite("renewal") + "."
				default:
					s += ", after the expiry, too late to renew" + p.cite("expired_not_renewable") + "."
				}
				out = append(out, s)
			}
		}
	case Score:
		if len(d.Reasons) == 0 {
			e, _ := p.Exam(d.Subject)
			verb := "passes"
			if !d.Passed {
				verb = "does not pass"
			}
			out = append(out, "A scaled score of "+strconv.Itoa(d.Score)+" "+verb+" "+e.Code+": its passing score is "+
				strconv.Itoa(e.PassingScore)+" on a scale of "+strconv.Itoa(e.ScoreMin)+"-"+strconv.Itoa(e.ScoreMax)+p.cite("scoring")+".")
		}
	}
	return out
}

func (p *Program) cite(kind string) string {
	if r := p.Rule(kind); r != "" {
		return " (" + r + ")"
	}
	return ""
}

func (p *Program) explainReason(d *Decision, r Reason) string {
	c := p.cite(string(r.Code))
	switch r.Code {
	case UnknownExam:
		return "The program " + p.ID + " has no exam " + strconv.Quote(r.Exam) + "."
	case UnknownCertification:
		return "The program " + p.ID + " has no certification " + strconv.Quote(d.Subject) + "."
	case UnknownAppointment:
		return "The candidate has no appointment " + strconv.Quote(d.Subject) + "."
	case AppointmentClosed:
		return "Appointment " + d.Subject + " for " + r.Exam + " is closed: it was cancelled, sat or missed" + c + "."
	case SlotNotFuture:
		return "The slot " + instant(r.FromAt, d.Zone) + " is not after the moment of asking, " + instant(d.At, d.Zone) + c + "."
	case ExamUnavailable:
		return r.Exam + " is offered " + offered(r.From, r.Until) + ", and the slot is outside that" + c + "."
	case RetakeWait:
		s := r.Exam + " can be sat again from " + r.Until.String() + ": " + r.Span.Words() + " after the failed sitting of " + r.From.String()
		if r.Count > 1 {
			s += " (failure " + strconv.Itoa(r.Count) + " in a row)"
		}
		if r.Span.Exact() {
			s = r.Exam + " can be sat again from " + instant(r.UntilAt, d.Zone) + ": " + r.Span.Words() + " after the failed sitting at " + instant(r.FromAt, d.Zone)
		}
		return s + c + "."
	case PassedLockout:
		if r.Until == NoDate {
			return r.Exam + " was passed on " + r.From.String() + " and cannot be sat again while its certification stays valid" + c + "."
		}
		s := r.Exam + " was passed on " + r.From.String() + " and cannot be sat again before " + r.Until.String()
		if !r.Span.IsZero() {
			s += " (" + r.Span.Words() + "; a new version of the line is a different exam)"
		}
		return s + c + "."
	case AttemptLimit:
		return r.Exam + " has been sat " + strconv.Itoa(r.Count) + " times; at most " + strconv.Itoa(r.Limit) + " sittings fall within " +
			r.Span.Words() + ", so the next can be on " + r.Until.String() + " at the earliest" + c + "."
	case NoShowWait:
		return "The appointment for " + r.Exam + " at " + instant(r.FromAt, d.Zone) + " was missed; " + r.Exam + " can be booked again from " +
			instant(r.UntilAt, d.Zone) + ", " + r.Span.Words() + " after the missed slot" + c + "."
	case AlreadyBooked:
		return "The candidate already holds an open appointment for " + r.Exam + " at " + instant(r.FromAt, d.Zone) + c + "."
	case ChangeWindowClosed:
		if r.Span.IsZero() {
			return "The slot at " + instant(r.FromAt, d.Zone) + " has begun, so the appointment can no longer be changed" + c + "."
		}
		return "The slot at " + instant(r.FromAt, d.Zone) + " could be changed only until " + instant(r.UntilAt, d.Zone) + ", " +
			r.Span.Words() + " before it" + c + "."
	case RescheduleLimit:
		return "Appointment " + d.Subject + " has been rescheduled " + strconv.Itoa(r.Count) + " times, the most allowed is " + strconv.Itoa(r.Limit) + c + "."
	case OutsideWindow:
		return r.Exam + " renews a certification only inside its renewal window, which opens on " + r.Until.String() + c + "."
	case NotActive:
		if r.Exam != "" {
			return r.Exam + " is a renewal assessment: it renews only a certification that is active, and none it renews is" + c + "."
		}
		if d.Term.Revoked {
			return d.Subject + " was revoked; only passing its own exam earns it anew" + c + "."
		}
		if r.From == NoDate {
			return d.Subject + " has never been earned, so there is nothing to renew" + c + "."
		}
		return d.Subject + " has expired (its last valid day was " + r.From.String() + "); an expired certification cannot be renewed, only earned anew by its own exam" + c + "."
	case SlotNotStarted:
		if d.Action == RecordResult {
			return "The slot of " + r.Exam + " at " + instant(r.FromAt, d.Zone) + " has not begun, so it has no result yet" + c + "."
		}
		return "The slot of " + r.Exam + " at " + instant(r.FromAt, d.Zone) + " has not begun, so it cannot have been missed" + c + "."
	case InvalidScore:
		e, _ := p.Exam(r.Exam)
		return "a scaled score of " + strconv.Itoa(r.Count) + " is not a whole number on " + r.Exam + "'s scale " +
			strconv.Itoa(e.ScoreMin) + "-" + strconv.Itoa(e.ScoreMax) + c
	case NoVoucher:
		return "The candidate has no unused voucher to pay for " + r.Exam + " with: one is issued on each pass and used once" + c + "."
	case DeliveryUnavailable:
		e, _ := p.Exam(r.Exam)
		return r.Exam + " is not delivered " + deliveryWords(r.Delivery) + "; it is delivered " + modes(e.Delivery) + c + "."
	case BeyondHorizon:
		last := r.Until.String()
		if r.Span.Exact() {
			last = instant(r.UntilAt, d.Zone)
		}
		return "The slot " + instant(r.FromAt, d.Zone) + " is more than " + r.Span.Words() + " ahead; slots can be booked up to " + last + c + "."
	case OffGrid:
		return "The slot " + instant(r.FromAt, d.Zone) + " does not start on the program's grid: slots start every " + r.Span.Words() +
			" from the hour, on the minute" + c + "."
	case NotMissed:
		return "Appointment " + d.Subject + " for " + r.Exam + " was not missed (it is " + apptState(r.Count).String() +
			"): a medical exception refunds the fee of a missed appointment" + c + "."
	case NoMedicalRefund:
		return "The program " + p.ID + " does not refund a fee on a medical exception" + c + "."
	case AlreadyRefunded:
		return "The fee of appointment " + d.Subject + " for " + r.Exam + " has already been refunded; a fee is refunded once" + c + "."
	case SittingInFuture:
		return "A sitting of " + r.Exam + " at " + instant(r.FromAt, d.Zone) + " is later than the moment it is recorded, " +
			instant(d.At, d.Zone) + ", by more than the " + strconv.Itoa(int(ClockSkew.Minutes())) + " minutes the clocks may differ" + c + "."
	case NotHeld:
		return "There is no " + d.Subject + " to revoke: it is " + string(d.State) + c + "."
	case DuplicateSitting:
		return "A result for " + r.Exam + " sat at " + instant(r.FromAt, d.Zone) + " is on record already; a sitting has one result" + c + "."

	}
	return string(r.Code) + c + "."
}

func (p *Program) explainAllowed(d *Decision) string {
	switch d.Action {
	case Cancel:
		if t := d.late; t != nil {
			return "Appointment " + d.Subject + " can be cancelled, but it is less than " + windowWords(t.Within) + " before its slot, so " +
				costWords(t.Cancel, false) + p.cite(ruleLateChange) + "."
		}
		if p.Appointments.Fees.TimelyCancel == Forfeit {
			return "Appointment " + d.Subject + " can be cancelled; the program refunds no fee on a cancel" + p.cite(ruleTimelyCancel) + "."
		}
		if p.Appointments.ChangeWindow.IsZero() {
			return "Appointment " + d.Subject + " can be cancelled free of charge: its slot has not begun" + p.cite("change_window_closed") + "."
		}
		return "Appointment " + d.Subject + " can be cancelled free of charge: it is more than " +
			p.Appointments.ChangeWindow.Words() + " before its slot" + p.cite("change_window_closed") + "."
	case Reschedule:
		if t := d.late; t != nil {
			return "Appointment " + d.Subject + " can be moved: the new slot satisfies every booking rule, but the change is less than " +
				windowWords(t.Within) + " before the slot, so " + costWords(t.Reschedule, true) + p.cite(ruleLateChange) + "."
		}
		return "Appointment " + d.Subject + " can be moved: the new slot satisfies every booking rule and the change is in time" + p.cite("change_window_closed") + "."
	}
	return d.Subject + " can be booked for that slot: it is offered then, and no retake, lockout, open-appointment or no-show rule stands in the way."
}

func (p *Program) explainTerm(id string, t Term, state CertState, at time.Time, zone *time.Location) string {
	if !t.Earned && t.Revoked {
		return id + " was revoked; only passing its own exam earns it anew."
	}
	if !t.Earned {
		return id + " has not been earned: no passing sitting of its exam is on record."
	}
	how := "earned by passing " + t.BasisExam + " on " + t.BasisDate.String() + p.cite("validity")
	if t.Renewed {
		how = "renewed by passing " + t.BasisExam + " on " + t.BasisDate.String() + p.cite("renewal")
	}
	if t.Expires == NoDate {
		return id + " is active and does not expire: " + how + "."
	}
	switch state {
	case StateActive:
		return id + " is active through " + t.Expires.String() + ": " + how + "."
	case StateGrace:
		return id + " expired on " + t.Expires.String() + " but can still be renewed until " + t.Grace.AddTo(t.Expires).String() + ": " + how + "."
	}
	return id + " has expired: its last valid day was " + t.Expires.String() + "; it was " + how + "."
}

func offered(first, last Date) string {
	switch {
	case first == OpenStart && last == NoDate:
		return "on every date"
	case first == OpenStart:
		return "until " + last.String()
	case last == NoDate:
		return "from " + first.String()
	}
	return "from " + first.String() + " to " + last.String()
}

// instant writes a moment in the candidate's zone, as they would read it.
func instant(t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("2006-01-02 15:04 MST")
}

// explainConsequences says what an allowed decision moves, one sentence a
// consequence, each citing its rule.
func (p *Program) explainConsequences(out []string, d *Decision) []string {
	for _, c := range d.Consequences {
		cite := ""
		if c.Rule != "" {
			cite = " (" + c.Rule + ")"
		}
		var s string
		switch c.Kind {
		case FeeCharged:
			s = "It is charged " + MoneyString(c.Amount)
		case FeeRefunded:
			s = MoneyString(c.Amount) + " of the fee is refunded"
		case FeeForfeited:
			s = MoneyString(c.Amount) + " of the fee is forfeited"
		case VoucherRedeemed:
			s = "The " + strconv.Itoa(c.Voucher.Discount) + "% voucher from passing " + c.Voucher.FromExam + " on " + c.Voucher.Issued.String() + " pays for it and is used up"
		case VoucherReturned:
			s = "The voucher from passing " + c.Voucher.FromExam + " on " + c.Voucher.Issued.String() + " that paid for it is returned, unused"
		default:
			s = string(c.Kind)
		}
		out = append(out, s+cite+".")
	}
	return out
}

// costWords says what a late change costs.
func costWords(c ChangeCost, reschedule bool) string {
	switch {
	case c.Kind == CostWholeFee && reschedule:
		return "it costs the whole exam fee again"
	case c.Kind == CostWholeFee:
		return "the whole fee is forfeited"
	case reschedule:
		return "it costs a fee of " + MoneyString(c.Fee)
	}
	return "a fee of " + MoneyString(c.Fee) + " is kept from the refund"
}

// MoneyString writes an amount as people read it: 150.00 USD.
func MoneyString(m Money) string {
	b := strconv.AppendInt(nil, m.Minor/100, 10)
	cents := m.Minor % 100
	if cents < 0 {
		cents = -cents
	}
	b = append(b, '.', byte('0'+cents/10), byte('0'+cents%10))
	if m.Currency != "" {
		b = append(b, ' ')
		b = append(b, m.Currency...)
	}
	return string(b)
}

func deliveryWords(mode string) string {
	switch mode {
	case "online":
		return "online"
	case "test_center":
		return "at a test center"
	}
	return strconv.Quote(mode)
}

func modes(ms []string) string {
	var b []byte
	for i, m := range ms {
		switch {
		case i > 0 && i == len(ms)-1:
			b = append(b, " or "...)
		case i > 0:
			b = append(b, ", "...)
		}
		b = append(b, deliveryWords(m)...)
	}
	return string(b)
}

func (s apptState) String() string {
	switch s {
	case apptOpen:
		return "open"
	case apptCancelled:
		return "cancelled"
	case apptSat:
		return "sat"
	case apptMissed:
		return "missed"
	}
	return "unknown"
}

// windowWords says how long a late-change window is as a program would:
// "72 hours", but "30 days" rather than "720 hours".
func windowWords(s Span) string {
	if h := s.Minutes / 60; s.Minutes%60 == 0 && h > 72 && h%24 == 0 {
		return strconv.Itoa(h/24) + " days (" + strconv.Itoa(h) + " hours)"
	}
	return s.Words()
}
