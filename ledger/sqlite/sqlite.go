// Package sqlite is the ledger.Store on SQLite, through modernc.org/sqlite:
// pure Go, so `go run ./cmd/recert serve` needs nothing but a Go toolchain.
//
// The database runs in WAL mode, so readers never wait for the writer, with
// synchronous=FULL: a commit returns only once the WAL is on disk, so an
// acknowledged write survives a power failure. All writes go through one
// connection whose transactions start with BEGIN IMMEDIATE: transactions
// of this process queue in Go instead of racing for SQLite's write lock and
// failing with SQLITE_BUSY, and a transaction that reads before it writes
// holds the lock from its start, so it can never fail to upgrade halfway.
// The Updates queued for that connection commit in groups, one fsync for
// several (group.go); between groups the connection is free for the work
// queue's own transactions (WriterDB). Reads (View) use a separate pool of query-only
// connections.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/recert/recert/ledger"
)

var _ ledger.Store = (*DB)(nil)

// busyTimeout is how long a connection waits for a lock held by another
// process (say `recert import` run beside `recert serve`) before SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// writerCacheKiB is the writer connection's page cache, in KiB.
const writerCacheKiB = 128 << 10

// maxAttempts bounds how often Update and View run fn when SQLite still
// reports SQLITE_BUSY after busyTimeout.
const maxAttempts = 4

// DB is a ledger.Store on one SQLite database file.
type DB struct {
	path   string
	writer *sql.DB // one connection, w's: writes are serialized here
	w      *writer
	reader *sql.DB // query-only connections for View
	stmts  *stmtCache
}

// Open opens (creating if needed) the database at path and applies the
// migrations it lacks. path must name a file: ":memory:" and "" are refused
// because every pooled connection would get its own empty database.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	writer, err := sql.Open("sqlite", dsn(path, url.Values{
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		"_txlock":       {"immediate"},
		// The one writer's page cache: SQLite's default of about 8 MiB
		// overflows in an import batch (thousands of candidates' rows in
		// the read-model tables and their indexes, the notices' due index
		// in random order), and a full cache spills dirty pages to the
		// WAL in the middle of the transaction: the import ran at a third
		// of its rate (docs/performance.md).
		"_pragma": {fmt.Sprintf("cache_size(%d)", -writerCacheKiB)},
	}))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: open %s: %w", path, err)
	}
	// One connection that lives as long as the DB; the group writer
	// takes it for each group and gives it back (group.go).
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	if err := migrateRetrying(ctx, writer); err != nil {
		return nil, errors.Join(fmt.Errorf("ledger/sqlite: open %s: %w", path, err), writer.Close())
	}

	reader, err := sql.Open("sqlite", dsn(path, url.Values{"_query_only": {"on"}}))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("ledger/sqlite: open %s for reading: %w", path, err), writer.Close())
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("ledger/sqlite: open %s for reading: %w", path, err), reader.Close(), writer.Close())
	}
	return &DB{path: path, writer: writer, w: newWriter(writer), reader: reader, stmts: newStmtCache(reader)}, nil
}

// WriterDB is the pool of the one writer connection, for a part of the
// process that must write to the same file outside Update (the work
// queue: River runs its own transactions on it). Sharing the pool is what
// keeps it from failing with SQLITE_BUSY: the group writer gives the
// connection back between groups, and whoever wants it next waits for it
// in database/sql. A transaction begun on it is BEGIN IMMEDIATE (the DSN's
// _txlock) and holds the connection, and so every Update, until it ends:
// keep such transactions short, and never begin one inside an Update's fn
// (it would wait for the connection the Update holds).
func (db *DB) WriterDB() *sql.DB { return db.writer }

// checkPath refuses names that would not be one shared database file.
func checkPath(path string) error {
	switch {
	case path == "", path == ":memory:", strings.HasPrefix(path, "file:"):
		return fmt.Errorf("ledger/sqlite: open %q: need a file path (an in-memory or URI database would differ per pooled connection; use a file in a temporary directory)", path)
	case strings.Contains(path, "?"):
		return fmt.Errorf("ledger/sqlite: open %q: a path with '?' would be read as DSN parameters", path)
	}
	return nil
}

