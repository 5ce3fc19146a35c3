// Package loadgen drives an HTTP server on loopback with a fixed number of
// requests from a fixed number of concurrent workers and reports the
// throughput and the latency percentiles. It is bounded in count and time
// and stops by itself; it only ever targets the URL it is given, which the
// benchmarks set to a server they started on 127.0.0.1.
package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request to send.
type Request struct {
	Method, Path string
	Body         []byte
	Header       http.Header
}

// Plan is what to send: N requests made by Make, C at a time, stopping
// early at Deadline.
type Plan struct {
	BaseURL     string
	N           int
	Concurrency int
	Make        func(i int) Request
	Deadline    time.Duration
	// OK says which statuses count as success (default: 2xx).
	OK func(status int) bool
}

// Result is what a run measured.
type Result struct {
	Sent, OK, Failed int
	Elapsed          time.Duration
	P50, P90, P99    time.Duration
	Max              time.Duration
	FirstError       string
}

// PerSecond is the rate of successful requests.
func (r Result) PerSecond() float64 { return float64(r.OK) / r.Elapsed.Seconds() }

func (r Result) String() string {
	return fmt.Sprintf("%d requests (%d ok, %d failed) in %v: %.0f/s, p50 %v, p90 %v, p99 %v, max %v",
		r.Sent, r.OK, r.Failed, r.Elapsed.Round(time.Millisecond), r.PerSecond(), r.P50, r.P90, r.P99, r.Max)
}

// Run sends the plan's requests and measures each one's latency.
func Run(ctx context.Context, p Plan) Result {
	if p.Concurrency <= 0 {
		p.Concurrency = 1
	}
	if p.Deadline <= 0 {
		p.Deadline = 5 * time.Minute
	}
	if p.OK == nil {
		p.OK = func(s int) bool { return s >= 200 && s < 300 }
	}
	ctx, cancel := context.WithTimeout(ctx, p.Deadline)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: p.Concurrency * 2, MaxIdleConnsPerHost: p.Concurrency * 2}}
	lat := make([]time.Duration, p.N)
	var next, ok, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < p.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= p.N || ctx.Err() != nil {
					return
				}
				rq := p.Make(i)
				req, err := http.NewRequestWithContext(ctx, rq.Method, p.BaseURL+rq.Path, bytes.NewReader(rq.Body))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				for k, v := range rq.Header {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if p.OK(resp.StatusCode) {
					ok.Add(1)
				} else {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", resp.StatusCode, body))
				}
			}
		}()
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start), OK: int(ok.Load()), Failed: int(failed.Load())}
	r.Sent = r.OK + r.Failed
	var done []time.Duration
	for _, d := range lat {
		if d > 0 {
			done = append(done, d)
		}
	}
	sort.Slice(done, func(a, b int) bool { return done[a] < done[b] })
	if n := len(done); n > 0 {
		r.P50, r.P90, r.P99, r.Max = done[n*50/100], done[n*90/100], done[min(n-1, n*99/100)], done[n-1]
	}
	if e, _ := firstErr.Load().(string); e != "" {
		r.FirstError = e
	}
	return r
}
