package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

// BenchmarkSweep is the worker's sweep over the notices of RECERT_BENCH_CERTS
// certifications (default 100,000), each with the reference program's six
// notices (reminders 180, 90, 30 and 7 days before and on the day, and the
// expiry), expiring evenly over the next three years. It measures the
// sweep's reading — the notices due up to the horizon found through the
// due index, collapsed to the latest of each certification — in two
// windows: the first sweep of a store, which reads every notice already
// due, and a steady one (one sweep interval). docs/performance.md:
//
//	RECERT_BENCH_CERTS=1000000 go test ./app -run '^$' -bench Sweep -benchtime 1x -timeout 60m
func BenchmarkSweep(b *testing.B) {
	certs := 100_000
	if s := os.Getenv("RECERT_BENCH_CERTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("RECERT_BENCH_CERTS=%q: want a positive number", s)
		}
		certs = n
	}
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "sweep.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchSweep(b, db, certs)
	})
	b.Run("postgres", func(b *testing.B) {
		db, err := postgres.Open(b.Context(), pgtest.Server(b).NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchSweep(b, db, certs)
	})
}

func benchSweep(b *testing.B, st ledger.Store, certs int) {
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	const spread = 3 * 365 * 24 * time.Hour
	for first := 0; first < certs; first += 5000 {
		views := make([]ledger.View, 0, 5000)
		for c := first; c < min(first+5000, certs); c++ {
			id := fmt.Sprintf("cand-%07d", c)
			// Expiries spread by a stride coprime with the count, so that
			// due times interleave across candidates as they would.
			expires := now.Add(time.Duration((int64(c)*7919)%int64(certs)) * (spread / time.Duration(certs))).Truncate(24 * time.Hour)
			until := expires.Add(24 * time.Hour)
			v := ledger.View{Candidate: id}
			for _, days := range []int{180, 90, 30, 7, 0} {
				v.Notices = append(v.Notices, ledger.Notice{Candidate: id, Kind: "expiry_reminder", Subject: "cloud-practitioner",
					Due: expires.AddDate(0, 0, -days).Add(13 * time.Hour), Until: until, Date: expires.Format(time.DateOnly), Days: days, Rule: "V4"})
			}
			v.Notices = append(v.Notices, ledger.Notice{Candidate: id, Kind: "certification_expired", Subject: "cloud-practitioner",
				Due: until, Date: expires.Format(time.DateOnly), Rule: "V4"})
			views = append(views, v)
		}
		err := st.Update(ctx, func(tx ledger.Tx) error {
			if bulk, ok := tx.(ledger.Bulk); ok {
				return bulk.ReplaceViews(ctx, views)
			}
			for _, v := range views {
				if err := tx.ReplaceView(ctx, v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	a := New(st, WithClock(func() time.Time { return now }))
	for _, w := range []struct {
		name string
		from time.Time
	}{{"first", time.Time{}}, {"steady", now.Add(-a.sweepEvery)}} {
		b.Run(w.name, func(b *testing.B) {
			var jobs []Job
			for b.Loop() {
				var err error
				if jobs, err = a.dueJobs(ctx, w.from, now.Add(a.sweepHorizon), now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(jobs)), "jobs")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/sweep")
		})
	}
}
