package policy

import (
	"fmt"
	"time"
)

// NotificationPolicy is when a program reminds its candidates: the
// definition's notifications section (N1–N5 in the README's rule ids). The
// expiry offsets themselves are each certification's Reminders (V4).
type NotificationPolicy struct {
	// At is the local time of day, in the candidate's zone, at which a
	// date-based notice (expiry, retake, voucher) falls due: minutes after
	// midnight. The reference program says 09:00.
	At int
	// Retake: a "you can book a retake from DATE" notice on the earliest
	// retake date after a failure (R1), unless a retake is booked by then.
	Retake bool
	// BeforeChangeDeadline is how long before an open appointment's change
	// deadline (R7) its deadline reminder falls due; zero sends none.
	BeforeChangeDeadline time.Duration
	// BeforeSitting is how long before the sitting its reminder falls due;
	// zero sends none.
	BeforeSitting time.Duration
	// VoucherDays are days before an unused voucher lapses (where vouchers
	// have a validity) on which a reminder falls due.
	VoucherDays []int
	// Optional lists the notice kinds a candidate may opt out of; the
	// expiry reminders and the expiry itself are never optional.
	Optional []NoticeKind
}

// NoticeShelfLife is how long a notice whose news stays true (the expiry
// itself, "you can book a retake") is still worth a message after it fell
// due (N5): an imported history of years should not mail its candidates
// of expiries and retakes long past.
const NoticeShelfLife = 30 * 24 * time.Hour

// NoticeKind is what a notice is about.
type NoticeKind string

// The notice kinds.
const (
	NoticeExpiry         NoticeKind = "expiry_reminder"       // V4: N days before a certification expires
	NoticeExpired        NoticeKind = "certification_expired" // the expiry itself, recorded in the ledger
	NoticeRetake         NoticeKind = "retake_available"      // R1: a retake can be booked from Date
	NoticeChangeDeadline NoticeKind = "change_deadline"       // R7: the last moment to cancel or reschedule
	NoticeSitting        NoticeKind = "sitting"               // the appointment is soon
	NoticeVoucher        NoticeKind = "voucher_expiring"      // an unused voucher lapses on Date
)

// Notice is one reminder the engine schedules for a candidate. Its identity
// is (candidate, Subject, Kind, Due): a history that changes (a renewal, a
// reschedule) schedules notices with other subjects or due times, and the
// old ones drop out of the schedule.
type Notice struct {
	Kind NoticeKind
	// Subject is what it is about: a certification id, an exam code, an
	// appointment id or a voucher id.
	Subject string
	// Due is the instant it falls due (UTC); Until the instant after which
	// it means nothing any more (the expiry, the deadline, the sitting, the
	// voucher's end). The expiry itself and a retake notice, whose news
	// stays true, lapse NoticeShelfLife after they fall due.
	Due, Until time.Time
	// Date is the date it is about, in the candidate's zone: the expiry
	// date, the retake date, the voucher's last day; for an appointment
	// notice the slot's date.
	Date Date
	// Days is how many days before Date it falls due (expiry and voucher
	// reminders); 0 otherwise.
	Days int
	// Rule is the program's rule id for it: V4 for an expiry reminder, V1
	// for the expiry, N2, N3 and N4 for the others (the reference program's
	// ids; each program names its own in Rules).
	Rule string
}

// The rule kinds of notices in a program's Rules (the reference program
// says N1-N5, the README's "Rule ids recert adds"). An expiry reminder
// cites "reminders" (V4) and the expiry itself "validity" (V1).
const (
	ruleNoticeTime     = "notice_time"                // N1: date-based notices fall due at At
	ruleRetakeNotice   = string(NoticeRetake)         // N2
	ruleChangeDeadline = string(NoticeChangeDeadline) // N3
	ruleSittingNotice  = string(NoticeSitting)        // N3
	ruleVoucherNotice  = string(NoticeVoucher)        // N4
)

// DefaultNotifications is the reference program's notification policy,
// which a definition without a notifications section gets: date-based
// notices at 09:00, a retake notice, reminders 24 hours before an
// appointment's change deadline and 3 hours before its sitting, a voucher
// reminder 30 days before it lapses, and every kind but the expiry ones
// optional.
func DefaultNotifications() NotificationPolicy {
	return NotificationPolicy{
		At:                   9 * 60,
		Retake:               true,
		BeforeChangeDeadline: 24 * time.Hour,
		BeforeSitting:        3 * time.Hour,
		VoucherDays:          []int{30},
		Optional:             []NoticeKind{NoticeRetake, NoticeChangeDeadline, NoticeSitting, NoticeVoucher},
	}
}

// NoticeKinds lists every notice kind, in the order the README lists them.
func NoticeKinds() []NoticeKind {
	return []NoticeKind{NoticeExpiry, NoticeExpired, NoticeRetake, NoticeChangeDeadline, NoticeSitting, NoticeVoucher}
}

// IsOptional reports whether a candidate may opt out of a kind of notice.
func (n *NotificationPolicy) IsOptional(k NoticeKind) bool {
	for _, o := range n.Optional {
		if o == k {
			return true
		}
	}
	return false
}

// checkNotifications refuses what the schema cannot: a time of day outside
// the day, negative offsets (a reminder after the moment it is about means
// nothing) and the expiry kinds as optional, since the founding text's
// point is that a missed renewal costs the full exam again: a candidate
// cannot switch those reminders off.
func checkNotifications(n *NotificationPolicy, bad func(string, string, ...any)) {
	if n.At < 0 || n.At >= 24*60 {
		bad("/notifications/at", "must be a time of day from 00:00 to 23:59")
	}
	if n.BeforeChangeDeadline < 0 {
		bad("/notifications/appointments/before_change_deadline", "cannot be negative")
	}
	if n.BeforeSitting < 0 {
		bad("/notifications/appointments/before_sitting", "cannot be negative")
	}
	for i, d := range n.VoucherDays {
		if d < 0 {
			bad(fmt.Sprintf("/notifications/vouchers/days_before/%d", i), "days before a voucher lapses cannot be negative")
		}
	}
	for i, k := range n.Optional {
		at := fmt.Sprintf("/notifications/optional/%d", i)
		switch k {
		case NoticeExpiry, NoticeExpired:
			bad(at, "%s cannot be optional: a candidate always hears that a certification expires", k)
		case NoticeRetake, NoticeChangeDeadline, NoticeSitting, NoticeVoucher:
		default:
			bad(at, "unknown notice kind %q", k)
		}
	}
}
