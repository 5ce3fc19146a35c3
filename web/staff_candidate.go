package web

import (
	"net/http"
	"net/url"
)

// staffCandidate is a candidate's record as staff open it from search or
// history: the candidate's own overview, as staff see it.
func staffCandidate(s *server, w http.ResponseWriter, r *http.Request) error {
	if _, err := me(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/candidates/"+url.PathEscape(r.PathValue("cid"))+"/overview", http.StatusSeeOther)
	return nil
}
