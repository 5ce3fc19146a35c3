package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

var _ ledger.SigningKeys = (*tx)(nil)

// PutSigningKey stores a new key; a taken id is ledger.ErrExists. A key
// put as Active goes in inactive and is then activated, so the key it
// replaces is switched off rather than the insert breaking the one-active
// index.
func (t *tx) PutSigningKey(ctx context.Context, k ledger.SigningKey) error {
	if err := t.writable("PutSigningKey"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO signing_keys (id, alg, sealed, public, created_at, active) VALUES (?, ?, ?, ?, ?, 0)`,
		k.ID, k.Alg, blob(k.Sealed), blob(k.Public), micros(k.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: signing key %q: %w", k.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: put signing key %q: %w", k.ID, err)
	}
	if k.Active {
		return t.ActivateSigningKey(ctx, k.ID)
	}
	return nil
}

// SigningKeys lists every key, oldest first (then by id).
func (t *tx) SigningKeys(ctx context.Context) ([]ledger.SigningKey, error) {
	var out []ledger.SigningKey
	err := t.query(ctx, func(rows *sql.Rows) error {
		var k ledger.SigningKey
		var created int64
		if err := rows.Scan(&k.ID, &k.Alg, &k.Sealed, &k.Public, &created, &k.Active); err != nil {
			return err
		}
		k.CreatedAt = fromMicros(created)
		out = append(out, k)
		return nil
	}, `SELECT id, alg, sealed, public, created_at, active FROM signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: signing keys: %w", err)
	}
	return out, nil
}

// ActivateSigningKey makes id the active key of its algorithm. The other
// key goes off first: the one-active index is checked row by row.
func (t *tx) ActivateSigningKey(ctx context.Context, id string) error {
	if err := t.writable("ActivateSigningKey"); err != nil {
		return err
	}
	var alg string
	err := t.tx.QueryRowContext(ctx, `SELECT alg FROM signing_keys WHERE id = ?`, id).Scan(&alg)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("ledger/sqlite: activate signing key %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: activate signing key %q: %w", id, err)
	}
	if _, err := t.exec(ctx, `UPDATE signing_keys SET active = 0 WHERE alg = ? AND active = 1 AND id <> ?`, alg, id); err != nil {
		return fmt.Errorf("ledger/sqlite: activate signing key %q: deactivate the %s key: %w", id, alg, err)
	}
	if _, err := t.exec(ctx, `UPDATE signing_keys SET active = 1 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("ledger/sqlite: activate signing key %q: %w", id, err)
	}
	return nil
}
