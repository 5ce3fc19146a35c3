package queue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend opens a fresh store and makes queues on it.
type backend struct {
	name string
	open func(t *testing.T) (ledger.Store, func(queue.Handler, queue.Config) (*queue.Queue, error))
}

var backends = []backend{
	{"sqlite", func(t *testing.T) (ledger.Store, func(queue.Handler, queue.Config) (*queue.Queue, error)) {
		db := openSQLite(t)
		return db, func(h queue.Handler, cfg queue.Config) (*queue.Queue, error) { return queue.NewSQLite(db, h, cfg) }
	}},
	{"postgres", func(t *testing.T) (ledger.Store, func(queue.Handler, queue.Config) (*queue.Queue, error)) {
		db := openPostgres(t, pgtest.Server(t).NewDatabase(t))
		return db, func(h queue.Handler, cfg queue.Config) (*queue.Queue, error) { return queue.NewPostgres(db, h, cfg) }
	}},
}

func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "queue.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fakeClock is the queue's injected clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// quiet logs only River's warnings and errors.
var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

var t0 = time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)

// handlerFunc is a queue.Handler.
type handlerFunc func(ctx context.Context, j app.Job, attempt int, done app.Done) error

func (f handlerFunc) Work(ctx context.Context, j app.Job, attempt int, done app.Done) error {
	return f(ctx, j, attempt, done)
}

// runs records the handler's calls by job identity.
type runs struct {
	mu sync.Mutex
	n  map[string][]int // identity → attempts seen
}

func (r *runs) add(j app.Job, attempt int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string][]int{}
	}
	r.n[id(j)] = append(r.n[id(j)], attempt)
}

func (r *runs) get(j app.Job) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.n[id(j)]...)
}

// id is a job's identity as a string, the ledger counter's name.
func id(j app.Job) string {
	switch j.Kind {
	case app.JobNotice:
		return fmt.Sprintf("notice/%s/%s/%s/%d", j.Notice.Candidate, j.Notice.Kind, j.Notice.Subject, j.Notice.Due.Unix())
	case app.JobWebhook:
		return "webhook/" + j.Notification + "/" + j.Endpoint
	}
	return fmt.Sprintf("%s/%d", j.Kind, j.At.Unix())
}

func notice(n int) app.Job {
	return app.Job{Kind: app.JobNotice, Notice: ledger.Notice{
		Candidate: fmt.Sprintf("c%03d", n), Kind: "expiry", Subject: "SAA-C03", Due: t0.AddDate(0, 0, n)}}
}

// env is one test's store, clock and started queue.
type env struct {
	store ledger.Store
	q     *queue.Queue
	clock *fakeClock
}

// start opens a store on b and starts a queue with h on it.
func start(t *testing.T, b backend, h queue.Handler) *env {
	t.Helper()
	store, newQ := b.open(t)
	clock := &fakeClock{now: t0}
	q, err := newQ(h, queue.Config{Now: clock.Now, PollInterval: 20 * time.Millisecond, Workers: 4, Logger: quiet})
	if err != nil {
		t.Fatalf("new queue: %v", err)
	}
	startQueue(t, q)
	return &env{store: store, q: q, clock: clock}
}

