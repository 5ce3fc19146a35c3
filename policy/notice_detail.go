package policy

import (
	"strconv"
	"strings"
	"time"
)

// NoticeDetail is the engine's explanation of one notice as it is sent at
// an instant: a title, plain sentences citing the program's rules (in the
// style of Explain), and the facts they are made of, for templates and
// webhook receivers. The channels render it; they compute nothing.
type NoticeDetail struct {
	Title string
	Lines []string
	// DaysLeft is whole days from the sending day (in the candidate's zone)
	// to the notice's Date; negative once it has passed.
	DaysLeft int
	// Renewals are the exams that would renew the certification, with the
	// earliest date each can be sat and the plan's last dates (Plan).
	Renewals []PlanOption
	// LastSafeBooking is the last date a first attempt still leaves room
	// for a retake before the certification lapses (NoDate: none).
	LastSafeBooking Date
	// WeakDomains are the failed sitting's domains that need improvement.
	WeakDomains []string
	// Slot and ChangeUntil are an appointment's slot and change deadline
	// (R7), for appointment notices.
	Slot, ChangeUntil time.Time
}

// NoticeDetail explains notice n, sent at instant at, from history h. It
// reads the history as it is at the moment of sending, so the dates it
// gives are the ones that hold then.
func (p *Program) NoticeDetail(n Notice, h *History, at time.Time) NoticeDetail {
	zone := h.zone.loc
	nd := NoticeDetail{DaysLeft: int(n.Date - DateIn(at, zone)), LastSafeBooking: NoDate}
	switch n.Kind {
	case NoticeExpiry, NoticeExpired:
		p.certDetail(&nd, n, h, at)
	case NoticeRetake:
		p.retakeDetail(&nd, n, h)
	case NoticeChangeDeadline, NoticeSitting:
		p.appointmentDetail(&nd, n, h, at)
	case NoticeVoucher:
		p.voucherDetail(&nd, n, h, at)
	default:
		nd.Title = string(n.Kind) + " " + n.Subject
	}
	return nd
}

// daysWords says "in 30 days", "tomorrow", "today".
func daysWords(n int) string {
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow, "
	}
	return "in " + strconv.Itoa(n) + " days, "
}

func (p *Program) certDetail(nd *NoticeDetail, n Notice, h *History, at time.Time) {
	plan, err := p.Plan(h, at, n.Subject)
	if err != nil {
		nd.Title = n.Subject + " is not a certification of " + p.ID
		return
	}
	id := plan.Certification
	for _, o := range plan.Options {
		nd.Renewals = append(nd.Renewals, o)
		if o.WithOneRetake != NoDate && (nd.LastSafeBooking == NoDate || o.WithOneRetake > nd.LastSafeBooking) {
			nd.LastSafeBooking = o.WithOneRetake
		}
	}
	if n.Kind == NoticeExpired {
		p.expiredDetail(nd, n, &plan)
		return
	}
	when := daysWords(nd.DaysLeft) + "on " + n.Date.String()
	if nd.DaysLeft == 0 {
		when = "today, " + n.Date.String() + ", its last valid day"
	}
	nd.Title = plan.Name + " expires " + strings.TrimSuffix(when, ", its last valid day")
	nd.Lines = append(nd.Lines, id+" ("+plan.Name+") expires "+when+p.cite("reminders")+".")
	if n.Days >= 90 {
		nd.Title = plan.Name + " expires on " + n.Date.String() + ": time to start preparing"
		s := "Start preparing now"
		if plan.PrepareFrom != NoDate && plan.PrepareBy != NoDate {
			s += ": the program advises starting between " + plan.PrepareFrom.String() + " and " + plan.PrepareBy.String()
		}
		nd.Lines = append(nd.Lines, s+"; a missed renewal means passing the full exam again"+p.cite("expired_not_renewable")+".")
	}
	if len(plan.Options) == 0 {
		nd.Lines = append(nd.Lines, "No exam on its renewal paths can be sat before it expires.")
	}
	for _, o := range plan.Options {
		nd.Lines = append(nd.Lines, "Passing "+o.Exam+" renews it; it can be sat from "+o.Earliest.String()+p.cite("renewal")+".")
	}
	if n.Days < 90 && len(plan.Options) > 0 {
		nd.Lines = append(nd.Lines, "Book one of them now and pass it on or before "+n.Date.String()+
			" to keep the certification; after that only the full exam earns it again"+p.cite("expired_not_renewable")+".")
	}
	switch {
	case nd.LastSafeBooking != NoDate:
		nd.Lines = append(nd.Lines, "Sit a first attempt by "+nd.LastSafeBooking.String()+
			" to leave room for a retake after a failure before it expires"+p.cite("retake_wait")+".")
	case len(plan.Options) > 0:
		nd.Lines = append(nd.Lines, "There is no longer room for a retake before it expires: a first attempt must pass"+p.cite("retake_wait")+".")
	}
}

