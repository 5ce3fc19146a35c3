package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.Credentials = (*tx)(nil)

const credentialColumns = `id, candidate, certification, issued_at, awarded_date, valid_from, valid_until,
	supersedes, revocation_index, suspension_index, document, jwt, status, reason, changed_at, rev`

// The lists by filter: four fixed statements rather than one that tests
// whether each filter field is empty, which the planner cannot match to an
// index when it plans once for every value.
const (
	listCredentialsSQL       = "SELECT " + credentialColumns + " FROM credentials WHERE id > $1 ORDER BY id LIMIT $2"
	listCredentialsByCandSQL = "SELECT " + credentialColumns + " FROM credentials WHERE candidate = $3 AND id > $1 ORDER BY id LIMIT $2"
	listCredentialsByCertSQL = "SELECT " + credentialColumns + " FROM credentials WHERE certification = $3 AND id > $1 ORDER BY id LIMIT $2"
	listCredentialsByBothSQL = "SELECT " + credentialColumns + " FROM credentials WHERE candidate = $3 AND certification = $4 AND id > $1 ORDER BY id LIMIT $2"
	revokedBitsSQL           = "SELECT revocation_index FROM credentials WHERE status = 'revoked' ORDER BY revocation_index"
	suspendedBitsSQL         = "SELECT suspension_index FROM credentials WHERE status = 'suspended' ORDER BY suspension_index"
	revocationIndexTakenSQL  = "SELECT EXISTS (SELECT 1 FROM credentials WHERE revocation_index = $1)"
	suspensionIndexTakenSQL  = "SELECT EXISTS (SELECT 1 FROM credentials WHERE suspension_index = $1)"
)

func scanCredential(r pgx.CollectableRow) (ledger.IssuedCredential, error) {
	var c ledger.IssuedCredential
	var until, changed *time.Time
	err := r.Scan(&c.ID, &c.Candidate, &c.Certification, &c.IssuedAt, &c.AwardedDate, &c.ValidFrom, &until,
		&c.Supersedes, &c.RevocationIndex, &c.SuspensionIndex, &c.Document, &c.JWT, &c.Status, &c.Reason, &changed, &c.Rev)
	if until != nil {
		c.ValidUntil = until.UTC()
	}
	if changed != nil {
		c.ChangedAt = changed.UTC()
	}
	c.IssuedAt, c.AwardedDate, c.ValidFrom = c.IssuedAt.UTC(), c.AwardedDate.UTC(), c.ValidFrom.UTC()
	return c, err
}

// checkCredential refuses what the schema's CHECKs would, before the
// statement: a CHECK violation would abort the transaction, and this says
// what was wrong.
func checkCredential(c ledger.IssuedCredential) error {
	if c.RevocationIndex < 0 || c.SuspensionIndex < 0 {
		return fmt.Errorf("negative status index (revocation %d, suspension %d)", c.RevocationIndex, c.SuspensionIndex)
	}
	return ledger.CheckCredentialStatus(c.Status)
}

