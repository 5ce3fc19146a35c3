package app

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// Notification channels and states (ledger.Notification).
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"

	StateSending     = "sending"
	StateSent        = "sent"
	StateFailed      = "failed"
	StateSkipped     = "skipped"
	StateUnconfirmed = "unconfirmed"
)

// errNotDue asks the queue to run a job again later: it ran before its
// notice fell due by the App's clock (the two clocks are one in practice).
var errNotDue = errors.New("notice not due yet")

// Work runs one job of the queue (the queue package calls it). attempt
// counts from 1. It returns nil when the job is finished (done has then
// been called in the transaction that finished it) and an error when the
// queue should run it again later.
func (a *App) Work(ctx context.Context, j Job, attempt int, done Done) error {
	switch j.Kind {
	case JobNotice:
		return a.deliverNotice(ctx, j.Notice, done)
	case JobWebhook:
		return a.deliverWebhook(ctx, j, attempt, done)
	case JobSweep:
		return a.sweep(ctx, done)
	case JobCredential:
		return a.issueCredential(ctx, j, done)
	case JobCredentialStatus:
		return a.credentialStatusJob(ctx, j, done)
	case JobSignIn:
		return a.deliverSignIn(ctx, j.SignIn, done)
	}
	return fmt.Errorf("app: unknown job kind %q", j.Kind)
}

// claim is what the first transaction of a notice's delivery decided.
type claim struct {
	mail *Message // the mail to send, claimed as "sending"; nil for none
	rec  ledger.Notification
}

// deliverNotice sends one notice at most once per channel.
//
// Exactly once cannot be had with SMTP (a server may accept a message and
// the worker die before it records that), so recert chooses at most once:
//
//  1. under the candidate's stream lock, the engine says whether the notice
//     is still worth sending (NoticeStatus: due, not superseded by a later
//     one, not lapsed, still in the schedule); the mail's sent record is
//     inserted as "sending" — its unique identity is the claim — together
//     with a webhook job per endpoint, and the transaction commits;
//  2. the mail goes to the SMTP server;
//  3. the record becomes "sent" in the transaction that completes the job.
//
// A worker that dies between 1 and 3 leaves "sending"; the job's next run
// finds it and marks it "unconfirmed" instead of sending again. Every
// decision to skip is recorded with its reason, so the API shows why a
// reminder was not sent.
func (a *App) deliverNotice(ctx context.Context, n ledger.Notice, done Done) error {
	n.Due = n.Due.UTC()
	v, err := a.write(ctx, System, op{candidate: n.Candidate, decide: func(w *locked) (any, error) {
		return w.claimNotice(n, done)
	}})
	if errors.Is(err, errNotDue) {
		return err
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeNotFound {
			return a.finish(ctx, done) // the candidate is gone: nothing to tell anyone
		}
		return err
	}
	c := v.(claim)
	if c.mail == nil {
		return nil
	}
	sendErr := a.mailer.Send(ctx, *c.mail)
	err = a.system(ctx, func(tx ledger.Tx) error {
		rec, err := tx.Notification(ctx, c.rec.ID)
		if err != nil {
			return storeErr(err, "notification "+c.rec.ID)
		}
		rec.Attempts++
		rec.UpdatedAt = a.now().UTC()
		if sendErr != nil {
			// Not accepted: the job runs again and sends again, which
			// cannot be a second copy.
			rec.State, rec.Error = StateFailed, sendErr.Error()
			if err := tx.UpdateNotification(ctx, rec); err != nil {
				return storeErr(err, "notification "+rec.ID)
			}
			a.notified(ChannelEmail, StateFailed)
			return nil
		}
		rec.State, rec.Error, rec.SentAt = StateSent, "", rec.UpdatedAt
		if err := tx.UpdateNotification(ctx, rec); err != nil {
			return storeErr(err, "notification "+rec.ID)
		}
		a.notified(ChannelEmail, StateSent)
		return done(ctx, tx)
	})
	if err != nil {
		return err
	}
	return sendErr
}

