package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// MaxWebhookAttempts is how often a webhook is tried before its
// notification is marked failed; with the queue's backoff (10 s doubling,
// capped) that is about a day.
const MaxWebhookAttempts = 12

// WebhookInput creates or changes a webhook endpoint.
type WebhookInput struct {
	URL      string
	Kinds    []string // notice kinds it receives; empty for all
	Disabled bool
}

// WebhookCreated is an endpoint with its secret, shown when it is created
// and when it is rotated, never by a read.
type WebhookCreated struct {
	ledger.WebhookEndpoint
}

// noticeKinds are the kinds an endpoint may ask for.
var noticeKinds = []string{string(policy.NoticeExpiry), string(policy.NoticeExpired), string(policy.NoticeRetake),
	string(policy.NoticeChangeDeadline), string(policy.NoticeSitting), string(policy.NoticeVoucher)}

func checkWebhook(in WebhookInput) error {
	if err := checkText("url", in.URL, 2000); err != nil {
		return err
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return invalid("url", "url must be an absolute http or https URL without a fragment, not %s", quoteShort(in.URL))
	}
	for i, k := range in.Kinds {
		if !slices.Contains(noticeKinds, k) {
			return invalid("kinds", "kinds[%d] %s is not a notice kind (%s)", i, quoteShort(k), strings.Join(noticeKinds, ", "))
		}
	}
	return nil
}

// newWebhookSecret is a Standard Webhooks secret: whsec_ and 24 random
// bytes in base64.
func newWebhookSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

// CreateWebhook adds an endpoint that receives notifications. Staff only.
func (a *App) CreateWebhook(ctx context.Context, pr Principal, in WebhookInput) (WebhookCreated, error) {
	if err := pr.mustBeStaff("manage webhooks"); err != nil {
		return WebhookCreated{}, err
	}
	if err := checkWebhook(in); err != nil {
		return WebhookCreated{}, err
	}
	e := ledger.WebhookEndpoint{ID: a.newID("wh_"), URL: in.URL, Secret: newWebhookSecret(), Kinds: in.Kinds,
		Disabled: in.Disabled, CreatedAt: a.now().UTC(), Rev: 1}
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		if err := w.tx.CreateWebhook(w.ctx, e); err != nil {
			return nil, storeErr(err, "webhook "+e.ID)
		}
		got, err := w.tx.Webhook(w.ctx, e.ID)
		return WebhookCreated{got}, storeErr(err, "webhook "+e.ID)
	}, stored: func(v any) any {
		// A replay of the create answers without the secret, which is
		// then kept in the endpoint's row only, not in the response store.
		c := v.(WebhookCreated)
		c.Secret = ""
		return c
	}})
	out, _ := v.(WebhookCreated)
	return out, err
}

// Webhook reads an endpoint, without its secret. Staff only.
func (a *App) Webhook(ctx context.Context, pr Principal, id string) (ledger.WebhookEndpoint, error) {
	if err := pr.mustBeStaff("read webhooks"); err != nil {
		return ledger.WebhookEndpoint{}, err
	}
	if err := known("webhook", id); err != nil {
		return ledger.WebhookEndpoint{}, err
	}
	var e ledger.WebhookEndpoint
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		e, err = tx.Webhook(ctx, id)
		return storeErr(err, "webhook "+id)
	})
	e.Secret = ""
	return e, err
}

// ListWebhooks pages through endpoints, without their secrets. Staff only.
func (a *App) ListWebhooks(ctx context.Context, pr Principal, p ledger.Page) ([]ledger.WebhookEndpoint, error) {
	if err := pr.mustBeStaff("read webhooks"); err != nil {
		return nil, err
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.WebhookEndpoint
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListWebhooks(ctx, p)
		return storeErr(err, "webhooks")
	})
	for i := range out {
		out[i].Secret = ""
	}
	return out, err
}

