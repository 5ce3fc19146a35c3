package policy

import (
	"slices"
	"strings"
	"time"
)

// Notices is the candidate's whole schedule of notices from history h,
// ordered by Due then Kind then Subject. It does not depend on the moment it
// is asked: the caller compares Due and Until with its clock. Past notices
// stay in it (a reminder whose time passed while the server was down is
// still there to be judged by NoticeStatus), so a history schedules the
// same notices whenever it is asked.
//
// It runs on every ledger write, so it walks the history a few times and
// allocates little: the result, and the voucher list where vouchers lapse.
func (p *Program) Notices(h *History) []Notice {
	// The schedule is about the whole history, not one day: atDate is the
	// earliest date there is, so that no rule is clipped to "today".
	c := ctx{p: p, h: h, zone: h.zone, atDate: OpenStart}
	earned := c.earnedMask()
	out := make([]Notice, 0, c.noticeCap(earned))
	out = c.expiryNotices(out, earned)
	if p.Notifications.Retake {
		out = c.retakeNotices(out)
	}
	out = c.appointmentNotices(out)
	out = c.voucherNotices(out)
	sortNotices(out)
	// A program that lists an offset twice schedules one notice.
	return slices.CompactFunc(out, func(a, b Notice) bool {
		return a.Kind == b.Kind && a.Subject == b.Subject && a.Due.Equal(b.Due)
	})
}

// noticeKey is what the schedule is sorted on, without pointers: sorting
// the notices themselves moves 112-byte values full of pointers, and the
// write barriers cost more than the rest of the schedule.
type noticeKey struct {
	due  int64 // unix nanoseconds
	kind uint8 // the kind's rank in string order
	idx  int32
}

// kindRank orders the kinds as their names sort, so that sorting by rank
// is sorting by Kind.
func kindRank(k NoticeKind) uint8 {
	switch k {
	case NoticeExpired:
		return 1
	case NoticeChangeDeadline:
		return 2
	case NoticeExpiry:
		return 3
	case NoticeRetake:
		return 4
	case NoticeSitting:
		return 5
	case NoticeVoucher:
		return 6
	}
	return 7
}

// sortNotices orders ns by (Due, Kind, Subject): it sorts keys, then moves
// each notice once into place by following the permutation's cycles.
func sortNotices(ns []Notice) {
	var buf [160]noticeKey
	keys := buf[:0]
	if len(ns) > len(buf) {
		keys = make([]noticeKey, 0, len(ns))
	}
	for i := range ns {
		keys = append(keys, noticeKey{due: ns[i].Due.UnixNano(), kind: kindRank(ns[i].Kind), idx: int32(i)})
	}
	slices.SortFunc(keys, func(a, b noticeKey) int {
		switch {
		case a.due != b.due:
			return cmpInt64(a.due, b.due)
		case a.kind != b.kind:
			return int(a.kind) - int(b.kind)
		}
		if c := strings.Compare(string(ns[a.idx].Kind), string(ns[b.idx].Kind)); c != 0 {
			return c
		}
		return strings.Compare(ns[a.idx].Subject, ns[b.idx].Subject)
	})
	// Position i takes the notice at keys[i].idx; a key pointing at its own
	// position is done.
	for i := range keys {
		if int(keys[i].idx) == i {
			continue
		}
		tmp, j := ns[i], i
		for {
			k := int(keys[j].idx)
			keys[j].idx = int32(j)
			if k == i {
				ns[j] = tmp
				break
			}
			ns[j] = ns[k]
			j = k
		}
	}
}

func cmpInt64(a, b int64) int {
	if a < b {
		return -1
	}
	return 1
}

func compareNotices(a, b Notice) int {
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return strings.Compare(a.Subject, b.Subject)
}

// earnedMask marks the certifications whose line the history has a pass
// of: the only ones that can be earned (bit i: certification i). A program
// of more than 64 certifications marks them all.
func (c *ctx) earnedMask() uint64 {
	if len(c.p.Certifications) > 64 {
		return ^uint64(0)
	}
	var m uint64
	for i := range c.h.sittings {
		if s := &c.h.sittings[i]; s.passed {
			if ci := c.p.examCert[s.exam]; ci >= 0 {
				m |= 1 << ci
			}
		}
	}
	return m
}