// finish completes a job that has nothing left to do.
func (a *App) finish(ctx context.Context, done Done) error {
	return a.system(ctx, func(tx ledger.Tx) error { return done(ctx, tx) })
}

func (a *App) notified(channel, state string) {
	if a.observer != nil {
		a.observer.Notification(channel, state)
	}
}

// claimNotice is step 1 of deliverNotice, on the locked stream.
func (w *locked) claimNotice(n ledger.Notice, done Done) (any, error) {
	a, s := w.a, w.s
	h, err := w.history()
	if err != nil {
		return nil, err
	}
	pn := policy.Notice{Kind: policy.NoticeKind(n.Kind), Subject: n.Subject, Due: n.Due}
	send, reason := s.prog.NoticeStatus(pn, h, w.now)
	if reason == "not_due" {
		return nil, errNotDue
	}
	if n.Kind == string(policy.NoticeExpired) && reason != policy.NoticeObsolete && reason != policy.NoticeNotDue {
		// The expiry itself is a fact of the ledger, recorded when its
		// notice's job runs (this replaces an hourly scan of every
		// stream), also when the message about it has lapsed.
		if err := w.recordExpiry(n.Subject); err != nil {
			return nil, err
		}
		// It is also the moment a grace period begins, which suspends
		// the current credential (CredentialStatus): the write brings the
		// credentials' statuses up to date even when it records nothing.
		w.resync = true
	}
	skip := func(channel, why string) (any, error) {
		rec := w.newRecord(n, channel)
		rec.State, rec.Reason = StateSkipped, why
		if err := w.tx.ClaimNotification(w.ctx, rec); err != nil && !errors.Is(err, ledger.ErrExists) {
			return nil, storeErr(err, "notification")
		}
		return claim{}, done(w.ctx, w.tx)
	}
	if !send {
		return skip("", reason)
	}
	full, ok := w.scheduled(pn)
	if !ok {
		return skip("", "obsolete")
	}
	prefs, err := w.preferences()
	if err != nil {
		return nil, err
	}
	if slices.Contains(prefs.OptOut, n.Kind) && slices.Contains(s.prog.Notifications.Optional, pn.Kind) {
		return skip("", "opted_out")
	}
	msg := a.message(w, full, h)
	var out claim
	if slices.Contains(prefs.Channels, ChannelWebhook) {
		if err := w.claimWebhooks(n); err != nil {
			return nil, err
		}
	}
	if slices.Contains(prefs.Channels, ChannelEmail) && a.mailer != nil && s.cand.Email != "" {
		rec := w.newRecord(n, ChannelEmail)
		rec.State, rec.Target, rec.MessageID, rec.Title = StateSending, s.cand.Email, msg.MessageID, msg.Title
		switch err := w.tx.ClaimNotification(w.ctx, rec); {
		case errors.Is(err, ledger.ErrExists):
			prev, err := w.tx.NotificationByKey(w.ctx, n.Candidate, n.Kind, n.Subject, n.Due, ChannelEmail)
			if err != nil {
				return nil, storeErr(err, "notification")
			}
			switch prev.State {
			case StateFailed:
				// Refused last time, so never sent: try again.
				out.mail, out.rec = &msg, prev
				msg.ID = prev.ID
				return out, nil
			case StateSending:
				// A worker claimed it and stopped before it knew whether the
				// server took it: at most once means not again.
				prev.State, prev.Reason, prev.UpdatedAt = StateUnconfirmed, "the worker stopped while sending", w.now
				if err := w.tx.UpdateNotification(w.ctx, prev); err != nil {
					return nil, storeErr(err, "notification "+prev.ID)
				}
				a.notified(ChannelEmail, StateUnconfirmed)
			}
		case err != nil:
			return nil, storeErr(err, "notification")
		default:
			msg.ID = rec.ID
			out.mail, out.rec = &msg, rec
			return out, nil
		}
	}
	return out, done(w.ctx, w.tx)
}

