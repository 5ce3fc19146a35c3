package policy

import "time"

// The money an allowed change moves is the engine's to say, from program
// data and from what the history records was paid: a ledger that computed
// it would have rules the engine cannot explain. Every consequence names
// the program's rule for it.

// Rule kinds the consequences cite (keys of Program.Rules).
const (
	ruleFee           = "fee"               // the booking fee (AWS R2: the full fee each attempt)
	ruleVoucher       = "voucher"           // V5
	ruleTimelyCancel  = "timely_cancel"     // R7: a cancel in time is free of charge
	ruleRescheduleFee = "reschedule_fee"    // a flat fee on every reschedule
	ruleLateChange    = "late_change"       // a change tier (Google Cloud GC-A4)
	ruleNoShow        = "no_show"           // R8: a missed appointment forfeits the fee
	ruleMedical       = "medical_exception" // R8: an approved medical exception refunds it
)

func (d *Decision) fee(p *Program, kind ConsequenceKind, m Money, rule string) {
	if m.Minor <= 0 {
		return
	}
	d.Consequences = append(d.Consequences, Consequence{Kind: kind, Amount: m, Rule: p.Rule(rule)})
}

// changeCost finds what a cancel (reschedule false) or a reschedule of ap
// costs now: refused inside the change window (R7) or in a refusing tier,
// else the innermost late-change tier's price, else free. mode is the
// appointment's delivery mode; "" lets every tier apply.
func (c *ctx) changeCost(d *Decision, ap *appointment, mode string, reschedule bool) ChangeCost {
	w := c.p.Appointments.ChangeWindow
	deadline := ap.slot.Add(-w.Duration())
	if c.at.After(deadline) {
		d.refuse(Reason{Code: ChangeWindowClosed, Exam: c.p.Exams[ap.exam].Code, UntilAt: deadline, FromAt: ap.slot, Span: w}) // R7
		return ChangeCost{Kind: CostRefuse}
	}
	t := c.p.lateTier(ap.slot, mode, c.at)
	if t == nil {
		return ChangeCost{Kind: CostFree}
	}
	cost := t.Cancel
	if reschedule {
		cost = t.Reschedule
	}
	switch cost.Kind {
	case CostRefuse:
		d.refuse(Reason{Code: ChangeWindowClosed, Exam: c.p.Exams[ap.exam].Code, UntilAt: ap.slot.Add(-t.Within.Duration()), FromAt: ap.slot, Span: t.Within})
	case CostFee, CostWholeFee:
		d.late = t
	}
	return cost
}

// lateTier is the innermost tier covering mode whose window contains at: a
// change exactly Within before the slot is still outside it, as R7 keeps
// exactly 24 hours before in time (T4).
func (p *Program) lateTier(slot time.Time, mode string, at time.Time) *ChangeTier {
	var best *ChangeTier
	for i := range p.Appointments.LateChanges {
		t := &p.Appointments.LateChanges[i]
		if !t.appliesTo(mode) || !at.After(slot.Add(-t.Within.Duration())) {
			continue
		}
		if best == nil || t.Within.Minutes < best.Within.Minutes {
			best = t
		}
	}
	return best
}

// timelyCancel reports whether a cancel of ap at at was free: outside the
// change window and every tier that costs something. Only such a cancel
// gives a voucher back (V5).
func (p *Program) timelyCancel(ap *appointment, at time.Time) bool {
	if at.After(ap.slot.Add(-p.Appointments.ChangeWindow.Duration())) {
		return false
	}
	t := p.lateTier(ap.slot, ap.delivery, at)
	return t == nil || t.Cancel.Kind == CostFree
}

// bookingFee charges the exam's price, or pays it with the oldest unused
// voucher (V5) when asked; with none to use, the booking is refused.
func (c *ctx) bookingFee(d *Decision, x int32, useVoucher bool) {
	e := &c.p.Exams[x]
	price := e.Price
	if !useVoucher {
		if d.Allowed {
			d.fee(c.p, FeeCharged, price, ruleFee)
		}
		return
	}
	v, ok := c.usableVoucher()
	if !ok {
		d.refuse(Reason{Code: NoVoucher, Exam: e.Code}) // V5
		return
	}
	if !d.Allowed {
		return
	}
	price.Minor = price.Minor * int64(100-v.Discount) / 100
	d.fee(c.p, FeeCharged, price, ruleVoucher)
	d.Consequences = append(d.Consequences, Consequence{Kind: VoucherRedeemed, Voucher: v, Rule: c.p.Rule(ruleVoucher)})
}

