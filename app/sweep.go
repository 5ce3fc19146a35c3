package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
)

// sweepCursor names the sweep's position among the import positions: the
// Due up to which every notice has been queued.
const sweepCursor = "worker:notice-sweep"

// sweepPage is how many notices one read of the sweep takes, and how many
// jobs one transaction of it queues.
const sweepPage = 2000

// StartSweep queues a sweep now, unless one is queued for this moment
// already: serve and worker call it when they start, so that notices that
// fell due while nothing ran are sent. Sweeps run on a grid of sweepEvery,
// so the chains of two processes on one database meet in one job.
func (a *App) StartSweep(ctx context.Context) error {
	if a.queue == nil {
		return nil
	}
	at := a.now().UTC().Truncate(a.sweepEvery)
	return a.system(ctx, func(tx ledger.Tx) error {
		return storeErr(a.queue.Enqueue(ctx, tx, []Job{{Kind: JobSweep, At: at}}), "queue")
	})
}

// sweep queues a job for every notice that falls due between the cursor and
// now plus the horizon, reading the index of the notices read model, never
// the streams; then it moves the cursor and queues the next sweep, in the
// transaction that completes this one. Of the notices already due it
// queues only the last of each (candidate, kind, subject) that has not
// lapsed: a certification imported ten days before it expires gets one
// reminder, not five. The job itself asks the engine again under the lock.
func (a *App) sweep(ctx context.Context, done Done) error {
	now := a.now().UTC()
	to := now.Add(a.sweepHorizon)
	var from time.Time
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		pos, err := tx.ImportPosition(ctx, sweepCursor)
		if pos > 0 {
			from = time.UnixMicro(pos).UTC()
		}
		return storeErr(err, "sweep position")
	})
	if err != nil {
		return err
	}
	jobs, err := a.dueJobs(ctx, from, to, now)
	if err != nil {
		return err
	}
	for len(jobs) > sweepPage {
		batch := jobs[:sweepPage]
		if err := a.system(ctx, func(tx ledger.Tx) error {
			return storeErr(a.queue.Enqueue(ctx, tx, batch), "queue")
		}); err != nil {
			return err
		}
		jobs = jobs[sweepPage:]
	}
	next := now.Truncate(a.sweepEvery).Add(a.sweepEvery)
	return a.system(ctx, func(tx ledger.Tx) error {
		all := append(jobs[:len(jobs):len(jobs)], Job{Kind: JobSweep, At: next})
		if err := a.queue.Enqueue(ctx, tx, all); err != nil {
			return storeErr(err, "queue")
		}
		if !to.After(from) {
			return done(ctx, tx)
		}
		if err := tx.SetImportPosition(ctx, sweepCursor, to.UnixMicro()); err != nil {
			return storeErr(err, "sweep position")
		}
		return done(ctx, tx)
	})
}

// dueJobs reads the notices with from < Due <= to and returns their jobs.
func (a *App) dueJobs(ctx context.Context, from, to, now time.Time) ([]Job, error) {
	type family struct{ candidate, kind, subject string }
	latest := map[family]int{} // index in jobs of the family's last notice already due
	var jobs []Job
	var after ledger.Notice
	for {
		var page []ledger.Notice
		err := a.store.View(ctx, func(tx ledger.Tx) error {
			var err error
			page, err = tx.DueNotices(ctx, from, to, after, sweepPage)
			return storeErr(err, "due notices")
		})
		if err != nil {
			return nil, err
		}
		for _, n := range page {
			if lapsed(n, now) {
				continue
			}
			j := Job{Kind: JobNotice, Notice: identity(n), At: n.Due}
			if n.Due.After(now) {
				jobs = append(jobs, j)
				continue
			}
			f := family{n.Candidate, n.Kind, n.Subject}
			if i, ok := latest[f]; ok {
				jobs[i] = j // ordered by Due: this one supersedes it
				continue
			}
			latest[f] = len(jobs)
			jobs = append(jobs, j)
		}
		if len(page) < sweepPage {
			return jobs, nil
		}
		after = page[len(page)-1]
	}
}
