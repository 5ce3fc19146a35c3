// Package queue is the work queue (app.Queue) on River, in the ledger's own
// database and transactions: a job is inserted in the ledger Update of the
// write it follows from, and completed in the Update of the work it did,
// so neither can commit without the other.
//
// On SQLite River shares the ledger's one writer connection
// ((*sqlite.DB).WriterDB): River's own transactions wait for it in
// database/sql between the ledger's groups of Updates, instead of racing
// for SQLite's write lock. On PostgreSQL River uses the ledger's pool, and
// several processes (`recert worker`) may work one database: River locks
// each job for one of them.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// Handler does the work of one job (app.App implements it). done completes
// the job inside a ledger transaction; the handler calls it in the Update
// that records what the job did, so both commit or neither does. An error
// makes River run the job again later (with backoff) until its attempts
// are spent; a nil return without done also completes the job, outside
// any ledger transaction.
type Handler interface {
	Work(ctx context.Context, j app.Job, attempt int, done app.Done) error
}

// Config tunes a Queue; the zero value is production's.
type Config struct {
	// Now is the queue's clock: when a scheduled job is due, when a failed
	// one is tried again. Nil is the wall clock (and the database's).
	// Tests set it to walk years in seconds.
	Now func() time.Time
	// PollInterval is how often a worker looks for jobs that became due
	// (default 1 s). River's scheduler, which makes scheduled jobs
	// available, runs every 5 s whatever this says (River does not export
	// that interval).
	PollInterval time.Duration
	// Workers is how many jobs run at once in this process (default 10).
	Workers int
	// Logger receives River's logs and the queue's (default slog.Default).
	Logger *slog.Logger
	// Observe, when set, is told the kind, outcome (OutcomeOK,
	// OutcomeRetry, OutcomeFailed) and duration of every job run here.
	// The outcome is the handler's return: one that fails after its done
	// committed is counted a retry, though River keeps the job completed.
	Observe func(kind, outcome string, d time.Duration)
	// InsertOnly makes a queue that inserts jobs but never works them
	// (`recert serve --no-worker`): Start and Stop do nothing.
	InsertOnly bool
}

// Queue is app.Queue on River, and the workers that run its jobs.
type Queue struct {
	cfg Config
	h   Handler
	log *slog.Logger

	insert  func(ctx context.Context, tx ledger.Tx, params []river.InsertManyParams) error
	start   func(ctx context.Context) error
	stop    func(ctx context.Context) error
	cancel  func(ctx context.Context) error
	counts  func(ctx context.Context) (map[string]int, error)
	list    func(ctx context.Context, states ...rivertype.JobState) ([]*rivertype.JobRow, error)
	retry   func(ctx context.Context, id int64) error
	started bool
}

var _ app.Queue = (*Queue)(nil)

func (q *Queue) now() time.Time {
	if q.cfg.Now != nil {
		return q.cfg.Now()
	}
	return time.Now()
}

// Enqueue inserts jobs in tx, which must be an Update's transaction of the
// store the queue was made with. A job whose identity River holds already
// (in any state, until River cleans its row away) is not inserted again.
func (q *Queue) Enqueue(ctx context.Context, tx ledger.Tx, jobs []app.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("queue: enqueue: %w", err)
	}
	now := q.now()
	params := make([]river.InsertManyParams, 0, len(jobs))
	seen := make(map[string]bool, len(jobs))
	for i, j := range jobs {
		p, err := insertParams(j, now)
		if err != nil {
			return fmt.Errorf("queue: enqueue job %d of %d: %w", i+1, len(jobs), err)
		}
		// River refuses a batch holding one identity twice; the second
		// would be skipped anyway.
		if k := p.Args.(jobArgs).key(); !seen[k] {
			seen[k] = true
			params = append(params, p)
		}
	}
	// Without cancel: on SQLite a statement interrupted by a cancelled
	// context can roll back the ledger's whole group of Updates.
	if err := q.insert(context.WithoutCancel(ctx), tx, params); err != nil {
		return fmt.Errorf("queue: enqueue %d jobs: %w", len(params), err)
	}
	return nil
}

// Start starts the workers. ctx should last as long as the queue: River
// stops working when it ends. Stop is the graceful way out.
func (q *Queue) Start(ctx context.Context) error {
	if q.cfg.InsertOnly {
		return nil
	}
	if err := q.start(ctx); err != nil {
		return fmt.Errorf("queue: start: %w", err)
	}
	q.started = true
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish. If
// ctx ends first, it cancels their contexts and waits for them to return:
// their jobs are not completed, and River runs them again (a job whose
// process died instead is rescued after RescueStuckJobsAfter, an hour).
func (q *Queue) Stop(ctx context.Context) error {
	if !q.started {
		return nil
	}
	err := q.stop(ctx)
	if err != nil && ctx.Err() != nil {
		err = q.cancel(context.WithoutCancel(ctx))
	}
	if err != nil {
		return fmt.Errorf("queue: stop: %w", err)
	}
	q.started = false
	return nil
}

// Depth counts River's jobs by state (available, scheduled, running,
// retryable, completed, discarded, …), for the queue-depth gauge.
func (q *Queue) Depth(ctx context.Context) (map[string]int, error) {
	m, err := q.counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue: depth: %w", err)
	}
	return m, nil
}

