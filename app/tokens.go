package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
)

// tokenPrefix marks recert tokens so that a leaked one is recognisable.
const tokenPrefix = "rct_"

// TokenCreated is a new token with its secret, shown once.
type TokenCreated struct {
	ledger.Token
	Secret string
}

// TokenInput asks for a new API token.
type TokenInput struct {
	Role    Role
	Subject string // the center or candidate the token acts for
	Name    string
	// ExpiresAt is when the token stops working; zero is never. A token
	// handed to a contractor or a test center for one exam season should
	// not outlive it.
	ExpiresAt time.Time
}

// CreateToken makes a token and returns its secret, which is shown once:
// only its SHA-256 is stored. Admin only.
func (a *App) CreateToken(ctx context.Context, pr Principal, in TokenInput) (ledger.Token, string, error) {
	if err := pr.mustBeAdmin("create tokens"); err != nil {
		return ledger.Token{}, "", err
	}
	if err := checkText("name", in.Name, maxName); err != nil {
		return ledger.Token{}, "", err
	}
	switch in.Role {
	case RoleAdmin, RoleStaff:
		in.Subject = ""
	case RoleCenter, RoleCandidate:
		if in.Subject == "" {
			return ledger.Token{}, "", invalid("subject", "a %s token needs the %s id it acts for", in.Role, in.Role)
		}
		if err := checkID("subject", in.Subject); err != nil {
			return ledger.Token{}, "", err
		}
	default:
		return ledger.Token{}, "", invalid("role", "role must be admin, staff, center or candidate")
	}
	now := a.now().UTC()
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		return ledger.Token{}, "", invalid("expires_at", "expires_at %s is not in the future", in.ExpiresAt.UTC().Format(time.RFC3339))
	}
	secret := newSecret(tokenPrefix, 24)
	t := ledger.Token{ID: a.newID("tok_"), Hash: secretHash(secret), Role: string(in.Role), Subject: in.Subject, Name: in.Name,
		CreatedAt: now, ExpiresAt: in.ExpiresAt.UTC()}
	if in.ExpiresAt.IsZero() {
		t.ExpiresAt = time.Time{}
	}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		switch in.Role {
		case RoleCenter:
			if _, err := w.tx.Center(ctx, in.Subject); err != nil {
				return nil, storeErr(err, "test center "+in.Subject)
			}
		case RoleCandidate:
			if _, err := w.tx.Candidate(ctx, in.Subject); err != nil {
				return nil, storeErr(err, "candidate "+in.Subject)
			}
		}
		return TokenCreated{Token: t, Secret: secret}, storeErr(w.tx.CreateToken(ctx, t), "token")
	}, stored: func(v any) any { return TokenCreated{Token: v.(TokenCreated).Token} }})
	return t, secret, err
}

// newSecret is a bearer secret: prefix, then n random bytes in base64url.
// Tokens, sessions, sign-in links and calendar feeds are all made by it.
func newSecret(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is all the ledger keeps of a secret: SHA-256 of it, so a
// copy of the database signs nobody in.
func secretHash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// errTokenNotValid is the one answer for a secret that was sent but
// does not authenticate: unknown, revoked, expired or not a recert token
// at all (the README's placeholder). They are not told apart, so that a
// guess learns nothing; only a request without any token is told that
// one is required (by httpapi, which sees the header).
func errTokenNotValid() *Error {
	return &Error{Code: CodeUnauthenticated, Message: "the token is not valid"}
}

// Authenticate turns a bearer secret into the principal it stands for.
func (a *App) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Principal{}, errTokenNotValid()
	}
	var t ledger.Token
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		t, err = tx.TokenByHash(ctx, secretHash(secret))
		return err
	})
	if errors.Is(err, ledger.ErrNotFound) {
		return Principal{}, errTokenNotValid()
	}
	if err != nil {
		return Principal{}, storeErr(err, "token")
	}
	if !t.ExpiresAt.IsZero() && !a.now().Before(t.ExpiresAt) {
		return Principal{}, errTokenNotValid()
	}
	return Principal{TokenID: t.ID, Role: Role(t.Role), Subject: t.Subject}, nil
}

// BootstrapAdmin creates an admin token for the operator who starts the
// server; serve prints it once.
func (a *App) BootstrapAdmin(ctx context.Context) (string, error) {
	_, secret, err := a.CreateToken(ctx, System, TokenInput{Role: RoleAdmin, Name: "bootstrap"})
	return secret, err
}

// BootstrapAdminIfNone is what serve does at start: an admin token, only
// when the database has no admin token that still works. A restart then
// prints no new secret (the operator has one, or makes more with recert
// token create), and an operator whose admin tokens have all expired or
// been revoked is not locked out. It returns "" when a token exists. Two
// servers starting at the same instant on an empty database may each make
// one; both are admin tokens, printed to whoever started them.
func (a *App) BootstrapAdminIfNone(ctx context.Context) (string, error) {
	var exists bool
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		exists, err = tx.HasToken(ctx, string(RoleAdmin), a.now())
		return storeErr(err, "admin tokens")
	})
	if err != nil || exists {
		return "", err
	}
	return a.BootstrapAdmin(ctx)
}

// ListTokens pages through the API tokens, without their secrets (only
// hashes are stored, and they are not shown either). Admin only.
func (a *App) ListTokens(ctx context.Context, pr Principal, p ledger.Page) ([]ledger.Token, error) {
	if err := pr.mustBeAdmin("list tokens"); err != nil {
		return nil, err
	}
	if err := checkCursor(p); err != nil {
		return nil, err
	}
	var out []ledger.Token
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.ListTokens(ctx, page(p))
		return storeErr(err, "tokens")
	})
	return out, err
}

// Token is one API token, without its secret. Admin only.
func (a *App) Token(ctx context.Context, pr Principal, id string) (ledger.Token, error) {
	if err := pr.mustBeAdmin("read tokens"); err != nil {
		return ledger.Token{}, err
	}
	if err := known("token", id); err != nil {
		return ledger.Token{}, err
	}
	var t ledger.Token
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		t, err = tx.Token(ctx, id)
		return storeErr(err, "token "+id)
	})
	return t, err
}

// RevokeToken deletes a token: its secret stops working at once, on every
// server sharing the database, and so do the page sessions made with it. Admin only.
func (a *App) RevokeToken(ctx context.Context, pr Principal, id string) error {
	if err := pr.mustBeAdmin("revoke tokens"); err != nil {
		return err
	}
	if err := known("token", id); err != nil {
		return err
	}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		if err := w.tx.DeleteToken(ctx, id); err != nil {
			return nil, storeErr(err, "token "+id)
		}
		// The sessions it was exchanged for end with it.
		_, err := w.tx.DeleteSessionsOf(ctx, ownerToken+id)
		return nil, storeErr(err, "sessions of token "+id)
	}})
	return err
}