func startQueue(t *testing.T, q *queue.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

func (e *env) enqueue(t *testing.T, jobs ...app.Job) {
	t.Helper()
	ctx := t.Context()
	if err := e.store.Update(ctx, func(tx ledger.Tx) error { return e.q.Enqueue(ctx, tx, jobs) }); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func (e *env) depth(t *testing.T) map[string]int {
	t.Helper()
	d, err := e.q.Depth(t.Context())
	if err != nil {
		t.Fatalf("depth: %v", err)
	}
	return d
}

// eventually polls cond until it holds, failing t after a deadline. tick,
// if set, runs between polls (to walk the clock).
func eventually(t *testing.T, what string, cond func() bool, tick func()) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if tick != nil {
			tick()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// completed waits until n jobs are completed and none is waiting.
func (e *env) completed(t *testing.T, n int, tick func()) {
	t.Helper()
	var last map[string]int
	eventually(t, fmt.Sprintf("%d completed jobs", n), func() bool {
		last = e.depth(t)
		if last["completed"] > n || last["discarded"] > 0 {
			t.Fatalf("%d jobs completed, want %d: %v", last["completed"], n, last)
		}
		return last["completed"] == n && last["available"]+last["running"]+last["retryable"] == 0
	}, tick)
}

func each(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// TestCommittedRunsRolledBackDoesNot: a job enqueued in a committed Update
// runs (the handler gets the app.Job as enqueued); one enqueued in an
// Update whose fn fails was never inserted.
func TestCommittedRunsRolledBackDoesNot(t *testing.T) {
	each(t, func(t *testing.T, b backend) {
		var r runs
		got := make(chan app.Job, 10)
		e := start(t, b, handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
			r.add(j, attempt)
			got <- j
			return nil
		}))
		ctx := t.Context()
		boom := errors.New("boom")
		err := e.store.Update(ctx, func(tx ledger.Tx) error {
			if err := e.q.Enqueue(ctx, tx, []app.Job{notice(2)}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled-back Update = %v, want boom", err)
		}
		if d := e.depth(t); len(d) != 0 {
			t.Fatalf("after a rolled-back enqueue River holds jobs: %v", d)
		}
		e.enqueue(t, notice(1))
		select {
		case j := <-got:
			if want := notice(1); j.Kind != want.Kind || j.Notice != want.Notice {
				t.Fatalf("handler got %+v, want %+v", j, want)
			}
		case <-time.After(45 * time.Second):
			t.Fatal("the committed job did not run")
		}
		e.completed(t, 1, nil)
		if n := r.get(notice(2)); len(n) != 0 {
			t.Errorf("the rolled-back job ran: attempts %v", n)
		}
	})
}

// TestEnqueueTwiceRunsOnce: the same job enqueued in two Updates, and
// again after it completed, runs once.
func TestEnqueueTwiceRunsOnce(t *testing.T) {
	each(t, func(t *testing.T, b backend) {
		var r runs
		e := start(t, b, handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
			r.add(j, attempt)
			return nil
		}))
		j := notice(1)
		later := j
		later.At = t0.Add(-time.Hour) // another At, the same identity
		e.enqueue(t, j)
		e.enqueue(t, later)
		hook := app.Job{Kind: app.JobWebhook, Notification: "n1", Endpoint: "e1"}
		e.enqueue(t, hook, hook)
		e.completed(t, 2, nil)
		e.enqueue(t, j, hook)
		sweep := app.Job{Kind: app.JobSweep, At: t0.Add(-time.Minute)}
		e.enqueue(t, sweep)
		e.completed(t, 3, nil)
		for _, j := range []app.Job{j, hook, sweep} {
			if got := r.get(j); len(got) != 1 {
				t.Errorf("%s ran %d times (attempts %v), want once", id(j), len(got), got)
			}
		}
	})
}

// TestDoneCommitsWithTheWork: the handler's ledger write and the job's
// completion commit together. A failed Update leaves the job to be
// retried (and the row absent); a committed done completes the job even
// if the handler then returns an error.
func TestDoneCommitsWithTheWork(t *testing.T) {
	each(t, func(t *testing.T, b backend) {
		var r runs
		failFirst := notice(1)
		errAfterDone := notice(2)
		var e *env // set before any job is enqueued
		e = start(t, b, handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
			r.add(j, attempt)
			err := e.store.Update(ctx, func(tx ledger.Tx) error {
				if err := tx.SetImportPosition(ctx, id(j), int64(attempt)); err != nil {
					return err
				}
				if err := done(ctx, tx); err != nil {
					return err
				}
				if id(j) == id(failFirst) && attempt == 1 {
					return errors.New("the Update fails after done")
				}
				return nil
			})
			if err != nil {
				return err
			}
			if id(j) == id(errAfterDone) {
				return errors.New("an error after a committed done")
			}
			return nil
		}))
		e.enqueue(t, failFirst, errAfterDone)
		// The retry of the failed job is due a few seconds later by
		// River's default backoff: walk the clock.
		e.completed(t, 2, func() { e.clock.Add(10 * time.Second) })
		if got := r.get(failFirst); len(got) != 2 || got[0] != 1 || got[1] != 2 {
			t.Errorf("job whose Update failed: attempts %v, want [1 2]", got)
		}
		if got := r.get(errAfterDone); len(got) != 1 {
			t.Errorf("job completed by done then failed: attempts %v, want [1]", got)
		}
		ctx := t.Context()
		err := e.store.View(ctx, func(tx ledger.Tx) error {
			for j, want := range map[app.Job]int64{failFirst: 2, errAfterDone: 1} {
				pos, err := tx.ImportPosition(ctx, id(j))
				if err != nil {
					return err
				}
				if pos != want {
					t.Errorf("ledger row of %s = %d, want %d (the attempt that committed)", id(j), pos, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestScheduledRunsWhenTheClockPassesIt: a job a year ahead stays
// scheduled while River's scheduler runs with the clock before it (a
// marker job due earlier has been scheduled and run), and runs once the
// clock passes it.
func TestScheduledRunsWhenTheClockPassesIt(t *testing.T) {
	each(t, func(t *testing.T, b backend) {
		var r runs
		e := start(t, b, handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
			r.add(j, attempt)
			return nil
		}))
		due := t0.AddDate(1, 0, 0)
		yearAhead := notice(1)
		yearAhead.At = due
		marker := app.Job{Kind: app.JobSweep, At: due.Add(-2 * time.Minute)}
		e.enqueue(t, yearAhead, marker)
		if d := e.depth(t); d["scheduled"] != 2 {
			t.Fatalf("depth %v, want 2 scheduled", d)
		}
		e.clock.Set(due.Add(-time.Minute))
		e.completed(t, 1, nil)
		if got := r.get(yearAhead); len(got) != 0 {
			t.Fatalf("the job a year ahead ran a minute early: %v", got)
		}
		if d := e.depth(t); d["scheduled"] != 1 {
			t.Fatalf("depth %v, want the year-ahead job still scheduled", d)
		}
		e.clock.Set(due.Add(time.Second))
		e.completed(t, 2, nil)
		if got := r.get(yearAhead); len(got) != 1 {
			t.Errorf("the year-ahead job: attempts %v, want one", got)
		}
	})
}

// TestEnqueueNeedsTheStoresTransaction: a ledger.Tx of another kind is
// refused with a plain error, not a panic.
func TestEnqueueNeedsTheStoresTransaction(t *testing.T) {
	db := openSQLite(t)
	q, err := queue.NewSQLite(db, handlerFunc(nil), queue.Config{InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = q.Enqueue(t.Context(), otherTx{}, []app.Job{notice(1)})
	if err == nil {
		t.Fatal("Enqueue accepted a foreign transaction")
	}
	t.Log(err)
}

// otherTx is a ledger.Tx that is no store's.
type otherTx struct{ ledger.Tx }

// observed records Config.Observe's calls.
type observed struct {
	mu  sync.Mutex
	got []string // kind/outcome
}

func (o *observed) observe(kind, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, kind+"/"+outcome)
}

func (o *observed) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got...)
}

// TestRetriesAndOutcomes: a notice that always fails is tried five times
// and discarded (Observe: four retries, then failed); a webhook that fails
// once waits for the webhook backoff (retryable, not available at once as
// River's default 1 s backoff would make it) and then succeeds.
func TestRetriesAndOutcomes(t *testing.T) {
	each(t, func(t *testing.T, b backend) {
		var r runs
		var obs observed
		store, newQ := b.open(t)
		clock := &fakeClock{now: t0}
		q, err := newQ(handlerFunc(func(ctx context.Context, j app.Job, attempt int, done app.Done) error {
			r.add(j, attempt)
			if j.Kind == app.JobNotice || attempt == 1 {
				return errors.New("receiver down")
			}
			return nil
		}), queue.Config{Now: clock.Now, PollInterval: 20 * time.Millisecond, Logger: quiet, Observe: obs.observe})
		if err != nil {
			t.Fatal(err)
		}
		startQueue(t, q)
		e := &env{store: store, q: q, clock: clock}
		hook := app.Job{Kind: app.JobWebhook, Notification: "n1", Endpoint: "e1"}
		e.enqueue(t, hook)
		eventually(t, "the webhook's retry to wait", func() bool { return e.depth(t)["retryable"] == 1 }, nil)
		clock.Add(11 * time.Second)
		e.completed(t, 1, nil)
		if got := r.get(hook); len(got) != 2 {
			t.Errorf("webhook attempts %v, want [1 2]", got)
		}
		bad := notice(1)
		e.enqueue(t, bad)
		eventually(t, "the failing notice to be discarded", func() bool { return e.depth(t)["discarded"] == 1 },
			func() { clock.Add(10 * time.Minute) })
		if got := r.get(bad); len(got) != 5 || got[4] != 5 {
			t.Errorf("failing notice attempts %v, want 1…5", got)
		}
		want := []string{"webhook/retry", "webhook/ok", "notice/retry", "notice/retry", "notice/retry", "notice/retry", "notice/failed"}
		if got := obs.list(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("observed %v, want %v", got, want)
		}
	})
}
