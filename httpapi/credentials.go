package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

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
