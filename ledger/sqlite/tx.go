package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

// tx is the ledger.Tx of one Update or View.
type tx struct {
	tx       querier
	readOnly bool
}

// querier runs a transaction's statements: cachedTx for View, connTx for
// Update (see group.go).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) scanner
}

// scanner is a *sql.Row, or a row that was never queried (errRow).
type scanner interface{ Scan(dest ...any) error }

var _ ledger.Tx = (*tx)(nil)

// writable refuses a write in a View with a plain message; the reader
// connections are query_only as well, so SQLite would refuse it anyway.
func (t *tx) writable(op string) error {
	if t.readOnly {
		return fmt.Errorf("ledger/sqlite: %s in a read-only transaction (View); use Update", op)
	}
	return nil
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, args...)
}

// micros is how every time is stored: microseconds since the epoch, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros is the inverse of micros; times come back in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// jsonText stores JSON as TEXT, and absent JSON as NULL.
func jsonText(m json.RawMessage) any {
	if m == nil {
		return nil
	}
	return string(m)
}

// jsonRaw reads back what jsonText stored.
func jsonRaw(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// blob keeps nil byte slices out of NOT NULL BLOB columns.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// limit is a Page's Limit in SQL: zero or less means no limit, which
// SQLite spells -1.
func limit(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// affected reports how many rows a statement changed.
func affected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

// CreateToken stores a token; a taken id or hash is ledger.ErrExists.
func (t *tx) CreateToken(ctx context.Context, tok ledger.Token) error {
	if err := t.writable("CreateToken"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO tokens (id, hash, role, subject, name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		tok.ID, blob(tok.Hash), tok.Role, tok.Subject, tok.Name, micros(tok.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: token %q: %w", tok.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create token %q: %w", tok.ID, err)
	}
	return nil
}

// TokenByHash finds a token by the SHA-256 of its secret.
func (t *tx) TokenByHash(ctx context.Context, hash []byte) (ledger.Token, error) {
	var tok ledger.Token
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT id, hash, role, subject, name, created_at FROM tokens WHERE hash = ?`, blob(hash)).
		Scan(&tok.ID, &tok.Hash, &tok.Role, &tok.Subject, &tok.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token: %w", ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token by hash: %w", err)
	}
	tok.CreatedAt = fromMicros(created)
	return tok, nil
}

// ListTokens pages through tokens in id order.
func (t *tx) ListTokens(ctx context.Context, p ledger.Page) ([]ledger.Token, error) {
	var out []ledger.Token
	err := t.query(ctx, func(rows *sql.Rows) error {
		var tok ledger.Token
		var created int64
		if err := rows.Scan(&tok.ID, &tok.Hash, &tok.Role, &tok.Subject, &tok.Name, &created); err != nil {
			return err
		}
		tok.CreatedAt = fromMicros(created)
		out = append(out, tok)
		return nil
	}, `SELECT id, hash, role, subject, name, created_at FROM tokens WHERE id > ? ORDER BY id LIMIT ?`, p.After, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list tokens: %w", err)
	}
	return out, nil
}

// DeleteToken removes a token, so that its secret no longer authenticates.
func (t *tx) DeleteToken(ctx context.Context, id string) error {
	if err := t.writable("DeleteToken"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM tokens WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: delete token %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: token %q: %w", id, ledger.ErrNotFound), err)
	}
	return nil
}

// IdempotentResponse returns the first response saved under the caller's
// key, or ledger.ErrNotFound.
func (t *tx) IdempotentResponse(ctx context.Context, principal, key string) (ledger.IdempotentResponse, error) {
	r := ledger.IdempotentResponse{Key: key, Principal: principal}
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT request_hash, status, body, created_at FROM idempotent_responses
		WHERE principal = ? AND key = ?`, principal, key).Scan(&r.RequestHash, &r.Status, &r.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.IdempotentResponse{}, fmt.Errorf("ledger/sqlite: idempotency key %q: %w", key, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.IdempotentResponse{}, fmt.Errorf("ledger/sqlite: idempotency key %q: %w", key, err)
	}
	r.CreatedAt = fromMicros(created)
	return r, nil
}

// SaveIdempotentResponse keeps the first response to a key. A second save
// of the same key is ledger.ErrExists: the caller that lost should replay
// the saved response.
func (t *tx) SaveIdempotentResponse(ctx context.Context, r ledger.IdempotentResponse) error {
	if err := t.writable("SaveIdempotentResponse"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO idempotent_responses (principal, key, request_hash, status, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, r.Principal, r.Key, blob(r.RequestHash), r.Status, blob(r.Body), micros(r.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: idempotency key %q: %w", r.Key, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: save idempotency key %q: %w", r.Key, err)
	}
	return nil
}

// PurgeIdempotentResponses deletes the responses created before before.
func (t *tx) PurgeIdempotentResponses(ctx context.Context, before time.Time) (int64, error) {
	if err := t.writable("PurgeIdempotentResponses"); err != nil {
		return 0, err
	}
	res, err := t.exec(ctx, `DELETE FROM idempotent_responses WHERE created_at < ?`, micros(before))
	if err != nil {
		return 0, fmt.Errorf("ledger/sqlite: purge idempotency keys: %w", err)
	}
	return affected(res)
}

// ImportPosition returns how far the named import got, 0 when new.
func (t *tx) ImportPosition(ctx context.Context, name string) (int64, error) {
	var pos int64
	err := t.tx.QueryRowContext(ctx, `SELECT position FROM import_positions WHERE name = ?`, name).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ledger/sqlite: import position %q: %w", name, err)
	}
	return pos, nil
}

// SetImportPosition records how far the named import got.
func (t *tx) SetImportPosition(ctx context.Context, name string, pos int64) error {
	if err := t.writable("SetImportPosition"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO import_positions (name, position) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET position = excluded.position`, name, pos)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: set import position %q: %w", name, err)
	}
	return nil
}
