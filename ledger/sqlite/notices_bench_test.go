package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// BenchmarkDueNotices measures the worker's sweep: DueNotices in pages of
// 1,000 over every notice of a store holding RECERT_BENCH_NOTICES of them
// (default 100,000; five a candidate, the expiry reminders of one
// certification, due over three years), read through notices_due. It
// reports notices per second and the time of one whole sweep.
//
//	go test ./ledger/sqlite -run '^$' -bench DueNotices -benchtime 3x
//	RECERT_BENCH_NOTICES=5000000 go test ./ledger/sqlite -run '^$' -bench DueNotices -benchtime 1x -timeout 30m
//
// Filling the store takes most of the run at the larger size (about a
// million candidates' views written through Bulk.ReplaceViews).
func BenchmarkDueNotices(b *testing.B) {
	total := 100_000
	if s := os.Getenv("RECERT_BENCH_NOTICES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("RECERT_BENCH_NOTICES=%q: want a positive number of notices", s)
		}
		total = n
	}
	ctx := b.Context()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer db.Close()
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	const perCandidate, spread = 5, 3 * 365 * 24 * time.Hour
	candidates := (total + perCandidate - 1) / perCandidate
	for first := 0; first < candidates; first += 2000 {
		views := make([]ledger.View, 0, 2000)
		for c := first; c < min(first+2000, candidates); c++ {
			id := fmt.Sprintf("cand-%07d", c)
			// Expiry dates spread evenly (by a stride coprime with the
			// count), so that due times interleave across candidates.
			expires := start.Add(time.Duration((int64(c)*7919)%int64(candidates)) * (spread / time.Duration(candidates)))
			v := ledger.View{Candidate: id}
			for _, days := range []int{180, 90, 30, 7, 0}[:min(perCandidate, total-c*perCandidate)] {
				v.Notices = append(v.Notices, ledger.Notice{Kind: "expiry_reminder", Subject: "aws-saa",
					Due: expires.AddDate(0, 0, -days), Until: expires, Date: expires.Format(time.DateOnly), Days: days, Rule: "V4"})
			}
			views = append(views, v)
		}
		err := db.Update(ctx, func(tx ledger.Tx) error { return tx.(ledger.Bulk).ReplaceViews(ctx, views) })
		if err != nil {
			b.Fatalf("ReplaceViews: %v", err)
		}
	}
	from, to := start.AddDate(-1, 0, 0), start.Add(spread)
	var read int
	for b.Loop() {
		read = 0
		after := ledger.Notice{}
		for {
			var page []ledger.Notice
			err := db.View(ctx, func(tx ledger.Tx) (err error) {
				page, err = tx.DueNotices(ctx, from, to, after, 1000)
				return err
			})
			if err != nil {
				b.Fatalf("DueNotices: %v", err)
			}
			read += len(page)
			if len(page) < 1000 {
				break
			}
			after = page[len(page)-1]
		}
		if read != total {
			b.Fatalf("a sweep read %d notices, want %d", read, total)
		}
	}
	b.ReportMetric(float64(read)*float64(b.N)/b.Elapsed().Seconds(), "notices/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/sweep")
}