// dsn is the driver's name for path with the pragmas every connection
// needs and the given extras. foreign_keys is per connection in SQLite, so
// it is set on each rather than once.
func dsn(path string, extra url.Values) string {
	q := url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
		"_foreign_keys": {"on"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return path + "?" + q.Encode()
}

// Update runs fn in a write transaction on the single writer connection
// and commits when fn returns nil, possibly in one transaction with other
// Updates waiting at the same time, each in its own savepoint (group.go):
// fn's writes are committed all or none, and the result is fn's own.
// SQLITE_BUSY (another process holding the write lock past busyTimeout)
// runs fn again after a short pause. fn must not call Update itself: the
// writer is busy with the outer transaction, so the inner call would wait
// forever. A caller whose ctx ends before fn has started gets ctx's error
// at once; once fn has started, Update waits for the commit.
func (db *DB) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.w.update(ctx, fn)
}

// View runs fn in a read transaction: one consistent snapshot, however many
// reads fn makes, while writers go on. Views are not grouped.
func (db *DB) View(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.run(ctx, fn)
}

// run runs fn in a read transaction, again (after a short pause) if
// SQLite reports SQLITE_BUSY; any other error goes back to the caller at
// once.
func (db *DB) run(ctx context.Context, fn func(ledger.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.once(ctx, fn)
		if err == nil || !isBusy(err) || attempt == maxAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		}
	}
}

func (db *DB) once(ctx context.Context, fn func(ledger.Tx) error) error {
	var misses []string
	err := db.attempt(ctx, fn, &misses)
	// The transaction has ended, so its connection is free again: prepare
	// the statements it ran unprepared, for the transactions to come.
	if len(misses) > 0 {
		db.stmts.warm(context.WithoutCancel(ctx), misses)
	}
	return err
}

func (db *DB) attempt(ctx context.Context, fn func(ledger.Tx) error, misses *[]string) error {
	sqlTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("ledger/sqlite: begin: %w", err)
	}
	// Roll back on every way out but a commit, a panic in fn included:
	// a transaction left open would keep its connection from the pool.
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(&tx{tx: cachedTx{Tx: sqlTx, cache: db.stmts, misses: misses}, readOnly: true}); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("ledger/sqlite: commit: %w", err)
	}
	return nil
}

// Ready answers nil when the database can be read and carries every
// migration this binary knows.
func (db *DB) Ready(ctx context.Context) error {
	var have string
	err := db.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), '') FROM schema_migrations`).Scan(&have)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: ready: %w", err)
	}
	names, err := migrationNames()
	if err != nil {
		return fmt.Errorf("ledger/sqlite: ready: %w", err)
	}
	if want := names[len(names)-1]; have != want {
		return fmt.Errorf("ledger/sqlite: ready: schema is at %q, want %q", have, want)
	}
	return nil
}

// Close stops the writer (Updates still queued fail) and closes both
// pools; the last connection to close checkpoints the WAL into the
// database file.
func (db *DB) Close() error {
	werr := db.w.close()
	db.stmts.close()
	return errors.Join(werr, db.reader.Close(), db.writer.Close())
}

// isBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY
// or one of its extended codes), the one error worth running fn again for.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// isConstraint reports whether err is a PRIMARY KEY or UNIQUE violation.
func isConstraint(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// migrateRetrying runs migrate again while SQLite answers SQLITE_BUSY.
// Two processes opening a new file at once race to put it in WAL mode and
// create schema_migrations, and SQLite reports some of those lock
// conflicts at once, without waiting out busy_timeout; every step of
// migrate is safe to run again, so waiting a little and retrying is.
func migrateRetrying(ctx context.Context, db *sql.DB) error {
	var err error
	for wait := 5 * time.Millisecond; wait < busyTimeout; wait *= 2 {
		if err = migrate(ctx, db); err == nil || !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
	return err
}
