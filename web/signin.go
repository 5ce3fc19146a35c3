package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/internal/ratelimit"
)

// signinForm is what the sign-in pages show.
type signinForm struct {
	Email, Next string
	// Error is the problem with the address, shown next to its field.
	Error string
	// Notice is a line above the form ("You have signed out.").
	Notice string
	Token  bool // the token exchange form is the one shown
}

// signinPage is GET /signin: the e-mail form. A signed-in person goes on
// to where they were going.
func signinPage(s *server, w http.ResponseWriter, r *http.Request) error {
	next := localNext(r.URL.Query().Get("next"))
	if se, ok := sessionOf(r); ok {
		http.Redirect(w, r, landing(next, se.Principal), http.StatusSeeOther)
		return nil
	}
	f := signinForm{Next: next}
	if r.URL.Query().Get("out") == "1" {
		f.Notice = "You have signed out."
	}
	s.render(w, r, http.StatusOK, "signin", f)
	return nil
}

// signinRequest is POST /signin. Whether or not the address is known the
// answer is the same page; only a malformed address is sent back, and
// the rate limit answers 429 for known and unknown addresses alike.
func signinRequest(s *server, w http.ResponseWriter, r *http.Request) error {
	f := signinForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: localNext(r.PostFormValue("next"))}
	client := ratelimit.ClientOf(r)
	if wait := s.signins.Wait(client); wait > 0 {
		w.Header().Set("Retry-After", ratelimit.RetryAfter(wait))
		s.render(w, r, http.StatusTooManyRequests, "signin_sent", signinSent{Email: f.Email, Limited: true})
		return nil
	}
	s.signins.Take(client)
	base, err := s.linkBase(r)
	if err != nil {
		return err
	}
	ans, err := s.app.RequestSignIn(r.Context(), app.SignInRequest{Email: f.Email, Next: f.Next, Base: base})
	if app.ErrorCode(err) == app.CodeInvalid {
		f.Error = "Type your e-mail address, such as ada@example.com."
		s.render(w, r, http.StatusBadRequest, "signin", f)
		return nil
	}
	if err != nil {
		return err
	}
	if ans.Limited {
		w.Header().Set("Retry-After", "3600")
		s.render(w, r, http.StatusTooManyRequests, "signin_sent", signinSent{Email: f.Email, Limited: true})
		return nil
	}
	s.render(w, r, http.StatusOK, "signin_sent", signinSent{Email: f.Email})
	return nil
}

// signinSent is the page after a request.
type signinSent struct {
	Email   string
	Limited bool
}

// linkBase is the URL a sign-in link starts with: the public URL, or the
// request's own when the site is reached on this machine. Behind any
// other host name a link would be built from the Host header, which the
// asker controls (a link to their site, carrying a victim's secret), so
// recert asks for --public-url instead.
func (s *server) linkBase(r *http.Request) (string, error) {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL, nil
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return "", &app.Error{Code: httpstatus.Unavailable, Message: "Sign-in links need the server's public address: " +
			"start recert serve with --public-url (such as https://recert.example.org)."}
	}
	return s.publicBase(r), nil
}

// localNext is next when it is a path on this site, else "": a sign-in
// never sends a person to another site (no open redirect).
func localNext(next string) string {
	if next == "" || !app.LocalPath(next) || strings.HasPrefix(next, "/signin") || strings.HasPrefix(next, "/signout") {
		return ""
	}
	return next
}

// landing is where a signed-in person goes: next, or their role's home.
func landing(next string, pr app.Principal) string {
	if next = localNext(next); next != "" {
		return next
	}
	return roleHome(pr)
}

// roleHome is the page a role starts from.
func roleHome(pr app.Principal) string {
	switch pr.Role {
	case app.RoleCandidate:
		return "/me"
	case app.RoleAdmin, app.RoleStaff:
		return "/staff"
	}
	return "/"
}