// usableVoucher is the voucher a booking made now would use: the oldest
// unused one issued by then and not expired on the booking date, the same
// one the replay in vouchers marks used once the booking is on record.
func (c *ctx) usableVoucher() (Voucher, bool) {
	for _, v := range c.vouchers() {
		if v.State == VoucherUnused && !v.issuedAt.After(c.at) {
			return v, true
		}
	}
	return Voucher{}, false
}

// rescheduleFee charges a late tier's price, or the program's flat
// reschedule fee outside every tier.
func (c *ctx) rescheduleFee(d *Decision, ap *appointment, cost ChangeCost) {
	switch cost.Kind {
	case CostFee:
		d.fee(c.p, FeeCharged, cost.Fee, ruleLateChange)
	case CostWholeFee:
		d.fee(c.p, FeeCharged, c.p.Exams[ap.exam].Price, ruleLateChange)
	case CostFree:
		d.fee(c.p, FeeCharged, c.p.Appointments.Fees.RescheduleFee, ruleRescheduleFee)
	}
}

// cancelMoney settles what the booking paid: a cancel in time refunds it
// and returns its voucher (R7, V5); inside a tier the fee, or all of it,
// is forfeited. Refunded and forfeited always add up to what was paid.
func (c *ctx) cancelMoney(d *Decision, ap *appointment, cost ChangeCost) {
	p := c.p
	paid := ap.paid
	switch cost.Kind {
	case CostFree:
		if p.Appointments.Fees.TimelyCancel == Forfeit {
			d.fee(p, FeeForfeited, paid, ruleTimelyCancel)
		} else {
			d.fee(p, FeeRefunded, paid, ruleTimelyCancel)
		}
		if ap.voucher && p.Vouchers.ReturnedOnTimelyCancel {
			for _, v := range c.vouchers() {
				if v.State == VoucherUsed && v.Appointment == ap.id {
					v.State, v.Appointment = VoucherUnused, ""
					d.Consequences = append(d.Consequences, Consequence{Kind: VoucherReturned, Voucher: v, Rule: p.Rule(ruleVoucher)})
					break
				}
			}
		}
	case CostFee:
		kept := min(cost.Fee.Minor, paid.Minor)
		d.fee(p, FeeRefunded, Money{Minor: paid.Minor - kept, Currency: paid.Currency}, ruleLateChange)
		d.fee(p, FeeForfeited, Money{Minor: kept, Currency: paid.Currency}, ruleLateChange)
	case CostWholeFee:
		d.fee(p, FeeForfeited, paid, ruleLateChange)
	}
}

// noShowMoney: a missed appointment forfeits what was paid (R8), or
// refunds it where the program says so.
func (c *ctx) noShowMoney(d *Decision, ap *appointment) {
	if c.p.Appointments.Fees.NoShow == Refund {
		d.fee(c.p, FeeRefunded, ap.paid, ruleNoShow)
		return
	}
	d.fee(c.p, FeeForfeited, ap.paid, ruleNoShow)
}

// medicalException refunds a missed appointment's forfeited fee (R8), once
// (R13). Every rule that refuses is listed.
func (c *ctx) medicalException(d *Decision, id string) {
	p := c.p
	a := c.h.find(id)
	if a < 0 {
		d.refuse(Reason{Code: UnknownAppointment})
		return
	}
	ap := &c.h.appts[a]
	code := p.Exams[ap.exam].Code
	if ap.state != apptMissed {
		d.refuse(Reason{Code: NotMissed, Exam: code, Count: int(ap.state)}) // R8
	}
	if p.Appointments.Fees.MedicalException != Refund {
		d.refuse(Reason{Code: NoMedicalRefund, Exam: code}) // R8
	}
	if ap.state == apptMissed && (ap.refunded || p.Appointments.Fees.NoShow == Refund) {
		d.refuse(Reason{Code: AlreadyRefunded, Exam: code}) // R13
	}
	d.Term.BasisExam = code
	if d.Allowed {
		d.fee(p, FeeRefunded, ap.paid, ruleMedical)
	}
}
