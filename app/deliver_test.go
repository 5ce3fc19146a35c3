package app_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// countingMailer stands in for the SMTP server, which is the outside world
// here (the real one, Mailpit, is in cmd/recert's reminder tests): it
// counts what it was given and fails while fail is set.
type countingMailer struct {
	mu   sync.Mutex
	sent []app.Message
	fail error
}

func (m *countingMailer) Send(_ context.Context, msg app.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, msg)
	return nil
}

// deliverFixture is a candidate with a certification whose 180-day
// reminder is due, and the notice's job.
func deliverFixture(t *testing.T, st ledger.Store, m app.Mailer) (*fixture, *app.App, ledger.Notice) {
	f := newFixture(t, st)
	a := app.New(st, app.WithClock(f.clk.now), app.WithMailer(m))
	if _, err := a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada", Email: "ada@example.com", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	// CLF-C02 passed 2023-06-01: valid until 2026-05-31 (V1), so on
	// 2026-02-01 the 180-day reminder (2025-12-02) is the latest due.
	if _, err := a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "CLF-C02", On: slot("2023-06-01T15:00:00Z"), Scaled: score(800)}); err != nil {
		t.Fatal(err)
	}
	var n ledger.Notice
	if err := st.View(f.ctx, func(tx ledger.Tx) error {
		v, err := tx.View(f.ctx, "ada")
		for _, x := range v.Notices {
			if x.Kind == "expiry_reminder" && x.Days == 180 {
				n = x
			}
		}
		return err
	}); err != nil || n.Candidate == "" {
		t.Fatalf("no 180-day reminder among ada's notices (%v)", err)
	}
	return f, a, n
}

func runJob(t *testing.T, a *app.App, n ledger.Notice) (error, int) {
	t.Helper()
	done := 0
	err := a.Work(context.Background(), app.Job{Kind: app.JobNotice, Notice: n}, 1, func(context.Context, ledger.Tx) error { done++; return nil })
	return err, done
}

func record(t *testing.T, st ledger.Store, n ledger.Notice) ledger.Notification {
	t.Helper()
	var r ledger.Notification
	if err := st.View(context.Background(), func(tx ledger.Tx) error {
		var err error
		r, err = tx.NotificationByKey(context.Background(), n.Candidate, n.Kind, n.Subject, n.Due, app.ChannelEmail)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNoticeSentOnce: a notice's job run twice mails once; the sent record
// carries the Message-ID the mail had.
func TestNoticeSentOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		m := &countingMailer{}
		_, a, n := deliverFixture(t, st, m)
		for i := 0; i < 2; i++ {
			if err, done := runJob(t, a, n); err != nil || done != 1 {
				t.Fatalf("run %d: %v, done %d; want nil, once", i+1, err, done)
			}
		}
		r := record(t, st, n)
		if len(m.sent) != 1 || r.State != app.StateSent || r.MessageID != m.sent[0].MessageID || r.Attempts != 1 {
			t.Fatalf("mailed %d, record %+v; want one mail, sent, with its Message-ID", len(m.sent), r)
		}
	})
}

// TestNoticeAtMostOnce: a worker that died between claiming a notice and
// confirming it leaves "sending"; the next run marks it unconfirmed and
// does not mail again. A refusal by the server ("failed") is mailed again.
func TestNoticeAtMostOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		m := &countingMailer{fail: errors.New("451 try later")}
		_, a, n := deliverFixture(t, st, m)
		if err, done := runJob(t, a, n); err == nil || done != 0 {
			t.Fatalf("a refused mail: %v, done %d; want an error for a retry, not done", err, done)
		}
		if r := record(t, st, n); r.State != app.StateFailed || r.Error == "" {
			t.Fatalf("after a refusal: %+v; want failed with the error", r)
		}
		m.fail = nil
		if err, done := runJob(t, a, n); err != nil || done != 1 || len(m.sent) != 1 {
			t.Fatalf("the retry: %v, done %d, mailed %d; want sent once", err, done, len(m.sent))
		}

		// A crash after the claim: the record says sending.
		r := record(t, st, n)
		r.State, r.SentAt = app.StateSending, time.Time{}
		if err := st.Update(context.Background(), func(tx ledger.Tx) error { return tx.UpdateNotification(context.Background(), r) }); err != nil {
			t.Fatal(err)
		}
		if err, done := runJob(t, a, n); err != nil || done != 1 || len(m.sent) != 1 {
			t.Fatalf("after a crash mid-send: %v, done %d, mailed %d; want done without mailing again", err, done, len(m.sent))
		}
		if r := record(t, st, n); r.State != app.StateUnconfirmed {
			t.Fatalf("after a crash mid-send: %+v; want unconfirmed", r)
		}
	})
}

