package queue

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
)

// migrateLock is the advisory lock key that serializes River's migrations
// across processes: rivermigrate takes no lock of its own, so two servers
// starting at once would both try to create River's tables.
const migrateLock = 0x72656365_72697672 // "recerivr"

// NewPostgres makes the queue on db's database, running River's
// migrations up first under an advisory lock: a second process starting
// at the same time waits, then finds them applied.
func NewPostgres(db *postgres.DB, h Handler, cfg Config) (*Queue, error) {
	pool := db.Pool()
	driver := riverpgxv5.New(pool)
	if err := migratePostgres(pool, driver); err != nil {
		return nil, err
	}
	q := newQueue(h, cfg)
	if err := build(q, driver, pgxTx, false); err != nil {
		return nil, fmt.Errorf("queue: postgres: %w", err)
	}
	q.counts = func(ctx context.Context) (map[string]int, error) {
		rows, err := pool.Query(ctx, depthSQL)
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		return counts, scanCounts(pgRows{rows}, counts)
	}
	return q, nil
}

func migratePostgres(pool *pgxpool.Pool, driver *riverpgxv5.Driver) error {
	ctx, cancel := context.WithTimeout(context.Background(), migrateTimeout)
	defer cancel()
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("queue: postgres: river migrations: %w", err)
	}
	// A session lock on a connection of its own, not a transaction's: a
	// River migration adds enum values, which PostgreSQL lets no later
	// statement of the same transaction use, so rivermigrate runs each
	// migration in a transaction of its own. The lock ends with the
	// session, should this process die holding it.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("queue: postgres: river migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("queue: postgres: river migrations: lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock)); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) // ending the session ends the lock
		}
	}()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue: postgres: river migrations: %w", err)
	}
	return nil
}

// pgxTx is the pgx transaction of a ledger/postgres Update.
func pgxTx(ltx ledger.Tx) (pgx.Tx, error) {
	p, ok := ltx.(interface{ PgxTx() pgx.Tx })
	if !ok || p.PgxTx() == nil {
		return nil, fmt.Errorf("queue: %T: %w (want ledger/postgres's)", ltx, errNotRaw)
	}
	return p.PgxTx(), nil
}

// pgRows gives pgx.Rows the Close that scanCounts expects.
type pgRows struct{ pgx.Rows }

func (r pgRows) Close() error {
	r.Rows.Close()
	return nil
}