// noticeCap is a bound on the schedule's length good enough to allocate
// it once: the reminders of every certification that may be earned, one
// retake notice per failure, two notices per open appointment and the voucher
// reminders of every pass.
func (c *ctx) noticeCap(earned uint64) int {
	n := 0
	for i := range c.h.appts {
		if c.h.appts[i].state == apptOpen {
			n += 2
		}
	}
	for i := range c.p.Certifications {
		if i >= 64 || earned&(1<<i) != 0 {
			n += len(c.p.Certifications[i].Reminders) + 1
		}
	}
	vouchers := !c.p.Vouchers.Validity.IsZero()
	for i := range c.h.sittings {
		if !c.h.sittings[i].passed {
			n++
		} else if vouchers {
			n += len(c.p.Notifications.VoucherDays)
		}
	}
	return n
}

// atTime is the instant a date-based notice falls due: the program's time
// of day (N1) on date d in the candidate's zone.
func (c *ctx) atTime(d Date) time.Time { return c.local(d, c.p.Notifications.At) }

// dayAfter is the first instant of the day after d in the candidate's zone:
// when a term whose last valid day is d stops being active (Term.StateOn:
// active through expires_on inclusive), and when a voucher whose last valid
// day is d lapses.
func (c *ctx) dayAfter(d Date) time.Time { return c.local(d.AddDays(1), 0) }

// local is the instant of minute-of-day m on date d in the candidate's
// zone, in UTC. The zone cache answers when the offset of the period it
// holds (or of the period it finds) gives an instant inside that period,
// which is every time of day but those a clock change skips or repeats;
// those go to time.Date (and midnight to Date.Start, which finds the day's
// first instant when midnight is skipped), the same on every host, since
// they depend on the zone's rules alone. The schedule runs on every ledger
// write, and time.Date costs a zone lookup each time.
func (c *ctx) local(d Date, m int) time.Time {
	wall := int64(d)*86400 + int64(m)*60
	z := &c.zone
	for try := 0; try < 2; try++ {
		if z.valid {
			if u := wall - z.off; u >= z.start && u < z.end && !z.nearChange(u) {
				return time.Unix(u, 0).UTC()
			}
		}
		z.date(wall - z.off) // load the period the guess lies in
	}
	if m == 0 {
		return d.Start(z.loc).UTC()
	}
	y, mo, dd := d.Civil()
	return time.Date(y, mo, dd, m/60, m%60, 0, 0, z.loc).UTC()
}

// nearChange reports whether instant u lies within a day of either end of
// the cached offset period, where a wall time may be skipped or repeated
// (offsets differ by at most a day), so that local leaves it to time.Date.
func (z *zoneCache) nearChange(u int64) bool {
	return (z.start != minInt64 && u-z.start < 86400) || (z.end != maxInt64 && z.end-u < 86400)
}

// expiryNotices schedules, for each certification the history earned and
// has not revoked, the reminders of its current term (V4) and the expiry
// itself. Only the current term's: a renewal moves the expiry, so the old
// term's reminders drop out of the schedule and become obsolete.
//
// The expiry notice falls due when the certification stops being active,
// the first instant of the day after its last valid day, whether a grace
// period follows (Google Cloud: renewable for 30 more days) or not: that is
// the moment the candidate no longer holds it, which is what the notice
// says. It lapses NoticeShelfLife after it falls due (N5).
func (c *ctx) expiryNotices(out []Notice, earned uint64) []Notice {
	p := c.p
	reminders, validity := p.Rules["reminders"], p.Rules["validity"]
	for i := range p.Certifications {
		if i < 64 && earned&(1<<i) == 0 {
			continue
		}
		cert := &p.Certifications[i]
		t := c.term(cert)
		if !t.Earned || t.Expires == NoDate {
			continue
		}
		until := c.dayAfter(t.Expires)
		for _, days := range cert.Reminders {
			if t.Expires.AddDays(-days) < t.BasisDate {
				continue // before the term began: nothing to remind of yet
			}
			out = append(out, Notice{Kind: NoticeExpiry, Subject: cert.ID, Due: c.atTime(t.Expires.AddDays(-days)),
				Until: until, Date: t.Expires, Days: days, Rule: reminders})
		}
		out = append(out, Notice{Kind: NoticeExpired, Subject: cert.ID, Due: until, Until: until.Add(NoticeShelfLife), Date: t.Expires, Rule: validity})
	}
	return out
}

