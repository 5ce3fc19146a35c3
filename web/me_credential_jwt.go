package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// meCredentialJWT downloads one credential as its VC-JWT file. The pages
// serve it themselves: the API authenticates bearer tokens, not the
// session cookie a browser sends.
func meCredentialJWT(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	id, ok := strings.CutSuffix(r.PathValue("file"), ".jwt")
	if !ok {
		return &app.Error{Code: app.CodeNotFound, Message: "There is no file " + r.PathValue("file") + "; credentials download as ID.jwt."}
	}
	creds, err := s.app.Credentials(r.Context(), pr, v.ID, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	for _, c := range creds {
		if c.ID == id && c.JWT != "" {
			h := w.Header()
			h.Set("Content-Type", "application/vc+jwt")
			h.Set("Content-Disposition", `attachment; filename="`+c.ID+`.jwt"`)
			h.Set("Cache-Control", "private, no-store")
			_, _ = w.Write([]byte(c.JWT))
			return nil
		}
	}
	return &app.Error{Code: app.CodeNotFound, Message: "credential " + id + " not found"}
}
