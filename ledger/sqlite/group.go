package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recert/recert/ledger"
)

// Group commit.
//
// Every commit waits for an fsync of the WAL (synchronous=FULL): that is
// what makes an acknowledged booking survive a power failure. A commit,
// the transaction's pages written to the WAL and one fsync, costs several
// times a booking's own work (about 2 ms against 0.4 ms on the project's
// machine, see docs/performance.md). So the Updates waiting for the one
// writer connection share a transaction: the writer begins it, runs each
// waiting fn inside its own SAVEPOINT, and commits once, with one fsync,
// for all of them. The writer never waits for a group to fill: it takes
// whatever is queued when it is free, so a lone Update commits at once.
//
// Each Update is still all-or-nothing: a fn that returns an error (or
// panics) is rolled back to its savepoint, and its group-mates commit
// without it. If the group as a whole fails (COMMIT fails, or a savepoint
// cannot be rolled back because SQLite ended the transaction itself, as it
// does on SQLITE_FULL or an I/O error), the writer rolls everything back
// and runs each member again alone, in its own transaction, so that each
// caller gets the answer of its own work. ledger.Store allows this: a store
// may retry fn, and fn has no effects outside tx. A member's fn sees the
// uncommitted writes of the members before it in its group, as it would
// see them committed had it run just after them; a caller learns its
// result only once that state is committed.
//
// fn runs on its caller's goroutine (the writer hands the connection over
// and waits), so a panic or a t.FailNow in fn unwinds where it started, and
// the caller's context is the caller's. The caller's context is checked
// before each statement, not handed to the driver: the driver interrupts a
// cancelled statement with sqlite3_interrupt, and SQLite may answer that
// by rolling back the whole transaction, the group-mates' work included.
// Code that runs its own statements in fn's transaction (the work queue,
// through SQLTx) must do the same: context.WithoutCancel.
//
// The writer takes the pool's one connection for each group (BeginTx; the
// DSN's _txlock=immediate makes it BEGIN IMMEDIATE) and gives it back at
// COMMIT, so that River, which runs its own transactions on the same
// *sql.DB (WriterDB), waits for the connection in database/sql between
// groups instead of failing with SQLITE_BUSY on SQLite's write lock. The
// statements stay prepared across groups: they are prepared on the pool,
// whose one connection keeps them, and bound to each transaction with
// StmtContext.

// maxGroup bounds how many Updates share one transaction, and so how long
// the first of them waits for the commit.
const maxGroup = 64

// groupCommit is whether Updates share transactions at all. It is a
// variable so that the tests can check that they fail without it.
var groupCommit = true

// Stats counts what the writer did since Open.
type Stats struct {
	Commits   int64 // transactions committed
	Committed int64 // Update calls whose writes were committed
	Retried   int64 // Update calls run again alone after their group failed
}

// Stats reports the writer's counters: Committed/Commits is the mean group
// size.
func (db *DB) Stats() Stats {
	return Stats{Commits: db.w.commits.Load(), Committed: db.w.committed.Load(), Retried: db.w.retried.Load()}
}

// writer runs the groups on the writer pool's one connection. Between
// groups the connection is back in the pool, so that another user of the
// same *sql.DB (River, see WriterDB) waits for it in database/sql instead
// of racing for SQLite's write lock.
type writer struct {
	db    *sql.DB
	cur   *sql.Tx // the transaction being run; touched by the writer and the member whose turn it is
	queue chan *member

	mu     sync.RWMutex // held for reading while enqueuing, for writing by close
	closed bool
	stop   chan struct{}
	exited chan struct{}

	// stmts are prepared on db; a transaction binds them with
	// tx.StmtContext, which reuses the statement already prepared on the
	// one connection. A query first seen inside a transaction runs
	// unprepared (preparing on db would wait for the connection the
	// transaction holds) and is prepared once the group is over.
	stmts  *stmtCache
	misses []string

	commits, committed, retried atomic.Int64
}

// errClosed answers an Update on a closed DB.
var errClosed = errors.New("ledger/sqlite: update: the database is closed")

// member states: a member is claimed by the writer (queued → running)
// just before its first turn, or abandoned by its caller whose context
// ended first (queued → abandoned); never both.
const (
	queued int32 = iota
	running
	abandoned
)

