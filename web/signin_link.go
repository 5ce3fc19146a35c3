package web

import (
	"errors"
	"net/http"

	"github.com/recert/recert/app"
)

// signinLink is what the page a link opens shows: a button that uses the
// link, or why the link no longer works.
type signinLink struct {
	Token   string
	Refusal string // the explanation, when the link is refused
	Reason  string // its app.ReasonLink… code
}

// signinLinkPage is GET /signin/{token}. It does not use the link: mail
// scanners fetch the links in a message, and must not sign anyone in or
// use the link up. The person confirms with the button (a POST).
func signinLinkPage(s *server, w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	w.Header().Set("Referrer-Policy", "no-referrer") // the secret is in this page's URL
	w.Header().Set("Cache-Control", "no-store")
	if err := s.app.CheckSignInLink(r.Context(), tok); err != nil {
		return s.refuseLink(w, r, err)
	}
	s.render(w, r, http.StatusOK, "signin_confirm", signinLink{Token: tok})
	return nil
}

// signinLinkUse is POST /signin/{token}: the link is used, once, and the
// browser gets its session; then on to the page the sign-in began at, or
// the person's home.
func signinLinkUse(s *server, w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	ns, err := s.app.SignInWithLink(r.Context(), r.PathValue("token"), r.UserAgent())
	if err != nil {
		return s.refuseLink(w, r, err)
	}
	s.setSession(w, r, ns)
	http.Redirect(w, r, landing(ns.Next, ns.Principal), http.StatusSeeOther)
	return nil
}

// refuseLink shows why a link signs nobody in: 410 Gone for a link used
// or expired, 404 for one that never was.
func (s *server) refuseLink(w http.ResponseWriter, r *http.Request, err error) error {
	var e *app.Error
	if !errors.As(err, &e) || e.Code != app.CodeRefused || len(e.Reasons) == 0 {
		return err
	}
	status := http.StatusGone
	if e.Reasons[0] == app.ReasonLinkUnknown {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "signin_refused", signinLink{Refusal: e.Message, Reason: e.Reasons[0]})
	return nil
}
