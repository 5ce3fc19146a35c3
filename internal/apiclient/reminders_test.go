package apiclient_test

import (
	"bytes"
	"context"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/apiclient"
	"github.com/recert/recert/ledger"
)

// walkReminders is the part of TestEveryOperation about telling the
// candidate: her preferences, her calendar feed, the notifications about
// her and the webhook endpoints staff registers. c is staff's client,
// anon one without a token.
func walkReminders(t *testing.T, s *server, c, anon *apiclient.ClientWithResponses) {
	t.Helper()
	ctx := t.Context()

	// How she wants to be told: the defaults read, then e-mail only, sent
	// with the ETag read.
	prefs := must(c.GetPreferencesWithResponse(ctx, "ada"))(t)
	if len(prefs.JSON200.Channels) != 2 || prefs.JSON200.Rev != 0 {
		t.Fatalf("default preferences: %+v", prefs.JSON200)
	}
	setPrefs := must(c.PutPreferencesWithResponse(ctx, "ada", &apiclient.PutPreferencesParams{IfMatch: ptr(prefs.HTTPResponse.Header.Get("ETag"))},
		apiclient.PreferencesRequest{Channels: &[]apiclient.Channel{apiclient.ChannelEmail}}))(t).JSON200
	if len(setPrefs.Channels) != 1 || setPrefs.Rev != 1 {
		t.Fatalf("preferences: %+v", setPrefs)
	}

	// Her calendar: a secret URL, fetched without a token, then revoked.
	link := must(c.CreateCalendarWithResponse(ctx, "ada", nil, apiclient.EmptyRequest{}))(t).JSON200
	if link.Url == nil || !strings.Contains(*link.Url, "/calendar/cal_") {
		t.Fatalf("calendar: %+v", link)
	}
	feed := must(anon.CalendarFeedWithResponse(ctx, path.Base(*link.Url), nil))(t)
	if ct := feed.HTTPResponse.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") || !bytes.HasPrefix(feed.Body, []byte("BEGIN:VCALENDAR\r\n")) {
		t.Fatalf("calendar feed: %s\n%.300s", ct, feed.Body)
	}
	must(c.DeleteCalendarWithResponse(ctx, "ada"))(t)

	// A notice the worker skipped, as the API shows it.
	s.skippedNotice(t, "ada")
	notes := must(c.ListNotificationsWithResponse(ctx, &apiclient.ListNotificationsParams{Candidate: ptr("ada")}))(t).JSON200
	if len(notes.Items) != 1 || notes.Items[0].State != apiclient.NotificationStateSkipped {
		t.Fatalf("notifications: %+v", notes.Items)
	}
	if n := must(c.GetNotificationWithResponse(ctx, notes.Items[0].Id))(t).JSON200; n.Id != notes.Items[0].Id {
		t.Fatalf("notification: %+v", n)
	}

	// A webhook endpoint: made (its secret shown once), read, changed with
	// If-Match, listed, its secret rotated, its log read, removed.
	hook := must(c.CreateWebhookWithResponse(ctx, nil, apiclient.WebhookRequest{Url: "https://hooks.example.com/recert",
		Kinds: &[]apiclient.NoticeKind{apiclient.ExpiryReminder}}))(t).JSON201
	if hook.Secret == nil || !strings.HasPrefix(*hook.Secret, "whsec_") {
		t.Fatalf("webhook: %+v", hook)
	}
	gotHook := must(c.GetWebhookWithResponse(ctx, hook.Id))(t)
	patchedHook := must(c.PatchWebhookWithResponse(ctx, hook.Id, &apiclient.PatchWebhookParams{IfMatch: gotHook.HTTPResponse.Header.Get("ETag")},
		apiclient.WebhookRequest{Url: "https://hooks.example.com/v2"}))(t).JSON200
	if patchedHook.Url != "https://hooks.example.com/v2" || patchedHook.Rev != 2 || len(patchedHook.Kinds) != 0 {
		t.Fatalf("webhook patch: %+v", patchedHook)
	}
	if hooks := must(c.ListWebhooksWithResponse(ctx, nil))(t).JSON200; len(hooks.Items) != 1 || hooks.Items[0].Id != hook.Id {
		t.Fatalf("webhooks: %+v", hooks.Items)
	}
	if rotated := must(c.RotateWebhookSecretWithResponse(ctx, hook.Id, nil, apiclient.EmptyRequest{}))(t).JSON200; rotated.Secret == nil || *rotated.Secret == *hook.Secret {
		t.Fatalf("rotate: %+v", rotated)
	}
	if log := must(c.WebhookDeliveriesWithResponse(ctx, hook.Id, nil))(t).JSON200; len(log.Items) != 0 {
		t.Fatalf("deliveries: %+v", log.Items)
	}
	must(c.DeleteWebhookWithResponse(ctx, hook.Id))(t)
}

// skippedNotice runs the worker's notice job (what the queue would run)
// for a notice no history schedules, due an hour ago: the worker records
// it as skipped (obsolete), so a notification exists without a mailer or
// a queue.
func (s *server) skippedNotice(t *testing.T, candidate string) {
	t.Helper()
	job := app.Job{Kind: app.JobNotice, Notice: ledger.Notice{Candidate: candidate, Kind: "expiry_reminder",
		Subject: "no-such-certification", Due: s.clock.Now().Add(-time.Hour).UTC()}}
	if err := s.app.Work(context.Background(), job, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
		t.Fatalf("the notice job: %v", err)
	}
}
