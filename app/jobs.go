package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
)

// The kinds of job the worker runs.
const (
	// JobNotice delivers one notice (Job.Notice is its identity) on every
	// channel the candidate chose, or skips it when it no longer means
	// anything.
	JobNotice = "notice"
	// JobWebhook delivers one notification (Job.Notification) to one
	// endpoint (Job.Endpoint), retried with backoff until it is accepted.
	JobWebhook = "webhook"
	// JobSweep finds the notices falling due up to Job.At plus the sweep
	// horizon, queues them and queues the next sweep.
	JobSweep = "sweep"
	// JobCredential issues the verifiable credential of a certification's
	// term (Job.Candidate, Job.Certification, Job.Term: its basis date),
	// queued by the write that earned or renewed it.
	JobCredential = "credential"
	// JobSignIn mails the one-time link of a sign-in (Job.SignIn: the
	// link's id), queued by the request for it.
	JobSignIn = "signin"
)

// KindSignIn is the Kind of a sign-in link's Message.
const KindSignIn = "signin"

// Job is one unit of the worker's work. Its identity (what makes a second
// insert of the same job a no-op while the first is known to the queue) is
// its Kind with the Notice identity, the Notification and Endpoint, or the
// sweep's At.
type Job struct {
	Kind         string
	Notice       ledger.Notice // JobNotice: Candidate, Kind, Subject, Due
	Notification string        // JobWebhook
	Endpoint     string        // JobWebhook
	// JobCredential: the candidate, the certification and the term's
	// basis date (YYYY-MM-DD).
	Candidate, Certification, Term string
	// SignIn is a JobSignIn's link id.
	SignIn string
	// At is when the job may run first; zero is now.
	At time.Time
}

// Queue is the work queue (the queue package fills it with River). app
// calls Enqueue inside the ledger transaction of the write a job follows
// from, so a committed write always has its jobs and a rolled-back one has
// none.
type Queue interface {
	// Enqueue inserts jobs in tx. A job whose identity the queue holds
	// already is not inserted again.
	Enqueue(ctx context.Context, tx ledger.Tx, jobs []Job) error
}

// Done completes the running job inside tx, so that what a job wrote and
// the job's completion commit together or not at all.
type Done func(ctx context.Context, tx ledger.Tx) error

// Message is one notification as the channels render it: the mail adapter
// from its templates, the webhook adapter as the event's data.
type Message struct {
	// ID is the notification's id; MessageID the mail Message-ID derived
	// from the notice's identity, the same on every attempt.
	ID        string
	MessageID string
	Kind      string // a policy.NoticeKind
	Subject   string // what it is about (certification, exam, appointment, voucher id)
	Due       time.Time
	Candidate MessageCandidate
	// Title is the subject line; Lines the engine's explanation, one
	// sentence a line, in the order to show them.
	Title string
	Lines []string
	// Facts are the dates and names the message is about, for templates
	// and webhook receivers: see the README's notification section.
	Facts MessageFacts
}

// MessageCandidate is whom a message is for.
type MessageCandidate struct {
	ID, Name, Email, TimeZone string
}

// MessageFacts are the particulars of a message; each kind sets its own.
type MessageFacts struct {
	Certification string `json:"certification,omitempty"`
	Exam          string `json:"exam,omitempty"`
	Appointment   string `json:"appointment,omitempty"`
	Voucher       string `json:"voucher,omitempty"`
	Date          string `json:"date,omitempty"` // the date the notice is about
	Days          int    `json:"days_left"`      // whole days from the message's day to Date
	// Renewals are the exams that renew a certification with their
	// earliest dates; LastSafeBooking the plan's last date to book that
	// leaves room for a retake.
	Renewals        []RenewalFact `json:"renewals,omitempty"`
	LastSafeBooking string        `json:"last_safe_booking,omitempty"`
	WeakDomains     []string      `json:"weak_domains,omitempty"`
	Slot            *time.Time    `json:"slot,omitempty"`
	ChangeUntil     *time.Time    `json:"change_until,omitempty"`
	Center          string        `json:"center,omitempty"`
	// Link is a sign-in message's one-time link (never sent to webhooks).
	Link string `json:"link,omitempty"`
}

// RenewalFact is one way to renew: an exam and the first date it can be sat.
type RenewalFact struct {
	Exam     string `json:"exam"`
	Earliest string `json:"earliest,omitempty"`
}

// Mailer sends mail (the notify/mail adapter, over SMTP).
type Mailer interface {
	// Send delivers m to its candidate's address. An error means it was
	// not accepted by the SMTP server.
	Send(ctx context.Context, m Message) error
}

// WebhookPoster delivers one signed webhook (the notify/webhook adapter,
// following Standard Webhooks).
type WebhookPoster interface {
	// Post sends body to url with the webhook-id id, the timestamp at and a
	// v1 signature made with secret (whsec_…). It returns the HTTP status
	// (0 when none came) and an error unless the status is 2xx.
	Post(ctx context.Context, url, secret, id string, at time.Time, body []byte) (int, error)
}

// CalendarItem is one event of a candidate's calendar feed.
type CalendarItem struct {
	// UID is stable across feeds, so a calendar application updates the
	// event instead of adding a second one.
	UID         string
	Summary     string
	Description string
	// Date, when set (YYYY-MM-DD), makes an all-day event (an expiry, a
	// renewal window opening, a retake date); otherwise Start and End are
	// the instants of a timed one (an appointment).
	Date       string
	Start, End time.Time
	// AlarmAt, when not zero, is an absolute alarm (the appointment's
	// change deadline).
	AlarmAt      time.Time
	AlarmSummary string
	// Modified is when the item's facts last changed (DTSTAMP/LAST-MODIFIED).
	Modified time.Time
}

// CalendarEncoder writes an iCalendar feed (the calendar adapter).
type CalendarEncoder interface {
	// Encode returns the feed named name (RFC 5545, CRLF line endings).
	Encode(name string, items []CalendarItem) ([]byte, error)
}
