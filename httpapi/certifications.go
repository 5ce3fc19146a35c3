package httpapi

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
)

type revokeIn struct {
	Reason string `json:"reason"`
}

// revoke withdraws a certification; the reason is kept in the ledger.
func revoke(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in revokeIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusOK, as(certificationOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.Revoke(ctx, pr, r.PathValue("id"), r.PathValue("cert"), in.Reason)
	})
}

func certificationOut(c app.CertificationStatus) certificationJSON {
	return certificationJSON{c.Certification.Certification, c.State, c.EarnedOn, orNull(c.ExpiresOn), c.BasisExam, c.BasisDate,
		c.Renewed, c.Revoked, mapAll(c.History, eventOut)}
}