// UpdateWebhook changes an endpoint's URL, kinds or state; ifMatch, when
// not zero, is the Rev the caller read. With rotate its secret is replaced
// and the new one returned. Staff only.
func (a *App) UpdateWebhook(ctx context.Context, pr Principal, id string, in *WebhookInput, rotate bool, ifMatch int64) (WebhookCreated, error) {
	if err := pr.mustBeStaff("manage webhooks"); err != nil {
		return WebhookCreated{}, err
	}
	if err := known("webhook", id); err != nil {
		return WebhookCreated{}, err
	}
	if in != nil {
		if err := checkWebhook(*in); err != nil {
			return WebhookCreated{}, err
		}
	}
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		e, err := w.tx.Webhook(w.ctx, id)
		if err != nil {
			return nil, storeErr(err, "webhook "+id)
		}
		if ifMatch != 0 && ifMatch != e.Rev {
			return nil, &Error{Code: CodePrecondition, Message: "webhook " + id + " has changed since it was read"}
		}
		if in != nil {
			e.URL, e.Kinds, e.Disabled = in.URL, in.Kinds, in.Disabled
		}
		if rotate {
			e.Secret = newWebhookSecret()
		}
		got, err := w.tx.UpdateWebhook(w.ctx, e)
		if err != nil {
			return nil, storeErr(err, "webhook "+id)
		}
		if !rotate {
			got.Secret = ""
		}
		return WebhookCreated{got}, nil
	}, stored: func(v any) any {
		c := v.(WebhookCreated)
		c.Secret = ""
		return c
	}})
	out, _ := v.(WebhookCreated)
	return out, err
}

// DeleteWebhook removes an endpoint; deliveries queued for it are dropped
// when they run. Staff only.
func (a *App) DeleteWebhook(ctx context.Context, pr Principal, id string) error {
	if err := pr.mustBeStaff("manage webhooks"); err != nil {
		return err
	}
	if err := known("webhook", id); err != nil {
		return err
	}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		return nil, storeErr(w.tx.DeleteWebhook(w.ctx, id), "webhook "+id)
	}})
	return err
}

// WebhookDeliveries is an endpoint's delivery log, newest first. Staff only.
func (a *App) WebhookDeliveries(ctx context.Context, pr Principal, id string, p ledger.Page) ([]ledger.WebhookDelivery, error) {
	if _, err := a.Webhook(ctx, pr, id); err != nil {
		return nil, err
	}
	if p.After != "" {
		if _, _, err := ledger.ParseDeliveryCursor(p.After); err != nil {
			return nil, invalid("after", "the cursor %s was not given by a page of this list", quoteShort(p.After))
		}
	}
	var out []ledger.WebhookDelivery
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListWebhookDeliveries(ctx, id, p)
		return storeErr(err, "deliveries of webhook "+id)
	})
	return out, err
}

// webhookChannel is the channel of a notice's delivery to one endpoint:
// each endpoint has its own sent record.
func webhookChannel(endpoint string) string { return ChannelWebhook + ":" + endpoint }

