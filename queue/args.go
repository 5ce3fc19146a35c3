package queue

import (
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// The River args of each app job kind. River stores them as the job's JSON
// and, because every insert is unique by args (uniqueOpts), derives the
// job's identity from the fields tagged river:"unique": app.Job's identity
// and nothing else, so a notice enqueued again with another At is still
// the same job. Times are stored in UTC, so that the same instant always
// makes the same key.

// noticeArgs is an app.JobNotice.
type noticeArgs struct {
	Candidate  string    `json:"candidate" river:"unique"`
	NoticeKind string    `json:"kind" river:"unique"`
	Subject    string    `json:"subject" river:"unique"`
	Due        time.Time `json:"due" river:"unique"`
	At         time.Time `json:"at,omitzero"`
}

func (noticeArgs) Kind() string { return app.JobNotice }

func (a noticeArgs) key() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%d", app.JobNotice, a.Candidate, a.NoticeKind, a.Subject, a.Due.UnixNano())
}

func (a noticeArgs) job() app.Job {
	return app.Job{Kind: app.JobNotice, At: a.At,
		Notice: ledger.Notice{Candidate: a.Candidate, Kind: a.NoticeKind, Subject: a.Subject, Due: a.Due}}
}

// webhookArgs is an app.JobWebhook.
type webhookArgs struct {
	Notification string    `json:"notification" river:"unique"`
	Endpoint     string    `json:"endpoint" river:"unique"`
	At           time.Time `json:"at,omitzero"`
}

func (webhookArgs) Kind() string { return app.JobWebhook }

func (a webhookArgs) key() string {
	return app.JobWebhook + "\x00" + a.Notification + "\x00" + a.Endpoint
}

func (a webhookArgs) job() app.Job {
	return app.Job{Kind: app.JobWebhook, Notification: a.Notification, Endpoint: a.Endpoint, At: a.At}
}

// sweepArgs is an app.JobSweep; its At is its identity.
type sweepArgs struct {
	At time.Time `json:"at" river:"unique"`
}

func (sweepArgs) Kind() string { return app.JobSweep }

func (a sweepArgs) key() string { return fmt.Sprintf("%s\x00%d", app.JobSweep, a.At.UnixNano()) }

func (a sweepArgs) job() app.Job { return app.Job{Kind: app.JobSweep, At: a.At} }

// credentialArgs is an app.JobCredential: one credential a term.
type credentialArgs struct {
	Candidate     string `json:"candidate" river:"unique"`
	Certification string `json:"certification" river:"unique"`
	Term          string `json:"term" river:"unique"`
}

func (credentialArgs) Kind() string { return app.JobCredential }

func (a credentialArgs) key() string {
	return app.JobCredential + "\x00" + a.Candidate + "\x00" + a.Certification + "\x00" + a.Term
}

func (a credentialArgs) job() app.Job {
	return app.Job{Kind: app.JobCredential, Candidate: a.Candidate, Certification: a.Certification, Term: a.Term}
}

// credentialStatusArgs is an app.JobCredentialStatus: the statuses of a
// certification's credentials brought up to date at At (a grace's end,
// Term its last day).
type credentialStatusArgs struct {
	Candidate     string    `json:"candidate" river:"unique"`
	Certification string    `json:"certification" river:"unique"`
	Term          string    `json:"term" river:"unique"`
	At            time.Time `json:"at"`
}

func (credentialStatusArgs) Kind() string { return app.JobCredentialStatus }

func (a credentialStatusArgs) key() string {
	return app.JobCredentialStatus + "\x00" + a.Candidate + "\x00" + a.Certification + "\x00" + a.Term
}

func (a credentialStatusArgs) job() app.Job {
	return app.Job{Kind: app.JobCredentialStatus, Candidate: a.Candidate, Certification: a.Certification, Term: a.Term, At: a.At}
}

// signInArgs is an app.JobSignIn: one sign-in link's mail.
type signInArgs struct {
	Link string `json:"link" river:"unique"`
}

func (signInArgs) Kind() string { return app.JobSignIn }

func (a signInArgs) key() string { return app.JobSignIn + "\x00" + a.Link }

func (a signInArgs) job() app.Job { return app.Job{Kind: app.JobSignIn, SignIn: a.Link} }

