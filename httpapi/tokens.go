package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type tokenIn struct {
	Role      string `json:"role"`
	Subject   string `json:"subject"`
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

// noStore keeps token answers out of every cache (RFC 9111 5.2.2.5): the
// created one holds a secret, and a list of who may act is not for a
// shared cache either (RFC 6749 5.1 asks the same of token responses).
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// createToken answers the secret once. app stores the answer of an
// Idempotency-Key without the secret (only its hash is ever kept), so a
// retry gets the same token with an empty secret: it is the same token,
// and a caller who lost the first answer revokes it and makes another.
func createToken(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in tokenIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	expires, err := instant("expires_at", in.ExpiresAt, false)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(tokenOut), func(ctx context.Context, pr app.Principal) (any, error) {
		t, secret, err := s.app.CreateToken(ctx, pr, app.TokenInput{Role: app.Role(in.Role), Subject: in.Subject,
			Name: in.Name, ExpiresAt: expires})
		return app.TokenCreated{Token: t, Secret: secret}, err
	})
}

// tokenInfoJSON is a stored token: never its secret, never its hash.
type tokenInfoJSON struct {
	ID        string     `json:"id"`
	Role      string     `json:"role"`
	Subject   *string    `json:"subject"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func tokenInfoOut(t ledger.Token) tokenInfoJSON {
	return tokenInfoJSON{t.ID, t.Role, orNull(t.Subject), t.Name, t.CreatedAt.UTC(), expiresOut(t.ExpiresAt)}
}

// expiresOut sends "never" as null.
func expiresOut(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func listTokens(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Token, error) {
		return s.app.ListTokens(r.Context(), principal(r), p)
	}, tokenInfoOut, func(t ledger.Token) string { return t.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// getToken is one token, without its secret: where a new token's
// Location points.
func getToken(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	t, err := s.app.Token(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tokenInfoOut(t))
}

// revokeToken deletes a token; its secret stops working at once.
func revokeToken(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	if err := s.app.RevokeToken(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
