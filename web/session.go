package web

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
)

// session is who is signed in on a request, as the session middleware
// found it from the session cookie: the principal app checks every
// permission against, the session's id (to list and revoke it), and its
// CSRF token, which every form carries back.
type session struct {
	ID        string
	Principal app.Principal
	CSRF      string
}

type sessionKey struct{}

// withSession is ctx carrying se.
func withSession(ctx context.Context, se session) context.Context {
	return context.WithValue(ctx, sessionKey{}, se)
}

// sessionOf is the request's session, if one is signed in.
func sessionOf(r *http.Request) (session, bool) {
	se, ok := r.Context().Value(sessionKey{}).(session)
	return se, ok
}

// me is the signed-in principal, or an unauthenticated error, which fail
// answers with the sign-in page (then back to where the person was).
func me(r *http.Request) (app.Principal, error) {
	se, ok := sessionOf(r)
	if !ok {
		return app.Principal{}, &app.Error{Code: app.CodeUnauthenticated, Message: "Sign in to see this page."}
	}
	return se.Principal, nil
}
