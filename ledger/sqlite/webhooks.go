package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

var _ ledger.Webhooks = (*tx)(nil)

const webhookColumns = `id, url, secret, kinds, disabled, created_at, rev`

func scanWebhook(scan func(...any) error) (ledger.WebhookEndpoint, error) {
	var e ledger.WebhookEndpoint
	var kinds string
	var created int64
	if err := scan(&e.ID, &e.URL, &e.Secret, &kinds, &e.Disabled, &created, &e.Rev); err != nil {
		return ledger.WebhookEndpoint{}, err
	}
	e.CreatedAt = fromMicros(created)
	var err error
	e.Kinds, err = fromListText(kinds)
	return e, err
}

// CreateWebhook stores a new endpoint at Rev 1, whatever e.Rev says; a
// taken id is ledger.ErrExists.
func (t *tx) CreateWebhook(ctx context.Context, e ledger.WebhookEndpoint) error {
	if err := t.writable("CreateWebhook"); err != nil {
		return err
	}
	kinds, err := listText(e.Kinds)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create webhook %q: %w", e.ID, err)
	}
	_, err = t.exec(ctx, `INSERT INTO webhook_endpoints (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, 1)`,
		e.ID, e.URL, e.Secret, kinds, e.Disabled, micros(e.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: webhook %q: %w", e.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create webhook %q: %w", e.ID, err)
	}
	return nil
}

// Webhook returns an endpoint, or ledger.ErrNotFound.
func (t *tx) Webhook(ctx context.Context, id string) (ledger.WebhookEndpoint, error) {
	e, err := scanWebhook(t.tx.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.WebhookEndpoint{}, fmt.Errorf("ledger/sqlite: webhook %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.WebhookEndpoint{}, fmt.Errorf("ledger/sqlite: webhook %q: %w", id, err)
	}
	return e, nil
}

// UpdateWebhook writes URL, secret, kinds and Disabled if the stored Rev
// is e.Rev (ErrConflict otherwise, ErrNotFound for no such endpoint) and
// returns the endpoint at its new Rev. CreatedAt never changes.
func (t *tx) UpdateWebhook(ctx context.Context, e ledger.WebhookEndpoint) (ledger.WebhookEndpoint, error) {
	if err := t.writable("UpdateWebhook"); err != nil {
		return ledger.WebhookEndpoint{}, err
	}
	kinds, err := listText(e.Kinds)
	if err != nil {
		return ledger.WebhookEndpoint{}, fmt.Errorf("ledger/sqlite: update webhook %q: %w", e.ID, err)
	}
	got, err := scanWebhook(t.tx.QueryRowContext(ctx, `UPDATE webhook_endpoints
		SET url = ?, secret = ?, kinds = ?, disabled = ?, rev = rev + 1
		WHERE id = ? AND rev = ? RETURNING `+webhookColumns,
		e.URL, e.Secret, kinds, e.Disabled, e.ID, e.Rev).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.WebhookEndpoint{}, t.staleOrMissing(ctx, "webhook_endpoints", "webhook", e.ID, e.Rev)
	}
	if err != nil {
		return ledger.WebhookEndpoint{}, fmt.Errorf("ledger/sqlite: update webhook %q: %w", e.ID, err)
	}
	return got, nil
}

// DeleteWebhook removes an endpoint and its delivery log: an endpoint
// created again under the id starts with an empty log.
func (t *tx) DeleteWebhook(ctx context.Context, id string) error {
	if err := t.writable("DeleteWebhook"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: delete webhook %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: webhook %q: %w", id, ledger.ErrNotFound), err)
	}
	if _, err := t.exec(ctx, `DELETE FROM webhook_deliveries WHERE endpoint = ?`, id); err != nil {
		return fmt.Errorf("ledger/sqlite: delete webhook %q: its deliveries: %w", id, err)
	}
	return nil
}

// ListWebhooks pages through the endpoints in id order.
func (t *tx) ListWebhooks(ctx context.Context, p ledger.Page) ([]ledger.WebhookEndpoint, error) {
	var out []ledger.WebhookEndpoint
	err := t.query(ctx, func(rows *sql.Rows) error {
		e, err := scanWebhook(rows.Scan)
		out = append(out, e)
		return err
	}, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id > ? ORDER BY id LIMIT ?`, p.After, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list webhooks: %w", err)
	}
	return out, nil
}

const deliveryColumns = `id, endpoint, notification, attempt, at, status, error, duration`

// AddWebhookDelivery logs one attempt; the same (ID, Attempt) twice is
// ledger.ErrExists.
func (t *tx) AddWebhookDelivery(ctx context.Context, d ledger.WebhookDelivery) error {
	if err := t.writable("AddWebhookDelivery"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Endpoint, d.Notification, d.Attempt, micros(d.At), d.Status, d.Error, int64(d.Duration))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: webhook delivery %s/%d: %w", d.ID, d.Attempt, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: add webhook delivery %s/%d: %w", d.ID, d.Attempt, err)
	}
	return nil
}

const (
	deliveriesSQL = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE endpoint = ?
		ORDER BY at DESC, id DESC, attempt DESC LIMIT ?`
	// deliveriesAfterSQL continues below the cursor's row, found by its
	// key: the cursor names a delivery, the order is by time.
	deliveriesAfterSQL = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE endpoint = ?
		AND (at, id, attempt) < (SELECT at, id, attempt FROM webhook_deliveries WHERE id = ? AND attempt = ?)
		ORDER BY at DESC, id DESC, attempt DESC LIMIT ?`
)

// ListWebhookDeliveries pages through an endpoint's log, newest first
// (then by id and attempt, descending). p.After is "ID/Attempt" of the
// last delivery of the previous page.
func (t *tx) ListWebhookDeliveries(ctx context.Context, endpoint string, p ledger.Page) ([]ledger.WebhookDelivery, error) {
	query, args := deliveriesSQL, []any{endpoint, limit(p.Limit)}
	if p.After != "" {
		id, attempt, err := ledger.ParseDeliveryCursor(p.After)
		if err != nil {
			return nil, fmt.Errorf("ledger/sqlite: webhook deliveries of %q: %w", endpoint, err)
		}
		query, args = deliveriesAfterSQL, []any{endpoint, id, attempt, limit(p.Limit)}
	}
	var out []ledger.WebhookDelivery
	err := t.query(ctx, func(rows *sql.Rows) error {
		var d ledger.WebhookDelivery
		var at, duration int64
		if err := rows.Scan(&d.ID, &d.Endpoint, &d.Notification, &d.Attempt, &at, &d.Status, &d.Error, &duration); err != nil {
			return err
		}
		d.At, d.Duration = fromMicros(at), time.Duration(duration)
		out = append(out, d)
		return nil
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: webhook deliveries of %q: %w", endpoint, err)
	}
	return out, nil
}
