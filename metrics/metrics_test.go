package metrics

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape GETs h as Prometheus would and parses the text it answers.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("scrape: %s", res.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("scrape does not parse: %v", err)
	}
	return fams
}

// find is the metric of family name whose labels are exactly labels.
func find(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
	for _, m := range f.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.Label {
			if labels[l.GetName()] != l.GetValue() {
				match = false
			}
		}
		if match {
			return m
		}
	}
	return nil
}

func counter(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	m := find(fams, name, labels)
	if m == nil {
		t.Fatalf("no %s%v in the scrape", name, labels)
	}
	return m.GetCounter().GetValue()
}

func TestHTTP(t *testing.T) {
	m := New(nil)
	m.HTTP("/v1/candidates/{id}", "GET", 200, 10*time.Millisecond)
	m.HTTP("/v1/candidates/{id}", "GET", 200, 20*time.Millisecond)
	m.HTTP("/v1/candidates/{id}", "GET", 404, time.Millisecond)
	m.HTTP("", "BREW", 405, time.Millisecond)
	m.HTTP("", "PROPFIND", 404, time.Millisecond)
	fams := scrape(t, m.Handler())

	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"route": "/v1/candidates/{id}", "method": "GET", "status": "200"}, 2},
		{map[string]string{"route": "/v1/candidates/{id}", "method": "GET", "status": "404"}, 1},
		{map[string]string{"route": Unmatched, "method": "other", "status": "405"}, 1},
		{map[string]string{"route": Unmatched, "method": "other", "status": "404"}, 1},
	} {
		if got := counter(t, fams, "recert_http_requests_total", c.labels); got != c.want {
			t.Errorf("recert_http_requests_total%v = %v, want %v", c.labels, got, c.want)
		}
	}
	if n := len(fams["recert_http_requests_total"].Metric); n != 4 {
		t.Errorf("%d request series, want 4 (methods outside the standard ones fold into one)", n)
	}
	h := find(fams, "recert_http_request_duration_seconds", map[string]string{"route": "/v1/candidates/{id}", "method": "GET"})
	if h == nil {
		t.Fatal("no duration histogram for the route")
	}
	if got := h.GetHistogram().GetSampleCount(); got != 3 {
		t.Errorf("histogram count = %d, want 3", got)
	}
	if got := h.GetHistogram().GetSampleSum(); got < 0.0309 || got > 0.0311 {
		t.Errorf("histogram sum = %v, want 0.031", got)
	}
}

func TestJobsAndNotifications(t *testing.T) {
	m := New(nil)
	var hook func(kind, outcome string, d time.Duration) = m.Job // the queue's Observe hook
	hook("notice", "completed", time.Second)
	hook("notice", "completed", 2*time.Second)
	hook("webhook", "retried", time.Second)
	m.Notification("mail", "sent")
	m.Notification("mail", "sent")
	m.Notification("webhook", "failed")
	fams := scrape(t, m.Handler())

	if got := counter(t, fams, "recert_jobs_total", map[string]string{"kind": "notice", "outcome": "completed"}); got != 2 {
		t.Errorf("notice completed = %v, want 2", got)
	}
	if got := counter(t, fams, "recert_jobs_total", map[string]string{"kind": "webhook", "outcome": "retried"}); got != 1 {
		t.Errorf("webhook retried = %v, want 1", got)
	}
	if h := find(fams, "recert_job_duration_seconds", map[string]string{"kind": "notice"}); h == nil ||
		h.GetHistogram().GetSampleCount() != 2 || h.GetHistogram().GetSampleSum() != 3 {
		t.Errorf("notice duration histogram = %v, want 2 samples summing to 3s", h)
	}
	if got := counter(t, fams, "recert_notifications_total", map[string]string{"channel": "mail", "state": "sent"}); got != 2 {
		t.Errorf("mail sent = %v, want 2", got)
	}
	if got := counter(t, fams, "recert_notifications_total", map[string]string{"channel": "webhook", "state": "failed"}); got != 1 {
		t.Errorf("webhook failed = %v, want 1", got)
	}
}

// TestQueueDepth: the gauge is read from the callback at each scrape,
// with the scrape's context, and is absent until a callback is set.
func TestQueueDepth(t *testing.T) {
	m := New(nil)
	if _, ok := scrape(t, m.Handler())["recert_queue_jobs"]; ok {
		t.Error("recert_queue_jobs is served before a callback is set")
	}
	var available atomic.Int64
	available.Store(3)
	m.SetQueueDepth(func(ctx context.Context) (map[string]int, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return map[string]int{"available": int(available.Load()), "retryable": 1, "running": 0}, nil
	})
	gauge := func(fams map[string]*dto.MetricFamily, state string) float64 {
		t.Helper()
		g := find(fams, "recert_queue_jobs", map[string]string{"state": state})
		if g == nil {
			t.Fatalf("no recert_queue_jobs{state=%q}", state)
		}
		return g.GetGauge().GetValue()
	}
	fams := scrape(t, m.Handler())
	if got := gauge(fams, "available"); got != 3 {
		t.Errorf("available = %v, want 3", got)
	}
	if got := gauge(fams, "retryable"); got != 1 {
		t.Errorf("retryable = %v, want 1", got)
	}
	if got := gauge(fams, "running"); got != 0 {
		t.Errorf("running = %v, want 0", got)
	}
	available.Store(7)
	if got := gauge(scrape(t, m.Handler()), "available"); got != 7 {
		t.Errorf("available after the queue grew = %v, want 7 (read at scrape time)", got)
	}
}

// TestQueueDepthFails: a queue that cannot be read leaves its gauge out
// and logs why; every other metric is still served.
func TestQueueDepthFails(t *testing.T) {
	var logBuf bytes.Buffer
	m := New(slog.New(slog.NewTextHandler(&logBuf, nil)))
	m.Job("sweep", "completed", time.Second)
	m.SetQueueDepth(func(context.Context) (map[string]int, error) { return nil, errors.New("database is locked") })
	fams := scrape(t, m.Handler())
	if _, ok := fams["recert_queue_jobs"]; ok {
		t.Error("recert_queue_jobs served though the callback failed")
	}
	if got := counter(t, fams, "recert_jobs_total", map[string]string{"kind": "sweep", "outcome": "completed"}); got != 1 {
		t.Errorf("jobs counter = %v, want 1 beside the failed gauge", got)
	}
	if !strings.Contains(logBuf.String(), "database is locked") {
		t.Errorf("the failure is not logged: %q", logBuf.String())
	}
}

func TestRuntimeCollectors(t *testing.T) {
	fams := scrape(t, New(nil).Handler())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s in the scrape", name)
		}
	}
}