// retakeNotices schedules "you can book a retake from DATE" (N2) after a
// failed sitting that is the last sitting of its exam line, while no
// appointment for the line is open and none was missed after it: a retake
// booked, sat or missed has used the date, and the notice would only
// repeat what the candidate did. The date is the first one the rules allow
// a slot on (R1, R3, an attempt cap, E2), as ExamReport.NextDate counts
// it; where an exact wait (Microsoft's 24 hours) ends after the time of
// day, the notice falls due when it ends.
func (c *ctx) retakeNotices(out []Notice) []Notice {
	p := c.p
	ss := c.h.sittings
	for i := range ss {
		s := &ss[i]
		if s.passed || c.lineSatAfter(i) || c.lineBooked(s) {
			continue
		}
		x := s.exam
		b := c.examBounds(x)
		d := c.earliest(&p.Exams[x], &b, s.date)
		if d == NoDate {
			// Retired: the retake is of the version offered then (E1).
			nx, ok := p.latestOffered(p.Exams[x].Line, s.date)
			if !ok || nx == x {
				continue
			}
			x, b = nx, c.examBounds(nx)
			if d = c.earliest(&p.Exams[x], &b, s.date); d == NoDate {
				continue
			}
		}
		due := c.atTime(d)
		if b.retakeAt.After(due) {
			due = b.retakeAt.UTC()
		}
		out = append(out, Notice{Kind: NoticeRetake, Subject: p.Exams[x].Code, Due: due, Until: due.Add(NoticeShelfLife), Date: d, Rule: p.Rules[ruleRetakeNotice]})
	}
	return out
}

// lineSatAfter reports whether a sitting of the same exam line follows
// sitting i.
func (c *ctx) lineSatAfter(i int) bool {
	line := c.p.examLine[c.h.sittings[i].exam]
	for j := i + 1; j < len(c.h.sittings); j++ {
		if c.p.examLine[c.h.sittings[j].exam] == line {
			return true
		}
	}
	return false
}

// lineBooked reports whether an appointment for the failed sitting's line
// is open, or was missed after it.
func (c *ctx) lineBooked(s *sitting) bool {
	line := c.p.examLine[s.exam]
	for k := range c.h.appts {
		a := &c.h.appts[k]
		if c.p.examLine[a.exam] != line {
			continue
		}
		if a.state == apptOpen || (a.state == apptMissed && a.slot.After(s.at)) {
			return true
		}
	}
	return false
}

// changeUntil is an appointment's change deadline (R7), as
// AppointmentReport.ChangeUntil reports it: the change window before the
// slot, or the slot itself when the program has none.
func (p *Program) changeUntil(a *appointment) time.Time {
	return a.slot.Add(-p.Appointments.ChangeWindow.Duration())
}

// appointmentNotices schedules, per open appointment, a reminder before its
// change deadline and one before its sitting (N3). Each means nothing once
// the moment it is about has come, so that moment is its Until.
func (c *ctx) appointmentNotices(out []Notice) []Notice {
	p := c.p
	np := &p.Notifications
	for i := range c.h.appts {
		a := &c.h.appts[i]
		if a.state != apptOpen {
			continue
		}
		date := c.date(a.slot)
		if np.BeforeChangeDeadline > 0 {
			dl := p.changeUntil(a).UTC()
			out = append(out, Notice{Kind: NoticeChangeDeadline, Subject: a.id, Due: dl.Add(-np.BeforeChangeDeadline), Until: dl,
				Date: date, Rule: p.Rules[ruleChangeDeadline]})
		}
		if np.BeforeSitting > 0 {
			slot := a.slot.UTC()
			out = append(out, Notice{Kind: NoticeSitting, Subject: a.id, Due: slot.Add(-np.BeforeSitting), Until: slot,
				Date: date, Rule: p.Rules[ruleSittingNotice]})
		}
	}
	return out
}

// voucherNotices schedules reminders before an unused voucher lapses (N4),
// where the program gives vouchers a validity (V5). A voucher used by a
// booking drops out; one returned by a timely cancel comes back.
func (c *ctx) voucherNotices(out []Notice) []Notice {
	p := c.p
	if p.Vouchers.Validity.IsZero() || len(p.Notifications.VoucherDays) == 0 {
		return out
	}
	for _, v := range c.vouchers() {
		if v.State != VoucherUnused || v.Expires == NoDate {
			continue
		}
		until, id := c.dayAfter(v.Expires), v.ID()
		for _, days := range p.Notifications.VoucherDays {
			if v.Expires.AddDays(-days) < v.Issued {
				continue // before the voucher was issued
			}
			out = append(out, Notice{Kind: NoticeVoucher, Subject: id, Due: c.atTime(v.Expires.AddDays(-days)), Until: until,
				Date: v.Expires, Days: days, Rule: p.Rules[ruleVoucherNotice]})
		}
	}
	return out
}

// ID names a voucher by the pass that earned it (V5): v-EXAM-DATE. A name
// by position would shift when an older result is recorded later. The
// ledger's voucher id is the candidate's id, "-", and this.
func (v Voucher) ID() string { return "v-" + v.FromExam + "-" + v.Issued.String() }
