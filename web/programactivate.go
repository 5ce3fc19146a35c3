package web

import (
	"net/http"
	"net/url"
)

// programActivate is POST /staff/programs/{id}/{version}/activate: app
// makes the version the one every decision uses (admins only), and the
// list then says so.
func programActivate(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	info, err := s.app.ActivateProgram(r.Context(), pr, r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/programs?activated="+url.QueryEscape(info.ID+"@"+info.Version), http.StatusSeeOther)
	return nil
}
