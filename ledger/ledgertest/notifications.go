package ledgertest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/recert/recert/ledger"
)

// notification is a claimed notification of candidate's expiry reminder
// due on day, on channel.
func notification(id, cand, channel string, day int) ledger.Notification {
	return ledger.Notification{
		ID: id, Candidate: cand, Kind: "expiry_reminder", Subject: "aws-saa", Due: at(day, 3), Channel: channel,
		State: "sending", Target: cand + "@example.com", CreatedAt: at(day, 4), UpdatedAt: at(day, 4),
	}
}

func getNotification(t *testing.T, s ledger.Store, id string) (ledger.Notification, error) {
	t.Helper()
	var n ledger.Notification
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		n, err = tx.Notification(t.Context(), id)
		return err
	})
	return n, err
}

func testNotifications(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	n := notification("n1", "c1", "email", 10)
	update(t, s, func(tx ledger.Tx) error { return tx.ClaimNotification(ctx, n) })
	got, err := getNotification(t, s, "n1")
	if err != nil {
		t.Fatalf("Notification: %v", err)
	}
	same(t, "Notification after ClaimNotification", n, got)
	if !got.SentAt.IsZero() {
		t.Errorf("SentAt of an unsent notification = %v, want zero", got.SentAt)
	}
	view(t, s, func(tx ledger.Tx) error {
		byKey, err := tx.NotificationByKey(ctx, "c1", "expiry_reminder", "aws-saa", at(10, 3).UTC(), "email")
		same(t, "NotificationByKey (the due time in another zone)", n, byKey)
		if err != nil {
			return err
		}
		for _, k := range []struct{ cand, kind, subject, channel string }{
			{"c2", "expiry_reminder", "aws-saa", "email"}, {"c1", "sitting", "aws-saa", "email"},
			{"c1", "expiry_reminder", "aws-clf", "email"}, {"c1", "expiry_reminder", "aws-saa", "webhook"},
		} {
			_, err := tx.NotificationByKey(ctx, k.cand, k.kind, k.subject, n.Due, k.channel)
			wantErr(t, fmt.Sprintf("NotificationByKey(%+v)", k), err, ledger.ErrNotFound)
		}
		_, err = tx.NotificationByKey(ctx, "c1", "expiry_reminder", "aws-saa", n.Due.Add(1000), "email")
		wantErr(t, "NotificationByKey a microsecond later", err, ledger.ErrNotFound)
		return nil
	})
	_, err = getNotification(t, s, "nope")
	wantErr(t, "Notification of an unknown id", err, ledger.ErrNotFound)

	// The same notice on the same channel is claimed once, under any id;
	// another channel, or another due time, is another notification.
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.ClaimNotification(ctx, notification("n2", "c1", "email", 10)) })
	wantErr(t, "a second claim of a notice on one channel", err, ledger.ErrExists)
	dup := notification("n1", "c9", "email", 3)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.ClaimNotification(ctx, dup) })
	wantErr(t, "a claim under a taken id", err, ledger.ErrExists)
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.ClaimNotification(ctx, notification("n3", "c1", "webhook", 10)); err != nil {
			return err
		}
		return tx.ClaimNotification(ctx, notification("n4", "c1", "email", 11))
	})

	// UpdateNotification writes the delivery's fields and only those.
	sent := n
	sent.State, sent.Reason, sent.Error, sent.Attempts = "sent", "", "first try timed out", 2
	sent.MessageID, sent.Title = "<n1@recert>", "Your certification expires in 30 days"
	sent.UpdatedAt, sent.SentAt = at(10, 5), at(10, 5).Add(17)
	changed := sent
	changed.Candidate, changed.Kind, changed.Subject, changed.Due, changed.Channel = "c2", "sitting", "x", at(1, 1), "webhook"
	changed.Target, changed.CreatedAt = "other@example.com", at(1, 1)
	update(t, s, func(tx ledger.Tx) error { return tx.UpdateNotification(ctx, changed) })
	got, err = getNotification(t, s, "n1")
	if err != nil {
		t.Fatalf("Notification after UpdateNotification: %v", err)
	}
	sent.SentAt = sent.SentAt.Truncate(1000) // to the microsecond
	same(t, "Notification after UpdateNotification", sent, got)
	inUTC(t, "Notification's times", got.Due, got.CreatedAt, got.UpdatedAt, got.SentAt)
	err = s.Update(ctx, func(tx ledger.Tx) error { return tx.UpdateNotification(ctx, notification("nope", "c1", "email", 1)) })
	wantErr(t, "UpdateNotification of an unknown id", err, ledger.ErrNotFound)
}

