package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// credentialJSON is one issued credential in both securing forms, with
// the status recert keeps (the status list carries no reason).
type credentialJSON struct {
	ID            string          `json:"id"`
	Certification string          `json:"certification"`
	IssuedAt      time.Time       `json:"issued_at"`
	AwardedDate   time.Time       `json:"awarded_date"`
	ValidFrom     time.Time       `json:"valid_from"`
	ValidUntil    *time.Time      `json:"valid_until"`
	Supersedes    *string         `json:"supersedes"`
	Status        string          `json:"status"`
	Reason        *string         `json:"reason"`
	Document      json.RawMessage `json:"document"`
	JWT           string          `json:"jwt"`
}

func credentialOut(c ledger.IssuedCredential) credentialJSON {
	doc := json.RawMessage(c.Document)
	if !json.Valid(doc) {
		doc = json.RawMessage("null")
	}
	return credentialJSON{ID: c.ID, Certification: c.Certification, IssuedAt: c.IssuedAt.UTC(), AwardedDate: c.AwardedDate.UTC(),
		ValidFrom: c.ValidFrom.UTC(), ValidUntil: expiresOut(c.ValidUntil), Supersedes: orNull(c.Supersedes),
		Status: c.Status, Reason: orNull(c.Reason), Document: doc, JWT: c.JWT}
}

// listCredentials is a candidate's credentials, each as the signed JSON-LD
// document and as the VC-JWT.
func listCredentials(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.IssuedCredential, error) {
		return s.app.Credentials(r.Context(), principal(r), id, p)
	}, credentialOut, func(c ledger.IssuedCredential) string { return c.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// getCredential is one credential as the list shows it, with its version
// as the ETag: the holder or staff.
func getCredential(s *server, w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.Credential(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, credentialOut(c))
}

// credentialJWT is the VC-JWT as a file to keep or hand on: the holder or
// staff. Its name says the certification and the credential.
func credentialJWT(s *server, w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.Credential(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vc+jwt")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileSafe(c.Certification)+"-"+fileSafe(c.ID)+`.jwt"`)
	w.Header().Set("ETag", etag(c.Rev))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(c.JWT))
	return nil
}

// fileSafe keeps the characters of an id that need no quoting in a
// Content-Disposition filename (ids are letters, digits, - and _ already;
// this only makes sure).
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// credentialStatusIn is the body of a credential's status change.
type credentialStatusIn struct {
	Reason string `json:"reason"`
}

// changeCredential is revoke, suspend or reinstate (a method of app.App):
// staff, with a reason.
func changeCredential(change func(*app.App, context.Context, app.Principal, string, string) (ledger.IssuedCredential, error)) handler {
	return func(s *server, w http.ResponseWriter, r *http.Request) error {
		body, err := readBody(w, r, maxJSONBody, "application/json")
		if err != nil {
			return err
		}
		var in credentialStatusIn
		if err := decodeJSON(body, &in, false); err != nil {
			return err
		}
		return s.post(w, r, body, http.StatusOK, as(credentialOut), func(ctx context.Context, pr app.Principal) (any, error) {
			return change(s.app, ctx, pr, r.PathValue("id"), in.Reason)
		})
	}
}

var (
	revokeCredential    = changeCredential((*app.App).RevokeCredential)
	suspendCredential   = changeCredential((*app.App).SuspendCredential)
	reinstateCredential = changeCredential((*app.App).ReinstateCredential)
)
