package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// signinTokenPage is GET /signin/token: staff may exchange an API token
// for a session (the operator's bootstrap admin token, say).
func signinTokenPage(s *server, w http.ResponseWriter, r *http.Request) error {
	next := localNext(r.URL.Query().Get("next"))
	if se, ok := sessionOf(r); ok {
		http.Redirect(w, r, landing(next, se.Principal), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "signin_token", signinForm{Next: next, Token: true})
	return nil
}

// signinTokenUse is POST /signin/token. A token that does not
// authenticate, or is not a staff token, is sent back with the reason
// next to the field; the token itself is never shown again.
func signinTokenUse(s *server, w http.ResponseWriter, r *http.Request) error {
	f := signinForm{Next: localNext(r.PostFormValue("next")), Token: true}
	ns, err := s.app.SignInWithToken(r.Context(), strings.TrimSpace(r.PostFormValue("token")), r.UserAgent())
	switch app.ErrorCode(err) {
	case "":
	case app.CodeUnauthenticated:
		f.Error = "That token is not valid: it may be mistyped, expired or revoked."
		s.render(w, r, http.StatusUnauthorized, "signin_token", f)
		return nil
	case app.CodeForbidden:
		f.Error = "Only a staff or admin token signs in here. Candidates sign in with the link sent by e-mail."
		s.render(w, r, http.StatusForbidden, "signin_token", f)
		return nil
	default:
		return err
	}
	s.setSession(w, r, ns)
	http.Redirect(w, r, landing(f.Next, ns.Principal), http.StatusSeeOther)
	return nil
}
