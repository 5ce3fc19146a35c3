package app

import (
	"context"
	"errors"
	"slices"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// PreferencesInput is how a candidate wants to be told.
type PreferencesInput struct {
	Channels []string // email, webhook
	OptOut   []string // optional notice kinds the candidate does not want
}

// Preferences reads a candidate's notification preferences (the defaults
// when none are stored): the candidate or staff.
func (a *App) Preferences(ctx context.Context, pr Principal, candidate string) (ledger.Preferences, error) {
	if !pr.canSeeCandidate(candidate) || pr.Role == RoleCenter {
		return ledger.Preferences{}, hidden("candidate " + candidate)
	}
	var p ledger.Preferences
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		if _, err := tx.Candidate(ctx, candidate); err != nil {
			return storeErr(err, "candidate "+candidate)
		}
		var err error
		p, err = tx.Preferences(ctx, candidate)
		if errors.Is(err, ledger.ErrNotFound) {
			p, err = defaultPreferences(candidate), nil
		}
		return storeErr(err, "preferences of "+candidate)
	})
	return p, err
}

func defaultPreferences(candidate string) ledger.Preferences {
	return ledger.Preferences{Candidate: candidate, Channels: []string{ChannelEmail, ChannelWebhook}, OptOut: []string{}}
}

// SetPreferences replaces a candidate's preferences; ifMatch, when not
// nil, is the Rev the caller read. It is a pointer because 0 is a version
// here (the defaults, before anything was stored), not "no check". Only
// the kinds the program calls optional can be opted out of: an expiry
// reminder always goes out.
func (a *App) SetPreferences(ctx context.Context, pr Principal, candidate string, in PreferencesInput, ifMatch *int64) (ledger.Preferences, error) {
	if !pr.canSeeCandidate(candidate) || pr.Role == RoleCenter {
		return ledger.Preferences{}, hidden("candidate " + candidate)
	}
	for i, c := range in.Channels {
		if c != ChannelEmail && c != ChannelWebhook {
			return ledger.Preferences{}, invalid("channels", "channels[%d] %s is not a channel (email, webhook)", i, quoteShort(c))
		}
	}
	v, err := a.write(ctx, pr, op{candidate: candidate, decide: func(w *locked) (any, error) {
		for i, k := range in.OptOut {
			if !slices.Contains(w.s.prog.Notifications.Optional, policy.NoticeKind(k)) {
				return nil, invalid("opt_out", "opt_out[%d] %s cannot be opted out of in program %s (optional: %v)", i, quoteShort(k), w.s.prog.Label(), w.s.prog.Notifications.Optional)
			}
		}
		cur, err := w.tx.Preferences(w.ctx, candidate)
		if errors.Is(err, ledger.ErrNotFound) {
			cur, err = defaultPreferences(candidate), nil
		}
		if err != nil {
			return nil, storeErr(err, "preferences of "+candidate)
		}
		if ifMatch != nil && *ifMatch != cur.Rev {
			return nil, &Error{Code: CodePrecondition, Message: "the preferences of " + candidate + " have changed since they were read"}
		}
		next := ledger.Preferences{Candidate: candidate, Channels: nonNil(in.Channels), OptOut: nonNil(in.OptOut), Rev: cur.Rev}
		got, err := w.tx.PutPreferences(w.ctx, next)
		return got, storeErr(err, "preferences of "+candidate)
	}})
	out, _ := v.(ledger.Preferences)
	return out, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Notifications lists notifications with their state: a candidate's own,
// or (staff) everyone's or one candidate's.
func (a *App) Notifications(ctx context.Context, pr Principal, f ledger.NotificationFilter, p ledger.Page) ([]ledger.Notification, error) {
	switch {
	case pr.Role == RoleCandidate:
		if f.Candidate != "" && f.Candidate != pr.Subject {
			return nil, hidden("candidate " + f.Candidate)
		}
		f.Candidate = pr.Subject
	case !pr.isStaff():
		return nil, &Error{Code: CodeForbidden, Message: "only staff and candidates read notifications"}
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.Notification
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListNotifications(ctx, f, p)
		return storeErr(err, "notifications")
	})
	return out, err
}

// Notification reads one notification: the candidate's own, or staff.
func (a *App) Notification(ctx context.Context, pr Principal, id string) (ledger.Notification, error) {
	if err := known("notification", id); err != nil {
		return ledger.Notification{}, err
	}
	var n ledger.Notification
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		n, err = tx.Notification(ctx, id)
		return storeErr(err, "notification "+id)
	})
	if err == nil && !(pr.isStaff() || (pr.Role == RoleCandidate && pr.Subject == n.Candidate)) {
		return ledger.Notification{}, hidden("notification " + id)
	}
	return n, err
}
