package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.PreferenceStore = (*tx)(nil)

// names keeps a nil list out of a NOT NULL text[] column (nil would be
// sent as NULL).
func names(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// noNames reads an empty text[] back as nil, as ledger/sqlite does.
func noNames(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

func scanPreferences(r pgx.CollectableRow) (ledger.Preferences, error) {
	var p ledger.Preferences
	err := r.Scan(&p.Candidate, &p.Channels, &p.OptOut, &p.Rev)
	p.Channels, p.OptOut = noNames(p.Channels), noNames(p.OptOut)
	return p, err
}

// Preferences returns a candidate's stored preferences, or ErrNotFound
// (the caller applies the defaults).
func (t *tx) Preferences(ctx context.Context, candidate string) (ledger.Preferences, error) {
	rows, err := t.tx.Query(ctx, "SELECT candidate, channels, opt_out, rev FROM preferences WHERE candidate = $1", candidate)
	return one(rows, err, scanPreferences, fmt.Sprintf("preferences of %q", candidate))
}

// PutPreferences is a compare-and-set on Rev: Rev 0 creates (ErrConflict
// when some are stored already, also by a writer that is just inserting
// them: the insert waits for it), any other Rev must be the stored one.
// Neither way raises an SQL error, so the transaction stays usable.
func (t *tx) PutPreferences(ctx context.Context, p ledger.Preferences) (ledger.Preferences, error) {
	query := `UPDATE preferences SET channels = $2, opt_out = $3, rev = rev + 1
		WHERE candidate = $1 AND rev = $4 RETURNING candidate, channels, opt_out, rev`
	args := []any{p.Candidate, names(p.Channels), names(p.OptOut), p.Rev}
	if p.Rev == 0 {
		query = `INSERT INTO preferences (candidate, channels, opt_out, rev) VALUES ($1, $2, $3, 1)
			ON CONFLICT (candidate) DO NOTHING RETURNING candidate, channels, opt_out, rev`
		args = args[:3]
	}
	rows, err := t.tx.Query(ctx, query, args...)
	got, err := one(rows, err, scanPreferences, fmt.Sprintf("put preferences of %q", p.Candidate))
	if errors.Is(err, ledger.ErrNotFound) {
		return ledger.Preferences{}, fmt.Errorf("postgres: put preferences of %q at rev %d: %w", p.Candidate, p.Rev, ledger.ErrConflict)
	}
	return got, err
}
