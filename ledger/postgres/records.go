package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

// blob keeps nil byte slices out of NOT NULL bytea columns: nil would be
// sent as NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// exists tells ErrNotFound from ErrConflict after a compare-and-set
// update changed no row.
func (t *tx) exists(ctx context.Context, table, id string) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+" WHERE id = $1)", id).Scan(&ok)
	return ok, err
}

const candidateColumns = "id, name, email, time_zone, program, created_at, rev"

func scanCandidate(r pgx.CollectableRow) (ledger.Candidate, error) {
	var c ledger.Candidate
	err := r.Scan(&c.ID, &c.Name, &c.Email, &c.TimeZone, &c.Program, &c.CreatedAt, &c.Rev)
	return c, err
}

// CreateCandidate stores c at Rev 1, whatever c.Rev says, or returns
// ErrExists for a taken id.
func (t *tx) CreateCandidate(ctx context.Context, c ledger.Candidate) error {
	tag, err := t.tx.Exec(ctx, "INSERT INTO candidates ("+candidateColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Name, c.Email, c.TimeZone, c.Program, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: create candidate %s: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: candidate %q: %w", c.ID, ledger.ErrExists)
	}
	return nil
}

// Candidate returns candidate id, or ErrNotFound.
func (t *tx) Candidate(ctx context.Context, id string) (ledger.Candidate, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+candidateColumns+" FROM candidates WHERE id = $1", id)
	return one(rows, err, scanCandidate, fmt.Sprintf("candidate %q", id))
}

// UpdateCandidate writes c if the stored Rev is c.Rev and returns it with
// the next Rev. CreatedAt is kept from the stored record.
func (t *tx) UpdateCandidate(ctx context.Context, c ledger.Candidate) (ledger.Candidate, error) {
	rows, err := t.tx.Query(ctx, `UPDATE candidates SET name = $2, email = $3, time_zone = $4,
		program = $5, rev = rev + 1 WHERE id = $1 AND rev = $6 RETURNING `+candidateColumns,
		c.ID, c.Name, c.Email, c.TimeZone, c.Program, c.Rev)
	got, err := one(rows, err, scanCandidate, fmt.Sprintf("update candidate %q", c.ID))
	if errors.Is(err, ledger.ErrNotFound) {
		return got, t.notFoundOrConflict(ctx, "candidates", c.ID)
	}
	return got, err
}

// notFoundOrConflict is the error of an If-Match update that changed
// nothing.
func (t *tx) notFoundOrConflict(ctx context.Context, table, id string) error {
	ok, err := t.exists(ctx, table, id)
	if err != nil {
		return fmt.Errorf("postgres: %s %s: %w", table, id, err)
	}
	if ok {
		return fmt.Errorf("postgres: update %s %q: rev changed: %w", table, id, ledger.ErrConflict)
	}
	return fmt.Errorf("postgres: update %s %q: %w", table, id, ledger.ErrNotFound)
}

// ListCandidates pages through candidates in id order.
func (t *tx) ListCandidates(ctx context.Context, p ledger.Page) ([]ledger.Candidate, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+candidateColumns+` FROM candidates WHERE id > $1
		ORDER BY id LIMIT $2`, p.After, limit(p.Limit))
	return all(rows, err, scanCandidate, "list candidates")
}

const centerColumns = "id, name, time_zone, online, seats, created_at, rev"

func scanCenter(r pgx.CollectableRow) (ledger.Center, error) {
	var c ledger.Center
	err := r.Scan(&c.ID, &c.Name, &c.TimeZone, &c.Online, &c.Seats, &c.CreatedAt, &c.Rev)
	return c, err
}

// CreateCenter stores c at Rev 1, or returns ErrExists for a taken id.
func (t *tx) CreateCenter(ctx context.Context, c ledger.Center) error {
	tag, err := t.tx.Exec(ctx, "INSERT INTO centers ("+centerColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Name, c.TimeZone, c.Online, c.Seats, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: create center %s: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: center %q: %w", c.ID, ledger.ErrExists)
	}
	return nil
}

// Center returns center id, or ErrNotFound.
func (t *tx) Center(ctx context.Context, id string) (ledger.Center, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+centerColumns+" FROM centers WHERE id = $1", id)
	return one(rows, err, scanCenter, fmt.Sprintf("center %q", id))
}

