// Package postgres is the PostgreSQL ledger.Store, for running several
// recert servers on one database. It uses github.com/jackc/pgx/v5 through a
// connection pool.
//
// Transactions run at READ COMMITTED. What must hold across servers is
// made safe by single statements that lock the rows they change and
// re-check their condition on the newest row version: a stream's version
// moves by compare-and-set, and a seat is taken by an upsert that only
// increments below the center's capacity. View runs at REPEATABLE READ,
// read only, so that everything it reads is one snapshot.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/recert/recert/ledger"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_xact_lock key that serializes
// migrations, so that servers starting together on one database migrate
// once. Advisory locks are per database, so other databases on the same
// server do not wait.
const migrationLock int64 = 0x7265636572740001 // "recert" + 1

// maxAttempts bounds how often Update and View run fn when PostgreSQL
// reports a serialization failure or a deadlock; either means the work
// can simply be done again.
const maxAttempts = 5

// DB is a ledger.Store on PostgreSQL. It is safe for concurrent use, also
// by several processes on one database.
type DB struct {
	pool *pgxpool.Pool
}

var _ ledger.Store = (*DB)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// DSN; pool settings such as pool_max_conns may be given in it), applies
// the migrations that are missing and returns the store.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		// Read times back in UTC, as SQLite does, rather than in the
		// process's local zone: same instant, same value.
		conn.TypeMap().RegisterType(&pgtype.Type{
			Name:  "timestamptz",
			OID:   pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// migrate applies the embedded migrations that schema_migrations does not
// list, in name order, in one transaction under an advisory lock: a server
// that starts while another migrates waits, then finds nothing to do.
// DDL is transactional in PostgreSQL, so a failed migration leaves nothing
// behind.
func (db *DB) migrate(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("postgres: migrate: begin: %w", err)
	}
	defer tx.Rollback(ctx) // after Commit this is a no-op
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrate: schema_migrations: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrate: read applied: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("postgres: migrate: read applied: %w", err)
	}
	done := make(map[string]bool, len(applied))
	for _, v := range applied {
		done[v] = true
	}
	for _, name := range names {
		version := strings.TrimSuffix(name, ".sql")
		if done[version] {
			continue
		}
		src, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		// Without arguments pgx uses the simple protocol, which runs a
		// file of several statements.
		if _, err := tx.Exec(ctx, string(src)); err != nil {
			return fmt.Errorf("postgres: migrate %s: %w", name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", version); err != nil {
			return fmt.Errorf("postgres: migrate %s: record: %w", name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: commit: %w", err)
	}
	return nil
}

// migrationNames lists the embedded migration files in the order they
// apply.
func migrationNames() ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Update runs fn in a READ COMMITTED read-write transaction and commits
// when fn returns nil. fn runs again (at most maxAttempts times in all)
// when PostgreSQL reports a serialization failure or deadlock.
func (db *DB) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite}, fn)
}

// View runs fn in a REPEATABLE READ read-only transaction: every query fn
// makes sees the same snapshot, so a stream and its read models agree.
// Read-only transactions never fail to serialize at this level.
func (db *DB) View(ctx context.Context, fn func(ledger.Tx) error) error {
	return db.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Ready answers nil once the database answers and every embedded
// migration is recorded as applied.
func (db *DB) Ready(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	var n int
	err = db.pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n)
	if err != nil {
		return fmt.Errorf("postgres: not ready: %w", err)
	}
	if n < len(names) {
		return fmt.Errorf("postgres: not ready: %d of %d migrations applied", n, len(names))
	}
	return nil
}

// Pool is the store's connection pool, for a part of the process that
// works on the same database outside Update (the work queue: River runs
// its own transactions and listens for notifications on it).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool, waiting for connections in use to be returned.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// run is Update and View: one attempt after another while the failure is
// one that retrying cures, with a short randomized pause so that the
// transactions that collided do not collide again.
func (db *DB) run(ctx context.Context, opts pgx.TxOptions, fn func(ledger.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.attempt(ctx, opts, fn)
		if err == nil || attempt >= maxAttempts || !retryable(err) {
			return err
		}
		pause := time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// attempt runs fn once in a transaction. Errors from fn are returned as
// they are, so that callers can still match ledger errors with errors.Is.
func (db *DB) attempt(ctx context.Context, opts pgx.TxOptions, fn func(ledger.Tx) error) error {
	ptx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer ptx.Rollback(ctx) // after Commit this is a no-op; on error the connection is discarded
	if err := fn(&tx{tx: ptx, write: opts.AccessMode != pgx.ReadOnly}); err != nil {
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// retryable reports whether err is a serialization failure or deadlock.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40001" || pgErr.Code == "40P01"
}

// isUniqueViolation reports whether err is a unique_violation on the named
// constraint (any, when constraint is empty).
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return false
	}
	return constraint == "" || pgErr.ConstraintName == constraint
}

// limit turns a page size into a LIMIT argument: NULL (no limit) when the
// caller gives none.
func limit(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}
