package queue_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/queue"
)

// countOnce is a handler that counts each job's runs in a ledger row
// named by the job, in the Update that completes it.
func countOnce(store ledger.Store, ran *atomic.Int64) queue.Handler {
	return handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
		ran.Add(1)
		return store.Update(ctx, func(tx ledger.Tx) error {
			n, err := tx.ImportPosition(ctx, id(j))
			if err != nil {
				return err
			}
			if err := tx.SetImportPosition(ctx, id(j), n+1); err != nil {
				return err
			}
			return done(ctx, tx)
		})
	})
}

// checkCounts fails t unless every job's ledger counter is 1.
func checkCounts(t *testing.T, store ledger.Store, jobs []app.Job) {
	t.Helper()
	ctx := t.Context()
	err := store.View(ctx, func(tx ledger.Tx) error {
		for _, j := range jobs {
			n, err := tx.ImportPosition(ctx, id(j))
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("%s ran %d times, want once", id(j), n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoWorkersOnePostgres: two queues (two River clients, as two
// `recert worker` processes, each with its own pool) made at the same
// moment on a new database both migrate without error, and together run
// each of N jobs exactly once.
func TestTwoWorkersOnePostgres(t *testing.T) {
	url := pgtest.Server(t).NewDatabase(t)
	const workers, n = 2, 60
	stores := make([]ledger.Store, workers)
	queues := make([]*queue.Queue, workers)
	clock := &fakeClock{now: t0}
	var ran atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		db := openPostgres(t, url)
		stores[i] = db
		wg.Go(func() {
			queues[i], errs[i] = queue.NewPostgres(db, countOnce(db, &ran),
				queue.Config{Now: clock.Now, PollInterval: 20 * time.Millisecond, Workers: 3, Logger: quiet})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("queue %d: %v", i, err)
		}
	}
	for _, q := range queues {
		startQueue(t, q)
	}
	jobs := make([]app.Job, n)
	for i := range jobs {
		jobs[i] = notice(i)
	}
	e := &env{store: stores[0], q: queues[0], clock: clock}
	for i := 0; i < n; i += 10 {
		e.enqueue(t, jobs[i:i+10]...)
	}
	e.completed(t, n, nil)
	checkCounts(t, stores[1], jobs)
	if got := ran.Load(); got != n {
		t.Errorf("handlers ran %d times for %d jobs", got, n)
	}
}

// recordBusy is a slog.Handler that keeps River's warnings and errors
// that say SQLite was busy or locked.
type recordBusy struct {
	mu   sync.Mutex
	busy []string
}

func (r *recordBusy) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (r *recordBusy) WithAttrs([]slog.Attr) slog.Handler           { return r }
func (r *recordBusy) WithGroup(string) slog.Handler                { return r }

func (r *recordBusy) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	if s := b.String(); strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked") {
		r.mu.Lock()
		r.busy = append(r.busy, s)
		r.mu.Unlock()
	}
	return nil
}

// TestSQLiteUpdatesBesideTheQueue: ledger Updates from many goroutines
// interleave with River fetching, working and completing jobs on the same
// file without any SQLITE_BUSY, in the Updates or in River's logs.
func TestSQLiteUpdatesBesideTheQueue(t *testing.T) {
	db := openSQLite(t)
	var ran atomic.Int64
	logs := &recordBusy{}
	clock := &fakeClock{now: t0}
	q, err := queue.NewSQLite(db, countOnce(db, &ran),
		queue.Config{Now: clock.Now, PollInterval: 5 * time.Millisecond, Workers: 4, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	startQueue(t, q)
	e := &env{store: db, q: q, clock: clock}
	const n, writers, writes = 80, 8, 40
	jobs := make([]app.Job, n)
	for i := range jobs {
		jobs[i] = notice(i)
	}
	ctx := t.Context()
	var wg sync.WaitGroup
	updateErrs := make(chan error, writers*writes)
	for w := range writers {
		wg.Go(func() {
			for i := range writes {
				err := db.Update(ctx, func(tx ledger.Tx) error {
					if err := tx.SetImportPosition(ctx, fmt.Sprintf("writer-%d", w), int64(i+1)); err != nil {
						return err
					}
					// Every writer also enqueues, as app's writes do.
					if k := w*writes + i; k%4 == 0 && k/4 < n {
						return q.Enqueue(ctx, tx, []app.Job{jobs[k/4]})
					}
					return nil
				})
				if err != nil {
					updateErrs <- err
				}
			}
		})
	}
	wg.Wait()
	close(updateErrs)
	for err := range updateErrs {
		t.Errorf("Update beside the queue: %v", err)
	}
	e.completed(t, n, nil)
	checkCounts(t, db, jobs)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	for _, s := range logs.busy {
		t.Errorf("River logged: %s", s)
	}
}
