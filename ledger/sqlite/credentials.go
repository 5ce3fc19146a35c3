package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/recert/recert/ledger"
)

var _ ledger.Credentials = (*tx)(nil)

const credentialColumns = `id, candidate, certification, issued_at, awarded_date, valid_from, valid_until,
	supersedes, revocation_index, suspension_index, document, jwt, status, reason, changed_at, rev`

// The lists by filter: four fixed statements, each of which SQLite can
// match to an index, rather than one that tests for empty filter fields.
const (
	listCredentialsSQL       = `SELECT ` + credentialColumns + ` FROM credentials WHERE id > ? ORDER BY id LIMIT ?`
	listCredentialsByCandSQL = `SELECT ` + credentialColumns + ` FROM credentials WHERE candidate = ? AND id > ? ORDER BY id LIMIT ?`
	listCredentialsByCertSQL = `SELECT ` + credentialColumns + ` FROM credentials WHERE certification = ? AND id > ? ORDER BY id LIMIT ?`
	listCredentialsByBothSQL = `SELECT ` + credentialColumns + ` FROM credentials WHERE candidate = ? AND certification = ? AND id > ? ORDER BY id LIMIT ?`
	revokedBitsSQL           = `SELECT revocation_index FROM credentials WHERE status = 'revoked' ORDER BY revocation_index`
	suspendedBitsSQL         = `SELECT suspension_index FROM credentials WHERE status = 'suspended' ORDER BY suspension_index`
	revocationIndexTakenSQL  = `SELECT EXISTS (SELECT 1 FROM credentials WHERE revocation_index = ?)`
	suspensionIndexTakenSQL  = `SELECT EXISTS (SELECT 1 FROM credentials WHERE suspension_index = ?)`
)

func scanCredential(scan func(...any) error) (ledger.IssuedCredential, error) {
	var c ledger.IssuedCredential
	var issued, awarded, from, until, changed int64
	if err := scan(&c.ID, &c.Candidate, &c.Certification, &issued, &awarded, &from, &until,
		&c.Supersedes, &c.RevocationIndex, &c.SuspensionIndex, &c.Document, &c.JWT, &c.Status, &c.Reason, &changed, &c.Rev); err != nil {
		return ledger.IssuedCredential{}, err
	}
	c.IssuedAt, c.AwardedDate, c.ValidFrom = fromMicros(issued), fromMicros(awarded), fromMicros(from)
	c.ValidUntil, c.ChangedAt = fromExpiryMicros(until), fromExpiryMicros(changed)
	return c, nil
}

// checkCredential refuses what the schema's CHECKs would, with a message
// that says what was wrong.
func checkCredential(c ledger.IssuedCredential) error {
	if c.RevocationIndex < 0 || c.SuspensionIndex < 0 {
		return fmt.Errorf("negative status index (revocation %d, suspension %d)", c.RevocationIndex, c.SuspensionIndex)
	}
	return ledger.CheckCredentialStatus(c.Status)
}

