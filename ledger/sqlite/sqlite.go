// Package sqlite is the ledger.Store on SQLite, through modernc.org/sqlite:
// pure Go, so `go run ./cmd/recert serve` needs nothing but a Go toolchain.
//
// The database runs in WAL mode, so readers never wait for the writer. All
// writes go through one connection (a *sql.DB capped at one open
// connection) whose transactions start with BEGIN IMMEDIATE: transactions
// of this process queue in Go instead of racing for SQLite's write lock and
// failing with SQLITE_BUSY, and a transaction that reads before it writes
// holds the lock from its start, so it can never fail to upgrade halfway.
// Reads (View) use a separate pool of query-only connections.
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

// maxAttempts bounds how often Update and View run fn when SQLite still
// reports SQLITE_BUSY after busyTimeout.
const maxAttempts = 4

// DB is a ledger.Store on one SQLite database file.
type DB struct {
	path   string
	writer *sql.DB // one connection: writes are serialized here
	reader *sql.DB // query-only connections for View
	stmts  map[*sql.DB]*stmtCache
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
		"_synchronous":  {"NORMAL"},
		"_txlock":       {"immediate"},
	}))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: open %s: %w", path, err)
	}
	// One connection that lives as long as the DB: a new connection would
	// be cheap, but keeping one avoids reapplying the pragmas on each.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	if err := migrate(ctx, writer); err != nil {
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
	return &DB{path: path, writer: writer, reader: reader,
		stmts: map[*sql.DB]*stmtCache{writer: newStmtCache(writer), reader: newStmtCache(reader)}}, nil
}

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
// and commits when fn returns nil. fn must not call Update itself: the
// writer is busy with the outer transaction, so the inner call would wait
// forever.
func (db *DB) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.run(ctx, db.writer, false, fn)
}

// View runs fn in a read transaction: one consistent snapshot, however many
// reads fn makes, while writers go on.
func (db *DB) View(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.run(ctx, db.reader, true, fn)
}

// run runs fn in a transaction on pool, again (after a short pause) if
// SQLite reports SQLITE_BUSY; any other error, ledger.ErrFull and
// ledger.ErrConflict included, goes back to the caller at once.
func (db *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(ledger.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.once(ctx, pool, readOnly, fn)
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

func (db *DB) once(ctx context.Context, pool *sql.DB, readOnly bool, fn func(ledger.Tx) error) error {
	var misses []string
	err := db.attempt(ctx, pool, readOnly, fn, &misses)
	// The transaction has ended, so its connection is free again: prepare
	// the statements it ran unprepared, for the transactions to come.
	if len(misses) > 0 {
		db.stmts[pool].warm(context.WithoutCancel(ctx), misses)
	}
	return err
}

func (db *DB) attempt(ctx context.Context, pool *sql.DB, readOnly bool, fn func(ledger.Tx) error, misses *[]string) error {
	sqlTx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("ledger/sqlite: begin: %w", err)
	}
	// Roll back on every way out but a commit, a panic in fn included:
	// a transaction left open would hold the only writer connection and
	// stop every later Update.
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(&tx{tx: cachedTx{Tx: sqlTx, cache: db.stmts[pool], misses: misses}, readOnly: readOnly}); err != nil {
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

// Close closes both pools; the last connection to close checkpoints the
// WAL into the database file.
func (db *DB) Close() error {
	for _, c := range db.stmts {
		c.close()
	}
	return errors.Join(db.reader.Close(), db.writer.Close())
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
