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
	sqlTx() *sql.Tx
}

// SQLTx is the database/sql transaction of an Update, for a part of the
// process that must write in the same transaction as the ledger (the work
// queue inserts and completes its jobs with it, so that they commit or
// roll back with fn's writes). It is valid only inside fn: the writer
// commits it, possibly with other Updates' work, once fn has returned. A
// statement run on it must not carry a context that can be cancelled
// (use context.WithoutCancel): the driver interrupts a cancelled
// statement, and SQLite may answer by rolling back the whole group. In a
// View it is the read-only snapshot, on a query_only connection: good for
// reading River's tables (the queue's depth), refusing any write.
func (t *tx) SQLTx() *sql.Tx { return t.tx.sqlTx() }

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
	_, err := t.exec(ctx, `INSERT INTO tokens (id, hash, role, subject, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tok.ID, blob(tok.Hash), tok.Role, tok.Subject, tok.Name, micros(tok.CreatedAt), expiryMicros(tok.ExpiresAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: token %q: %w", tok.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create token %q: %w", tok.ID, err)
	}
	return nil
}

// expiryMicros stores "never" (the zero time) as 0, which no real expiry
// can be: UnixMicro of the zero time is a large negative number, and
// comparisons with it would read as long expired.
func expiryMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

func fromExpiryMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromMicros(us)
}

const tokenColumns = `id, hash, role, subject, name, created_at, expires_at`

// scanToken reads one row of tokenColumns.
func scanToken(scan func(...any) error) (ledger.Token, error) {
	var tok ledger.Token
	var created, expires int64
	if err := scan(&tok.ID, &tok.Hash, &tok.Role, &tok.Subject, &tok.Name, &created, &expires); err != nil {
		return ledger.Token{}, err
	}
	tok.CreatedAt, tok.ExpiresAt = fromMicros(created), fromExpiryMicros(expires)
	return tok, nil
}

// TokenByHash finds a token by the SHA-256 of its secret, expired or not:
// app decides whether it still authenticates.
func (t *tx) TokenByHash(ctx context.Context, hash []byte) (ledger.Token, error) {
	tok, err := scanToken(t.tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, blob(hash)).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token: %w", ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token by hash: %w", err)
	}
	return tok, nil
}

// Token finds a token by id.
func (t *tx) Token(ctx context.Context, id string) (ledger.Token, error) {
	tok, err := scanToken(t.tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Token{}, fmt.Errorf("ledger/sqlite: token %q: %w", id, err)
	}
	return tok, nil
}

// ListTokens pages through tokens in id order.
func (t *tx) ListTokens(ctx context.Context, p ledger.Page) ([]ledger.Token, error) {
	var out []ledger.Token
	err := t.query(ctx, func(rows *sql.Rows) error {
		tok, err := scanToken(rows.Scan)
		out = append(out, tok)
		return err
	}, `SELECT `+tokenColumns+` FROM tokens WHERE id > ? ORDER BY id LIMIT ?`, p.After, limit(p.Limit))
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

// HasToken answers whether a token of the role is unexpired at the
// instant at. A token expires at its ExpiresAt: from then on it is gone.
func (t *tx) HasToken(ctx context.Context, role string, at time.Time) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM tokens WHERE role = ? AND (expires_at = 0 OR expires_at > ?) LIMIT 1)`,
		role, micros(at)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("ledger/sqlite: has %s token: %w", role, err)
	}
	return n > 0, nil
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
