package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

// PutProgram stores a program version; a known id@version is
// ledger.ErrExists. A version put with Active set becomes the active one.
func (t *tx) PutProgram(ctx context.Context, p ledger.ProgramVersion) error {
	if err := t.writable("PutProgram"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO programs (id, version, source, active, uploaded_at) VALUES (?, ?, ?, 0, ?)`,
		p.ID, p.Version, blob(p.Source), micros(p.UploadedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: program %s@%s: %w", p.ID, p.Version, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: put program %s@%s: %w", p.ID, p.Version, err)
	}
	if p.Active {
		return t.ActivateProgram(ctx, p.ID, p.Version)
	}
	return nil
}

// ActivateProgram makes id@version the program's one active version. The
// old version is switched off first: the partial unique index allows one
// active row per id at every moment, not only at commit.
func (t *tx) ActivateProgram(ctx context.Context, id, version string) error {
	if err := t.writable("ActivateProgram"); err != nil {
		return err
	}
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM programs WHERE id = ? AND version = ?`, id, version).Scan(&n); err != nil {
		return fmt.Errorf("ledger/sqlite: activate program %s@%s: %w", id, version, err)
	}
	if n == 0 {
		return fmt.Errorf("ledger/sqlite: activate program %s@%s: %w", id, version, ledger.ErrNotFound)
	}
	if _, err := t.exec(ctx, `UPDATE programs SET active = 0 WHERE id = ? AND active = 1`, id); err != nil {
		return fmt.Errorf("ledger/sqlite: activate program %s@%s: %w", id, version, err)
	}
	if _, err := t.exec(ctx, `UPDATE programs SET active = 1 WHERE id = ? AND version = ?`, id, version); err != nil {
		return fmt.Errorf("ledger/sqlite: activate program %s@%s: %w", id, version, err)
	}
	return nil
}

const programColumns = `id, version, source, active, uploaded_at`

func scanProgram(row interface{ Scan(...any) error }) (ledger.ProgramVersion, error) {
	var p ledger.ProgramVersion
	var uploaded int64
	if err := row.Scan(&p.ID, &p.Version, &p.Source, &p.Active, &uploaded); err != nil {
		return ledger.ProgramVersion{}, err
	}
	p.UploadedAt = fromMicros(uploaded)
	return p, nil
}

// ActiveProgram returns the program's active version, or ledger.ErrNotFound
// when the program is unknown or none of its versions is active.
func (t *tx) ActiveProgram(ctx context.Context, id string) (ledger.ProgramVersion, error) {
	p, err := scanProgram(t.tx.QueryRowContext(ctx, `SELECT `+programColumns+` FROM programs WHERE id = ? AND active = 1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.ProgramVersion{}, fmt.Errorf("ledger/sqlite: active program %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.ProgramVersion{}, fmt.Errorf("ledger/sqlite: active program %q: %w", id, err)
	}
	return p, nil
}

// ProgramVersions lists a program's versions in upload order (then by
// version, for two uploads in the same microsecond).
func (t *tx) ProgramVersions(ctx context.Context, id string) ([]ledger.ProgramVersion, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+programColumns+` FROM programs WHERE id = ? ORDER BY uploaded_at, version`, id)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: program versions %q: %w", id, err)
	}
	defer rows.Close()
	var out []ledger.ProgramVersion
	for rows.Next() {
		p, err := scanProgram(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger/sqlite: program versions %q: %w", id, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: program versions %q: %w", id, err)
	}
	return out, nil
}

// ProgramIDs lists every program id once, in id order.
func (t *tx) ProgramIDs(ctx context.Context) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT id FROM programs ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: program ids: %w", err)
	}
	return scanStrings(rows, "program ids")
}

// CreateCandidate stores a new candidate at Rev 1, whatever c.Rev says.
func (t *tx) CreateCandidate(ctx context.Context, c ledger.Candidate) error {
	if err := t.writable("CreateCandidate"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO candidates (id, name, email, time_zone, program, created_at, rev)
		VALUES (?, ?, ?, ?, ?, ?, 1)`, c.ID, c.Name, c.Email, c.TimeZone, c.Program, micros(c.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: candidate %q: %w", c.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create candidate %q: %w", c.ID, err)
	}
	return nil
}

const candidateColumns = `id, name, email, time_zone, program, created_at, rev`

func scanCandidate(row interface{ Scan(...any) error }) (ledger.Candidate, error) {
	var c ledger.Candidate
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.Email, &c.TimeZone, &c.Program, &created, &c.Rev); err != nil {
		return ledger.Candidate{}, err
	}
	c.CreatedAt = fromMicros(created)
	return c, nil
}

// Candidate returns a candidate record, or ledger.ErrNotFound.
func (t *tx) Candidate(ctx context.Context, id string) (ledger.Candidate, error) {
	c, err := scanCandidate(t.tx.QueryRowContext(ctx, `SELECT `+candidateColumns+` FROM candidates WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Candidate{}, fmt.Errorf("ledger/sqlite: candidate %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Candidate{}, fmt.Errorf("ledger/sqlite: candidate %q: %w", id, err)
	}
	return c, nil
}

// UpdateCandidate writes name, email, zone and program if the stored Rev is
// c.Rev, and returns the record at its new Rev. CreatedAt never changes.
func (t *tx) UpdateCandidate(ctx context.Context, c ledger.Candidate) (ledger.Candidate, error) {
	if err := t.writable("UpdateCandidate"); err != nil {
		return ledger.Candidate{}, err
	}
	got, err := scanCandidate(t.tx.QueryRowContext(ctx, `UPDATE candidates
		SET name = ?, email = ?, time_zone = ?, program = ?, rev = rev + 1
		WHERE id = ? AND rev = ? RETURNING `+candidateColumns,
		c.Name, c.Email, c.TimeZone, c.Program, c.ID, c.Rev))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Candidate{}, t.staleOrMissing(ctx, "candidates", "candidate", c.ID, c.Rev)
	}
	if err != nil {
		return ledger.Candidate{}, fmt.Errorf("ledger/sqlite: update candidate %q: %w", c.ID, err)
	}
	return got, nil
}

// staleOrMissing explains an If-Match update that changed no row: the
// record is gone (ErrNotFound) or has moved past rev (ErrConflict).
func (t *tx) staleOrMissing(ctx context.Context, table, what, id string, rev int64) error {
	var stored int64
	err := t.tx.QueryRowContext(ctx, `SELECT rev FROM `+table+` WHERE id = ?`, id).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("ledger/sqlite: update %s %q: %w", what, id, ledger.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: update %s %q: %w", what, id, err)
	}
	return fmt.Errorf("ledger/sqlite: update %s %q at rev %d, stored rev is %d: %w", what, id, rev, stored, ledger.ErrConflict)
}

// ListCandidates returns a page of candidates in id order.
func (t *tx) ListCandidates(ctx context.Context, p ledger.Page) ([]ledger.Candidate, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+candidateColumns+` FROM candidates WHERE id > ? ORDER BY id LIMIT ?`,
		p.After, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list candidates: %w", err)
	}
	defer rows.Close()
	var out []ledger.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger/sqlite: list candidates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list candidates: %w", err)
	}
	return out, nil
}
