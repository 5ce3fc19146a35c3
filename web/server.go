package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/internal/ratelimit"
)

// Options configures the pages.
type Options struct {
	// Logger receives the causes of internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// PublicURL is the server's address as others reach it
	// (https://recert.example.org), for links in mail; "" is the request's
	// host. Cookies are Secure when it is https.
	PublicURL string
	// Now is the pages' clock; time.Now when nil. Tests advance their own.
	Now func() time.Time
}

// handler serves one page. It returns an error rather than writing one,
// as Caddy's handlers do: the server renders every error the same way.
type handler func(s *server, w http.ResponseWriter, r *http.Request) error

// route is one page. path is a ServeMux pattern.
type route struct {
	method string
	path   string
	handle handler
}

// server holds what every page needs.
type server struct {
	app   *app.App
	opts  Options
	log   *slog.Logger
	mux   *http.ServeMux
	pages *pages
	// signins limits sign-in requests per client address.
	signins *ratelimit.Limiter
}

// New is the pages' handler. It answers every path it is given; the
// wiring (cmd/recert) sends it what is not the API's.
func New(a *app.App, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	s := &server{app: a, opts: opts, log: opts.Logger, mux: http.NewServeMux(), pages: mustParsePages()}
	s.signins = newSignInLimit(opts.Now)
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+rt.path, s.serve(rt.handle))
	}
	s.mux.Handle("/", s.serve(func(s *server, w http.ResponseWriter, r *http.Request) error {
		return &app.Error{Code: app.CodeNotFound, Message: "There is no page at " + r.URL.Path + "."}
	}))
	// Every POST passes two CSRF checks (csrf.go) after the session
	// middleware has found who is signed in.
	return s.headers(s.crossOrigin(s.sessions(s.mux)))
}

// serve turns a handler into an http.Handler that renders its error.
func (s *server) serve(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(s, w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// headers sets what every response carries: the pages load nothing from
// another origin and run no inline script, and no other site may frame
// them (clickjacking).
func (s *server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// fail renders err as an error page with the status the one table gives
// its code. An internal error's cause is logged, never shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	var e *app.Error
	if !errors.As(err, &e) {
		e = &app.Error{Code: app.CodeInternal, Err: err}
	}
	if e.Code == app.CodeUnauthenticated && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Sign in, then come back here.
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	k := httpstatus.Of(e.Code)
	msg := e.Message
	if k.Status >= 500 {
		s.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "code", string(e.Code), "error", err)
		msg = "Something went wrong on our side; the cause has been logged. Try again in a moment."
	}
	if msg == "" {
		msg = k.Title
	}
	s.render(w, r, k.Status, "error", errorPage{Status: k.Status, Title: http.StatusText(k.Status), Message: msg})
}

// errorPage is what the error template shows.
type errorPage struct {
	Status         int
	Title, Message string
}