// newRecord is the sent record of n on a channel ("" for a skip, which
// holds for every channel).
func (w *locked) newRecord(n ledger.Notice, channel string) ledger.Notification {
	return ledger.Notification{ID: notificationID(n, channel), Candidate: n.Candidate, Kind: n.Kind, Subject: n.Subject,
		Due: n.Due, Channel: channel, CreatedAt: w.now, UpdatedAt: w.now}
}

// scheduled finds n in the engine's schedule of the locked history: a job
// carries only a notice's identity.
func (w *locked) scheduled(n policy.Notice) (policy.Notice, bool) {
	h, err := w.history()
	if err != nil {
		return policy.Notice{}, false
	}
	for _, m := range w.s.prog.Notices(h) {
		if m.Kind == n.Kind && m.Subject == n.Subject && m.Due.Equal(n.Due) {
			return m, true
		}
	}
	return policy.Notice{}, false
}

// preferences are the candidate's, or the defaults (every channel).
func (w *locked) preferences() (ledger.Preferences, error) {
	p, err := w.tx.Preferences(w.ctx, w.s.cand.ID)
	if errors.Is(err, ledger.ErrNotFound) {
		return ledger.Preferences{Candidate: w.s.cand.ID, Channels: []string{ChannelEmail, ChannelWebhook}}, nil
	}
	return p, storeErr(err, "preferences of "+w.s.cand.ID)
}

// recordExpiry appends certification_expired for a certification whose
// term has ended, once per term.
func (w *locked) recordExpiry(certification string) error {
	s := w.s
	h, err := w.history()
	if err != nil {
		return err
	}
	for _, c := range s.prog.Report(h, w.now).Certifications {
		if c.ID != certification || c.State != policy.StateExpired {
			continue
		}
		for _, e := range s.events {
			if e.Type == EvCertExpired && e.D.Certification == c.ID && e.D.ExpiresOn == c.Expires.String() {
				return nil
			}
		}
		return w.emit(EvCertExpired, EventData{Certification: c.ID, ExpiresOn: c.Expires.String()}, nil)
	}
	return nil
}

// message is a notice as the channels show it, with the engine's words.
func (a *App) message(w *locked, n policy.Notice, h *policy.History) Message {
	c := w.s.cand
	ln := ledger.Notice{Candidate: c.ID, Kind: string(n.Kind), Subject: n.Subject, Due: n.Due.UTC()}
	d := w.s.prog.NoticeDetail(n, h, w.now)
	m := Message{MessageID: a.messageID(ln, ChannelEmail), Kind: string(n.Kind), Subject: n.Subject, Due: n.Due.UTC(),
		Candidate: MessageCandidate{ID: c.ID, Name: c.Name, Email: c.Email, TimeZone: c.TimeZone},
		Title:     d.Title, Lines: d.Lines}
	f := &m.Facts
	f.Date, f.Days = n.Date.String(), d.DaysLeft
	switch n.Kind {
	case policy.NoticeExpiry, policy.NoticeExpired:
		f.Certification = n.Subject
	case policy.NoticeRetake:
		f.Exam = n.Subject
	case policy.NoticeChangeDeadline, policy.NoticeSitting:
		f.Appointment = n.Subject
		if ap, _ := w.appointment(n.Subject); ap.ID != "" {
			f.Exam, f.Center = ap.Exam, ap.Center
		}
	case policy.NoticeVoucher:
		f.Voucher = n.Subject
	}
	for _, r := range d.Renewals {
		f.Renewals = append(f.Renewals, RenewalFact{Exam: r.Exam, Earliest: dateOrEmpty(r.Earliest)})
	}
	f.LastSafeBooking = dateOrEmpty(d.LastSafeBooking)
	f.WeakDomains = d.WeakDomains
	if !d.Slot.IsZero() {
		t := d.Slot.UTC()
		f.Slot = &t
	}
	if !d.ChangeUntil.IsZero() {
		t := d.ChangeUntil.UTC()
		f.ChangeUntil = &t
	}
	return m
}

func dateOrEmpty(d policy.Date) string {
	if d == policy.NoDate {
		return ""
	}
	return d.String()
}