// member is one Update call.
type member struct {
	ctx   context.Context
	fn    func(ledger.Tx) error
	state atomic.Int32
	wake  chan wake    // writer → caller: run fn now, or here is your result
	back  chan outcome // caller → writer: fn has returned (or panicked)
	gone  bool         // fn panicked: its caller is unwinding and gets nothing more
	err   error        // what fn returned in the group
}

type wake struct {
	turn bool
	err  error // the result, when !turn
}

type outcome struct {
	err      error
	panicked bool
}

func newWriter(db *sql.DB) *writer {
	w := &writer{db: db, queue: make(chan *member, 1024), stop: make(chan struct{}), exited: make(chan struct{}),
		stmts: newStmtCache(db)}
	go w.loop()
	return w
}

// update is DB.Update: queue, wait for a turn, run fn, wait for the result.
func (w *writer) update(ctx context.Context, fn func(ledger.Tx) error) error {
	m := &member{ctx: ctx, fn: fn, wake: make(chan wake, 1), back: make(chan outcome, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	w.queue <- m
	w.mu.RUnlock()
	// Until its first turn the caller may give up; once the writer has
	// claimed it, the wait is for the members ahead of it in its group
	// and one commit.
	select {
	case wk := <-m.wake:
		return w.serve(m, wk)
	case <-ctx.Done():
		if m.state.CompareAndSwap(queued, abandoned) {
			return fmt.Errorf("ledger/sqlite: update: %w", ctx.Err())
		}
		return w.serve(m, <-m.wake)
	}
}

// serve runs fn at every turn the writer gives (the second, if any, is a
// retry alone after its group failed) until the result comes.
func (w *writer) serve(m *member, wk wake) error {
	for wk.turn {
		m.back <- w.runFn(m)
		wk = <-m.wake
	}
	return wk.err
}

// runFn runs fn on the caller's goroutine. If fn panics or calls
// runtime.Goexit, the deferred send tells the writer (which rolls fn's
// work back) and the unwinding goes on, with fn's own stack.
func (w *writer) runFn(m *member) (o outcome) {
	finished := false
	defer func() {
		if !finished {
			m.back <- outcome{panicked: true}
		}
	}()
	err := m.ctx.Err()
	if err == nil {
		err = m.fn(&tx{tx: connTx{tx: cachedTx{Tx: w.cur, cache: w.stmts, misses: &w.misses}}})
	}
	finished = true
	return outcome{err: err}
}

// loop takes whatever is queued (up to maxGroup) as one group, until close.
func (w *writer) loop() {
	defer close(w.exited)
	batch := make([]*member, 0, maxGroup)
	for {
		select {
		case m := <-w.queue:
			batch = append(batch[:0], m)
		case <-w.stop:
			for {
				select {
				case m := <-w.queue:
					if m.state.CompareAndSwap(queued, running) {
						m.wake <- wake{err: errClosed}
					}
				default:
					return
				}
			}
		}
	more:
		for groupCommit && len(batch) < maxGroup {
			select {
			case m := <-w.queue:
				batch = append(batch, m)
			default:
				break more
			}
		}
		w.group(batch)
		clear(batch) // let the members be collected
		if len(w.misses) > 0 {
			w.stmts.warm(context.Background(), w.misses)
			w.misses = w.misses[:0]
		}
	}
}

// group runs the members in one transaction, each in a savepoint, and
// delivers every result after the commit; if the transaction fails as a
// whole, each member runs again alone.
func (w *writer) group(batch []*member) {
	if len(batch) == 1 {
		if batch[0].state.CompareAndSwap(queued, running) {
			w.alone(batch[0])
		}
		return
	}
	if err := w.begin(); err != nil {
		// Most likely SQLITE_BUSY (another process writing): alone
		// retries, and reports to each caller.
		for _, m := range batch {
			if m.state.CompareAndSwap(queued, running) {
				w.alone(m)
			}
		}
		return
	}
	ran, broken := 0, false
	for _, m := range batch {
		if !m.state.CompareAndSwap(queued, running) {
			continue // its caller gave up before its turn
		}
		batch[ran] = m
		ran++
		if err := w.exec(`SAVEPOINT g`); err != nil {
			m.err, broken = err, true
			break
		}
		m.wake <- wake{turn: true}
		o := <-m.back
		m.gone, m.err = o.panicked, o.err
		var err error
		if o.panicked || o.err != nil {
			err = w.exec(`ROLLBACK TO g`)
		}
		if err == nil {
			err = w.exec(`RELEASE g`)
		}
		// A busy error inside fn is worth a retry alone (alone does it),
		// as it was before group commit.
		if err != nil || isBusy(o.err) {
			broken = true
			break
		}
	}
	// Members after a break were never claimed: they go alone.
	rest := batch[ran:]
	batch = batch[:ran]
	if !broken {
		if err := w.commit(); err != nil {
			broken = true
		}
	}
	if broken {
		w.rollback() // there may be no transaction left to roll back
		for _, m := range batch {
			if !m.gone {
				w.retried.Add(1)
				w.alone(m)
			}
		}
	} else {
		w.commits.Add(1)
		for _, m := range batch {
			if !m.gone {
				if m.err == nil {
					w.committed.Add(1)
				}
				m.wake <- wake{err: m.err}
			}
		}
	}
	for _, m := range rest {
		if m.state.CompareAndSwap(queued, running) {
			w.alone(m)
		}
	}
}

// alone runs one claimed member in a transaction of its own, again (after
// a short pause) while SQLite reports SQLITE_BUSY, as Update always did.
func (w *writer) alone(m *member) {
	for attempt := 1; ; attempt++ {
		err := w.once(m)
		if m.gone {
			return
		}
		if err == nil || !isBusy(err) || attempt == maxAttempts || m.ctx.Err() != nil {
			m.wake <- wake{err: err}
			return
		}
		time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
	}
}

func (w *writer) once(m *member) error {
	if err := w.begin(); err != nil {
		return err
	}
	m.wake <- wake{turn: true}
	o := <-m.back
	m.gone = o.panicked
	if o.panicked || o.err != nil {
		w.rollback() // fn's error is the one to report
		return o.err
	}
	if err := w.commit(); err != nil {
		return fmt.Errorf("ledger/sqlite: commit: %w", err)
	}
	w.commits.Add(1)
	w.committed.Add(1)
	return nil
}

// begin starts a write transaction on the pool's one connection, holding
// the write lock from the start: the pool's DSN has _txlock=immediate, so
// BeginTx is BEGIN IMMEDIATE (see the package comment). Its context is
// Background: database/sql rolls a transaction back when the context of
// BeginTx ends, and this one carries other callers' work.
func (w *writer) begin() error {
	t, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: begin: %w", err)
	}
	w.cur = t
	return nil
}

// commit commits the current transaction, and with it gives the connection
// back to the pool. A failed COMMIT leaves no transaction open: the driver
// rolls back what SQLite kept (modernc.org/sqlite's tx.Commit).
func (w *writer) commit() error {
	t := w.cur
	w.cur = nil
	return t.Commit()
}

// rollback ends the current transaction, if SQLite has not already.
func (w *writer) rollback() {
	if w.cur != nil {
		_ = w.cur.Rollback()
		w.cur = nil
	}
}

// exec runs one of the writer's own statements (SAVEPOINT, RELEASE,
// ROLLBACK TO) in the current transaction.
func (w *writer) exec(query string) error {
	_, err := w.cur.ExecContext(context.Background(), query)
	return err
}

// close fails the Updates still queued and stops the writer; the Updates
// in the group being run finish first.
func (w *writer) close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	close(w.stop)
	w.mu.Unlock()
	<-w.exited
	w.stmts.close()
	return nil
}

// connTx runs fn's statements in the transaction the writer began,
// through the writer's statement cache. It checks the caller's context
// before each statement and runs the statement without it (see the comment
// at the top).
type connTx struct{ tx cachedTx }

func (c connTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (c connTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (c connTx) QueryRowContext(ctx context.Context, query string, args ...any) scanner {
	if err := ctx.Err(); err != nil {
		return errRow{err}
	}
	return c.tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

func (c connTx) sqlTx() *sql.Tx { return c.tx.Tx }

// errRow is a row that was not queried.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