func (p *Program) expiredDetail(nd *NoticeDetail, n Notice, plan *RenewalPlan) {
	id := plan.Certification
	nd.Title = plan.Name + " has expired"
	nd.Lines = append(nd.Lines, id+" ("+plan.Name+") has expired: its last valid day was "+n.Date.String()+p.cite("validity")+".")
	if plan.State == StateGrace {
		nd.Lines = append(nd.Lines, "It can still be renewed until "+plan.Term.Grace.AddTo(plan.Term.Expires).String()+p.cite("renewal")+".")
		for _, o := range plan.Options {
			nd.Lines = append(nd.Lines, "Passing "+o.Exam+" renews it; it can be sat from "+o.Earliest.String()+p.cite("renewal")+".")
		}
		return
	}
	nd.Renewals, nd.LastSafeBooking = nil, NoDate
	s := "An expired certification cannot be renewed, only earned anew by passing its own exam again"
	if e := plan.EarnAnew; e != nil && e.Earliest != NoDate {
		s += ": " + e.Exam + ", which can be sat from " + e.Earliest.String()
	}
	nd.Lines = append(nd.Lines, s+p.cite("expired_not_renewable")+".")
}

func (p *Program) retakeDetail(nd *NoticeDetail, n Notice, h *History) {
	nd.Title = "You can book a retake of " + n.Subject + " from " + n.Date.String()
	e, ok := p.Exam(n.Subject)
	if !ok {
		return
	}
	// The failed sitting is the last one of the exam's line.
	var failed *sitting
	for i := len(h.sittings) - 1; i >= 0; i-- {
		if p.examLine[h.sittings[i].exam] == p.examLine[p.examIndex[e.Code]] {
			failed = &h.sittings[i]
			break
		}
	}
	if failed == nil || failed.passed {
		nd.Lines = append(nd.Lines, "You can book a retake of "+n.Subject+" from "+n.Date.String()+p.cite("retake_wait")+".")
		return
	}
	fe := &p.Exams[failed.exam]
	nd.Lines = append(nd.Lines, fe.Code+" was not passed on "+failed.date.String()+": a scaled score of "+strconv.Itoa(failed.score)+
		", passing score "+strconv.Itoa(fe.PassingScore)+p.cite("scoring")+".")
	c := ctx{p: p, h: h, zone: h.zone, atDate: OpenStart}
	b := c.examBounds(failed.exam)
	why := ""
	if b.retake.Code != "" {
		why = ": " + b.retake.Span.Words() + " after the failed sitting"
	}
	nd.Lines = append(nd.Lines, "You can book a retake of "+n.Subject+" from "+n.Date.String()+why+p.cite("retake_wait")+".")
	for _, d := range failed.domains {
		if !d.Meets {
			nd.WeakDomains = append(nd.WeakDomains, d.Domain)
		}
	}
	if len(nd.WeakDomains) > 0 {
		nd.Lines = append(nd.Lines, "The score report says these domains need improvement: "+strings.Join(nd.WeakDomains, "; ")+".")
	}
}

