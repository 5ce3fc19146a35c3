package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/recert/recert/internal/loadgen"
)

// BenchmarkServeVerify is public verification end to end: a real `recert
// serve` (its site, request log, metrics and worker, on SQLite), one
// VC-JWT it issued posted to POST /v1/verify by 16 concurrent clients on
// loopback, and then the same credential 100 at a time to
// /v1/verify/batch. docs/performance.md:
//
//	go test ./cmd/recert -run '^$' -bench ServeVerify -benchtime 1x
func BenchmarkServeVerify(b *testing.B) {
	s := startFlowSite(b)
	call(b, "POST", s.url+"/v1/candidates", s.token, `{"id":"ada","name":"Ada Lovelace","email":"ada@example.com","time_zone":"UTC"}`, nil)
	call(b, "POST", s.url+"/v1/results", s.token, `{"candidate":"ada","exam":"CLF-C02","on":"`+s.clock.Now().AddDate(0, 0, -1).Format("2006-01-02")+`T15:00:00Z","scaled_score":812}`, nil)
	c := s.credentials(b, "ada", 1)[0]
	one := []byte(c.JWT)
	batch := []byte(`{"credentials":[`)
	for i := range 100 {
		if i > 0 {
			batch = append(batch, ',')
		}
		batch = append(batch, '"')
		batch = append(batch, c.JWT...)
		batch = append(batch, '"')
	}
	batch = append(batch, "]}"...)
	for b.Loop() {
		single := loadgen.Run(context.Background(), loadgen.Plan{BaseURL: s.url, N: 40000, Concurrency: 16, Deadline: time.Minute,
			Make: func(int) loadgen.Request {
				return loadgen.Request{Method: "POST", Path: "/v1/verify", Body: one, Header: http.Header{"Content-Type": {"application/vc+jwt"}}}
			}})
		if single.Failed > 0 {
			b.Fatalf("single: %s (%s)", single, single.FirstError)
		}
		batched := loadgen.Run(context.Background(), loadgen.Plan{BaseURL: s.url, N: 400, Concurrency: 4, Deadline: time.Minute,
			Make: func(int) loadgen.Request {
				return loadgen.Request{Method: "POST", Path: "/v1/verify/batch", Body: batch, Header: http.Header{"Content-Type": {"application/json"}}}
			}})
		if batched.Failed > 0 {
			b.Fatalf("batch: %s (%s)", batched, batched.FirstError)
		}
		b.Logf("one a request: %s", single)
		b.Logf("100 a request: %s", batched)
		b.ReportMetric(single.PerSecond(), "single-verifications/s")
		b.ReportMetric(batched.PerSecond()*100, "batched-verifications/s")
		b.ReportMetric(float64(single.P99.Microseconds()), "single-p99-µs")
	}
}
