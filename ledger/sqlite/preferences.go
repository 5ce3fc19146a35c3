package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

var _ ledger.PreferenceStore = (*tx)(nil)

// listText stores a list of names as a JSON array in TEXT ("[]" for none),
// which the sqlite3 shell and the JSON functions can read.
func listText(names []string) (string, error) {
	if len(names) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(names)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// fromListText reads back what listText stored; none is nil.
func fromListText(s string) ([]string, error) {
	var names []string
	if err := json.Unmarshal([]byte(s), &names); err != nil {
		return nil, fmt.Errorf("list %q: %w", s, err)
	}
	if len(names) == 0 {
		return nil, nil
	}
	return names, nil
}

// Preferences returns a candidate's stored preferences, or
// ledger.ErrNotFound (the caller applies the defaults).
func (t *tx) Preferences(ctx context.Context, candidate string) (ledger.Preferences, error) {
	p, err := scanPreferences(t.tx.QueryRowContext(ctx, `SELECT candidate, channels, opt_out, rev FROM preferences WHERE candidate = ?`, candidate).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Preferences{}, fmt.Errorf("ledger/sqlite: preferences of %q: %w", candidate, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Preferences{}, fmt.Errorf("ledger/sqlite: preferences of %q: %w", candidate, err)
	}
	return p, nil
}

func scanPreferences(scan func(...any) error) (ledger.Preferences, error) {
	var p ledger.Preferences
	var channels, optOut string
	if err := scan(&p.Candidate, &channels, &optOut, &p.Rev); err != nil {
		return ledger.Preferences{}, err
	}
	var err1, err2 error
	p.Channels, err1 = fromListText(channels)
	p.OptOut, err2 = fromListText(optOut)
	return p, errors.Join(err1, err2)
}

// PutPreferences is a compare-and-set on Rev: Rev 0 creates (ErrConflict
// when some are stored already), any other Rev must be the stored one.
// The stored Rev is then one more.
func (t *tx) PutPreferences(ctx context.Context, p ledger.Preferences) (ledger.Preferences, error) {
	if err := t.writable("PutPreferences"); err != nil {
		return ledger.Preferences{}, err
	}
	channels, err1 := listText(p.Channels)
	optOut, err2 := listText(p.OptOut)
	if err := errors.Join(err1, err2); err != nil {
		return ledger.Preferences{}, fmt.Errorf("ledger/sqlite: put preferences of %q: %w", p.Candidate, err)
	}
	query := `UPDATE preferences SET channels = ?, opt_out = ?, rev = rev + 1
		WHERE candidate = ? AND rev = ? RETURNING candidate, channels, opt_out, rev`
	args := []any{channels, optOut, p.Candidate, p.Rev}
	if p.Rev == 0 {
		query = `INSERT INTO preferences (candidate, channels, opt_out, rev) VALUES (?, ?, ?, 1)
			ON CONFLICT (candidate) DO NOTHING RETURNING candidate, channels, opt_out, rev`
		args = []any{p.Candidate, channels, optOut}
	}
	got, err := scanPreferences(t.tx.QueryRowContext(ctx, query, args...).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Preferences{}, fmt.Errorf("ledger/sqlite: put preferences of %q at rev %d: %w", p.Candidate, p.Rev, ledger.ErrConflict)
	}
	if err != nil {
		return ledger.Preferences{}, fmt.Errorf("ledger/sqlite: put preferences of %q: %w", p.Candidate, err)
	}
	return got, nil
}
