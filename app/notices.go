package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Sweep defaults. Notice jobs are queued ahead of their due time (River
// holds them as scheduled jobs), so the sweep only has to run often enough
// that every notice is queued before it falls due: it queues the notices
// due within sweepHorizon and runs every sweepEvery, a quarter of that.
const (
	DefaultSweepEvery   = 15 * time.Minute
	DefaultSweepHorizon = time.Hour
)

// WithSweep sets how often the sweep runs and how far ahead it queues.
func WithSweep(every, horizon time.Duration) Option {
	return func(a *App) {
		if every > 0 {
			a.sweepEvery = every
		}
		if horizon >= every {
			a.sweepHorizon = horizon
		}
	}
}

// noticeRows is the engine's schedule of a candidate's notices as read-model
// rows: every write replaces them with the rest of the view, so the sweep
// finds due notices by an index instead of reading streams.
//
// Rows that can never be sent again are left out, so that an imported
// history of years does not fill the table with its past: a notice that
// lapsed before the stream's last event was recorded, and the expiry of a
// term whose certification_expired event is in the stream. Both follow
// from the events alone, so a rebuild makes the same rows.
func noticeRows(p *policy.Program, candidate string, h *policy.History, evs []decoded) []ledger.Notice {
	ns := p.Notices(h)
	if len(ns) == 0 {
		return nil
	}
	var last time.Time
	expired := map[string]bool{}
	for _, e := range evs {
		if e.RecordedAt.After(last) {
			last = e.RecordedAt
		}
		if e.Type == EvCertExpired {
			expired[e.D.Certification+"@"+e.D.ExpiresOn] = true
		}
	}
	out := make([]ledger.Notice, 0, len(ns))
	for _, n := range ns {
		if !n.Until.IsZero() && !last.Before(n.Until) {
			continue
		}
		if n.Kind == policy.NoticeExpired && expired[n.Subject+"@"+n.Date.String()] {
			continue
		}
		row := ledger.Notice{Candidate: candidate, Kind: string(n.Kind), Subject: n.Subject, Due: n.Due.UTC(),
			Until: n.Until.UTC(), Date: n.Date.String(), Days: n.Days, Rule: n.Rule}
		if n.Until.IsZero() {
			row.Until = time.Time{}
		}
		if n.Date == policy.NoDate {
			row.Date = ""
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// queueNotices queues, in the write's transaction, the notices of now that
// were not in old and fall due before the next sweep could queue them: a
// committed write has its reminders and a rolled-back one has none. The
// rest the sweep queues when they come within its horizon.
func (a *App) queueNotices(ctx context.Context, tx ledger.Tx, old, now []ledger.Notice, at time.Time) error {
	if a.queue == nil || len(now) == 0 {
		return nil
	}
	had := make(map[noticeKey]bool, len(old))
	for _, n := range old {
		had[keyOf(n)] = true
	}
	limit := at.Add(a.sweepHorizon)
	var jobs []Job
	for _, n := range now {
		if had[keyOf(n)] || n.Due.After(limit) || lapsed(n, at) {
			continue
		}
		jobs = append(jobs, Job{Kind: JobNotice, Notice: identity(n), At: n.Due})
	}
	if len(jobs) == 0 {
		return nil
	}
	return storeErr(a.queue.Enqueue(ctx, tx, jobs), "queue")
}

// noticeKey is a notice's identity.
type noticeKey struct {
	candidate, kind, subject string
	due                      int64
}

func keyOf(n ledger.Notice) noticeKey {
	return noticeKey{n.Candidate, n.Kind, n.Subject, n.Due.UnixMicro()}
}

// identity is the part of a notice a job carries: the job reads the rest
// from the locked stream when it runs.
func identity(n ledger.Notice) ledger.Notice {
	return ledger.Notice{Candidate: n.Candidate, Kind: n.Kind, Subject: n.Subject, Due: n.Due.UTC()}
}

// lapsed says a notice means nothing any more at at (its Until passed).
func lapsed(n ledger.Notice, at time.Time) bool {
	return !n.Until.IsZero() && !at.Before(n.Until)
}

// identityHash is the SHA-256 of a notice's identity on a channel, which
// the Message-ID and the sent record's id are both made from.
func identityHash(n ledger.Notice, channel string) [32]byte {
	return sha256.Sum256([]byte(n.Candidate + "\x00" + n.Kind + "\x00" + n.Subject + "\x00" + n.Due.UTC().Format(time.RFC3339Nano) + "\x00" + channel))
}

// messageID is the Message-ID of a notice's mail: derived from its identity
// alone, so every attempt (and a second worker) sends the same one and a
// receiver can tell a duplicate.
func (a *App) messageID(n ledger.Notice, channel string) string {
	h := identityHash(n, channel)
	return "<" + hex.EncodeToString(h[:16]) + "@" + a.mailDomain + ">"
}

// notificationID names the sent record of a notice on a channel; like the
// Message-ID it follows from the identity, so it doubles as the webhook-id.
func notificationID(n ledger.Notice, channel string) string {
	h := identityHash(n, channel)
	return "msg_" + hex.EncodeToString(h[:12])
}
