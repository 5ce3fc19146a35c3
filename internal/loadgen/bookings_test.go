package loadgen_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/httpapi"
	"github.com/recert/recert/internal/loadgen"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const candidates = 10_000

// concurrency is how many clients book at once.
var concurrency = flag.Int("concurrency", 16, "concurrent clients of the booking load")

// BenchmarkBookings books candidates' exams through the whole server (HTTP
// on loopback, app, policy engine, store) and reports bookings per second
// and latency percentiles: on SQLite, on PostgreSQL with one server, and
// with two servers sharing one PostgreSQL database. Every commit is
// durable: SQLite with synchronous=FULL, PostgreSQL on pgtest's
// DurableServer (fsync and synchronous commit on). On SQLite it also
// reports commits a second and Updates a commit (group commit).
//
//	go test ./internal/loadgen -run XXX -bench Bookings -benchtime 1x [-concurrency 32]
func BenchmarkBookings(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "recert.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		var before sqlite.Stats
		runBookings(b, []ledger.Store{st}, func() { before = st.Stats() }, func(res loadgen.Result) {
			// Group commit: how many bookings shared each commit (and fsync).
			after := st.Stats()
			commits := after.Commits - before.Commits
			b.ReportMetric(float64(commits)/res.Elapsed.Seconds(), "commits/s")
			b.ReportMetric(float64(after.Committed-before.Committed)/float64(commits), "updates/commit")
		})
	})
	for _, servers := range []int{1, 2} {
		b.Run(fmt.Sprintf("postgres-%dserver", servers), func(b *testing.B) {
			url := pgtest.DurableServer(b).NewDatabase(b)
			var stores []ledger.Store
			for i := 0; i < servers; i++ {
				st, err := postgres.Open(context.Background(), url)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				stores = append(stores, st)
			}
			runBookings(b, stores, nil, nil)
		})
	}
}

// runBookings books every candidate once per iteration; start and done,
// if set, run just before and after each round of bookings.
func runBookings(b *testing.B, stores []ledger.Store, start func(), done func(loadgen.Result)) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := app.WithClock(func() time.Time { return now })
	seed := app.New(stores[0], clock)
	if _, err := seed.CreateCenter(ctx, app.System, app.CenterInput{ID: "tc1", Name: "Load", Seats: 100_000}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < candidates; i++ {
		if _, err := seed.CreateCandidate(ctx, app.System, app.CandidateInput{ID: fmt.Sprintf("c%05d", i), Name: "Load"}); err != nil {
			b.Fatal(err)
		}
	}
	token, err := seed.BootstrapAdmin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var urls []string
	for _, st := range stores {
		srv := httptest.NewServer(httpapi.New(app.New(st, clock), httpapi.Options{}))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	exams := []string{"CLF-C02", "AIF-C01", "SAA-C03", "DVA-C02", "DEA-C01", "MLA-C01", "SAP-C02", "DOP-C02", "ANS-C01", "SCS-C03"}
	round := 0
	b.ResetTimer()
	for b.Loop() {
		n := candidates // one booking per candidate and exam per round
		exam := exams[round%len(exams)]
		round++
		if start != nil {
			start()
		}
		res := runAll(urls, n, func(i int) loadgen.Request {
			slot := now.Add(time.Duration(30*24+i%200) * time.Hour).Format(time.RFC3339)
			body := fmt.Sprintf(`{"candidate":"c%05d","exam":%q,"center":"tc1","slot":%q}`, i, exam, slot)
			return loadgen.Request{Method: "POST", Path: "/v1/appointments", Body: []byte(body),
				Header: http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"},
					"Idempotency-Key": {fmt.Sprintf("load-%d-%d", round, i)}}}
		})
		if res.Failed > 0 {
			b.Fatalf("%s; first error: %s", res, res.FirstError)
		}
		if done != nil {
			done(res)
		}
		b.ReportMetric(res.PerSecond(), "bookings/s")
		b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
		b.Logf("%d server(s): %s", len(urls), res)
	}
}

// runAll spreads the requests over the servers round-robin.
func runAll(urls []string, n int, mk func(i int) loadgen.Request) loadgen.Result {
	if len(urls) == 1 {
		return loadgen.Run(context.Background(), loadgen.Plan{BaseURL: urls[0], N: n, Concurrency: *concurrency, Make: mk})
	}
	// Two servers: the base URL is chosen per request by an absolute path.
	return loadgen.Run(context.Background(), loadgen.Plan{BaseURL: "", N: n, Concurrency: *concurrency, Make: func(i int) loadgen.Request {
		r := mk(i)
		r.Path = urls[i%len(urls)] + r.Path
		return r
	}})
}
