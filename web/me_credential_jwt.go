package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
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
	c, err := s.app.Credential(r.Context(), pr, id)
	if err != nil {
		return err
	}
	if c.Candidate != v.ID || c.JWT == "" { // app let pr see it; this page is v's
		return &app.Error{Code: app.CodeNotFound, Message: "credential " + id + " not found"}
	}
	h := w.Header()
	h.Set("Content-Type", "application/vc+jwt")
	h.Set("Content-Disposition", `attachment; filename="`+c.ID+`.jwt"`)
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write([]byte(c.JWT))
	return nil
}
