package app

import (
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// project derives a candidate's read models from their stream. It is the
// only code that writes read models: a write replaces the candidate's view
// with project's output in the same transaction as the events, and rebuild
// runs it over every stream, so the two cannot disagree.
func project(p *policy.Program, candidate string, evs []decoded, h *policy.History) ledger.View {
	v := ledger.View{Candidate: candidate}
	appts := map[string]int{}
	for _, e := range evs {
		d := e.D
		switch e.Type {
		case EvBooked:
			appts[d.Appointment] = len(v.Appointments)
			v.Appointments = append(v.Appointments, ledger.Appointment{ID: d.Appointment, Candidate: candidate, Exam: d.Exam,
				Center: d.Center, Slot: deref(d.Slot), State: "open", BookedAt: deref(d.At), Voucher: d.Voucher, Rev: e.Seq})
		case EvRescheduled, EvCancelled, EvNoShow, EvSat:
			i, ok := appts[d.Appointment]
			if !ok {
				continue
			}
			a := &v.Appointments[i]
			a.Rev = e.Seq
			switch e.Type {
			case EvRescheduled:
				a.Slot, a.Reschedules = deref(d.Slot), a.Reschedules+1
				if d.Center != "" {
					a.Center = d.Center
				}
			case EvCancelled:
				a.State = "cancelled"
			case EvNoShow:
				a.State = "missed"
			case EvSat:
				a.State = "sat"
				v.Results = append(v.Results, result(p, candidate, e, a.Exam, a.Slot))
			}
		case EvResult:
			v.Results = append(v.Results, result(p, candidate, e, d.Exam, deref(d.On)))
		case EvFeeCharged, EvFeeRefunded, EvFeeForfeited:
			kind := map[string]string{EvFeeCharged: "charged", EvFeeRefunded: "refunded", EvFeeForfeited: "forfeited"}[e.Type]
			v.Fees = append(v.Fees, ledger.Fee{Candidate: candidate, Seq: e.Seq, Appointment: d.Appointment, Kind: kind,
				AmountMinor: d.AmountMinor, Currency: d.Currency, At: e.RecordedAt})
			if i, ok := appts[d.Appointment]; ok && e.Type == EvFeeCharged {
				v.Appointments[i].FeeMinor, v.Appointments[i].Currency = d.AmountMinor, d.Currency
			}
		}
	}
	// Terms and vouchers do not depend on the day they are read; their
	// state (active, expired) does and is computed when read.
	r := p.Report(h, time.Time{})
	for _, c := range r.Certifications {
		row := ledger.Certification{Candidate: candidate, Certification: c.ID, EarnedOn: c.Term.EarnedOn.String(),
			BasisExam: c.Term.BasisExam, BasisDate: c.Term.BasisDate.String(), Renewed: c.Term.Renewed, Revoked: c.Term.Revoked}
		if c.Expires != policy.NoDate {
			row.ExpiresOn = c.Expires.String()
		}
		v.Certifications = append(v.Certifications, row)
	}
	for _, vc := range r.Vouchers {
		row := ledger.Voucher{ID: voucherID(candidate, vc), Candidate: candidate, FromExam: vc.FromExam, IssuedOn: vc.Issued.String(),
			Discount: vc.Discount, State: "unused", Appointment: vc.Appointment}
		if vc.State == policy.VoucherUsed {
			row.State = "used"
		}
		if vc.Expires != policy.NoDate {
			row.ExpiresOn = vc.Expires.String()
		}
		v.Vouchers = append(v.Vouchers, row)
	}
	v.Notices = noticeRows(p, candidate, h, evs)
	return v
}

// voucherID names a voucher by the pass that earned it (V5): the exam and
// the sitting's date. A name by position would shift when a result dated
// before earlier passes is recorded later (an import of old history).
func voucherID(candidate string, v policy.Voucher) string {
	return fmt.Sprintf("%s-v-%s-%s", candidate, v.FromExam, v.Issued)
}

func result(p *policy.Program, candidate string, e decoded, exam string, satAt time.Time) ledger.Result {
	r := ledger.Result{ID: resultID(candidate, e.Seq), Candidate: candidate, Appointment: e.D.Appointment,
		Exam: exam, SatAt: satAt, RecordedAt: e.RecordedAt, Scaled: e.D.Scaled, Form: e.D.Form, Raw: e.D.Raw}
	if x, ok := p.Exam(exam); ok {
		r.Passed = x.Passes(e.D.Scaled)
	}
	if len(e.D.Domains) > 0 {
		r.Domains = mustJSON(e.D.Domains)
	}
	return r
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
