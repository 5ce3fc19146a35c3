package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
)

// TestMain starts the throwaway PostgreSQL server on first use and stops
// it at the end; without PostgreSQL installed, the postgres subtests skip
// and say how to install it.
func TestMain(m *testing.M) { pgtest.Main(m) }

func init() {
	stores["postgres"] = func(t *testing.T) ledger.Store {
		db, err := postgres.Open(context.Background(), pgtest.Server(t).NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

// TestTwoServersShareSeats: two servers (two App and store handles, as two
// recert serve processes would have) on one PostgreSQL database take 200
// simultaneous bookings for a 10-seat slot and book exactly 10.
func TestTwoServersShareSeats(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	var apps []*app.App
	for i := 0; i < 2; i++ {
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		apps = append(apps, app.New(db, app.WithClock(func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) })))
	}
	ctx := context.Background()
	if _, err := apps[0].CreateCenter(ctx, app.System, app.CenterInput{ID: "tc1", Name: "Seattle", Seats: 10}); err != nil {
		t.Fatal(err)
	}
	const n = 200
	for i := 0; i < n; i++ {
		if _, err := apps[i%2].CreateCandidate(ctx, app.System, app.CandidateInput{ID: fmt.Sprintf("c%03d", i), Name: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var booked, full atomic.Int32
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := apps[i%2].Book(ctx, app.System, app.BookInput{Candidate: fmt.Sprintf("c%03d", i), Exam: "CLF-C02", Center: "tc1", Slot: slot("2026-04-01T14:00:00Z")})
			switch {
			case err == nil:
				booked.Add(1)
			case app.ErrorCode(err) == app.CodeSlotFull:
				full.Add(1)
			default:
				t.Errorf("booking %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if booked.Load() != 10 || full.Load() != n-10 {
		t.Fatalf("%d booked, %d full; want 10 and %d", booked.Load(), full.Load(), n-10)
	}
}
