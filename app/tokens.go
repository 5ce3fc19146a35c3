package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

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
	secret := newSecret()
	sum := sha256.Sum256([]byte(secret))
	t := ledger.Token{ID: a.newID("tok_"), Hash: sum[:], Role: string(in.Role), Subject: in.Subject, Name: in.Name, CreatedAt: a.now().UTC()}
	_, err := a.write(ctx, pr, op{what: "creating a token", decide: func(w *locked) (any, error) {
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

func newSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// Authenticate turns a bearer secret into the principal it stands for.
func (a *App) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Principal{}, &Error{Code: CodeUnauthenticated, Message: "a bearer token is required"}
	}
	sum := sha256.Sum256([]byte(secret))
	var t ledger.Token
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		t, err = tx.TokenByHash(ctx, sum[:])
		return err
	})
	if errors.Is(err, ledger.ErrNotFound) {
		return Principal{}, &Error{Code: CodeUnauthenticated, Message: "the token is not valid"}
	}
	if err != nil {
		return Principal{}, storeErr(err, "token")
	}
	return Principal{TokenID: t.ID, Role: Role(t.Role), Subject: t.Subject}, nil
}

// BootstrapAdmin creates an admin token for the operator who starts the
// server; serve prints it once.
func (a *App) BootstrapAdmin(ctx context.Context) (string, error) {
	_, secret, err := a.CreateToken(ctx, System, TokenInput{Role: RoleAdmin, Name: "bootstrap"})
	return secret, err
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

// RevokeToken deletes a token: its secret stops working at once, on every
// server sharing the database. Admin only.
func (a *App) RevokeToken(ctx context.Context, pr Principal, id string) error {
	if err := pr.mustBeAdmin("revoke tokens"); err != nil {
		return err
	}
	if err := known("token", id); err != nil {
		return err
	}
	_, err := a.write(ctx, pr, op{what: "revoking token " + id, decide: func(w *locked) (any, error) {
		return nil, storeErr(w.tx.DeleteToken(ctx, id), "token "+id)
	}})
	return err
}
