package policy

import "time"

// bounds are the first date (or instant) each retake rule allows an exam to
// be sat again, with the sitting each one counts from, for explanations.
type bounds struct {
	retakeDate Date      // R1 with calendar waits; OpenStart when none
	retakeAt   time.Time // R1 with exact waits; zero when none
	retake     Reason
	lockDate   Date // R3; OpenStart when none, NoDate when never
	lock       Reason
	capDate    Date // attempt caps; OpenStart when none
	cap        Reason
}

// examBounds walks the exam's sittings once and derives R1, R3 and the
// attempt cap.
func (c *ctx) examBounds(x int32) bounds {
	p := c.p
	e := &p.Exams[x]
	rp := p.RetakeFor(e)
	b := bounds{retakeDate: OpenStart, lockDate: OpenStart, capDate: OpenStart}
	fails, attempts := 0, 0
	var lastPass Date = OpenStart
	for i := range c.h.sittings {
		s := &c.h.sittings[i]
		if s.exam != x {
			continue
		}
		attempts++
		if s.passed {
			fails = 0
			lastPass = s.date
			continue
		}
		fails++
		if len(rp.FailureWaits) == 0 {
			continue
		}
		w := rp.FailureWaits[min(fails, len(rp.FailureWaits))-1]
		if w.Exact() {
			if until := s.at.Add(w.Duration()); until.After(b.retakeAt) {
				b.retakeAt = until
				b.retake = Reason{Code: RetakeWait, Exam: e.Code, From: s.date, FromAt: s.at, UntilAt: until, Until: c.date(until), Span: w, Count: fails}
			}
		} else if until := w.AddTo(s.date); until > b.retakeDate {
			b.retakeDate = until
			b.retake = Reason{Code: RetakeWait, Exam: e.Code, From: s.date, Until: until, Span: w, Count: fails}
		}
	}
	if max := rp.MaxAttempts; max > 0 && attempts >= max {
		// The cap counts from the max-th most recent attempt.
		from := c.nthSitting(x, attempts-max)
		b.capDate = rp.AttemptWindow.AddTo(from)
		b.cap = Reason{Code: AttemptLimit, Exam: e.Code, From: from, Until: b.capDate, Span: rp.AttemptWindow, Count: attempts, Limit: max}
	}
	if lastPass != OpenStart {
		c.lockout(&b, e, rp, lastPass)
	}
	return b
}

func (c *ctx) nthSitting(x int32, n int) Date {
	for i := range c.h.sittings {
		if c.h.sittings[i].exam == x {
			if n == 0 {
				return c.h.sittings[i].date
			}
			n--
		}
	}
	return OpenStart
}

// lockout applies R3 and its equivalents: after a pass the same exam (the
// same series code: a new version is a different exam, E1) waits.
func (c *ctx) lockout(b *bounds, e *Exam, rp *RetakePolicy, passed Date) {
	l := rp.Lockout
	until := OpenStart
	switch l.Kind {
	case LockoutSpan:
		until = l.Span.AddTo(passed)
	case LockoutUntilExpiry, LockoutUntilRenewal:
		cert, ok := c.p.CertificationFor(e.Line)
		if !ok {
			return
		}
		t := c.term(cert)
		switch {
		case t.Expires == NoDate:
			until = NoDate
		case l.Kind == LockoutUntilRenewal && !cert.Window.IsZero():
			until = cert.Window.SubFrom(t.Expires)
		default:
			until = t.Expires.AddDays(1)
		}
	default:
		return
	}
	b.lockDate = until
	b.lock = Reason{Code: PassedLockout, Exam: e.Code, From: passed, Until: until, Span: l.Span}
}

// earliest is the first date, not before the asked date, on which a slot
// would satisfy E2, R1 and R3 (and an attempt cap) together; NoDate when
// there is none.
func (c *ctx) earliest(e *Exam, b *bounds, notBefore Date) Date {
	d := max(c.atDate, e.FirstDate, b.retakeDate, b.lockDate, b.capDate, notBefore)
	if !b.retakeAt.IsZero() {
		d = max(d, c.date(b.retakeAt))
	}
	if d == NoDate || d > e.LastDate {
		return NoDate
	}
	return d
}

