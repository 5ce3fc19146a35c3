package web

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
)

// TestCSRF is the CSRF token of a session AsPrincipal makes.
const TestCSRF = "test-csrf-token"

// AsPrincipal serves h as if pr had signed in, so page tests need not go
// through the sign-in mail; the browser tests do that. The session
// middleware keeps a session already in the request's context.
func AsPrincipal(h http.Handler, pr app.Principal) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(withSession(r.Context(), session{ID: "test-session", Principal: pr, CSRF: TestCSRF})))
	})
}

// AsVisitor serves h to a visitor (nobody signed in) whose forms carry
// web.TestCSRF, so page tests of public forms (/verify) can post
// csrf=TestCSRF without a cookie jar.
func AsVisitor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), visitorCSRFKey{}, TestCSRF)))
	})
}
