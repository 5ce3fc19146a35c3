package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.Notifications = (*tx)(nil)

const notificationColumns = `id, candidate, kind, subject, due, channel, state, reason, target,
	message_id, title, error, attempts, created_at, updated_at, sent_at`

// The lists by filter: four fixed statements rather than one that tests
// whether each filter field is empty, which the planner cannot match to an
// index when it plans once for every value.
const (
	listNotificationsSQL            = "SELECT " + notificationColumns + " FROM notifications WHERE id > $1 ORDER BY id LIMIT $2"
	listNotificationsByCandidateSQL = "SELECT " + notificationColumns + " FROM notifications WHERE candidate = $3 AND id > $1 ORDER BY id LIMIT $2"
	listNotificationsByStateSQL     = "SELECT " + notificationColumns + " FROM notifications WHERE state = $3 AND id > $1 ORDER BY id LIMIT $2"
	listNotificationsByBothSQL      = "SELECT " + notificationColumns + " FROM notifications WHERE candidate = $3 AND state = $4 AND id > $1 ORDER BY id LIMIT $2"
)

func scanNotification(r pgx.CollectableRow) (ledger.Notification, error) {
	var n ledger.Notification
	var sent *time.Time
	err := r.Scan(&n.ID, &n.Candidate, &n.Kind, &n.Subject, &n.Due, &n.Channel, &n.State, &n.Reason, &n.Target,
		&n.MessageID, &n.Title, &n.Error, &n.Attempts, &n.CreatedAt, &n.UpdatedAt, &sent)
	if sent != nil {
		n.SentAt = sent.UTC()
	}
	return n, err
}

// ClaimNotification inserts n; ErrExists when its identity (or id) is
// taken. ON CONFLICT DO NOTHING rather than a unique violation: a second
// worker claiming the same notice at once waits for the first one's
// transaction, then inserts nothing, and its own transaction stays usable
// (an SQL error would abort it).
func (t *tx) ClaimNotification(ctx context.Context, n ledger.Notification) error {
	if n.ID == "" {
		return errors.New("postgres: claim notification: no id")
	}
	tag, err := t.tx.Exec(ctx, "INSERT INTO notifications ("+notificationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`,
		n.ID, n.Candidate, n.Kind, n.Subject, n.Due, n.Channel, n.State, n.Reason, n.Target,
		n.MessageID, n.Title, n.Error, n.Attempts, n.CreatedAt, n.UpdatedAt, expiry(n.SentAt))
	if err != nil {
		return fmt.Errorf("postgres: claim notification %s: %w", n.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: notification %s of %q (%s %s) on %s: %w", n.ID, n.Candidate, n.Kind, n.Subject, n.Channel, ledger.ErrExists)
	}
	return nil
}

// NotificationByKey finds the notification of one notice on one channel.
func (t *tx) NotificationByKey(ctx context.Context, candidate, kind, subject string, due time.Time, channel string) (ledger.Notification, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+notificationColumns+` FROM notifications
		WHERE candidate = $1 AND kind = $2 AND subject = $3 AND due = $4 AND channel = $5`,
		candidate, kind, subject, due, channel)
	return one(rows, err, scanNotification, fmt.Sprintf("notification of %q (%s %s due %s) on %s",
		candidate, kind, subject, due.UTC().Format(time.RFC3339Nano), channel))
}

// Notification finds a notification by id.
func (t *tx) Notification(ctx context.Context, id string) (ledger.Notification, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+notificationColumns+" FROM notifications WHERE id = $1", id)
	return one(rows, err, scanNotification, fmt.Sprintf("notification %q", id))
}

// UpdateNotification writes what a delivery changes; the identity,
// target and creation time stay as claimed.
func (t *tx) UpdateNotification(ctx context.Context, n ledger.Notification) error {
	tag, err := t.tx.Exec(ctx, `UPDATE notifications SET state = $2, reason = $3, error = $4, attempts = $5,
		message_id = $6, title = $7, updated_at = $8, sent_at = $9 WHERE id = $1`,
		n.ID, n.State, n.Reason, n.Error, n.Attempts, n.MessageID, n.Title, n.UpdatedAt, expiry(n.SentAt))
	if err != nil {
		return fmt.Errorf("postgres: update notification %q: %w", n.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: update notification %q: %w", n.ID, ledger.ErrNotFound)
	}
	return nil
}

// ListNotifications pages through the notifications that match f, in id
// order.
func (t *tx) ListNotifications(ctx context.Context, f ledger.NotificationFilter, p ledger.Page) ([]ledger.Notification, error) {
	query, args := listNotificationsSQL, []any{p.After, limit(p.Limit)}
	switch {
	case f.Candidate != "" && f.State != "":
		query, args = listNotificationsByBothSQL, append(args, f.Candidate, f.State)
	case f.Candidate != "":
		query, args = listNotificationsByCandidateSQL, append(args, f.Candidate)
	case f.State != "":
		query, args = listNotificationsByStateSQL, append(args, f.State)
	}
	rows, err := t.tx.Query(ctx, query, args...)
	return all(rows, err, scanNotification, "list notifications")
}
