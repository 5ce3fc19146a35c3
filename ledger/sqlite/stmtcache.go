package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per query text for a pool (the
// reader pool has one, the writer another, see group.go). Parsing
// SQL is a quarter of a booking's cost in SQLite when every statement is
// prepared afresh; prepared once, a statement is reused on every
// transaction of its connection.
type stmtCache struct {
	mu    sync.Mutex
	pool  *sql.DB
	stmts map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, or nil when it has not
// been prepared yet. It never prepares: preparing on the writer pool from
// inside a transaction would wait for the one connection the transaction
// holds. Misses are prepared by warm after the transaction ends.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// warm prepares the queries a finished transaction ran unprepared.
func (c *stmtCache) warm(ctx context.Context, queries []string) {
	for _, q := range queries {
		c.mu.Lock()
		_, ok := c.stmts[q]
		full := len(c.stmts) > 500
		c.mu.Unlock()
		if ok || full {
			continue
		}
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue // the query runs unprepared, as it did
		}
		c.mu.Lock()
		if _, ok := c.stmts[q]; ok {
			s.Close()
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// cachedTx is a *sql.Tx whose queries go through the statement cache. It
// has the methods of *sql.Tx that the store uses, so the queries read the
// same as they would on a plain transaction.
type cachedTx struct {
	*sql.Tx
	cache  *stmtCache
	misses *[]string
}

func (t cachedTx) sqlTx() *sql.Tx { return t.Tx }

func (t cachedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := t.cache.get(query); s != nil {
		return t.Tx.StmtContext(ctx, s)
	}
	*t.misses = append(*t.misses, query)
	return nil
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) scanner {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
