// Package metrics owns recert's Prometheus registry. The API and the
// worker do not import Prometheus: they report through plain funcs
// (httpapi.Options.Observe, the queue's Observe hook, the notifier's
// hook) that the wiring connects to the methods here, so they are tested
// without a registry and this package is the one place that knows metric
// names and labels.
//
// Every label takes its values from a bounded set (route patterns, not
// paths; HTTP methods folded to the standard ones; job kinds, outcomes,
// channels and states as the worker names them), so a client cannot grow
// the number of series by what it sends.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the registry and its instruments. Its methods are safe for
// concurrent use.
type Metrics struct {
	reg  *prometheus.Registry
	log  *slog.Logger
	reqs *prometheus.CounterVec
	lat  *prometheus.HistogramVec
	jobs *prometheus.CounterVec
	jobT *prometheus.HistogramVec
	note *prometheus.CounterVec

	mu    sync.Mutex
	depth QueueDepth
}

// QueueDepth counts the queue's jobs by state. It is called at each
// scrape with the scrape request's context, so the gauge is as fresh as
// the scrape and costs nothing between scrapes.
type QueueDepth func(ctx context.Context) (map[string]int, error)

// jobBuckets reach further than HTTP's: a job may wait on an SMTP server
// or a webhook receiver for tens of seconds before it times out.
var jobBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// New returns a registry with the Go runtime and process collectors and
// recert's instruments. log receives the errors of scrapes (a queue depth
// that could not be read); slog.Default() when nil.
func New(log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: log,
		reqs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "recert_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		lat: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "recert_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern and method.", Buckets: prometheus.DefBuckets},
			[]string{"route", "method"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "recert_jobs_total",
			Help: "Jobs the worker ran, by kind and outcome."}, []string{"kind", "outcome"}),
		jobT: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "recert_job_duration_seconds",
			Help: "Time a job ran, by kind.", Buckets: jobBuckets}, []string{"kind"}),
		note: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "recert_notifications_total",
			Help: "Notifications by channel and the state they reached (sent, failed, skipped...)."},
			[]string{"channel", "state"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.reqs, m.lat, m.jobs, m.jobT, m.note)
	return m
}

// Unmatched is the route label of a request no route pattern matched (a
// 404 or 405): one series for them all, whatever paths are probed.
const Unmatched = "unmatched"

// HTTP counts one answered request. route is the ServeMux pattern's path
// ("/v1/candidates/{id}"), never the request's path; its signature is
// httpapi.Options.Observe.
func (m *Metrics) HTTP(route, method string, status int, d time.Duration) {
	if route == "" {
		route = Unmatched
	}
	method = methodLabel(method)
	m.reqs.WithLabelValues(route, method, strconv.Itoa(statusLabel(status))).Inc()
	m.lat.WithLabelValues(route, method).Observe(d.Seconds())
}

// Job counts one job run; its signature is the queue's Observe hook.
func (m *Metrics) Job(kind, outcome string, d time.Duration) {
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobT.WithLabelValues(kind).Observe(d.Seconds())
}

// Notification counts one notification reaching state on channel.
func (m *Metrics) Notification(channel, state string) {
	m.note.WithLabelValues(channel, state).Inc()
}

// SetQueueDepth sets the callback of the recert_queue_jobs gauge; nil
// removes the gauge. The wiring sets it once the queue is open.
func (m *Metrics) SetQueueDepth(f QueueDepth) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.depth = f
}

// Handler serves the registry in Prometheus' text (or negotiated) format.
// A queue depth that cannot be read is logged and left out; the other
// metrics are still served, so one slow store does not blind the rest.
func (m *Metrics) Handler() http.Handler {
	opts := promhttp.HandlerOpts{ErrorLog: scrapeLog{m.log}, ErrorHandling: promhttp.ContinueOnError}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		depth := m.depth
		m.mu.Unlock()
		g := prometheus.Gatherers{m.reg}
		if depth != nil {
			g = append(g, queueGatherer(r.Context(), depth))
		}
		promhttp.HandlerFor(g, opts).ServeHTTP(w, r)
	})
}

// methods are the HTTP methods that get a label of their own; any other
// is "other", since a client may send any token as a method.
var methods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true, http.MethodConnect: true, http.MethodTrace: true}

func methodLabel(m string) string {
	if methods[m] {
		return m
	}
	return "other"
}

// statusLabel keeps the label to the three-digit statuses; anything else
// (a handler bug) is counted as 0 rather than as a series of its own.
func statusLabel(s int) int {
	if s < 100 || s > 999 {
		return 0
	}
	return s
}

// scrapeLog is promhttp's error log on slog.
type scrapeLog struct{ log *slog.Logger }

func (l scrapeLog) Println(v ...any) {
	l.log.Error("metrics scrape", "error", fmt.Sprint(v...))
}
