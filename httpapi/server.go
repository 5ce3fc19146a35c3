// Package httpapi is recert's JSON HTTP API: a thin layer over app on the
// standard library's net/http. It decides nothing: app checks permissions
// and asks the policy engine; this package turns requests into use-case
// inputs and results and errors into responses (RFC 9457 problem details
// from one table), and adds what is HTTP's alone: bearer authentication,
// Idempotency-Key replay, ETag/If-Match, cursor pages and size limits.
//
// Every route is a row of one table (routes.go) that the server, the
// OpenAPI document's test and the role test all walk, so a route cannot be
// served undocumented or untested for permissions.
package httpapi

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"

	"github.com/recert/recert/app"
)

// Options configures the API.
type Options struct {
	// Logger receives the causes of internal errors; slog.Default() when nil.
	Logger *slog.Logger
}

// Body limits. A program definition is the largest thing anyone uploads;
// every other body is a small JSON object.
const (
	maxJSONBody    = 1 << 20
	maxProgramBody = 8 << 20
)

//go:embed openapi.json
var openAPIDocument []byte

type server struct {
	app *app.App
	log *slog.Logger
	mux *http.ServeMux
}

// New returns the API's handler over a.
func New(a *app.App, opts Options) http.Handler {
	s := &server{app: a, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	return s
}

// ServeHTTP routes a request. Requests the mux has no route for get a
// problem document too: ServeMux's own 404 and 405 answers are plain text.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // Handler does not fill in path values; ServeHTTP does
		return
	}
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header()["Allow"] = rec.header["Allow"]
		s.writeProblem(w, r, fail(codeMethodNotAllowed, "", r.Method+" is not allowed on "+r.URL.Path+"; see the Allow header"))
		return
	}
	s.writeProblem(w, r, fail(app.CodeNotFound, "", "no route for "+r.Method+" "+r.URL.Path))
}

// headerRecorder catches the status and headers of ServeMux's fallback
// handlers, whose bodies are replaced by problems.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }

// handler is the shape of every route: it returns an error instead of
// writing one, so that the single wrapper writes every error response.
type handler func(s *server, w http.ResponseWriter, r *http.Request) error

// wrap authenticates (unless the route is public), runs the handler and
// writes its error as a problem.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.public {
			pr, err := s.authenticate(r)
			if err != nil {
				s.writeProblem(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, pr))
		}
		if err := checkParams(rt, r); err != nil && !rt.public {
			s.writeProblem(w, r, err)
			return
		}
		if err := rt.handle(s, w, r); err != nil {
			s.writeProblem(w, r, err)
		}
	})
}

// checkParams refuses path and query values that are not text (see
// checkParam), naming the parameter.
func checkParams(rt route, r *http.Request) error {
	for _, name := range rt.wildcards() {
		if err := checkParam(name, r.PathValue(name)); err != nil {
			return err
		}
	}
	for name, vs := range r.URL.Query() {
		if err := checkParam("query parameter", name); err != nil {
			return err
		}
		for _, v := range vs {
			if err := checkParam(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

type principalKey struct{}

// principal is who is asking; the wrapper put it in the context.
func principal(r *http.Request) app.Principal {
	pr, _ := r.Context().Value(principalKey{}).(app.Principal)
	return pr
}

// authenticate reads "Authorization: Bearer <token>" and asks app who it
// is. The scheme is case-insensitive (RFC 9110 11.1).
func (s *server) authenticate(r *http.Request) (app.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return app.Principal{}, fail(app.CodeUnauthenticated, "Authorization", "send Authorization: Bearer <token>")
	}
	return s.app.Authenticate(r.Context(), strings.TrimSpace(token))
}

// healthz answers 200 once the store answers, so a load balancer sends
// traffic only to an instance that can serve it.
func healthz(s *server, w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Ready(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "error", err)
		return fail(codeUnavailable, "", "the store does not answer yet")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// openAPI serves the embedded document that describes this API.
func openAPI(s *server, w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}
