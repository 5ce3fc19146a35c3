package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/metrics"
)

// logBuffer collects a JSON log, one object a line, safely across the
// server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines are the records whose msg is msg and whose request_id is id.
func (b *logBuffer) lines(t *testing.T, msg, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %q", err, l)
		}
		if m["msg"] == msg && m["request_id"] == id {
			out = append(out, m)
		}
	}
	return out
}

func jsonLogger(b *logBuffer) *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) }

// serve calls the handler directly, so that what it logs and observes is
// done when serve returns.
func (w *world) serve(method, path, token, id string) *httptest.ResponseRecorder {
	w.t.Helper()
	r := httptest.NewRequest(method, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if id != "" {
		r.Header.Set(requestIDHeader, id)
	}
	rec := httptest.NewRecorder()
	w.server.ServeHTTP(rec, r)
	return rec
}

// TestRequestIDs: an acceptable incoming id is echoed, any other is
// replaced by a fresh one, and every answer carries it, whatever its
// status.
func TestRequestIDs(t *testing.T) {
	w := newWorldOpts(t, "", true, nil, Options{AuthFailures: 1, AuthFailureEvery: time.Hour})
	for _, c := range []struct {
		name, in string
		echoed   bool
	}{
		{"letters digits and marks", "abc.DEF_123-x", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"absent", "", false},
		{"a space", "has space", false},
		{"a slash", "a/b", false},
		{"not ASCII", "idé", false},
		{"a quote", `a"b`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := w.serve("GET", "/healthz", "", c.in).Header().Get(requestIDHeader)
			if c.echoed {
				if got != c.in {
					t.Errorf("X-Request-Id = %q, want %q echoed", got, c.in)
				}
				return
			}
			if got == c.in || len(got) != 26 || !validRequestID(got) {
				t.Errorf("X-Request-Id = %q for %q, want a fresh 26-character id", got, c.in)
			}
		})
	}
	a, b := w.serve("GET", "/healthz", "", "").Header().Get(requestIDHeader), w.serve("GET", "/healthz", "", "").Header().Get(requestIDHeader)
	if a == b {
		t.Errorf("two requests were given the same id %q", a)
	}

	for _, c := range []struct {
		method, path, token string
		status              int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/v1/centers", w.admin, 200},
		{"GET", "/no/such/route", "", 404},
		{"DELETE", "/healthz", "", 405},
		{"GET", "/v1/centers", "", 401},
		{"GET", "/v1/centers", "not-a-token", 401},
		{"GET", "/v1/centers", "not-a-token", 429}, // AuthFailures is 1
		{"GET", "/metrics", "", 404},               // Options.Metrics is not set
	} {
		rec := w.serve(c.method, c.path, c.token, "trace-1")
		if rec.Code != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.status)
		}
		if got := rec.Header().Get(requestIDHeader); got != "trace-1" {
			t.Errorf("%s %s (%d): X-Request-Id = %q, want trace-1", c.method, c.path, c.status, got)
		}
	}
}

// TestRequestLog: one line per request with what an operator needs, and
// no credential in the log.
func TestRequestLog(t *testing.T) {
	var logs logBuffer
	w := newWorldOpts(t, "", true, nil, Options{Logger: jsonLogger(&logs)})
	seed(w)
	for _, c := range []struct {
		id, method, path, token, route string
		status                         int
	}{
		{"log-1", "GET", "/v1/candidates/c1", w.admin, "/v1/candidates/{id}", 200},
		{"log-2", "GET", "/v1/candidates/nobody", w.admin, "/v1/candidates/{id}", 404},
		{"log-3", "GET", "/v1/centers", "", "/v1/centers", 401},
		{"log-4", "GET", "/no/such/route", "", unmatched, 404},
	} {
		rec := w.serve(c.method, c.path, c.token, c.id)
		lines := logs.lines(t, "request", c.id)
		if len(lines) != 1 {
			t.Fatalf("%s %s: %d request lines, want 1:\n%s", c.method, c.path, len(lines), logs.String())
		}
		l := lines[0]
		want := map[string]any{"level": "INFO", "method": c.method, "route": c.route, "path": c.path,
			"status": float64(c.status), "bytes": float64(rec.Body.Len()), "remote": "192.0.2.1:1234"}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("%s %s: %s = %v, want %v", c.method, c.path, k, l[k], v)
			}
		}
		if d, ok := l["duration"].(float64); !ok || d < 0 {
			t.Errorf("%s %s: duration = %v, want nanoseconds", c.method, c.path, l["duration"])
		}
	}
	if strings.Contains(logs.String(), w.admin) || strings.Contains(strings.ToLower(logs.String()), "bearer") {
		t.Errorf("the log holds a token or an Authorization header:\n%s", logs.String())
	}
}

// TestInternalErrorLogHasRequestID: the cause of a 500 is logged under the
// id the client was given, so the two can be joined.
func TestInternalErrorLogHasRequestID(t *testing.T) {
	var logs logBuffer
	var store *brokenStore
	w := newWorldOpts(t, "", true, func(s ledger.Store) ledger.Store {
		store = &brokenStore{Store: s}
		return store
	}, Options{Logger: jsonLogger(&logs)})
	store.broken.Store(true)
	if rec := w.serve("GET", "/v1/centers", w.admin, "boom-1"); rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	lines := logs.lines(t, "request failed", "boom-1")
	if len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), "disk I/O error") {
		t.Errorf("internal error lines with request_id boom-1: %v\n%s", lines, logs.String())
	}
}

