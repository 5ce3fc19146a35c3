package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.Webhooks = (*tx)(nil)

const webhookColumns = "id, url, secret, kinds, disabled, created_at, rev"

func scanWebhook(r pgx.CollectableRow) (ledger.WebhookEndpoint, error) {
	var e ledger.WebhookEndpoint
	err := r.Scan(&e.ID, &e.URL, &e.Secret, &e.Kinds, &e.Disabled, &e.CreatedAt, &e.Rev)
	e.Kinds = noNames(e.Kinds)
	return e, err
}

// CreateWebhook stores a new endpoint at Rev 1, whatever e.Rev says, or
// returns ErrExists for a taken id.
func (t *tx) CreateWebhook(ctx context.Context, e ledger.WebhookEndpoint) error {
	tag, err := t.tx.Exec(ctx, "INSERT INTO webhook_endpoints ("+webhookColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.URL, e.Secret, names(e.Kinds), e.Disabled, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: create webhook %q: %w", e.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: webhook %q: %w", e.ID, ledger.ErrExists)
	}
	return nil
}

// Webhook returns an endpoint, or ErrNotFound.
func (t *tx) Webhook(ctx context.Context, id string) (ledger.WebhookEndpoint, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+webhookColumns+" FROM webhook_endpoints WHERE id = $1", id)
	return one(rows, err, scanWebhook, fmt.Sprintf("webhook %q", id))
}

// UpdateWebhook writes URL, secret, kinds and Disabled if the stored Rev
// is e.Rev (ErrConflict otherwise, ErrNotFound for no such endpoint) and
// returns the endpoint at its new Rev. CreatedAt never changes.
func (t *tx) UpdateWebhook(ctx context.Context, e ledger.WebhookEndpoint) (ledger.WebhookEndpoint, error) {
	rows, err := t.tx.Query(ctx, `UPDATE webhook_endpoints SET url = $2, secret = $3, kinds = $4, disabled = $5,
		rev = rev + 1 WHERE id = $1 AND rev = $6 RETURNING `+webhookColumns,
		e.ID, e.URL, e.Secret, names(e.Kinds), e.Disabled, e.Rev)
	got, err := one(rows, err, scanWebhook, fmt.Sprintf("update webhook %q", e.ID))
	if errors.Is(err, ledger.ErrNotFound) {
		return got, t.notFoundOrConflict(ctx, "webhook_endpoints", e.ID)
	}
	return got, err
}

// DeleteWebhook removes an endpoint and its delivery log: an endpoint
// created again under the id starts with an empty log.
func (t *tx) DeleteWebhook(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, "DELETE FROM webhook_endpoints WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("postgres: delete webhook %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: webhook %q: %w", id, ledger.ErrNotFound)
	}
	if _, err := t.tx.Exec(ctx, "DELETE FROM webhook_deliveries WHERE endpoint = $1", id); err != nil {
		return fmt.Errorf("postgres: delete webhook %q: its deliveries: %w", id, err)
	}
	return nil
}

// ListWebhooks pages through the endpoints in id order.
func (t *tx) ListWebhooks(ctx context.Context, p ledger.Page) ([]ledger.WebhookEndpoint, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+webhookColumns+` FROM webhook_endpoints WHERE id > $1
		ORDER BY id LIMIT $2`, p.After, limit(p.Limit))
	return all(rows, err, scanWebhook, "list webhooks")
}

const deliveryColumns = "id, endpoint, notification, attempt, at, status, error, duration"

// AddWebhookDelivery logs one attempt; the same (ID, Attempt) twice is
// ErrExists, without an SQL error.
func (t *tx) AddWebhookDelivery(ctx context.Context, d ledger.WebhookDelivery) error {
	tag, err := t.tx.Exec(ctx, "INSERT INTO webhook_deliveries ("+deliveryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		d.ID, d.Endpoint, d.Notification, d.Attempt, d.At, d.Status, d.Error, int64(d.Duration))
	if err != nil {
		return fmt.Errorf("postgres: add webhook delivery %s/%d: %w", d.ID, d.Attempt, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: webhook delivery %s/%d: %w", d.ID, d.Attempt, ledger.ErrExists)
	}
	return nil
}

const (
	deliveriesSQL = "SELECT " + deliveryColumns + ` FROM webhook_deliveries WHERE endpoint = $1
		ORDER BY at DESC, id DESC, attempt DESC LIMIT $2`
	// deliveriesAfterSQL continues below the cursor's row, found by its
	// key: the cursor names a delivery, the order is by time.
	deliveriesAfterSQL = "SELECT " + deliveryColumns + ` FROM webhook_deliveries WHERE endpoint = $1
		AND (at, id, attempt) < (SELECT at, id, attempt FROM webhook_deliveries WHERE id = $3 AND attempt = $4)
		ORDER BY at DESC, id DESC, attempt DESC LIMIT $2`
)

// ListWebhookDeliveries pages through an endpoint's log, newest first
// (then by id and attempt, descending). p.After is "ID/Attempt" of the
// last delivery of the previous page (ledger.DeliveryCursor).
func (t *tx) ListWebhookDeliveries(ctx context.Context, endpoint string, p ledger.Page) ([]ledger.WebhookDelivery, error) {
	query, args := deliveriesSQL, []any{endpoint, limit(p.Limit)}
	if p.After != "" {
		id, attempt, err := ledger.ParseDeliveryCursor(p.After)
		if err != nil {
			return nil, fmt.Errorf("postgres: webhook deliveries of %q: %w", endpoint, err)
		}
		query, args = deliveriesAfterSQL, append(args, id, attempt)
	}
	rows, err := t.tx.Query(ctx, query, args...)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.WebhookDelivery, error) {
		var d ledger.WebhookDelivery
		var duration int64
		err := r.Scan(&d.ID, &d.Endpoint, &d.Notification, &d.Attempt, &d.At, &d.Status, &d.Error, &duration)
		d.Duration = time.Duration(duration)
		return d, err
	}, fmt.Sprintf("webhook deliveries of %q", endpoint))
}
