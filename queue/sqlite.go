package queue

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// migrateTimeout bounds River's migrations at start.
const migrateTimeout = time.Minute

// NewSQLite makes the queue on db's file, running River's migrations up
// first (in one BEGIN IMMEDIATE transaction, so two processes opening the
// file at once apply them once). It must not be called inside an Update.
//
// River polls for jobs (PollOnly) instead of polling its notification
// table every 50 ms: every River query takes the one writer connection
// from the ledger's Updates.
func NewSQLite(db *sqlite.DB, h Handler, cfg Config) (*Queue, error) {
	pool := db.WriterDB()
	driver := riversqlite.New(pool)
	if err := migrateSQLite(pool, driver); err != nil {
		return nil, err
	}
	q := newQueue(h, cfg)
	if err := build(q, driver, sqliteTx, true); err != nil {
		return nil, fmt.Errorf("queue: sqlite: %w", err)
	}
	q.counts = func(ctx context.Context) (map[string]int, error) {
		counts := map[string]int{}
		err := db.View(ctx, func(ltx ledger.Tx) error {
			t, err := sqliteTx(ltx)
			if err != nil {
				return err
			}
			rows, err := t.QueryContext(ctx, depthSQL)
			if err != nil {
				return err
			}
			return scanCounts(rows, counts)
		})
		return counts, err
	}
	return q, nil
}

func migrateSQLite(pool *sql.DB, driver *riversqlite.Driver) error {
	ctx, cancel := context.WithTimeout(context.Background(), migrateTimeout)
	defer cancel()
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("queue: sqlite: river migrations: %w", err)
	}
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: sqlite: river migrations: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue: sqlite: river migrations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: sqlite: river migrations: commit: %w", err)
	}
	return nil
}

// sqliteTx is the database/sql transaction of a ledger/sqlite Update.
func sqliteTx(ltx ledger.Tx) (*sql.Tx, error) {
	s, ok := ltx.(interface{ SQLTx() *sql.Tx })
	if !ok || s.SQLTx() == nil {
		return nil, fmt.Errorf("queue: %T: %w (want ledger/sqlite's)", ltx, errNotRaw)
	}
	return s.SQLTx(), nil
}

// scanCounts reads (state, count) rows into counts and closes rows.
func scanCounts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, counts map[string]int) error {
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return err
		}
		counts[state] = n
	}
	return rows.Err()
}
