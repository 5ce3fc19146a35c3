package policy

import "time"

// The reasons NoticeStatus gives. Each is also the rule kind the program
// cites for it in Rules (the reference program: not_due N1, the others N5).
const (
	// NoticeSend: the notice is due and still the one worth sending.
	NoticeSend = "due"
	// NoticeNotDue: its moment has not come (N1 sets the time of day).
	NoticeNotDue = "not_due"
	// NoticeObsolete: the history no longer schedules it (a renewal moved
	// the expiry, a retake was booked, the appointment was cancelled or
	// rescheduled, the voucher was used).
	NoticeObsolete = "obsolete"
	// NoticeLapsed: what it is about has come (the expiry, the deadline,
	// the sitting, the voucher's end), so telling it beforehand is too late.
	NoticeLapsed = "lapsed"
	// NoticeSuperseded: a later notice of the same kind about the same
	// thing is due as well; it says what this one would, more up to date.
	NoticeSuperseded = "superseded"
)

// NoticeStatus is the engine's decision whether notice n is still worth
// sending at instant at, for history h as it is now (N5: only the latest
// meaningful notice is sent). The worker asks it just before sending, so a
// notice scheduled from an older history, or whose time passed while the
// server was down, is judged on what is true now:
//
//   - obsolete: n is not in p.Notices(h) any more (identity: Kind, Subject,
//     Due). It is checked first because it is final: a notice that is no
//     longer scheduled will not become worth sending by waiting.
//   - not_due: at is before n's Due; ask again then.
//   - lapsed: Until is set and at is at or after it.
//   - superseded: a later notice of the same Kind and Subject also has
//     Due <= at, so a certification imported 10 days before its expiry gets
//     the 30-day reminder alone, not the 180-, 90- and 30-day ones.
//
// Otherwise it is sent, with reason "due".
func (p *Program) NoticeStatus(n Notice, h *History, at time.Time) (send bool, reason string) {
	sched := p.Notices(h)
	i := findNotice(sched, n)
	if i < 0 {
		return false, NoticeObsolete
	}
	cur := &sched[i]
	if at.Before(cur.Due) {
		return false, NoticeNotDue
	}
	if !cur.Until.IsZero() && !at.Before(cur.Until) {
		return false, NoticeLapsed
	}
	for j := i + 1; j < len(sched) && !sched[j].Due.After(at); j++ {
		if later := &sched[j]; later.Kind == cur.Kind && later.Subject == cur.Subject && later.Due.After(cur.Due) {
			return false, NoticeSuperseded
		}
	}
	return true, NoticeSend
}

// findNotice finds a notice by identity in a schedule sorted by Due.
func findNotice(sched []Notice, n Notice) int {
	for i := range sched {
		s := &sched[i]
		if s.Due.After(n.Due) {
			break
		}
		if s.Kind == n.Kind && s.Subject == n.Subject && s.Due.Equal(n.Due) {
			return i
		}
	}
	return -1
}