// depthSQL counts River's jobs by state, on either database.
const depthSQL = `SELECT state, count(*) FROM river_job GROUP BY state`

// build makes the River client and its workers for driver, whose
// transaction type T the raw function finds in a ledger.Tx.
func build[D riverdriver.Driver[T], T any](q *Queue, driver D, raw func(ledger.Tx) (T, error), pollOnly bool) error {
	workers := river.NewWorkers()
	if err := errors.Join(
		river.AddWorkerSafely(workers, &worker[D, T, noticeArgs]{q: q, raw: raw}),
		river.AddWorkerSafely(workers, &worker[D, T, credentialArgs]{q: q, raw: raw}),
		river.AddWorkerSafely(workers, &worker[D, T, credentialStatusArgs]{q: q, raw: raw}),
		river.AddWorkerSafely(workers, &worker[D, T, signInArgs]{q: q, raw: raw}),
		river.AddWorkerSafely(workers, &worker[D, T, webhookArgs]{q: q, raw: raw}),
		river.AddWorkerSafely(workers, &worker[D, T, sweepArgs]{q: q, raw: raw}),
	); err != nil {
		return err
	}
	poll := cmp(q.cfg.PollInterval, time.Second)
	rc := &river.Config{
		Logger:            q.log,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, river.FetchCooldownDefault),
		PollOnly:          pollOnly,
		Workers:           workers,
	}
	if !q.cfg.InsertOnly {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp(q.cfg.Workers, 10)}}
	}
	if q.cfg.Now != nil {
		rc.Test.Time = clock(q.cfg.Now)
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return err
	}
	q.insert = func(ctx context.Context, tx ledger.Tx, params []river.InsertManyParams) error {
		t, err := raw(tx)
		if err != nil {
			return err
		}
		_, err = client.InsertManyTx(ctx, t, params)
		return err
	}
	q.start, q.stop, q.cancel = client.Start, client.Stop, client.StopAndCancel
	q.list = func(ctx context.Context, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
		res, err := client.JobList(ctx, river.NewJobListParams().States(states...).First(10_000))
		if err != nil {
			return nil, err
		}
		return res.Jobs, nil
	}
	q.retry = func(ctx context.Context, id int64) error {
		_, err := client.JobRetry(ctx, id)
		return err
	}
	return nil
}

// RunDue makes every scheduled or retryable job whose time has come by the
// queue's clock available now, and says how many it moved. River's own
// scheduler does this every 5 seconds of wall time; a test that moves its
// clock by months calls RunDue instead of waiting for it.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	jobs, err := q.list(ctx, rivertype.JobStateScheduled, rivertype.JobStateRetryable)
	if err != nil {
		return 0, fmt.Errorf("queue: due jobs: %w", err)
	}
	now, n := q.now(), 0
	for _, j := range jobs {
		if j.ScheduledAt.After(now) {
			continue
		}
		if err := q.retry(ctx, j.ID); err != nil {
			return n, fmt.Errorf("queue: making job %d available: %w", j.ID, err)
		}
		n++
	}
	return n, nil
}

// Busy says whether a job is available or running, or scheduled or
// retryable with its time come by the queue's clock: whether work is left
// for now.
func (q *Queue) Busy(ctx context.Context) (bool, error) {
	jobs, err := q.list(ctx, rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable)
	if err != nil {
		return false, fmt.Errorf("queue: busy: %w", err)
	}
	now := q.now()
	for _, j := range jobs {
		switch j.State {
		case rivertype.JobStateScheduled, rivertype.JobStateRetryable:
			if !j.ScheduledAt.After(now) {
				return true, nil
			}
		default:
			return true, nil
		}
	}
	return false, nil
}

func newQueue(h Handler, cfg Config) *Queue {
	q := &Queue{cfg: cfg, h: h, log: cfg.Logger}
	if q.log == nil {
		q.log = slog.Default()
	}
	return q
}

// cmp is v, or def when v is not positive.
func cmp[N int | time.Duration](v, def N) N {
	if v > 0 {
		return v
	}
	return def
}

// clock is Config.Now as River's time generator. NowOrNil is never nil,
// so River's queries take "now" from this clock rather than the
// database's: the producer's fetch of available jobs, the scheduler, the
// created_at and scheduled_at of inserts, the completer's finalized_at.
type clock func() time.Time

func (c clock) Now() time.Time { return c() }

func (c clock) NowOrNil() *time.Time {
	t := c()
	return &t
}
