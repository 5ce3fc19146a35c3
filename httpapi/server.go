// Package httpapi is recert's JSON HTTP API: a thin layer over app on the
// standard library's net/http. It decides nothing: app checks permissions
// and asks the policy engine; this package turns requests into use-case
// inputs and results and errors into responses (RFC 9457 problem details
// from one table), and adds what is HTTP's alone: bearer authentication,
// Idempotency-Key replay, ETag/If-Match, cursor pages and size limits.
//
// Every route is a row of one table (routes.go) that the server, the
// OpenAPI document's test and the role test all walk, so a route cannot be
// served undocumented or untested for permissions. Around them, every
// request gets an id (X-Request-Id), one log line and a report to
// Options.Observe (observe.go); this package knows nothing of Prometheus.
package httpapi

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/internal/ratelimit"
)

// Options configures the API. The zero value is a server with the
// defaults below.
type Options struct {
	// Logger receives one line per request at Info (method, route, path,
	// status, bytes, duration, request id, remote address; never a header,
	// so never a token) and the causes of internal errors, each with the
	// request's id; slog.Default() when nil.
	Logger *slog.Logger
	// Observe, when set, is told of every answered request: its route (the
	// matched pattern's path, "/v1/candidates/{id}", or "unmatched" for a
	// 404 or 405 without one; never the request's path), method, status
	// and time taken. The wiring connects it to metrics.Metrics.HTTP, so
	// this package knows nothing of Prometheus.
	Observe func(route, method string, status int, d time.Duration)
	// Metrics, when set, is served at GET /metrics WITHOUT a token, as
	// Prometheus scrapes: it holds counts by route pattern, method and
	// status, job and queue counts and runtime figures, but no ids or
	// personal data. A deployment that must not show even that to the
	// API's clients leaves Metrics nil here and serves metrics.Handler on a
	// listener of its own. /metrics is not in the route table nor the
	// OpenAPI document: it answers Prometheus' text format, not the JSON
	// API, and is not authenticated, budgeted or role-checked like routes.
	Metrics http.Handler
	// Now is the clock of the failed-authentication limit; time.Now when
	// nil. Tests advance their own.
	Now func() time.Time
	// AuthFailures is how many failed authentications one client address
	// may make in a burst (default 10); AuthFailureEvery is how often it
	// is given one more (default 6s: ten a minute in the long run).
	AuthFailures     int
	AuthFailureEvery time.Duration
	// MaxClients bounds the addresses whose failures are remembered
	// (default 10,000; a few hundred bytes each).
	MaxClients int
	// BodyBudget is the bytes request bodies may hold at once across all
	// requests (default 64 MiB); beyond it a request is 429 with
	// Retry-After, its body unread. It must be at least maxProgramBody
	// for a definition upload to be possible at all.
	BodyBudget int64
	// PublicURL is the server's address as others reach it (scheme and
	// host, no trailing slash), for the links it hands out (calendar
	// feeds); when empty, the request's own host is used.
	PublicURL string
}

// Defaults of Options.
const (
	defaultAuthFailures     = 10
	defaultAuthFailureEvery = 6 * time.Second
	defaultMaxClients       = 10_000
	defaultBodyBudget       = 64 << 20
)

// Body limits. A program definition is the largest thing anyone uploads;
// every other body is a small JSON object.
const (
	maxJSONBody    = 1 << 20
	maxProgramBody = 8 << 20
)

//go:embed openapi.json
var openAPIDocument []byte

type server struct {
	app     *app.App
	log     *slog.Logger
	mux     *http.ServeMux
	limit   *ratelimit.Limiter
	budget  *bodyBudget
	public  string
	observe func(route, method string, status int, d time.Duration)
}

// New returns the API's handler over a.
func New(a *app.App, opts Options) http.Handler {
	return newServer(a, opts)
}

func newServer(a *app.App, opts Options) *server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AuthFailures <= 0 {
		opts.AuthFailures = defaultAuthFailures
	}
	if opts.AuthFailureEvery <= 0 {
		opts.AuthFailureEvery = defaultAuthFailureEvery
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = defaultMaxClients
	}
	if opts.BodyBudget <= 0 {
		opts.BodyBudget = defaultBodyBudget
	}
	s := &server{app: a, log: slog.New(idLogHandler{opts.Logger.Handler()}), mux: http.NewServeMux(),
		limit:   ratelimit.New(opts.Now, opts.AuthFailures, opts.AuthFailureEvery, opts.MaxClients),
		budget:  newBodyBudget(opts.BodyBudget),
		observe: opts.Observe, public: strings.TrimRight(opts.PublicURL, "/")}
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	if opts.Metrics != nil {
		s.mux.Handle(metricsPattern, opts.Metrics)
	}
	return s
}

// metricsPattern is where Options.Metrics is served (outside the route
// table: see Options.Metrics).
const metricsPattern = "GET /metrics"

// route routes a request and returns the pattern it matched ("" when
// none did). Requests the mux has no route for get a problem document
// too: ServeMux's own 404 and 405 answers are plain text.
func (s *server) route(w http.ResponseWriter, r *http.Request) string {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // Handler does not fill in path values; ServeHTTP does
		return pattern
	}
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header()["Allow"] = rec.header["Allow"]
		s.writeProblem(w, r, fail(httpstatus.MethodNotAllowed, "", r.Method+" is not allowed on "+r.URL.Path+"; see the Allow header"))
		return ""
	}
	s.writeProblem(w, r, fail(app.CodeNotFound, "", "no route for "+r.Method+" "+r.URL.Path))
	return ""
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
		ctx, held := withReservations(r.Context(), s.budget)
		defer held.release() // the body is the handler's until it returns
		r = r.WithContext(ctx)
		if !rt.public {
			pr, err := s.authenticate(w, r)
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
// is. The scheme is case-insensitive (RFC 9110 11.1). A request without
// a token is told to send one; a token that does not authenticate counts
// against the client's address (authLimiter), and an address out of
// attempts is 429 before its token is looked at.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (app.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return app.Principal{}, fail(app.CodeUnauthenticated, "Authorization", "send Authorization: Bearer <token>")
	}
	client := ratelimit.ClientOf(r)
	if d := s.limit.Wait(client); d > 0 {
		after := ratelimit.RetryAfter(d)
		w.Header().Set("Retry-After", after)
		return app.Principal{}, fail(httpstatus.TooManyRequests, "Authorization",
			"too many tokens that are not valid came from this address; retry after "+after+" seconds")
	}
	pr, err := s.app.Authenticate(r.Context(), strings.TrimSpace(token))
	if app.ErrorCode(err) == app.CodeUnauthenticated {
		s.limit.Take(client)
	}
	return pr, err
}

// healthz answers 200 once the store answers, so a load balancer sends
// traffic only to an instance that can serve it.
func healthz(s *server, w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Ready(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "error", err)
		return fail(httpstatus.Unavailable, "", "the store does not answer yet")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// openAPI serves the embedded document that describes this API.
func openAPI(s *server, w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}