// slotRules checks a slot for booking (self < 0) or for moving appointment
// self: R4, E2, R1, R3, the attempt cap, R5 and, for a booking, R8.
func (c *ctx) slotRules(d *Decision, x int32, slot time.Time, self int) {
	p := c.p
	e := &p.Exams[x]
	slotDate := c.date(slot)
	if !slot.After(c.at) {
		d.refuse(Reason{Code: SlotNotFuture, Exam: e.Code, FromAt: slot}) // R4
	}
	if !e.Offered(slotDate) {
		d.refuse(Reason{Code: ExamUnavailable, Exam: e.Code, From: e.FirstDate, Until: e.LastDate}) // E2
	}
	b := c.examBounds(x)
	if (!b.retakeAt.IsZero() && slot.Before(b.retakeAt)) || slotDate < b.retakeDate {
		d.refuse(b.retake) // R1
	}
	if slotDate < b.lockDate {
		d.refuse(b.lock) // R3
	}
	if slotDate < b.capDate {
		d.refuse(b.cap)
	}
	windowFrom, lastDay := OpenStart, NoDate
	if e.Kind == KindAssessment {
		windowFrom, lastDay = c.assessmentRules(d, e, slotDate)
	}
	if p.Appointments.OnePerExam {
		for i := range c.h.appts {
			a := &c.h.appts[i]
			if i != self && a.exam == x && a.state == apptOpen {
				d.refuse(Reason{Code: AlreadyBooked, Exam: e.Code, FromAt: a.slot}) // R5
				break
			}
		}
	}
	if self < 0 && !p.Appointments.NoShowWait.IsZero() {
		var retry time.Time
		var missed time.Time
		for _, ns := range c.h.noShows {
			if ns.exam != x {
				continue
			}
			if r := ns.slot.Add(p.Appointments.NoShowWait.Duration()); r.After(retry) {
				retry, missed = r, ns.slot
			}
		}
		if c.at.Before(retry) {
			d.refuse(Reason{Code: NoShowWait, Exam: e.Code, FromAt: missed, UntilAt: retry, Span: p.Appointments.NoShowWait}) // R8
			d.RetryAt = retry.UTC()
		}
	}
	if d.Has(ExamUnavailable) || d.Has(RetakeWait) || d.Has(PassedLockout) || d.Has(AttemptLimit) || d.Has(OutsideWindow) {
		d.HasEarliest = true
		d.Earliest = c.earliest(e, &b, windowFrom)
		if d.Earliest != NoDate && d.Earliest > lastDay {
			// A renewal assessment renews nothing once the certification
			// it renews has lapsed: a wait that ends after that leaves no
			// date that works.
			d.Earliest = NoDate
		}
	}
}

func (cert *Certification) hasPath(line string) bool {
	for _, p := range cert.Paths {
		if p.Line == line {
			return true
		}
	}
	return false
}

// Term is a certification's current term as the history built it.
type Term struct {
	Earned    bool
	Expires   Date // NoDate: never expires
	Grace     Span
	Window    Span
	BasisExam string // the pass that set the current expiry
	BasisDate Date
	Renewed   bool // set by a renewal (V2) rather than earned (V1)
	EarnedOn  Date // start of the current unbroken run of terms
	Lapsed    bool // a run ended in expiry before the current one
	Revoked   bool // withdrawn, and not earned anew since
}

// StateOn is the state on a date: active through expires_on inclusive,
// expired from the day after (V1), with a program's grace in between.
func (t Term) StateOn(d Date) CertState {
	switch {
	case !t.Earned && t.Revoked:
		return StateRevoked
	case !t.Earned:
		return StateNone
	case t.Expires == NoDate || d <= t.Expires:
		return StateActive
	case !t.Grace.IsZero() && d <= t.Grace.AddTo(t.Expires):
		return StateGrace
	}
	return StateExpired
}

// renewable reports whether a pass on date d falls while the term can be
// renewed: active or in grace (V3), and inside the renewal window if the
// program has one.
func (t Term) renewable(d Date) (inTerm, windowOpen bool) {
	if !t.Earned {
		return false, false
	}
	if t.Expires == NoDate {
		return true, true
	}
	limit := t.Expires
	if !t.Grace.IsZero() {
		limit = t.Grace.AddTo(t.Expires)
	}
	if d > limit {
		return false, false
	}
	return true, t.Window.IsZero() || d >= t.Window.SubFrom(t.Expires)
}