// UpdateCenter writes c if the stored Rev is c.Rev and returns it with the
// next Rev.
func (t *tx) UpdateCenter(ctx context.Context, c ledger.Center) (ledger.Center, error) {
	rows, err := t.tx.Query(ctx, `UPDATE centers SET name = $2, time_zone = $3, online = $4,
		seats = $5, rev = rev + 1 WHERE id = $1 AND rev = $6 RETURNING `+centerColumns,
		c.ID, c.Name, c.TimeZone, c.Online, c.Seats, c.Rev)
	got, err := one(rows, err, scanCenter, fmt.Sprintf("update center %q", c.ID))
	if errors.Is(err, ledger.ErrNotFound) {
		return got, t.notFoundOrConflict(ctx, "centers", c.ID)
	}
	return got, err
}

// ListCenters pages through centers in id order.
func (t *tx) ListCenters(ctx context.Context, p ledger.Page) ([]ledger.Center, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+centerColumns+` FROM centers WHERE id > $1
		ORDER BY id LIMIT $2`, p.After, limit(p.Limit))
	return all(rows, err, scanCenter, "list centers")
}

// reserveSQL takes a seat in one statement: it creates the slot's row
// with one seat taken, or, when the row exists, locks it and increments
// it only while it is below the center's seats. ON CONFLICT DO UPDATE
// evaluates its WHERE on the newest committed row after waiting for other
// writers, so concurrent reservations, from any number of servers, queue
// on the row and the one that would overfill it gets no row back.
const reserveSQL = `INSERT INTO seat_usage AS u (center, slot, taken)
	SELECT c.id, $2, 1 FROM centers c WHERE c.id = $1 AND c.seats > 0
	ON CONFLICT (center, slot) DO UPDATE SET taken = u.taken + 1
	WHERE u.taken < (SELECT seats FROM centers WHERE id = $1)
	RETURNING taken`

// ReserveSeat takes one seat of the slot, or returns ErrFull (ErrNotFound
// for an unknown center).
func (t *tx) ReserveSeat(ctx context.Context, center string, slot time.Time) error {
	tag, err := t.tx.Exec(ctx, reserveSQL, center, slot)
	if err != nil {
		return fmt.Errorf("postgres: reserve seat %s %s: %w", center, slot.Format(time.RFC3339), err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	ok, err := t.exists(ctx, "centers", center)
	if err != nil {
		return fmt.Errorf("postgres: reserve seat %s: %w", center, err)
	}
	if !ok {
		return fmt.Errorf("postgres: reserve seat: center %q: %w", center, ledger.ErrNotFound)
	}
	return fmt.Errorf("postgres: reserve seat at %q %s: %w", center, slot.UTC().Format(time.RFC3339), ledger.ErrFull)
}

// ReleaseSeat gives a seat of the slot back; releasing in an empty slot
// does nothing.
func (t *tx) ReleaseSeat(ctx context.Context, center string, slot time.Time) error {
	_, err := t.tx.Exec(ctx, `UPDATE seat_usage SET taken = taken - 1
		WHERE center = $1 AND slot = $2 AND taken > 0`, center, slot)
	if err != nil {
		return fmt.Errorf("postgres: release seat %s %s: %w", center, slot.Format(time.RFC3339), err)
	}
	return nil
}

// SeatsTaken counts the slot's taken seats.
func (t *tx) SeatsTaken(ctx context.Context, center string, slot time.Time) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, "SELECT taken FROM seat_usage WHERE center = $1 AND slot = $2",
		center, slot).Scan(&n)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: seats taken %s: %w", center, err)
	}
	return n, nil
}

// ResetSeats clears every seat count. DELETE rather than TRUNCATE: it
// does not lock out readers of the table until commit.
func (t *tx) ResetSeats(ctx context.Context) error {
	if _, err := t.tx.Exec(ctx, "DELETE FROM seat_usage"); err != nil {
		return fmt.Errorf("postgres: reset seats: %w", err)
	}
	return nil
}

