package web

import "net/http"

// home is the front page: what recert is here, and where to go.
func home(s *server, w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "home", nil)
	return nil
}