// term replays the passed sittings in order (V1-V3): a pass of the line
// earns the certification; a pass on a renewal path while it is active
// renews it; nothing revives an expired one but its own line.
func (c *ctx) term(cert *Certification) Term {
	p := c.p
	t := Term{Expires: NoDate, Grace: cert.Grace, Window: cert.Window}
	ci := int32(c.p.certIndex[cert.ID])
	rv := 0 // revocations apply in time order among the passes
	revoke := func(before time.Time, all bool) {
		for ; rv < len(c.h.revoked); rv++ {
			r := c.h.revoked[rv]
			if !all && r.at.After(before) {
				return
			}
			if r.cert == ci && t.Earned {
				// What it was earned by stays on record; it no longer counts.
				t = Term{Expires: NoDate, Grace: cert.Grace, Window: cert.Window, Revoked: true, Lapsed: t.Lapsed,
					EarnedOn: t.EarnedOn, BasisExam: t.BasisExam, BasisDate: t.BasisDate, Renewed: t.Renewed}
			}
		}
	}
	for i := range c.h.sittings {
		s := &c.h.sittings[i]
		if !s.passed {
			continue
		}
		revoke(s.at, false)
		e := &p.Exams[s.exam]
		own := e.Line == cert.Line
		if inTerm, open := t.renewable(s.date); inTerm {
			if !open {
				continue // early: the program rejects it (Google Cloud)
			}
			if c.onPath(cert, e, s.date) { // V2
				if cert.Anchor == AnchorExtend && t.Expires != NoDate {
					t.Expires = validUntil(cert, t.Expires)
				} else {
					t.Expires = validUntil(cert, s.date)
				}
				t.BasisExam, t.BasisDate, t.Renewed = e.Code, s.date, true
			} else if own {
				if until := validUntil(cert, s.date); until > t.Expires || t.Expires == NoDate {
					t.Expires = until
					t.BasisExam, t.BasisDate, t.Renewed = e.Code, s.date, false
				}
			}
			continue
		}
		if own { // V1, and V3: an expired one is earned anew
			if t.Earned {
				t.Lapsed = true
			}
			t.Earned, t.EarnedOn, t.Revoked = true, s.date, false
			t.Expires = validUntil(cert, s.date)
			t.BasisExam, t.BasisDate, t.Renewed = e.Code, s.date, false
		}
	}
	revoke(time.Time{}, true)
	return t
}

func validUntil(cert *Certification, from Date) Date {
	if cert.Validity.IsZero() {
		return NoDate
	}
	return cert.Validity.AddTo(from)
}

// onPath reports whether passing exam e on date d renews cert (V2): its line
// is a renewal path and, where the path says so, it is the latest version
// as of that date.
func (c *ctx) onPath(cert *Certification, e *Exam, d Date) bool {
	for _, path := range cert.Paths {
		if path.Line != e.Line {
			continue
		}
		return !path.LatestOnly || c.p.latestAsOf(e.Line, d) == e
	}
	return false
}

// latestAsOf is the newest version of a line whose first test date has come.
func (p *Program) latestAsOf(line string, d Date) *Exam {
	var latest *Exam
	for _, i := range p.lineExams[line] {
		if p.Exams[i].FirstDate <= d {
			latest = &p.Exams[i]
		}
	}
	return latest
}

// latestOffered is the newest version of a line still offered on or after d.
func (p *Program) latestOffered(line string, d Date) (int32, bool) {
	found, best := false, int32(0)
	for _, i := range p.lineExams[line] {
		if p.Exams[i].LastDate >= d {
			found, best = true, int32(i)
		}
	}
	return best, found
}

// recertifyOptions lists, for an active certification, the latest version
// of each renewal path with the first date it could be sat (V2, V3).
func (c *ctx) recertifyOptions(d *Decision, cert *Certification) {
	t := c.term(cert)
	d.Term = t
	d.State = t.StateOn(c.atDate)
	d.ExpiresOn = t.Expires
	d.Options = []Option{}
	if d.State != StateActive && d.State != StateGrace {
		d.refuse(Reason{Code: NotActive, From: t.Expires}) // V3
		return
	}
	notBefore := OpenStart
	if !cert.Window.IsZero() && t.Expires != NoDate {
		notBefore = cert.Window.SubFrom(t.Expires)
	}
	limit := t.Expires
	if limit != NoDate && !cert.Grace.IsZero() {
		limit = cert.Grace.AddTo(t.Expires)
	}
	for _, path := range cert.Paths {
		x, ok := c.p.latestOffered(path.Line, c.atDate)
		if !ok {
			continue
		}
		b := c.examBounds(x)
		e := &c.p.Exams[x]
		first := c.earliest(e, &b, notBefore)
		if first == NoDate {
			continue
		}
		d.Options = append(d.Options, Option{Exam: e.Code, Earliest: first, InTime: first <= limit})
	}
	for i := 1; i < len(d.Options); i++ {
		for j := i; j > 0 && d.Options[j].Exam < d.Options[j-1].Exam; j-- {
			d.Options[j], d.Options[j-1] = d.Options[j-1], d.Options[j]
		}
	}
}
