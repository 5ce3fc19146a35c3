package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.SigningKeys = (*tx)(nil)

// lockSigningKeys serializes activations for the rest of the transaction,
// so that two rotations at once leave one active key per algorithm rather
// than a unique violation (which would abort the loser's transaction).
func (t *tx) lockSigningKeys(ctx context.Context) error {
	if _, err := t.tx.Exec(ctx, "SELECT pg_advisory_xact_lock(2, 0)"); err != nil {
		return fmt.Errorf("postgres: lock signing keys: %w", err)
	}
	return nil
}

// PutSigningKey stores a new key, or returns ErrExists for a taken id
// without an SQL error. A key put as Active goes in inactive and is then
// activated, so the key it replaces is switched off first.
func (t *tx) PutSigningKey(ctx context.Context, k ledger.SigningKey) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO signing_keys (id, alg, sealed, public, created_at, active)
		VALUES ($1, $2, $3, $4, $5, false) ON CONFLICT (id) DO NOTHING`,
		k.ID, k.Alg, blob(k.Sealed), blob(k.Public), k.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: put signing key %q: %w", k.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: signing key %q: %w", k.ID, ledger.ErrExists)
	}
	if k.Active {
		return t.ActivateSigningKey(ctx, k.ID)
	}
	return nil
}

// SigningKeys lists every key, oldest first (then by id).
func (t *tx) SigningKeys(ctx context.Context) ([]ledger.SigningKey, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, alg, sealed, public, created_at, active FROM signing_keys
		ORDER BY created_at, id`)
	return all(rows, err, func(r pgx.CollectableRow) (ledger.SigningKey, error) {
		var k ledger.SigningKey
		err := r.Scan(&k.ID, &k.Alg, &k.Sealed, &k.Public, &k.CreatedAt, &k.Active)
		return k, err
	}, "signing keys")
}

// ActivateSigningKey makes id the active key of its algorithm. The old
// key goes off in a statement before the new one goes on: a unique index
// is checked row by row, so one statement doing both could trip it.
func (t *tx) ActivateSigningKey(ctx context.Context, id string) error {
	if err := t.lockSigningKeys(ctx); err != nil {
		return err
	}
	rows, err := t.tx.Query(ctx, "SELECT alg FROM signing_keys WHERE id = $1", id)
	alg, err := one(rows, err, pgx.RowTo[string], fmt.Sprintf("activate signing key %q", id))
	if err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE signing_keys SET active = false
		WHERE alg = $1 AND active AND id <> $2`, alg, id); err != nil {
		return fmt.Errorf("postgres: activate signing key %q: deactivate the %s key: %w", id, alg, err)
	}
	if _, err := t.tx.Exec(ctx, "UPDATE signing_keys SET active = true WHERE id = $1", id); err != nil {
		return fmt.Errorf("postgres: activate signing key %q: %w", id, err)
	}
	return nil
}