// TestNoticeObsoleteAfterRenewal: a renewal moves the expiry, so the old
// term's reminder is obsolete when its job runs: skipped with that reason,
// not mailed.
func TestNoticeObsoleteAfterRenewal(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		m := &countingMailer{}
		f, a, n := deliverFixture(t, st, m)
		if _, err := a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "CLF-C02", On: slot("2026-01-20T15:00:00Z"), Scaled: score(820)}); err != nil {
			t.Fatal(err)
		}
		if err, done := runJob(t, a, n); err != nil || done != 1 || len(m.sent) != 0 {
			t.Fatalf("after the renewal: %v, done %d, mailed %d; want done, nothing mailed", err, done, len(m.sent))
		}
		recs, err := a.Notifications(f.ctx, app.System, ledger.NotificationFilter{Candidate: "ada"}, ledger.Page{Limit: 10})
		if err != nil || len(recs) != 1 || recs[0].State != app.StateSkipped || recs[0].Reason != "obsolete" {
			t.Fatalf("records %+v (%v); want one, skipped as obsolete", recs, err)
		}
	})
}

// TestNoticeOptedOut: a candidate who opted out of retake notices gets
// none (recorded as skipped, opted_out), and no one can opt out of an
// expiry reminder.
func TestNoticeOptedOut(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		m := &countingMailer{}
		f, a, _ := deliverFixture(t, st, m)
		me := app.Principal{Role: app.RoleCandidate, Subject: "ada", TokenID: "tok_ada"}
		if _, err := a.SetPreferences(f.ctx, me, "ada", app.PreferencesInput{Channels: []string{"email"}, OptOut: []string{"expiry_reminder"}}, nil); app.ErrorCode(err) != app.CodeInvalid {
			t.Fatalf("opting out of expiry reminders: %v; want invalid", err)
		}
		if _, err := a.SetPreferences(f.ctx, me, "ada", app.PreferencesInput{Channels: []string{"email"}, OptOut: []string{"retake_available"}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "SAA-C03", On: slot("2026-01-10T15:00:00Z"), Scaled: score(600)}); err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-01-26T15:00:00Z") // the retake date has come (R1)
		var n ledger.Notice
		_ = st.View(f.ctx, func(tx ledger.Tx) error {
			v, err := tx.View(f.ctx, "ada")
			for _, x := range v.Notices {
				if x.Kind == "retake_available" {
					n = x
				}
			}
			return err
		})
		if n.Candidate == "" {
			t.Fatal("no retake notice after the failure")
		}
		if err, done := runJob(t, a, n); err != nil || done != 1 || len(m.sent) != 0 {
			t.Fatalf("the retake notice: %v, done %d, mailed %d; want done, nothing mailed", err, done, len(m.sent))
		}
		recs, _ := a.Notifications(f.ctx, me, ledger.NotificationFilter{}, ledger.Page{Limit: 10})
		if len(recs) != 1 || recs[0].State != app.StateSkipped || recs[0].Reason != "opted_out" {
			t.Fatalf("ada's notifications: %+v; want the retake notice skipped, opted_out", recs)
		}
	})
}
