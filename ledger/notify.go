package ledger

import (
	"context"
	"time"
)

// Notice is one reminder the engine scheduled for a candidate (a read-model
// row: View.Notices, replaced with the rest of the view). Its identity is
// (Candidate, Kind, Subject, Due).
type Notice struct {
	Candidate string
	Kind      string
	Subject   string
	Due       time.Time // when it falls due (UTC)
	Until     time.Time // after this it means nothing (UTC)
	Date      string    // YYYY-MM-DD: the date it is about
	Days      int       // days before Date, for expiry and voucher reminders
	Rule      string
}

// Notices finds the notices that fall due, for the worker's sweep.
type Notices interface {
	// DueNotices returns notices with from < Due <= to, ordered by
	// (Due, Candidate, Kind, Subject), at most limit, starting after the
	// notice after (zero Notice: from the start). It reads an index on Due,
	// never every stream.
	DueNotices(ctx context.Context, from, to time.Time, after Notice, limit int) ([]Notice, error)
}

// Notification is one notice's delivery on one channel: the durable "sent"
// record. (Candidate, Kind, Subject, Due, Channel) is unique, so a notice
// is claimed once, across restarts, crashes and workers.
type Notification struct {
	ID        string
	Candidate string
	Kind      string
	Subject   string
	Due       time.Time
	Channel   string // email, webhook
	// State: sending (claimed, not yet confirmed), sent, failed, skipped
	// (superseded, lapsed, obsolete or opted out: Reason says which),
	// unconfirmed (a worker died between claiming and confirming; never
	// sent again).
	State     string
	Reason    string
	Target    string // the address (email) or endpoint id (webhook)
	MessageID string
	Title     string // the message's subject line
	Error     string
	Attempts  int
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time // zero until sent
}

// NotificationFilter narrows ListNotifications.
type NotificationFilter struct {
	Candidate string // "" for all
	State     string // "" for all
}

// Notifications stores the sent records.
type Notifications interface {
	// ClaimNotification inserts n; ErrExists when its identity is taken.
	ClaimNotification(ctx context.Context, n Notification) error
	// NotificationByKey finds one by identity; ErrNotFound when none.
	NotificationByKey(ctx context.Context, candidate, kind, subject string, due time.Time, channel string) (Notification, error)
	Notification(ctx context.Context, id string) (Notification, error)
	// UpdateNotification writes n's State, Reason, Error, Attempts,
	// MessageID, Title, UpdatedAt and SentAt; ErrNotFound when none.
	UpdateNotification(ctx context.Context, n Notification) error
	// ListNotifications pages in id order.
	ListNotifications(ctx context.Context, f NotificationFilter, p Page) ([]Notification, error)
}

// Preferences is how a candidate wants to be told. A candidate with none
// stored has the defaults (every channel, nothing opted out).
type Preferences struct {
	Candidate string
	Channels  []string // email, webhook
	OptOut    []string // notice kinds the candidate does not want
	Rev       int64
}

// PreferenceStore stores candidates' preferences.
type PreferenceStore interface {
	// Preferences returns ErrNotFound when none are stored.
	Preferences(ctx context.Context, candidate string) (Preferences, error)
	// PutPreferences writes p when the stored Rev is p.Rev (0: none stored
	// yet) and bumps it; otherwise ErrConflict.
	PutPreferences(ctx context.Context, p Preferences) (Preferences, error)
}

// WebhookEndpoint is a receiver of notifications, signed with its secret
// (Standard Webhooks, a whsec_ secret).
type WebhookEndpoint struct {
	ID        string
	URL       string
	Secret    string
	Kinds     []string // notice kinds it receives; empty: all
	Disabled  bool
	CreatedAt time.Time
	Rev       int64
}

// WebhookDelivery is one attempt to deliver a message to an endpoint: the
// endpoint's delivery log.
type WebhookDelivery struct {
	ID           string // the webhook-id (the same for every attempt of a message)
	Endpoint     string
	Notification string
	Attempt      int
	At           time.Time
	Status       int // the HTTP status; 0 when there was none
	Error        string
	Duration     time.Duration
}

// Webhooks stores endpoints and their delivery logs.
type Webhooks interface {
	CreateWebhook(ctx context.Context, e WebhookEndpoint) error // ErrExists
	Webhook(ctx context.Context, id string) (WebhookEndpoint, error)
	UpdateWebhook(ctx context.Context, e WebhookEndpoint) (WebhookEndpoint, error) // If-Match on Rev
	DeleteWebhook(ctx context.Context, id string) error
	ListWebhooks(ctx context.Context, p Page) ([]WebhookEndpoint, error)
	AddWebhookDelivery(ctx context.Context, d WebhookDelivery) error
	// ListWebhookDeliveries pages an endpoint's log, newest first; the
	// cursor is "ID/Attempt" of the last row seen.
	ListWebhookDeliveries(ctx context.Context, endpoint string, p Page) ([]WebhookDelivery, error)
}

// CalendarFeed is a candidate's secret calendar URL; only its SHA-256 is
// kept. A candidate has at most one: a new one replaces (revokes) the old.
type CalendarFeed struct {
	Candidate string
	Hash      []byte
	CreatedAt time.Time
}

// Calendars stores calendar feeds.
type Calendars interface {
	PutCalendarFeed(ctx context.Context, f CalendarFeed) error
	CalendarFeedByHash(ctx context.Context, hash []byte) (CalendarFeed, error)
	DeleteCalendarFeed(ctx context.Context, candidate string) error // ErrNotFound
}
