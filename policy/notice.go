package policy

import "time"

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
	// it means nothing any more (the expiry, the deadline, the sitting).
	Due, Until time.Time
	// Date is the date it is about, in the candidate's zone: the expiry
	// date, the retake date, the voucher's last day; for an appointment
	// notice the slot's date.
	Date Date
	// Days is how many days before Date it falls due (expiry and voucher
	// reminders); 0 otherwise.
	Days int
	// Rule is the program's rule id for it (V4, R1, R7, N1…).
	Rule string
}

// Notices is the candidate's whole schedule of notices from history h,
// ordered by Due then Kind then Subject. It does not depend on the moment it
// is asked: the caller compares Due and Until with its clock. (Stub: the
// engine's implementation replaces this.)
func (p *Program) Notices(h *History) []Notice { return nil }
