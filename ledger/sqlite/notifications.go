package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

var _ ledger.Notifications = (*tx)(nil)

const notificationColumns = `id, candidate, kind, subject, due, channel, state, reason, target,
	message_id, title, error, attempts, created_at, updated_at, sent_at`

// The lists by filter: four fixed statements rather than one built per
// call, so that each is prepared once (the statement caches key on the
// text) and each can use its index.
const (
	listNotificationsSQL            = `SELECT ` + notificationColumns + ` FROM notifications WHERE id > ? ORDER BY id LIMIT ?`
	listNotificationsByCandidateSQL = `SELECT ` + notificationColumns + ` FROM notifications WHERE candidate = ? AND id > ? ORDER BY id LIMIT ?`
	listNotificationsByStateSQL     = `SELECT ` + notificationColumns + ` FROM notifications WHERE state = ? AND id > ? ORDER BY id LIMIT ?`
	listNotificationsByBothSQL      = `SELECT ` + notificationColumns + ` FROM notifications WHERE candidate = ? AND state = ? AND id > ? ORDER BY id LIMIT ?`
)

func scanNotification(scan func(...any) error) (ledger.Notification, error) {
	var n ledger.Notification
	var due, created, updated, sent int64
	err := scan(&n.ID, &n.Candidate, &n.Kind, &n.Subject, &due, &n.Channel, &n.State, &n.Reason, &n.Target,
		&n.MessageID, &n.Title, &n.Error, &n.Attempts, &created, &updated, &sent)
	if err != nil {
		return ledger.Notification{}, err
	}
	// sent_at is 0 until sent, as a token's expires_at is 0 for never.
	n.Due, n.CreatedAt, n.UpdatedAt, n.SentAt = fromMicros(due), fromMicros(created), fromMicros(updated), fromExpiryMicros(sent)
	return n, nil
}

// ClaimNotification inserts n. Its identity (or id) being taken is
// ledger.ErrExists: another worker, or an earlier run, claimed it. The
// failed INSERT ends only itself, not the transaction, so the caller can
// go on (read the claim that won, say).
func (t *tx) ClaimNotification(ctx context.Context, n ledger.Notification) error {
	if err := t.writable("ClaimNotification"); err != nil {
		return err
	}
	if n.ID == "" {
		return errors.New("ledger/sqlite: claim notification: no id")
	}
	_, err := t.exec(ctx, `INSERT INTO notifications (`+notificationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.Candidate, n.Kind, n.Subject, micros(n.Due), n.Channel, n.State, n.Reason, n.Target,
		n.MessageID, n.Title, n.Error, n.Attempts, micros(n.CreatedAt), micros(n.UpdatedAt), expiryMicros(n.SentAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: notification %s of %q (%s %s) on %s: %w", n.ID, n.Candidate, n.Kind, n.Subject, n.Channel, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: claim notification %s: %w", n.ID, err)
	}
	return nil
}

// NotificationByKey finds the notification of one notice on one channel.
func (t *tx) NotificationByKey(ctx context.Context, candidate, kind, subject string, due time.Time, channel string) (ledger.Notification, error) {
	n, err := scanNotification(t.tx.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE candidate = ? AND kind = ? AND subject = ? AND due = ? AND channel = ?`,
		candidate, kind, subject, micros(due), channel).Scan)
	what := fmt.Sprintf("notification of %q (%s %s due %s) on %s", candidate, kind, subject, due.UTC().Format(time.RFC3339Nano), channel)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Notification{}, fmt.Errorf("ledger/sqlite: %s: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Notification{}, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
	}
	return n, nil
}

// Notification finds a notification by id.
func (t *tx) Notification(ctx context.Context, id string) (ledger.Notification, error) {
	n, err := scanNotification(t.tx.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Notification{}, fmt.Errorf("ledger/sqlite: notification %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Notification{}, fmt.Errorf("ledger/sqlite: notification %q: %w", id, err)
	}
	return n, nil
}

// UpdateNotification writes what a delivery changes; the identity,
// target and creation time stay as claimed.
func (t *tx) UpdateNotification(ctx context.Context, n ledger.Notification) error {
	if err := t.writable("UpdateNotification"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE notifications SET state = ?, reason = ?, error = ?, attempts = ?,
		message_id = ?, title = ?, updated_at = ?, sent_at = ? WHERE id = ?`,
		n.State, n.Reason, n.Error, n.Attempts, n.MessageID, n.Title, micros(n.UpdatedAt), expiryMicros(n.SentAt), n.ID)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: update notification %q: %w", n.ID, err)
	}
	if k, err := affected(res); err != nil || k == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: update notification %q: %w", n.ID, ledger.ErrNotFound), err)
	}
	return nil
}

// ListNotifications pages through the notifications that match f, in id
// order.
func (t *tx) ListNotifications(ctx context.Context, f ledger.NotificationFilter, p ledger.Page) ([]ledger.Notification, error) {
	query, args := listNotificationsSQL, []any{p.After, limit(p.Limit)}
	switch {
	case f.Candidate != "" && f.State != "":
		query, args = listNotificationsByBothSQL, append([]any{f.Candidate, f.State}, args...)
	case f.Candidate != "":
		query, args = listNotificationsByCandidateSQL, append([]any{f.Candidate}, args...)
	case f.State != "":
		query, args = listNotificationsByStateSQL, append([]any{f.State}, args...)
	}
	var out []ledger.Notification
	err := t.query(ctx, func(rows *sql.Rows) error {
		n, err := scanNotification(rows.Scan)
		out = append(out, n)
		return err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list notifications: %w", err)
	}
	return out, nil
}