// CreateCredential stores c at Rev 1, or returns ErrExists when its id or
// either index is taken. ON CONFLICT DO NOTHING (on any of the three
// unique keys) rather than a unique violation: a second issuer drawing the
// same index at once waits for the first one's transaction, then inserts
// nothing, and its own transaction stays usable to draw another index.
func (t *tx) CreateCredential(ctx context.Context, c ledger.IssuedCredential) error {
	if err := checkCredential(c); err != nil {
		return fmt.Errorf("postgres: create credential %q: %w", c.ID, err)
	}
	tag, err := t.tx.Exec(ctx, "INSERT INTO credentials ("+credentialColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) ON CONFLICT DO NOTHING`,
		c.ID, c.Candidate, c.Certification, c.IssuedAt, c.AwardedDate, c.ValidFrom, expiry(c.ValidUntil),
		c.Supersedes, c.RevocationIndex, c.SuspensionIndex, blob(c.Document), c.JWT, c.Status, c.Reason, expiry(c.ChangedAt))
	if err != nil {
		return fmt.Errorf("postgres: create credential %q: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: credential %q (revocation index %d, suspension index %d): id or index taken: %w",
			c.ID, c.RevocationIndex, c.SuspensionIndex, ledger.ErrExists)
	}
	return nil
}

// Credential returns a credential, or ErrNotFound.
func (t *tx) Credential(ctx context.Context, id string) (ledger.IssuedCredential, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+credentialColumns+" FROM credentials WHERE id = $1", id)
	return one(rows, err, scanCredential, fmt.Sprintf("credential %q", id))
}

// ListCredentials pages through the credentials that match f, in id order.
func (t *tx) ListCredentials(ctx context.Context, f ledger.CredentialFilter, p ledger.Page) ([]ledger.IssuedCredential, error) {
	query, args := listCredentialsSQL, []any{p.After, limit(p.Limit)}
	switch {
	case f.Candidate != "" && f.Certification != "":
		query, args = listCredentialsByBothSQL, append(args, f.Candidate, f.Certification)
	case f.Candidate != "":
		query, args = listCredentialsByCandSQL, append(args, f.Candidate)
	case f.Certification != "":
		query, args = listCredentialsByCertSQL, append(args, f.Certification)
	}
	rows, err := t.tx.Query(ctx, query, args...)
	return all(rows, err, scanCredential, "list credentials")
}

// SetCredentialStatus is a compare-and-set on Rev of Status, Reason and
// ChangedAt; it returns the credential at its new Rev, ErrConflict for a
// stale Rev and ErrNotFound for an unknown id, neither an SQL error.
func (t *tx) SetCredentialStatus(ctx context.Context, c ledger.IssuedCredential) (ledger.IssuedCredential, error) {
	if err := ledger.CheckCredentialStatus(c.Status); err != nil {
		return ledger.IssuedCredential{}, fmt.Errorf("postgres: set status of credential %q: %w", c.ID, err)
	}
	rows, err := t.tx.Query(ctx, `UPDATE credentials SET status = $2, reason = $3, changed_at = $4, rev = rev + 1
		WHERE id = $1 AND rev = $5 RETURNING `+credentialColumns,
		c.ID, c.Status, c.Reason, expiry(c.ChangedAt), c.Rev)
	got, err := one(rows, err, scanCredential, fmt.Sprintf("set status of credential %q", c.ID))
	if errors.Is(err, ledger.ErrNotFound) {
		return got, t.notFoundOrConflict(ctx, "credentials", c.ID)
	}
	return got, err
}

// StatusIndexTaken says whether a credential holds index in the list.
func (t *tx) StatusIndexTaken(ctx context.Context, purpose string, index int) (bool, error) {
	if err := ledger.CheckStatusPurpose(purpose); err != nil {
		return false, fmt.Errorf("postgres: status index %d: %w", index, err)
	}
	query := revocationIndexTakenSQL
	if purpose == ledger.PurposeSuspension {
		query = suspensionIndexTakenSQL
	}
	var taken bool
	if err := t.tx.QueryRow(ctx, query, index).Scan(&taken); err != nil {
		return false, fmt.Errorf("postgres: %s index %d taken: %w", purpose, index, err)
	}
	return taken, nil
}

// StatusBits lists the set bits of a list, ascending, from the partial
// index of the credentials with that list's status.
func (t *tx) StatusBits(ctx context.Context, purpose string) ([]int, error) {
	if err := ledger.CheckStatusPurpose(purpose); err != nil {
		return nil, fmt.Errorf("postgres: status bits: %w", err)
	}
	query := revokedBitsSQL
	if purpose == ledger.PurposeSuspension {
		query = suspendedBitsSQL
	}
	rows, err := t.tx.Query(ctx, query)
	return all(rows, err, pgx.RowTo[int], purpose+" bits")
}