// CreateCredential stores c at Rev 1; a taken id, revocation index or
// suspension index is ledger.ErrExists.
func (t *tx) CreateCredential(ctx context.Context, c ledger.IssuedCredential) error {
	if err := t.writable("CreateCredential"); err != nil {
		return err
	}
	if err := checkCredential(c); err != nil {
		return fmt.Errorf("ledger/sqlite: create credential %q: %w", c.ID, err)
	}
	_, err := t.exec(ctx, `INSERT INTO credentials (`+credentialColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		c.ID, c.Candidate, c.Certification, micros(c.IssuedAt), micros(c.AwardedDate), micros(c.ValidFrom),
		expiryMicros(c.ValidUntil), c.Supersedes, c.RevocationIndex, c.SuspensionIndex, blob(c.Document), c.JWT,
		c.Status, c.Reason, expiryMicros(c.ChangedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: credential %q (revocation index %d, suspension index %d): id or index taken: %w",
			c.ID, c.RevocationIndex, c.SuspensionIndex, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create credential %q: %w", c.ID, err)
	}
	return nil
}

// Credential returns a credential, or ledger.ErrNotFound.
func (t *tx) Credential(ctx context.Context, id string) (ledger.IssuedCredential, error) {
	c, err := scanCredential(t.tx.QueryRowContext(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.IssuedCredential{}, fmt.Errorf("ledger/sqlite: credential %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.IssuedCredential{}, fmt.Errorf("ledger/sqlite: credential %q: %w", id, err)
	}
	return c, nil
}

// ListCredentials pages through the credentials that match f, in id order.
func (t *tx) ListCredentials(ctx context.Context, f ledger.CredentialFilter, p ledger.Page) ([]ledger.IssuedCredential, error) {
	query, args := listCredentialsSQL, []any{p.After, limit(p.Limit)}
	switch {
	case f.Candidate != "" && f.Certification != "":
		query, args = listCredentialsByBothSQL, []any{f.Candidate, f.Certification, p.After, limit(p.Limit)}
	case f.Candidate != "":
		query, args = listCredentialsByCandSQL, []any{f.Candidate, p.After, limit(p.Limit)}
	case f.Certification != "":
		query, args = listCredentialsByCertSQL, []any{f.Certification, p.After, limit(p.Limit)}
	}
	var out []ledger.IssuedCredential
	err := t.query(ctx, func(rows *sql.Rows) error {
		c, err := scanCredential(rows.Scan)
		out = append(out, c)
		return err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list credentials: %w", err)
	}
	return out, nil
}

// SetCredentialStatus writes Status, Reason and ChangedAt if the stored
// Rev is c.Rev (ErrConflict otherwise, ErrNotFound for no such credential)
// and returns the credential at its new Rev. Nothing else changes.
func (t *tx) SetCredentialStatus(ctx context.Context, c ledger.IssuedCredential) (ledger.IssuedCredential, error) {
	if err := t.writable("SetCredentialStatus"); err != nil {
		return ledger.IssuedCredential{}, err
	}
	if err := ledger.CheckCredentialStatus(c.Status); err != nil {
		return ledger.IssuedCredential{}, fmt.Errorf("ledger/sqlite: set status of credential %q: %w", c.ID, err)
	}
	got, err := scanCredential(t.tx.QueryRowContext(ctx, `UPDATE credentials
		SET status = ?, reason = ?, changed_at = ?, rev = rev + 1
		WHERE id = ? AND rev = ? RETURNING `+credentialColumns,
		c.Status, c.Reason, expiryMicros(c.ChangedAt), c.ID, c.Rev).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.IssuedCredential{}, t.staleOrMissing(ctx, "credentials", "credential", c.ID, c.Rev)
	}
	if err != nil {
		return ledger.IssuedCredential{}, fmt.Errorf("ledger/sqlite: set status of credential %q: %w", c.ID, err)
	}
	return got, nil
}

// StatusIndexTaken says whether a credential holds index in the list.
func (t *tx) StatusIndexTaken(ctx context.Context, purpose string, index int) (bool, error) {
	if err := ledger.CheckStatusPurpose(purpose); err != nil {
		return false, fmt.Errorf("ledger/sqlite: status index %d: %w", index, err)
	}
	query := revocationIndexTakenSQL
	if purpose == ledger.PurposeSuspension {
		query = suspensionIndexTakenSQL
	}
	var taken bool
	if err := t.tx.QueryRowContext(ctx, query, index).Scan(&taken); err != nil {
		return false, fmt.Errorf("ledger/sqlite: %s index %d taken: %w", purpose, index, err)
	}
	return taken, nil
}

// StatusBits lists the set bits of a list, ascending, from the partial
// index of the credentials with that list's status.
func (t *tx) StatusBits(ctx context.Context, purpose string) ([]int, error) {
	if err := ledger.CheckStatusPurpose(purpose); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: status bits: %w", err)
	}
	query := revokedBitsSQL
	if purpose == ledger.PurposeSuspension {
		query = suspendedBitsSQL
	}
	var out []int
	err := t.query(ctx, func(rows *sql.Rows) error {
		var i int
		err := rows.Scan(&i)
		out = append(out, i)
		return err
	}, query)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: %s bits: %w", purpose, err)
	}
	return out, nil
}
