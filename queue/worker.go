package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// Outcomes reported to Config.Observe.
const (
	OutcomeOK     = "ok"     // the handler returned nil
	OutcomeRetry  = "retry"  // it failed; River runs it again later
	OutcomeFailed = "failed" // it failed its last attempt; River discards it
)

// worker runs one kind's jobs: it hands the app.Job to the Handler with a
// Done that completes the River job in the handler's own ledger
// transaction. D is the River driver and T its transaction type.
type worker[D riverdriver.Driver[T], T any, A jobArgs] struct {
	river.WorkerDefaults[A]
	q   *Queue
	raw func(ledger.Tx) (T, error)
}

// Work calls the Handler. Its error makes River retry the job (NextRetry)
// until its attempts are spent; a nil return after Done has committed the
// completion is fine (River's own completion then finds the job completed
// already and leaves it).
func (w *worker[D, T, A]) Work(ctx context.Context, job *river.Job[A]) (err error) {
	j := job.Args.job()
	done := func(dctx context.Context, ltx ledger.Tx) error {
		if err := dctx.Err(); err != nil {
			return fmt.Errorf("queue: complete %s job %d: %w", j.Kind, job.ID, err)
		}
		raw, err := w.raw(ltx)
		if err != nil {
			return fmt.Errorf("queue: complete %s job %d: %w", j.Kind, job.ID, err)
		}
		// River finds its client in the worker's context, so that is the
		// one to use (dctx need not derive from it); without cancel,
		// because on SQLite a cancelled statement can roll back the
		// ledger's whole group of Updates.
		if _, err := river.JobCompleteTx[D](context.WithoutCancel(ctx), raw, job); err != nil {
			return fmt.Errorf("queue: complete %s job %d: %w", j.Kind, job.ID, err)
		}
		return nil
	}
	start := time.Now()
	outcome := OutcomeRetry // also for a panic, which River recovers and retries
	defer func() {
		if outcome != OutcomeOK && job.Attempt >= job.MaxAttempts {
			outcome = OutcomeFailed
		}
		if w.q.cfg.Observe != nil {
			w.q.cfg.Observe(j.Kind, outcome, time.Since(start))
		}
	}()
	err = w.q.h.Work(ctx, j, job.Attempt, done)
	if err == nil {
		outcome = OutcomeOK
		return nil
	}
	if outcome = OutcomeRetry; job.Attempt >= job.MaxAttempts {
		w.q.log.WarnContext(ctx, "queue: job failed its last attempt", "kind", j.Kind, "job", job.ID, "attempt", job.Attempt, "err", err)
	}
	return fmt.Errorf("queue: %s job %d attempt %d: %w", j.Kind, job.ID, job.Attempt, err)
}

// NextRetry is when a failed webhook is tried again (webhookBackoff, by
// the queue's clock); the zero time leaves the other kinds to River's
// default policy, which reads the same clock.
func (w *worker[D, T, A]) NextRetry(job *river.Job[A]) time.Time {
	if job.Kind != app.JobWebhook {
		return time.Time{}
	}
	return w.q.now().Add(webhookBackoff(job.Attempt))
}

// errNotRaw is the error of a ledger.Tx that is not of the queue's store.
var errNotRaw = errors.New("the ledger transaction is not of the store this queue was made with")
