package policy

import (
	"errors"
	"time"
)

// RenewalPlan is the advice for keeping one certification: when to start
// preparing, which exams renew it and how late the first attempt can be
// while leaving room for retakes before it expires.
type RenewalPlan struct {
	Program       string
	Certification string
	Name          string
	Date          Date // the day the plan was made
	State         CertState
	Expires       Date // NoDate: never expires
	Term          Term

	PrepareFrom, PrepareBy Date // the advised start, from the program (V4)
	Reminders              []Date
	Options                []PlanOption
	// EarnAnew is set when the certification cannot be renewed (never
	// earned, or expired): the first date its own exam can be sat.
	EarnAnew *PlanOption
}

// PlanOption is one exam that would renew the certification.
type PlanOption struct {
	Exam     string
	Earliest Date
	InTime   bool
	// LastAttempt is the last date a first attempt still renews it;
	// WithOneRetake and WithTwoRetakes are the last dates that leave room
	// for one and for two retakes after failures (R1) before that. NoDate
	// when there is no such date on or after Earliest.
	LastAttempt, WithOneRetake, WithTwoRetakes Date
}

// ErrUnknownCertification is returned for a certification the program lacks.
var ErrUnknownCertification = errors.New("unknown certification")

// Plan builds the renewal plan for a certification at instant at.
func (p *Program) Plan(h *History, at time.Time, certID string) (RenewalPlan, error) {
	ci, ok := p.certIndex[certID]
	if !ok {
		return RenewalPlan{}, ErrUnknownCertification
	}
	cert := &p.Certifications[ci]
	c := ctx{p: p, h: h, zone: h.zone, at: at}
	c.atDate = c.date(at)
	var d Decision
	c.recertifyOptions(&d, cert)
	t := d.Term
	plan := RenewalPlan{Program: p.label, Certification: cert.ID, Name: cert.Name, Date: c.atDate,
		State: d.State, Expires: NoDate, Term: t, PrepareFrom: NoDate, PrepareBy: NoDate}
	if d.State == StateNone || d.State == StateExpired {
		x, ok := p.latestOffered(cert.Line, c.atDate)
		if ok {
			b := c.examBounds(x)
			plan.EarnAnew = &PlanOption{Exam: p.Exams[x].Code, Earliest: c.earliest(&p.Exams[x], &b, OpenStart),
				LastAttempt: NoDate, WithOneRetake: NoDate, WithTwoRetakes: NoDate}
		}
		if d.State == StateExpired {
			plan.Expires = t.Expires
		}
		return plan, nil
	}
	plan.Expires = t.Expires
	if t.Expires == NoDate {
		return plan, nil
	}
	if !cert.PrepareFrom.IsZero() {
		plan.PrepareFrom = cert.PrepareFrom.SubFrom(t.Expires)
	}
	if !cert.PrepareBy.IsZero() {
		plan.PrepareBy = cert.PrepareBy.SubFrom(t.Expires)
	}
	for _, days := range cert.Reminders {
		if r := t.Expires.AddDays(-days); r >= c.atDate {
			plan.Reminders = append(plan.Reminders, r)
		}
	}
	limit := t.Expires
	if !cert.Grace.IsZero() {
		limit = cert.Grace.AddTo(t.Expires)
	}
	for _, o := range d.Options {
		e, _ := p.Exam(o.Exam)
		po := PlanOption{Exam: o.Exam, Earliest: o.Earliest, InTime: o.InTime}
		last := min(limit, e.LastDate)
		po.LastAttempt = within(last, o.Earliest)
		waits := p.RetakeFor(e).FailureWaits
		po.WithOneRetake = within(backOff(last, waits, 1), o.Earliest)
		po.WithTwoRetakes = within(backOff(last, waits, 2), o.Earliest)
		plan.Options = append(plan.Options, po)
	}
	return plan, nil
}

// backOff steps back from the last usable date by the waits of n failures
// in a row: the first attempt on the returned date, failed n times, still
// leaves a retake on or before last (R1).
func backOff(last Date, waits []Span, n int) Date {
	d := last
	for k := n; k >= 1; k-- {
		if len(waits) == 0 {
			continue
		}
		w := waits[min(k, len(waits))-1]
		// Find the latest date from which the wait ends on or before d.
		guess := w.SubFrom(d)
		if w.Exact() {
			guess = d.AddDays(-((w.Minutes + 24*60 - 1) / (24 * 60)))
		}
		for w.AddTo(guess) > d {
			guess--
		}
		for w.AddTo(guess+1) <= d {
			guess++
		}
		d = guess
	}
	return d
}

func within(d, earliest Date) Date {
	if d < earliest || d == NoDate && earliest == NoDate {
		return NoDate
	}
	return d
}
