package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// requestIDHeader carries a request's id both ways: a proxy in front may
// send the id it logged, and every answer says which id this server
// logged it under, so a report of a failure can be found in the log.
const requestIDHeader = "X-Request-Id"

// maxRequestID bounds an accepted id: it goes into every log line of the
// request, so a client may not make them arbitrarily long.
const maxRequestID = 64

type requestIDKey struct{}

// requestID is the id the API gave the request ctx belongs to, or "".
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDOf accepts the client's X-Request-Id when it is 1–64 of
// [A-Za-z0-9._-] (safe in a log line and a header as it is) and makes a
// random one otherwise: an id that is not accepted is replaced, not
// refused, since the request itself is not at fault.
func requestIDOf(r *http.Request) string {
	if id := r.Header.Get(requestIDHeader); validRequestID(id) {
		return id
	}
	return rand.Text() // 26 base32 characters: 130 random bits
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ServeHTTP gives the request its id, routes it, and then writes its one
// log line and tells Options.Observe. The id is set on the response
// before anything else, so every answer has it: errors, 404s, 429s and
// replays included.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestIDOf(r)
	w.Header().Set(requestIDHeader, id)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	sw := &statusWriter{ResponseWriter: w}
	pattern := s.route(sw, r)
	d := time.Since(start)
	if sw.status == 0 {
		sw.status = http.StatusOK // a handler that wrote nothing: net/http answers 200
	}
	route := routeLabel(pattern)
	// The request id comes from the context (see idLogHandler). No header
	// is logged, so neither is Authorization.
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("route", route), slog.String("path", logPath(pattern, r.URL.EscapedPath())),
		slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("duration", d),
		slog.String("remote", r.RemoteAddr))
	if s.observe != nil {
		s.observe(route, r.Method, sw.status, d)
	}
}

// unmatched is the route of a request no pattern matched (404, 405): one
// label for all of them, whatever paths are probed.
const unmatched = "unmatched"

// routeLabel is a ServeMux pattern without its method ("GET
// /v1/candidates/{id}" is "/v1/candidates/{id}"): the method is a label
// of its own, and the path template is what dashboards group by. It is
// never the request's path, so the labels stay as few as the routes.
func routeLabel(pattern string) string {
	if pattern == "" {
		return unmatched
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// secretWildcards are the path wildcards whose values are credentials (a
// calendar feed's secret URL): the log shows the pattern's segment in
// their place.
var secretWildcards = map[string]bool{"{secret}": true, "{token}": true}

// logPath is the path to log: the request's, with the segments that match
// a secret wildcard of the pattern replaced by the wildcard. When the
// segments cannot be lined up, a pattern with a secret is logged as the
// pattern.
func logPath(pattern, path string) string {
	tmpl := routeLabel(pattern)
	if pattern == "" || !strings.Contains(tmpl, "{") {
		return path
	}
	want := strings.Split(tmpl, "/")
	segs := strings.Split(path, "/")
	secret := false
	for i, w := range want {
		if secretWildcards[w] {
			secret = true
			if len(segs) == len(want) {
				segs[i] = w
			}
		}
	}
	if !secret {
		return path
	}
	if len(segs) != len(want) {
		return tmpl
	}
	return strings.Join(segs, "/")
}

// statusWriter remembers the status and counts the body's bytes for the
// log line and the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer
// (flushing, deadlines) through this one.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// idLogHandler adds the request id of a record's context to it, so every
// line logged with a request's context (internal errors, "not ready", the
// request line) can be joined on request_id.
type idLogHandler struct{ slog.Handler }

func (h idLogHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := requestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h idLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return idLogHandler{h.Handler.WithAttrs(as)}
}

func (h idLogHandler) WithGroup(name string) slog.Handler {
	return idLogHandler{h.Handler.WithGroup(name)}
}
