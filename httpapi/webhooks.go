package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type webhookIn struct {
	URL      string   `json:"url"`
	Kinds    []string `json:"kinds"`
	Disabled bool     `json:"disabled"`
}

// webhookJSON is an endpoint. secret is present only in the answers that
// create or rotate it.
type webhookJSON struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Kinds     []string  `json:"kinds"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	Rev       int64     `json:"rev"`
	Secret    string    `json:"secret,omitempty"`
}

func webhookOut(e ledger.WebhookEndpoint) webhookJSON {
	kinds := e.Kinds
	if kinds == nil {
		kinds = []string{}
	}
	return webhookJSON{e.ID, e.URL, kinds, e.Disabled, e.CreatedAt.UTC(), e.Rev, e.Secret}
}

func webhookCreatedOut(c app.WebhookCreated) webhookJSON { return webhookOut(c.WebhookEndpoint) }

// createWebhook answers the endpoint's secret once; a replay of the same
// Idempotency-Key gets the endpoint without it (rotate it if it was lost).
func createWebhook(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in webhookIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(webhookCreatedOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.CreateWebhook(ctx, pr, app.WebhookInput{URL: in.URL, Kinds: in.Kinds, Disabled: in.Disabled})
	})
}

func listWebhooks(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.WebhookEndpoint, error) {
		return s.app.ListWebhooks(r.Context(), principal(r), p)
	}, webhookOut, func(e ledger.WebhookEndpoint) string { return e.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func getWebhook(s *server, w http.ResponseWriter, r *http.Request) error {
	e, err := s.app.Webhook(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(e.Rev))
	return writeJSON(w, http.StatusOK, webhookOut(e))
}

func patchWebhook(s *server, w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r, true)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, maxJSONBody, "application/json", "application/merge-patch+json")
	if err != nil {
		return err
	}
	var in webhookIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	c, err := s.app.UpdateWebhook(r.Context(), principal(r), r.PathValue("id"),
		&app.WebhookInput{URL: in.URL, Kinds: in.Kinds, Disabled: in.Disabled}, false, rev)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, webhookCreatedOut(c))
}

// rotateWebhookSecret replaces the secret and answers the new one; the old
// one stops signing at once.
func rotateWebhookSecret(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	if err := decodeJSON(body, &struct{}{}, true); err != nil {
		return err
	}
	id := r.PathValue("id")
	return s.post(w, r, body, http.StatusOK, as(webhookCreatedOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.UpdateWebhook(ctx, pr, id, nil, true, 0)
	})
}

func deleteWebhook(s *server, w http.ResponseWriter, r *http.Request) error {
	if err := s.app.DeleteWebhook(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type deliveryJSON struct {
	ID           string    `json:"id"`
	Notification string    `json:"notification"`
	Attempt      int       `json:"attempt"`
	At           time.Time `json:"at"`
	Status       *int      `json:"status"`
	Error        *string   `json:"error"`
	DurationMS   float64   `json:"duration_ms"`
}

func deliveryOut(d ledger.WebhookDelivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, Notification: d.Notification, Attempt: d.Attempt, At: d.At.UTC(),
		DurationMS: float64(d.Duration.Microseconds()) / 1000, Error: orNull(d.Error)}
	if d.Status != 0 {
		st := d.Status
		out.Status = &st
	}
	return out
}

// webhookDeliveries is an endpoint's delivery log, newest first.
func webhookDeliveries(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.WebhookDelivery, error) {
		return s.app.WebhookDeliveries(r.Context(), principal(r), id, p)
	}, deliveryOut, ledger.DeliveryCursor)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