// claimWebhooks records a notice's delivery to every endpoint that wants
// its kind and queues one job each, in the claiming transaction.
func (w *locked) claimWebhooks(n ledger.Notice) error {
	if w.a.poster == nil || w.a.queue == nil {
		return nil
	}
	var jobs []Job
	after := ""
	for {
		page, err := w.tx.ListWebhooks(w.ctx, ledger.Page{After: after, Limit: 200})
		if err != nil {
			return storeErr(err, "webhooks")
		}
		for _, e := range page {
			if e.Disabled || (len(e.Kinds) > 0 && !slices.Contains(e.Kinds, n.Kind)) {
				continue
			}
			rec := w.newRecord(n, webhookChannel(e.ID))
			rec.State, rec.Target = StateSending, e.ID
			err := w.tx.ClaimNotification(w.ctx, rec)
			if errors.Is(err, ledger.ErrExists) {
				continue
			}
			if err != nil {
				return storeErr(err, "notification")
			}
			jobs = append(jobs, Job{Kind: JobWebhook, Notification: rec.ID, Endpoint: e.ID})
		}
		if len(page) < 200 {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(jobs) == 0 {
		return nil
	}
	return storeErr(w.a.queue.Enqueue(w.ctx, w.tx, jobs), "queue")
}

// webhookBody is a notification as a Standard Webhooks event.
type webhookBody struct {
	Type      string      `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      webhookData `json:"data"`
}

type webhookData struct {
	Notification string       `json:"notification"`
	Kind         string       `json:"kind"`
	Subject      string       `json:"subject"`
	Due          time.Time    `json:"due"`
	Candidate    string       `json:"candidate"`
	Title        string       `json:"title"`
	Lines        []string     `json:"lines"`
	Facts        MessageFacts `json:"facts"`
}

// deliverWebhook makes one attempt to deliver a notification to an
// endpoint. The body is built as of the moment the notice was claimed, so
// every attempt sends the same event under the same webhook-id.
func (a *App) deliverWebhook(ctx context.Context, j Job, attempt int, done Done) error {
	var rec ledger.Notification
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		rec, err = tx.Notification(ctx, j.Notification)
		return err
	})
	if errors.Is(err, ledger.ErrNotFound) {
		return a.finish(ctx, done)
	}
	if err != nil {
		return storeErr(err, "notification "+j.Notification)
	}
	type target struct {
		e    ledger.WebhookEndpoint
		body []byte
	}
	v, err := a.write(ctx, System, op{candidate: rec.Candidate, decide: func(w *locked) (any, error) {
		rec, err := w.tx.Notification(w.ctx, j.Notification)
		if err != nil {
			return nil, storeErr(err, "notification "+j.Notification)
		}
		if rec.State != StateSending && rec.State != StateFailed {
			return nil, done(w.ctx, w.tx)
		}
		e, err := w.tx.Webhook(w.ctx, j.Endpoint)
		if errors.Is(err, ledger.ErrNotFound) || (err == nil && e.Disabled) {
			rec.State, rec.Reason, rec.UpdatedAt = StateSkipped, "endpoint removed or disabled", w.now
			if err := w.tx.UpdateNotification(w.ctx, rec); err != nil {
				return nil, storeErr(err, "notification "+rec.ID)
			}
			return nil, done(w.ctx, w.tx)
		}
		if err != nil {
			return nil, storeErr(err, "webhook "+j.Endpoint)
		}
		w.now = rec.CreatedAt
		h, err := w.history()
		if err != nil {
			return nil, err
		}
		n := policy.Notice{Kind: policy.NoticeKind(rec.Kind), Subject: rec.Subject, Due: rec.Due}
		if full, ok := w.scheduled(n); ok {
			n = full
		}
		m := w.a.message(w, n, h)
		body, err := json.Marshal(webhookBody{Type: "notice." + rec.Kind, Timestamp: rec.CreatedAt, Data: webhookData{
			Notification: rec.ID, Kind: rec.Kind, Subject: rec.Subject, Due: rec.Due, Candidate: rec.Candidate,
			Title: m.Title, Lines: m.Lines, Facts: m.Facts}})
		return target{e, body}, err
	}})
	if err != nil || v == nil {
		return err
	}
	t := v.(target)
	start := a.now()
	status, postErr := a.poster.Post(ctx, t.e.URL, t.e.Secret, rec.ID, a.now(), t.body)
	took := a.now().Sub(start)
	final := postErr == nil || attempt >= MaxWebhookAttempts
	err = a.system(ctx, func(tx ledger.Tx) error {
		d := ledger.WebhookDelivery{ID: rec.ID, Endpoint: t.e.ID, Notification: rec.ID, Attempt: attempt, At: start.UTC(),
			Status: status, Duration: took}
		if postErr != nil {
			d.Error = postErr.Error()
		}
		if err := tx.AddWebhookDelivery(ctx, d); err != nil {
			return storeErr(err, "delivery log")
		}
		cur, err := tx.Notification(ctx, rec.ID)
		if err != nil {
			return storeErr(err, "notification "+rec.ID)
		}
		cur.Attempts, cur.UpdatedAt = attempt, a.now().UTC()
		switch {
		case postErr == nil:
			cur.State, cur.Error, cur.SentAt = StateSent, "", cur.UpdatedAt
		case final:
			cur.State, cur.Error = StateFailed, d.Error
		default:
			cur.Error = d.Error
		}
		if err := tx.UpdateNotification(ctx, cur); err != nil {
			return storeErr(err, "notification "+rec.ID)
		}
		if !final {
			return nil
		}
		return done(ctx, tx)
	})
	if err != nil {
		return err
	}
	if final {
		a.notified(ChannelWebhook, map[bool]string{true: StateSent, false: StateFailed}[postErr == nil])
	}
	if !final {
		return postErr
	}
	return nil
}