// jobArgs is what the workers need of every args type.
type jobArgs interface {
	river.JobArgs
	job() app.Job
	// key is the job's identity (its river:"unique" fields): River
	// refuses a batch holding one identity twice, so Enqueue keeps the
	// first.
	key() string
}

// Attempts and backoff. A webhook receiver may be down for hours, so a
// webhook is tried 12 times over about six hours (webhookBackoff); a
// notice or a sweep fails only on the ledger or a bug, so a few attempts
// with River's default backoff (attempt⁴ seconds) are enough.
const (
	webhookAttempts = 12
	otherAttempts   = 5
	webhookFirst    = 10 * time.Second
	webhookMax      = 3 * time.Hour
)

// webhookBackoff is the wait after the failed attempt-th attempt (1 for
// the first): 10 s doubling, at most 3 h.
func webhookBackoff(attempt int) time.Duration {
	d := webhookFirst
	for i := 1; i < attempt && d < webhookMax; i++ {
		d *= 2
	}
	return min(d, webhookMax)
}

// uniqueOpts makes every insert unique by kind and args in every state,
// so a job is not inserted again while River still holds its row: waiting,
// running, retrying, or finished and not yet cleaned away (River deletes
// completed jobs after CompletedJobRetentionPeriod, discarded ones after
// DiscardedJobRetentionPeriod). app's own records (notifications) keep a
// job from doing its work twice after that.
var uniqueOpts = river.UniqueOpts{
	ByArgs: true,
	ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	},
}

// insertParams is the River insert of j. A job due at or before now is
// available at once; a later one is scheduled at its At, which River's
// scheduler makes available once the queue's clock passes it.
func insertParams(j app.Job, now time.Time) (river.InsertManyParams, error) {
	at := utc(j.At)
	opts := &river.InsertOpts{UniqueOpts: uniqueOpts, MaxAttempts: otherAttempts}
	if at.After(now) {
		opts.ScheduledAt = at
	}
	var args jobArgs
	switch j.Kind {
	case app.JobNotice:
		n := j.Notice
		if n.Candidate == "" || n.Kind == "" || n.Due.IsZero() {
			return river.InsertManyParams{}, fmt.Errorf("queue: notice job without candidate, kind or due: %+v", n)
		}
		args = noticeArgs{Candidate: n.Candidate, NoticeKind: n.Kind, Subject: n.Subject, Due: utc(n.Due), At: at}
	case app.JobWebhook:
		if j.Notification == "" || j.Endpoint == "" {
			return river.InsertManyParams{}, fmt.Errorf("queue: webhook job without notification or endpoint: %+v", j)
		}
		args = webhookArgs{Notification: j.Notification, Endpoint: j.Endpoint, At: at}
		opts.MaxAttempts = webhookAttempts
	case app.JobCredential:
		if j.Candidate == "" || j.Certification == "" || j.Term == "" {
			return river.InsertManyParams{}, fmt.Errorf("queue: credential job without candidate, certification or term: %+v", j)
		}
		args = credentialArgs{Candidate: j.Candidate, Certification: j.Certification, Term: j.Term}
	case app.JobCredentialStatus:
		if j.Candidate == "" || j.Certification == "" || j.Term == "" || at.IsZero() {
			return river.InsertManyParams{}, fmt.Errorf("queue: credential status job without candidate, certification, term or At: %+v", j)
		}
		args = credentialStatusArgs{Candidate: j.Candidate, Certification: j.Certification, Term: j.Term, At: at}
	case app.JobSignIn:
		if j.SignIn == "" {
			return river.InsertManyParams{}, fmt.Errorf("queue: sign-in job without a link")
		}
		args = signInArgs{Link: j.SignIn}
	case app.JobSweep:
		if at.IsZero() {
			return river.InsertManyParams{}, fmt.Errorf("queue: sweep job without At")
		}
		args = sweepArgs{At: at}
	default:
		return river.InsertManyParams{}, fmt.Errorf("queue: unknown job kind %q", j.Kind)
	}
	return river.InsertManyParams{Args: args, InsertOpts: opts}, nil
}

// utc drops t's location and monotonic reading; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Round(0)
}
