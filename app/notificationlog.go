package app

import (
	"context"

	"github.com/recert/recert/ledger"
)

// NotificationLog is notifications as staff see them: everyone's,
// narrowed by state. Staff only: Notifications also answers a candidate
// with their own, which a staff page must not show.
func (a *App) NotificationLog(ctx context.Context, pr Principal, f ledger.NotificationFilter, p ledger.Page) ([]ledger.Notification, error) {
	if err := pr.mustBeStaff("read the notification log"); err != nil {
		return nil, err
	}
	return a.Notifications(ctx, pr, f, p)
}