func (p *Program) appointmentDetail(nd *NoticeDetail, n Notice, h *History, at time.Time) {
	zone := h.zone.loc
	i := h.find(n.Subject)
	if i < 0 {
		nd.Title = "Appointment " + n.Subject
		nd.Lines = append(nd.Lines, "The candidate has no appointment "+strconv.Quote(n.Subject)+".")
		return
	}
	a := &h.appts[i]
	e := &p.Exams[a.exam]
	nd.Slot, nd.ChangeUntil = a.slot.UTC(), p.changeUntil(a).UTC()
	if a.state != apptOpen {
		nd.Title = "Appointment " + a.id + " for " + e.Code
		nd.Lines = append(nd.Lines, "Appointment "+a.id+" for "+e.Code+" is "+a.state.String()+p.cite("appointment_closed")+".")
		return
	}
	where := ""
	if a.delivery != "" {
		where = ", " + deliveryWords(a.delivery)
	}
	sitting := "Appointment " + a.id + " for " + e.Code + " (" + e.Name + ") is at " + instant(a.slot, zone) + where + "."
	deadline := "It can be cancelled or rescheduled until " + instant(nd.ChangeUntil, zone)
	if w := p.Appointments.ChangeWindow; !w.IsZero() {
		deadline += ", " + w.Words() + " before the slot"
	} else {
		deadline += ", when the slot begins"
	}
	deadline += p.cite("change_window_closed") + "."
	if !at.Before(nd.ChangeUntil) {
		deadline = "It can no longer be cancelled or rescheduled" + p.cite("change_window_closed") + "."
	}
	if n.Kind == NoticeChangeDeadline {
		nd.Title = "Last chance to change appointment " + a.id + " for " + e.Code + ": until " + instant(nd.ChangeUntil, zone)
		nd.Lines = append(nd.Lines, sitting, deadline, p.reschedulesLeft(a))
		return
	}
	nd.Title = e.Code + " at " + instant(a.slot, zone) + where
	nd.Lines = append(nd.Lines, sitting, deadline)
}

// reschedulesLeft says how many more times an appointment can be moved (R9).
func (p *Program) reschedulesLeft(a *appointment) string {
	lim := p.Appointments.MaxReschedules
	switch left := lim - a.reschedules; {
	case lim < 0:
		return "It can be rescheduled any number of times" + p.cite("reschedule_limit") + "."
	case left <= 0:
		return "It has been rescheduled " + strconv.Itoa(a.reschedules) + " times and cannot be rescheduled again, only cancelled" + p.cite("reschedule_limit") + "."
	case left == 1:
		return "It can be rescheduled once more" + p.cite("reschedule_limit") + "."
	default:
		return "It can be rescheduled " + strconv.Itoa(left) + " more times" + p.cite("reschedule_limit") + "."
	}
}

func (p *Program) voucherDetail(nd *NoticeDetail, n Notice, h *History, at time.Time) {
	c := ctx{p: p, h: h, zone: h.zone, at: at}
	c.atDate = c.date(at)
	nd.Title = "Your voucher's last valid day is " + n.Date.String()
	for _, v := range c.vouchers() {
		if v.ID() != n.Subject {
			continue
		}
		s := "The " + strconv.Itoa(v.Discount) + "% voucher from passing " + v.FromExam + " on " + v.Issued.String()
		if v.State != VoucherUnused {
			nd.Lines = append(nd.Lines, s+" is "+string(v.State)+p.cite("voucher")+".")
			return
		}
		nd.Lines = append(nd.Lines, s+" is unused; its last valid day is "+v.Expires.String()+p.cite("voucher")+".",
			"Book an exam with it by then: a booking made after that day pays the full fee"+p.cite("voucher")+".")
		return
	}
	nd.Lines = append(nd.Lines, "The candidate has no voucher "+n.Subject+".")
}
