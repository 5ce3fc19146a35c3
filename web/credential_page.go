package web

import "net/http"

// credentialPage is GET /credentials/{id}: a credential's own id is this
// URL, so following it shows the credential's verification page. Public.
//
// It answers the page only, whatever Accept says: the credential itself
// is the holder's to share (it carries a salted hash of their e-mail),
// not the issuer's to hand to anyone who has its link. The holder gets it
// from GET /v1/candidates/{id}/credentials.
func credentialPage(s *server, w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.VerifyStored(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "verify_result", verifyResultPage(v))
	return nil
}