func testListNotifications(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	all := []ledger.Notification{
		notification("n1", "c1", "email", 1), notification("n2", "c2", "email", 2), notification("n3", "c1", "webhook", 3),
		notification("n4", "c1", "email", 4), notification("n5", "c2", "email", 5),
	}
	all[1].State, all[3].State = "sent", "sent"
	update(t, s, func(tx ledger.Tx) error {
		for _, i := range []int{3, 0, 4, 2, 1} {
			if err := tx.ClaimNotification(ctx, all[i]); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(f ledger.NotificationFilter, p ledger.Page) (ids []string) {
		t.Helper()
		view(t, s, func(tx ledger.Tx) error {
			ns, err := tx.ListNotifications(ctx, f, p)
			for _, n := range ns {
				ids = append(ids, n.ID)
			}
			return err
		})
		return ids
	}
	for _, tc := range []struct {
		f    ledger.NotificationFilter
		p    ledger.Page
		want []string
	}{
		{ledger.NotificationFilter{}, ledger.Page{}, []string{"n1", "n2", "n3", "n4", "n5"}},
		{ledger.NotificationFilter{Candidate: "c1"}, ledger.Page{}, []string{"n1", "n3", "n4"}},
		{ledger.NotificationFilter{State: "sent"}, ledger.Page{}, []string{"n2", "n4"}},
		{ledger.NotificationFilter{Candidate: "c1", State: "sending"}, ledger.Page{}, []string{"n1", "n3"}},
		{ledger.NotificationFilter{Candidate: "c1"}, ledger.Page{After: "n1", Limit: 1}, []string{"n3"}},
		{ledger.NotificationFilter{State: "sending"}, ledger.Page{After: "n3", Limit: 5}, []string{"n5"}},
		{ledger.NotificationFilter{Candidate: "c2", State: "sent"}, ledger.Page{After: "n2"}, nil},
		{ledger.NotificationFilter{}, ledger.Page{After: "n2", Limit: 2}, []string{"n3", "n4"}},
		{ledger.NotificationFilter{Candidate: "nobody"}, ledger.Page{}, nil},
	} {
		if got := list(tc.f, tc.p); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ListNotifications(%+v, %+v) = %q, want %q", tc.f, tc.p, got, tc.want)
		}
	}
	var ns []ledger.Notification
	view(t, s, func(tx ledger.Tx) (err error) {
		ns, err = tx.ListNotifications(ctx, ledger.NotificationFilter{}, ledger.Page{})
		return err
	})
	same(t, "ListNotifications rows", all, ns)
}

// testConcurrentClaim: two workers claim one notice in two transactions at
// once; exactly one claim wins, and the loser, told ErrExists, reads the
// winner's claim in its own transaction and commits: the error did not
// break its transaction. With Options.ParallelUpdates both transactions
// have looked for the claim and found none before either inserts, so the
// insert itself must settle the race.
func testConcurrentClaim(t *testing.T, s ledger.Store, o Options) {
	ctx := t.Context()
	const workers = 2
	var arrived atomic.Int32
	barrier := make(chan struct{})
	wins := make([]bool, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range workers {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(ctx, func(tx ledger.Tx) error {
				wins[i] = false
				n := notification(fmt.Sprintf("w%d", i), "c1", "email", 10)
				if o.ParallelUpdates {
					_, err := tx.NotificationByKey(ctx, n.Candidate, n.Kind, n.Subject, n.Due, n.Channel)
					if !errors.Is(err, ledger.ErrNotFound) {
						return fmt.Errorf("before the race: NotificationByKey = %v, want ErrNotFound", err)
					}
					if arrived.Add(1) == workers {
						close(barrier)
					}
					select {
					case <-barrier:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				err := tx.ClaimNotification(ctx, n)
				if err == nil {
					wins[i] = true
					return nil
				}
				if !errors.Is(err, ledger.ErrExists) {
					return fmt.Errorf("ClaimNotification: %w", err)
				}
				won, err := tx.NotificationByKey(ctx, n.Candidate, n.Kind, n.Subject, n.Due, n.Channel)
				if err != nil {
					return fmt.Errorf("after losing the claim: %w", err)
				}
				if won.ID == n.ID {
					return fmt.Errorf("lost the claim to itself (%s)", won.ID)
				}
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("worker %d: %v", i, errs[i])
		}
		if wins[i] && winner >= 0 {
			t.Fatalf("workers %d and %d both claimed the notice", winner, i)
		}
		if wins[i] {
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no worker claimed the notice")
	}
	var ns []ledger.Notification
	view(t, s, func(tx ledger.Tx) (err error) {
		ns, err = tx.ListNotifications(ctx, ledger.NotificationFilter{}, ledger.Page{})
		return err
	})
	if len(ns) != 1 || ns[0].ID != fmt.Sprintf("w%d", winner) {
		t.Errorf("notifications after the race: %+v; want w%d's alone", ns, winner)
	}
}
