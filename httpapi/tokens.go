package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type tokenIn struct {
	Role    string `json:"role"`
	Subject string `json:"subject"`
	Name    string `json:"name"`
}

// createToken answers the secret once. A retry with the same
// Idempotency-Key replays that answer, secret included: it is the same
// token, and the caller may not have received the first answer.
func createToken(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in tokenIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(tokenOut), func(ctx context.Context, pr app.Principal) (any, error) {
		t, secret, err := s.app.CreateToken(ctx, pr, app.TokenInput{Role: app.Role(in.Role), Subject: in.Subject, Name: in.Name})
		return app.TokenCreated{Token: t, Secret: secret}, err
	})
}

// tokenInfoJSON is a stored token: never its secret, never its hash.
type tokenInfoJSON struct {
	ID        string    `json:"id"`
	Role      string    `json:"role"`
	Subject   *string   `json:"subject"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func tokenInfoOut(t ledger.Token) tokenInfoJSON {
	return tokenInfoJSON{t.ID, t.Role, orNull(t.Subject), t.Name, t.CreatedAt.UTC()}
}

func listTokens(s *server, w http.ResponseWriter, r *http.Request) error {
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

// revokeToken deletes a token; its secret stops working at once.
func revokeToken(s *server, w http.ResponseWriter, r *http.Request) error {
	if err := s.app.RevokeToken(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
