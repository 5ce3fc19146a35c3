package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
)

// Session lifetimes (docs/decisions.md): a session ends after SessionIdle
// without a request, and SessionLifetime after it began whatever the use
// (and when the token it was exchanged from expires, if sooner). LastSeen
// is written at most every sessionTouchEvery, so a page view is rarely a
// write; the idle limit is that much coarse.
const (
	SessionIdle       = 12 * time.Hour
	SessionLifetime   = 30 * 24 * time.Hour
	sessionTouchEvery = 5 * time.Minute
)

// sessionPrefix marks a session cookie's secret.
const sessionPrefix = "rcs_"

// Owners of sessions: whose a session is, by the identity it signed in
// with. The prefixes keep a candidate id from ever naming a token's or a
// staff user's sessions (candidate ids are chosen by staff, freely).
const (
	ownerCandidate = "candidate:"
	ownerStaff     = "staff:"
	ownerToken     = "token:"
)

// owner is whose sessions pr may list and revoke. A session's principal
// has TokenID "candidate:ID" or "staff:stf_…" when it signed in by mail,
// and the token's id when it was exchanged for one.
func owner(pr Principal) string {
	if strings.HasPrefix(pr.TokenID, ownerCandidate) || strings.HasPrefix(pr.TokenID, ownerStaff) {
		return pr.TokenID
	}
	return ownerToken + pr.TokenID
}

// SessionInfo is a signed-in session as the pages use it.
type SessionInfo struct {
	ledger.Session
	Principal Principal
}

// NewSession is a session just made, with its secret (the cookie's
// value), which is shown once: only its SHA-256 is stored.
type NewSession struct {
	SessionInfo
	Secret string
	// Next is the local path the sign-in asked to land on ("" for the
	// role's home).
	Next string
}

// principalOf is the principal a stored session stands for.
func principalOf(s ledger.Session) Principal {
	id := s.Owner
	if strings.HasPrefix(id, ownerToken) {
		id = strings.TrimPrefix(id, ownerToken)
	}
	return Principal{TokenID: id, Role: Role(s.Role), Subject: s.Subject}
}

// startSession stores a new session in tx and returns it with its secret.
func (a *App) startSession(ctx context.Context, tx ledger.Tx, owner string, role Role, subject, userAgent string, until time.Time) (NewSession, error) {
	secret := newSecret(sessionPrefix, 32)
	now := a.now().UTC()
	end := now.Add(SessionLifetime)
	if !until.IsZero() && until.Before(end) {
		end = until.UTC()
	}
	s := ledger.Session{ID: a.newID("ses_"), Hash: secretHash(secret), Owner: owner, Role: string(role), Subject: subject,
		UserAgent: summarizeUA(userAgent), CreatedAt: now, LastSeen: now, ExpiresAt: end}
	if err := tx.CreateSession(ctx, s); err != nil {
		return NewSession{}, storeErr(err, "session")
	}
	return NewSession{SessionInfo: SessionInfo{Session: s, Principal: principalOf(s)}, Secret: secret}, nil
}

// errNoSession is the one answer for a cookie that does not sign anyone
// in: unknown, revoked, idle too long or past its lifetime.
func errNoSession() *Error {
	return &Error{Code: CodeUnauthenticated, Message: "Your session has ended; sign in again."}
}

// Session is the session a cookie's secret stands for, if it is still
// alive; it notes the use (LastSeen), every few minutes at most.
func (a *App) Session(ctx context.Context, secret string) (SessionInfo, error) {
	if !strings.HasPrefix(secret, sessionPrefix) {
		return SessionInfo{}, errNoSession()
	}
	var s ledger.Session
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		s, err = tx.SessionByHash(ctx, secretHash(secret))
		return err
	})
	if errors.Is(err, ledger.ErrNotFound) {
		return SessionInfo{}, errNoSession()
	}
	if err != nil {
		return SessionInfo{}, storeErr(err, "session")
	}
	now := a.now().UTC()
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= SessionIdle {
		return SessionInfo{}, errNoSession()
	}
	if now.Sub(s.LastSeen) >= sessionTouchEvery {
		err := a.system(ctx, func(tx ledger.Tx) error { return storeErr(tx.TouchSession(ctx, s.ID, now), "session") })
		if ErrorCode(err) == CodeNotFound {
			return SessionInfo{}, errNoSession() // revoked meanwhile
		}
		if err != nil {
			return SessionInfo{}, err
		}
		s.LastSeen = now
	}
	return SessionInfo{Session: s, Principal: principalOf(s)}, nil
}

// Sessions lists the caller's own sessions, newest first: a person sees
// where they are signed in, and nobody else's.
func (a *App) Sessions(ctx context.Context, pr Principal) ([]ledger.Session, error) {
	var out []ledger.Session
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.SessionsOf(ctx, owner(pr))
		return storeErr(err, "sessions")
	})
	now := a.now().UTC()
	live := out[:0]
	for _, s := range out {
		if now.Before(s.ExpiresAt) && now.Sub(s.LastSeen) < SessionIdle {
			live = append(live, s)
		}
	}
	return live, err
}

// RevokeSession ends one of the caller's own sessions (signing out is
// revoking the current one). Another person's session is not found.
func (a *App) RevokeSession(ctx context.Context, pr Principal, id string) error {
	if err := known("session", id); err != nil {
		return err
	}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		mine, err := w.tx.SessionsOf(ctx, owner(pr))
		if err != nil {
			return nil, storeErr(err, "sessions")
		}
		for _, s := range mine {
			if s.ID == id {
				return nil, storeErr(w.tx.DeleteSession(ctx, id), "session "+id)
			}
		}
		return nil, hidden("session " + id)
	}})
	return err
}

// PurgeSignIns deletes ended sessions and sign-in links older than a day
// (kept that long for the rate limit and to say "used" or "expired").
func (a *App) PurgeSignIns(ctx context.Context) (int, error) {
	now := a.now().UTC()
	var n int
	err := a.system(ctx, func(tx ledger.Tx) error {
		var err error
		n, err = tx.PurgeSignIns(ctx, now, now.Add(-SessionIdle), now.Add(-24*time.Hour))
		return storeErr(err, "sign-ins")
	})
	return n, err
}

// summarizeUA is a User-Agent as a person names it ("Firefox on Linux"),
// for the sessions list: the full string says little to a person and is
// kept nowhere.
func summarizeUA(ua string) string {
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			return browser + " on " + o.name
		}
	}
	return browser
}
