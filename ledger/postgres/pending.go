package postgres

// Temporary: the issue-7 records (notices, notifications, preferences,
// webhooks, calendar feeds) are being built in this package; these
// placeholders keep the tree compiling until then. This file must be gone
// before issue 7 is resolved.

import (
	"context"
	"errors"
	"time"

	"github.com/recert/recert/ledger"
)

var errPending = errors.New("not built yet")

func (t *tx) DueNotices(context.Context, time.Time, time.Time, ledger.Notice, int) ([]ledger.Notice, error) {
	return nil, errPending
}
func (t *tx) ClaimNotification(context.Context, ledger.Notification) error { return errPending }
func (t *tx) NotificationByKey(context.Context, string, string, string, time.Time, string) (ledger.Notification, error) {
	return ledger.Notification{}, errPending
}
func (t *tx) Notification(context.Context, string) (ledger.Notification, error) {
	return ledger.Notification{}, errPending
}
func (t *tx) UpdateNotification(context.Context, ledger.Notification) error { return errPending }
func (t *tx) ListNotifications(context.Context, ledger.NotificationFilter, ledger.Page) ([]ledger.Notification, error) {
	return nil, errPending
}
func (t *tx) Preferences(context.Context, string) (ledger.Preferences, error) {
	return ledger.Preferences{}, errPending
}
func (t *tx) PutPreferences(context.Context, ledger.Preferences) (ledger.Preferences, error) {
	return ledger.Preferences{}, errPending
}
func (t *tx) CreateWebhook(context.Context, ledger.WebhookEndpoint) error { return errPending }
func (t *tx) Webhook(context.Context, string) (ledger.WebhookEndpoint, error) {
	return ledger.WebhookEndpoint{}, errPending
}
func (t *tx) UpdateWebhook(context.Context, ledger.WebhookEndpoint) (ledger.WebhookEndpoint, error) {
	return ledger.WebhookEndpoint{}, errPending
}
func (t *tx) DeleteWebhook(context.Context, string) error { return errPending }
func (t *tx) ListWebhooks(context.Context, ledger.Page) ([]ledger.WebhookEndpoint, error) {
	return nil, errPending
}
func (t *tx) AddWebhookDelivery(context.Context, ledger.WebhookDelivery) error { return errPending }
func (t *tx) ListWebhookDeliveries(context.Context, string, ledger.Page) ([]ledger.WebhookDelivery, error) {
	return nil, errPending
}
func (t *tx) PutCalendarFeed(context.Context, ledger.CalendarFeed) error { return errPending }
func (t *tx) CalendarFeedByHash(context.Context, []byte) (ledger.CalendarFeed, error) {
	return ledger.CalendarFeed{}, errPending
}
func (t *tx) DeleteCalendarFeed(context.Context, string) error { return errPending }
