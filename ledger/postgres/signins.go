package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

var _ ledger.SignIns = (*tx)(nil)

// CreateStaffUser stores u; a taken id or e-mail is ErrExists, without an
// SQL error that would abort the transaction.
func (t *tx) CreateStaffUser(ctx context.Context, u ledger.StaffUser) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO staff_users (id, email, name, role, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, u.ID, u.Email, u.Name, u.Role, u.CreatedAt)
	if err != nil {
		return fmt.Errorf("postgres: create staff user %q: %w", u.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: staff user %q <%s>: %w", u.ID, u.Email, ledger.ErrExists)
	}
	return nil
}

const staffColumns = `id, email, name, role, created_at`

func scanStaff(r pgx.CollectableRow) (ledger.StaffUser, error) {
	var u ledger.StaffUser
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// StaffUser finds a staff user by id.
func (t *tx) StaffUser(ctx context.Context, id string) (ledger.StaffUser, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE id = $1`, id)
	return one(rows, err, scanStaff, fmt.Sprintf("staff user %q", id))
}

// StaffUserByEmail finds a staff user by their lower-case address.
func (t *tx) StaffUserByEmail(ctx context.Context, email string) (ledger.StaffUser, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE email = $1`, email)
	return one(rows, err, scanStaff, "staff user by e-mail")
}

// ListStaffUsers lists every staff user by e-mail.
func (t *tx) ListStaffUsers(ctx context.Context) ([]ledger.StaffUser, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+staffColumns+` FROM staff_users ORDER BY email COLLATE "C"`)
	return all(rows, err, scanStaff, "list staff users")
}

// DeleteStaffUser removes a staff user.
func (t *tx) DeleteStaffUser(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM staff_users WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete staff user %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: staff user %q: %w", id, ledger.ErrNotFound)
	}
	return nil
}

// CandidatesByEmail lists the candidates of an address, ignoring case.
func (t *tx) CandidatesByEmail(ctx context.Context, email string, n int) ([]ledger.Candidate, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+candidateColumns+` FROM candidates WHERE lower(email) COLLATE "C" = lower($1)
		ORDER BY id LIMIT $2`, email, limit(n))
	return all(rows, err, scanCandidate, "candidates by e-mail")
}

// CreateSignInLink stores l.
func (t *tx) CreateSignInLink(ctx context.Context, l ledger.SignInLink) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO signin_links (`+linkColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
		l.ID, l.Request, blob(l.EmailHash), l.Email, l.Name, l.Role, l.Subject, l.Owner, l.Next, l.Base, nullBlob(l.Hash),
		l.CreatedAt, l.ExpiresAt, expiry(l.UsedAt))
	if err != nil {
		return fmt.Errorf("postgres: create sign-in link %q: %w", l.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: sign-in link %q: %w", l.ID, ledger.ErrExists)
	}
	return nil
}

// nullBlob stores an absent hash as NULL, which a UNIQUE column allows
// many of.
func nullBlob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

const linkColumns = `id, request, email_hash, email, name, role, subject, owner, next, base, hash, created_at, expires_at, used_at`

func scanLink(r pgx.CollectableRow) (ledger.SignInLink, error) {
	var l ledger.SignInLink
	var used *time.Time
	err := r.Scan(&l.ID, &l.Request, &l.EmailHash, &l.Email, &l.Name, &l.Role, &l.Subject, &l.Owner, &l.Next, &l.Base, &l.Hash,
		&l.CreatedAt, &l.ExpiresAt, &used)
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	if used != nil {
		l.UsedAt = used.UTC()
	}
	return l, err
}

// SignInLink finds a link by id.
func (t *tx) SignInLink(ctx context.Context, id string) (ledger.SignInLink, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+linkColumns+` FROM signin_links WHERE id = $1`, id)
	return one(rows, err, scanLink, fmt.Sprintf("sign-in link %q", id))
}

// SignInLinkByHash finds a link by the hash of its secret.
func (t *tx) SignInLinkByHash(ctx context.Context, hash []byte) (ledger.SignInLink, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+linkColumns+` FROM signin_links WHERE hash = $1`, blob(hash))
	return one(rows, err, scanLink, "sign-in link by hash")
}

// SetSignInLinkHash sets the hash of the mailed secret.
func (t *tx) SetSignInLinkHash(ctx context.Context, id string, hash []byte) error {
	tag, err := t.tx.Exec(ctx, `UPDATE signin_links SET hash = $1 WHERE id = $2`, nullBlob(hash), id)
	if err != nil {
		return fmt.Errorf("postgres: set hash of sign-in link %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: sign-in link %q: %w", id, ledger.ErrNotFound)
	}
	return nil
}

// UseSignInLink marks an unused, unexpired link used. Under READ
// COMMITTED a second use waits for the first's row lock and then finds
// used_at set, so it changes nothing.
func (t *tx) UseSignInLink(ctx context.Context, id string, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE signin_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1`, at, id)
	if err != nil {
		return fmt.Errorf("postgres: use sign-in link %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: sign-in link %q is used, expired or gone: %w", id, ledger.ErrConflict)
	}
	return nil
}

