package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// DeliveryCursor is the Page.After that continues a delivery log after d
// (Webhooks.ListWebhookDeliveries): "ID/Attempt". A delivery has no id of
// its own; a message's webhook-id is shared by its attempts.
func DeliveryCursor(d WebhookDelivery) string {
	return d.ID + "/" + strconv.Itoa(d.Attempt)
}

// ParseDeliveryCursor splits a DeliveryCursor. The id may itself hold a
// slash: the attempt is what follows the last one.
func ParseDeliveryCursor(cursor string) (id string, attempt int, err error) {
	i := strings.LastIndexByte(cursor, '/')
	if i < 0 {
		return "", 0, fmt.Errorf("delivery cursor %q is not ID/Attempt", cursor)
	}
	attempt, err = strconv.Atoi(cursor[i+1:])
	if err != nil {
		return "", 0, fmt.Errorf("delivery cursor %q is not ID/Attempt: %w", cursor, err)
	}
	return cursor[:i], attempt, nil
}
