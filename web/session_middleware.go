package web

import (
	"context"
	"net/http"
	"time"

	"github.com/recert/recert/app"
)

// sessionCookie holds a session's secret; the ledger has its hash.
const sessionCookie = "recert_session"

// sessions is the session middleware: it finds the signed-in session from
// the cookie (app decides whether it is still alive) and puts it in the
// request's context, gives a visitor a double-submit CSRF token, and
// checks the CSRF token of every POST. A session already in the context
// is kept (tests serve a handler as a principal with AsPrincipal), and so
// is a visitor's token (AsVisitor).
func (s *server) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if _, ok := sessionOf(r); !ok {
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				info, err := s.app.Session(ctx, c.Value)
				switch app.ErrorCode(err) {
				case "":
					ctx = withSession(ctx, session{ID: info.ID, Principal: info.Principal, CSRF: sessionCSRF(c.Value)})
				case app.CodeUnauthenticated:
					s.clearSession(w, r) // ended: the browser may forget it
				default:
					s.fail(w, r, err)
					return
				}
			}
		}
		r = r.WithContext(ctx)
		if _, ok := sessionOf(r); !ok && visitorCSRF(r) == "" { // AsVisitor sets one in tests
			tok := ""
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 16 && len(c.Value) <= 64 {
				tok = c.Value
			} else {
				tok = randomToken()
				http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
					SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
			}
			r = r.WithContext(context.WithValue(r.Context(), visitorCSRFKey{}, tok))
		}
		if unsafe(r.Method) {
			if err := checkCSRF(w, r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// setSession gives the browser a new session's cookie, for as long as the
// session may live (Max-Age, a duration, so that the server's clock and
// the browser's need not agree); app ends it sooner when idle.
func (s *server) setSession(w http.ResponseWriter, r *http.Request, ns app.NewSession) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: ns.Secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: max(1, int(ns.ExpiresAt.Sub(ns.CreatedAt)/time.Second))})
}

// clearSession tells the browser to forget its session cookie.
func (s *server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: -1})
}