func TestLogPath(t *testing.T) {
	for _, c := range []struct{ pattern, path, want string }{
		{"GET /v1/candidates/{id}", "/v1/candidates/c1", "/v1/candidates/c1"},
		{"", "/no/such", "/no/such"},
		{"GET /feeds/{secret}", "/feeds/s3cr3t", "/feeds/{secret}"},
		{"GET /v1/candidates/{id}/calendar/{token}", "/v1/candidates/c1/calendar/s3cr3t", "/v1/candidates/c1/calendar/{token}"},
		{"GET /feeds/{secret}", "/feeds/a/b", "/feeds/{secret}"},
	} {
		if got := logPath(c.pattern, c.path); got != c.want {
			t.Errorf("logPath(%q, %q) = %q, want %q", c.pattern, c.path, got, c.want)
		}
	}
}

type observed struct {
	route, method string
	status        int
}

// TestObserve: Options.Observe hears of every request by route pattern,
// not path.
func TestObserve(t *testing.T) {
	var mu sync.Mutex
	var got []observed
	w := newWorldOpts(t, "", true, nil, Options{Observe: func(route, method string, status int, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, observed{route, method, status})
	}})
	seed(w)
	mu.Lock()
	got = nil
	mu.Unlock()
	w.serve("GET", "/v1/candidates/c1", w.admin, "")
	w.serve("GET", "/v1/candidates/nobody", w.admin, "")
	w.serve("HEAD", "/healthz", "", "")
	w.serve("GET", "/no/such/route", "", "")
	w.serve("PUT", "/healthz", "", "")
	want := []observed{{"/v1/candidates/{id}", "GET", 200}, {"/v1/candidates/{id}", "GET", 404},
		{"/healthz", "HEAD", 200}, {unmatched, "GET", 404}, {unmatched, "PUT", 405}}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("observed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("observation %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestMetricsEndpoint wires the metrics package as cmd/recert does and
// scrapes /metrics over HTTP, without a token.
func TestMetricsEndpoint(t *testing.T) {
	m := metrics.New(nil)
	m.SetQueueDepth(func(context.Context) (map[string]int, error) {
		return map[string]int{"available": 4, "scheduled": 2}, nil
	})
	w := newWorldOpts(t, "", true, nil, Options{Observe: m.HTTP, Metrics: m.Handler()})
	seed(w)
	w.serve("GET", "/v1/candidates/c1", w.admin, "")
	w.serve("GET", "/v1/candidates/c1", w.admin, "")
	w.serve("GET", "/v1/candidates/nobody", w.admin, "")
	w.serve("GET", "/no/such/route", "", "")
	w.serve("GET", "/another/probe", "", "")
	got := scrapeAPI(t, w)

	reqs := got["recert_http_requests_total"]
	for series, want := range map[string]float64{
		"method=GET,route=/v1/candidates/{id},status=200": 2,
		"method=GET,route=/v1/candidates/{id},status=404": 1,
		"method=GET,route=unmatched,status=404":           2,
	} {
		if reqs[series] != want {
			t.Errorf("recert_http_requests_total{%s} = %v, want %v; all: %v", series, reqs[series], want, reqs)
		}
	}
	for series := range reqs {
		if strings.Contains(series, "c1") || strings.Contains(series, "nobody") || strings.Contains(series, "probe") {
			t.Errorf("a request path became a label: %s", series)
		}
	}
	if n := got["recert_http_request_duration_seconds"]["method=GET,route=/v1/candidates/{id}"]; n != 3 {
		t.Errorf("duration samples for the route = %v, want 3", n)
	}
	for series, want := range map[string]float64{"state=available": 4, "state=scheduled": 2} {
		if got["recert_queue_jobs"][series] != want {
			t.Errorf("recert_queue_jobs{%s} = %v, want %v", series, got["recert_queue_jobs"][series], want)
		}
	}
	// A scrape is counted under its pattern too (this one returns before
	// the next scrape starts; the HTTP ones may still be finishing).
	w.serve("GET", "/metrics", "", "")
	if n := scrapeAPI(t, w)["recert_http_requests_total"]["method=GET,route=/metrics,status=200"]; n < 1 {
		t.Errorf("scrapes counted = %v, want at least 1", n)
	}
}

func scrapeAPI(t *testing.T, w *world) map[string]map[string]float64 {
	t.Helper()
	res, err := w.srv.Client().Get(w.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get(requestIDHeader) == "" {
		t.Fatalf("GET /metrics: %s, X-Request-Id %q", res.Status, res.Header.Get(requestIDHeader))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	// series: family -> "k=v,k=v" (labels sorted as exposed) -> value
	out := map[string]map[string]float64{}
	for name, f := range fams {
		out[name] = map[string]float64{}
		for _, mt := range f.Metric {
			var ls []string
			for _, l := range mt.Label {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			v := mt.GetCounter().GetValue() + mt.GetGauge().GetValue() + float64(mt.GetHistogram().GetSampleCount())
			out[name][strings.Join(ls, ",")] = v
		}
	}
	return out
}