// CreateToken stores a token; ErrExists when its id or hash is taken.
func (t *tx) CreateToken(ctx context.Context, k ledger.Token) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO tokens (id, hash, role, subject, name, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		k.ID, blob(k.Hash), k.Role, k.Subject, k.Name, k.CreatedAt, expiry(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("postgres: create token %s: %w", k.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: token %q: %w", k.ID, ledger.ErrExists)
	}
	return nil
}

// expiry stores "never" (the zero time) as NULL.
func expiry(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

const tokenColumns = `id, hash, role, subject, name, created_at, expires_at`

func scanToken(r pgx.CollectableRow) (ledger.Token, error) {
	var k ledger.Token
	var expires *time.Time
	err := r.Scan(&k.ID, &k.Hash, &k.Role, &k.Subject, &k.Name, &k.CreatedAt, &expires)
	k.CreatedAt = k.CreatedAt.UTC()
	if expires != nil {
		k.ExpiresAt = expires.UTC()
	}
	return k, err
}

// TokenByHash finds a token by the SHA-256 of its secret, expired or not:
// app decides whether it still authenticates.
func (t *tx) TokenByHash(ctx context.Context, hash []byte) (ledger.Token, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, blob(hash))
	return one(rows, err, scanToken, "token")
}

// Token finds a token by id.
func (t *tx) Token(ctx context.Context, id string) (ledger.Token, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1`, id)
	return one(rows, err, scanToken, "token "+id)
}

// ListTokens pages through tokens in id order.
func (t *tx) ListTokens(ctx context.Context, p ledger.Page) ([]ledger.Token, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+tokenColumns+` FROM tokens
		WHERE id > $1 ORDER BY id LIMIT $2`, p.After, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanToken)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tokens: %w", err)
	}
	return out, nil
}

// DeleteToken removes a token, so that its secret no longer authenticates.
func (t *tx) DeleteToken(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM tokens WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete token %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: token %q: %w", id, ledger.ErrNotFound)
	}
	return nil
}

// HasToken answers whether a token of the role is unexpired at the
// instant at. A token expires at its ExpiresAt: from then on it is gone.
func (t *tx) HasToken(ctx context.Context, role string, at time.Time) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tokens WHERE role = $1 AND (expires_at IS NULL OR expires_at > $2))`,
		role, at).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("postgres: has %s token: %w", role, err)
	}
	return ok, nil
}

// IdempotentResponse returns the saved first response, or ErrNotFound.
func (t *tx) IdempotentResponse(ctx context.Context, principal, key string) (ledger.IdempotentResponse, error) {
	rows, err := t.tx.Query(ctx, `SELECT key, principal, request_hash, status, body, created_at
		FROM idempotency WHERE principal = $1 AND key = $2`, principal, key)
	return one(rows, err, func(r pgx.CollectableRow) (ledger.IdempotentResponse, error) {
		var x ledger.IdempotentResponse
		err := r.Scan(&x.Key, &x.Principal, &x.RequestHash, &x.Status, &x.Body, &x.CreatedAt)
		return x, err
	}, fmt.Sprintf("idempotency key %q", key))
}

// SaveIdempotentResponse stores a first response; ErrExists when the key
// already has one (the first one stays).
func (t *tx) SaveIdempotentResponse(ctx context.Context, x ledger.IdempotentResponse) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO idempotency (principal, key, request_hash, status, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		x.Principal, x.Key, blob(x.RequestHash), x.Status, blob(x.Body), x.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: save idempotent response: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: idempotency key %q: %w", x.Key, ledger.ErrExists)
	}
	return nil
}

// PurgeIdempotentResponses deletes the responses created before before.
func (t *tx) PurgeIdempotentResponses(ctx context.Context, before time.Time) (int64, error) {
	tag, err := t.tx.Exec(ctx, "DELETE FROM idempotency WHERE created_at < $1", before)
	if err != nil {
		return 0, fmt.Errorf("postgres: purge idempotency keys: %w", err)
	}
	return tag.RowsAffected(), nil
}

// ImportPosition returns how far import name got; 0 when new.
func (t *tx) ImportPosition(ctx context.Context, name string) (int64, error) {
	var pos int64
	err := t.tx.QueryRow(ctx, "SELECT position FROM import_positions WHERE name = $1", name).Scan(&pos)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: import position %s: %w", name, err)
	}
	return pos, nil
}

// SetImportPosition records how far import name got.
func (t *tx) SetImportPosition(ctx context.Context, name string, pos int64) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO import_positions (name, position) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`, name, pos)
	if err != nil {
		return fmt.Errorf("postgres: set import position %s: %w", name, err)
	}
	return nil
}

// one collects exactly one row, mapping none to ErrNotFound; what names
// the query in errors.
func one[T any](rows pgx.Rows, err error, scan pgx.RowToFunc[T], what string) (T, error) {
	var zero T
	if err != nil {
		return zero, fmt.Errorf("postgres: %s: %w", what, err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return zero, fmt.Errorf("postgres: %s: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return zero, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return v, nil
}

// all collects every row.
func all[T any](rows pgx.Rows, err error, scan pgx.RowToFunc[T], what string) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	vs, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return vs, nil
}