// SignInRequests counts an address's distinct requests after since.
func (t *tx) SignInRequests(ctx context.Context, emailHash []byte, since time.Time) (int, error) {
	// The count decides whether this request may add one: two at once for
	// one address must not both pass the limit, so they take turns until
	// the transaction ends (key space 3: lockProgram has 1).
	if _, err := t.tx.Exec(ctx, "SELECT pg_advisory_xact_lock(3, hashtext(encode($1::bytea, 'hex')))", blob(emailHash)); err != nil {
		return 0, fmt.Errorf("postgres: lock sign-in requests: %w", err)
	}
	var n int
	err := t.tx.QueryRow(ctx, `SELECT COUNT(DISTINCT request) FROM signin_links WHERE email_hash = $1 AND created_at > $2`,
		blob(emailHash), since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: count sign-in requests: %w", err)
	}
	return n, nil
}

// CreateSession stores s.
func (t *tx) CreateSession(ctx context.Context, s ledger.Session) error {
	tag, err := t.tx.Exec(ctx, `INSERT INTO sessions (`+sessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		s.ID, blob(s.Hash), s.Owner, s.Role, s.Subject, s.UserAgent, s.CreatedAt, s.LastSeen, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("postgres: create session %q: %w", s.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: session %q: %w", s.ID, ledger.ErrExists)
	}
	return nil
}

const sessionColumns = `id, hash, owner, role, subject, user_agent, created_at, last_seen, expires_at`

func scanSession(r pgx.CollectableRow) (ledger.Session, error) {
	var s ledger.Session
	err := r.Scan(&s.ID, &s.Hash, &s.Owner, &s.Role, &s.Subject, &s.UserAgent, &s.CreatedAt, &s.LastSeen, &s.ExpiresAt)
	s.CreatedAt, s.LastSeen, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeen.UTC(), s.ExpiresAt.UTC()
	return s, err
}

// SessionByHash finds a session by the hash of its cookie's secret.
func (t *tx) SessionByHash(ctx context.Context, hash []byte) (ledger.Session, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = $1`, blob(hash))
	return one(rows, err, scanSession, "session")
}

// TouchSession sets a session's LastSeen.
func (t *tx) TouchSession(ctx context.Context, id string, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE sessions SET last_seen = $1 WHERE id = $2`, at, id)
	if err != nil {
		return fmt.Errorf("postgres: touch session %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: session %q: %w", id, ledger.ErrNotFound)
	}
	return nil
}

// SessionsOf lists an owner's sessions, newest first.
func (t *tx) SessionsOf(ctx context.Context, owner string) ([]ledger.Session, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE owner = $1
		ORDER BY created_at DESC, id DESC`, owner)
	return all(rows, err, scanSession, fmt.Sprintf("sessions of %q", owner))
}

// DeleteSession removes one session.
func (t *tx) DeleteSession(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete session %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: session %q: %w", id, ledger.ErrNotFound)
	}
	return nil
}

// DeleteSessionsOf removes an owner's sessions.
func (t *tx) DeleteSessionsOf(ctx context.Context, owner string) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE owner = $1`, owner)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete sessions of %q: %w", owner, err)
	}
	return int(tag.RowsAffected()), nil
}

// PurgeSignIns deletes ended sessions and old links.
func (t *tx) PurgeSignIns(ctx context.Context, at, idleBefore, linksBefore time.Time) (int, error) {
	a, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen < $2`, at, idleBefore)
	if err != nil {
		return 0, fmt.Errorf("postgres: purge sessions: %w", err)
	}
	b, err := t.tx.Exec(ctx, `DELETE FROM signin_links WHERE created_at < $1`, linksBefore)
	if err != nil {
		return 0, fmt.Errorf("postgres: purge sign-in links: %w", err)
	}
	return int(a.RowsAffected() + b.RowsAffected()), nil
}
