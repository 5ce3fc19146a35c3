package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/notify/webhook"
)

// recordingQueue keeps what app queues, so the test runs the jobs itself
// (the real queue, River, is in the queue package and cmd/recert's walk).
type recordingQueue struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *recordingQueue) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

// TestWebhookRetriedAndLogged: a notice goes to a webhook endpoint as a
// Standard Webhooks event; a refusal (500) is logged and retried, the same
// webhook-id and body come again, and the notification is sent when the
// receiver takes it.
func TestWebhookRetriedAndLogged(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		var mu sync.Mutex
		var bodies [][]byte
		var ids []string
		refuse := true
		var secret string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if err := webhook.Verify(secret, r.Header, body, clockNow(), 0); err != nil {
				t.Errorf("a delivery with a bad signature: %v", err)
			}
			bodies, ids = append(bodies, body), append(ids, r.Header.Get("webhook-id"))
			if refuse {
				http.Error(w, "down", http.StatusInternalServerError)
			}
		}))
		defer srv.Close()
		f, _, n := deliverFixture(t, st, &countingMailer{})
		clockNow = f.clk.now
		q := &recordingQueue{}
		a := app.New(st, app.WithClock(f.clk.now), app.WithWebhookPoster(webhook.NewPoster(webhook.Config{})))
		a.UseQueue(q)
		hook, err := a.CreateWebhook(f.ctx, app.System, app.WebhookInput{URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		secret = hook.Secret
		mu.Unlock()
		if err, done := runJob(t, a, n); err != nil || done != 1 || len(q.jobs) != 1 || q.jobs[0].Kind != app.JobWebhook {
			t.Fatalf("the notice: %v, done %d, queued %+v; want done and one webhook job", err, done, q.jobs)
		}
		wj := q.jobs[0]
		done := 0
		complete := func(context.Context, ledger.Tx) error { done++; return nil }
		if err := a.Work(f.ctx, wj, 1, complete); err == nil || done != 0 {
			t.Fatalf("a refused webhook: %v, done %d; want an error (retry) and not done", err, done)
		}
		mu.Lock()
		refuse = false
		mu.Unlock()
		if err := a.Work(f.ctx, wj, 2, complete); err != nil || done != 1 {
			t.Fatalf("the second attempt: %v, done %d; want done", err, done)
		}
		if len(ids) != 2 || ids[0] != ids[1] || string(bodies[0]) != string(bodies[1]) {
			t.Fatalf("attempts: ids %v; want the same webhook-id and body twice", ids)
		}
		var ev struct {
			Type string `json:"type"`
			Data struct {
				Kind, Candidate string
			} `json:"data"`
		}
		if err := json.Unmarshal(bodies[0], &ev); err != nil || ev.Type != "notice.expiry_reminder" || ev.Data.Candidate != "ada" {
			t.Fatalf("the event %s (%v): want a notice.expiry_reminder for ada", bodies[0], err)
		}
		log, err := a.WebhookDeliveries(f.ctx, app.System, hook.ID, ledger.Page{Limit: 10})
		if err != nil || len(log) != 2 || log[0].Attempt != 2 || log[0].Status != 200 || log[1].Status != 500 || log[1].Error == "" {
			t.Fatalf("delivery log %+v (%v); want attempt 2 (200) then attempt 1 (500, with its error)", log, err)
		}
		rec, err := a.Notification(f.ctx, app.System, wj.Notification)
		if err != nil || rec.State != app.StateSent || rec.Attempts != 2 {
			t.Fatalf("the notification %+v (%v); want sent after 2 attempts", rec, err)
		}
	})
}

// clockNow is the fixture's clock, for the receiver's signature check.
var clockNow = func() time.Time { return time.Now() }
