package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

var _ ledger.SignIns = (*tx)(nil)

// CreateStaffUser stores u; a taken id or e-mail is ledger.ErrExists.
func (t *tx) CreateStaffUser(ctx context.Context, u ledger.StaffUser) error {
	if err := t.writable("CreateStaffUser"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO staff_users (id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Name, u.Role, micros(u.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: staff user %q <%s>: %w", u.ID, u.Email, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create staff user %q: %w", u.ID, err)
	}
	return nil
}

const staffColumns = `id, email, name, role, created_at`

func scanStaff(scan func(...any) error) (ledger.StaffUser, error) {
	var u ledger.StaffUser
	var created int64
	err := scan(&u.ID, &u.Email, &u.Name, &u.Role, &created)
	u.CreatedAt = fromMicros(created)
	return u, err
}

func (t *tx) staffWhere(ctx context.Context, what, where string, arg any) (ledger.StaffUser, error) {
	u, err := scanStaff(t.tx.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff_users WHERE `+where, arg).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.StaffUser{}, fmt.Errorf("ledger/sqlite: staff user %s: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.StaffUser{}, fmt.Errorf("ledger/sqlite: staff user %s: %w", what, err)
	}
	return u, nil
}

// StaffUser finds a staff user by id.
func (t *tx) StaffUser(ctx context.Context, id string) (ledger.StaffUser, error) {
	return t.staffWhere(ctx, fmt.Sprintf("%q", id), "id = ?", id)
}

// StaffUserByEmail finds a staff user by their lower-case address.
func (t *tx) StaffUserByEmail(ctx context.Context, email string) (ledger.StaffUser, error) {
	return t.staffWhere(ctx, "by e-mail", "email = ?", email)
}

// ListStaffUsers lists every staff user by e-mail.
func (t *tx) ListStaffUsers(ctx context.Context) ([]ledger.StaffUser, error) {
	var out []ledger.StaffUser
	err := t.query(ctx, func(rows *sql.Rows) error {
		u, err := scanStaff(rows.Scan)
		out = append(out, u)
		return err
	}, `SELECT `+staffColumns+` FROM staff_users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list staff users: %w", err)
	}
	return out, nil
}

// DeleteStaffUser removes a staff user.
func (t *tx) DeleteStaffUser(ctx context.Context, id string) error {
	if err := t.writable("DeleteStaffUser"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM staff_users WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: delete staff user %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: staff user %q: %w", id, ledger.ErrNotFound), err)
	}
	return nil
}

// CandidatesByEmail lists the candidates of an address, ignoring ASCII case.
func (t *tx) CandidatesByEmail(ctx context.Context, email string, n int) ([]ledger.Candidate, error) {
	var out []ledger.Candidate
	err := t.query(ctx, func(rows *sql.Rows) error {
		c, err := scanCandidate(rows)
		out = append(out, c)
		return err
	}, `SELECT `+candidateColumns+` FROM candidates WHERE lower(email) = lower(?) ORDER BY id LIMIT ?`,
		email, limit(n))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: candidates by e-mail: %w", err)
	}
	return out, nil
}

// CreateSignInLink stores l.
func (t *tx) CreateSignInLink(ctx context.Context, l ledger.SignInLink) error {
	if err := t.writable("CreateSignInLink"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO signin_links (id, request, email_hash, email, name, role, subject, owner, next, base, hash,
		created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.Request, blob(l.EmailHash), l.Email, l.Name, l.Role, l.Subject, l.Owner, l.Next, l.Base, nullBlob(l.Hash),
		micros(l.CreatedAt), micros(l.ExpiresAt), expiryMicros(l.UsedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: sign-in link %q: %w", l.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create sign-in link %q: %w", l.ID, err)
	}
	return nil
}

// nullBlob stores an absent hash as NULL, which a UNIQUE column allows
// many of.
func nullBlob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

const linkColumns = `id, request, email_hash, email, name, role, subject, owner, next, base, hash, created_at, expires_at, used_at`

func scanLink(scan func(...any) error) (ledger.SignInLink, error) {
	var l ledger.SignInLink
	var created, expires, used int64
	err := scan(&l.ID, &l.Request, &l.EmailHash, &l.Email, &l.Name, &l.Role, &l.Subject, &l.Owner, &l.Next, &l.Base, &l.Hash,
		&created, &expires, &used)
	l.CreatedAt, l.ExpiresAt, l.UsedAt = fromMicros(created), fromMicros(expires), fromExpiryMicros(used)
	return l, err
}

func (t *tx) linkWhere(ctx context.Context, what, where string, arg any) (ledger.SignInLink, error) {
	l, err := scanLink(t.tx.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM signin_links WHERE `+where, arg).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.SignInLink{}, fmt.Errorf("ledger/sqlite: sign-in link %s: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.SignInLink{}, fmt.Errorf("ledger/sqlite: sign-in link %s: %w", what, err)
	}
	return l, nil
}

// SignInLink finds a link by id.
func (t *tx) SignInLink(ctx context.Context, id string) (ledger.SignInLink, error) {
	return t.linkWhere(ctx, fmt.Sprintf("%q", id), "id = ?", id)
}

// SignInLinkByHash finds a link by the hash of its secret.
func (t *tx) SignInLinkByHash(ctx context.Context, hash []byte) (ledger.SignInLink, error) {
	return t.linkWhere(ctx, "by hash", "hash = ?", blob(hash))
}

// SetSignInLinkHash sets the hash of the mailed secret.
func (t *tx) SetSignInLinkHash(ctx context.Context, id string, hash []byte) error {
	if err := t.writable("SetSignInLinkHash"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE signin_links SET hash = ? WHERE id = ?`, nullBlob(hash), id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: set hash of sign-in link %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: sign-in link %q: %w", id, ledger.ErrNotFound), err)
	}
	return nil
}

// UseSignInLink marks an unused, unexpired link used, in one statement.
func (t *tx) UseSignInLink(ctx context.Context, id string, at time.Time) error {
	if err := t.writable("UseSignInLink"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE signin_links SET used_at = ? WHERE id = ? AND used_at = 0 AND expires_at > ?`,
		micros(at), id, micros(at))
	if err != nil {
		return fmt.Errorf("ledger/sqlite: use sign-in link %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: sign-in link %q is used, expired or gone: %w", id, ledger.ErrConflict), err)
	}
	return nil
}

// SignInRequests counts an address's distinct requests after since.
func (t *tx) SignInRequests(ctx context.Context, emailHash []byte, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT request) FROM signin_links WHERE email_hash = ? AND created_at > ?`,
		blob(emailHash), micros(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("ledger/sqlite: count sign-in requests: %w", err)
	}
	return n, nil
}

// CreateSession stores s.
func (t *tx) CreateSession(ctx context.Context, s ledger.Session) error {
	if err := t.writable("CreateSession"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO sessions (id, hash, owner, role, subject, user_agent, created_at, last_seen, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, blob(s.Hash), s.Owner, s.Role, s.Subject, s.UserAgent,
		micros(s.CreatedAt), micros(s.LastSeen), micros(s.ExpiresAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: session %q: %w", s.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create session %q: %w", s.ID, err)
	}
	return nil
}

const sessionColumns = `id, hash, owner, role, subject, user_agent, created_at, last_seen, expires_at`

func scanSession(scan func(...any) error) (ledger.Session, error) {
	var s ledger.Session
	var created, seen, expires int64
	err := scan(&s.ID, &s.Hash, &s.Owner, &s.Role, &s.Subject, &s.UserAgent, &created, &seen, &expires)
	s.CreatedAt, s.LastSeen, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	return s, err
}

// SessionByHash finds a session by the hash of its cookie's secret.
func (t *tx) SessionByHash(ctx context.Context, hash []byte) (ledger.Session, error) {
	s, err := scanSession(t.tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = ?`, blob(hash)).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Session{}, fmt.Errorf("ledger/sqlite: session: %w", ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Session{}, fmt.Errorf("ledger/sqlite: session by hash: %w", err)
	}
	return s, nil
}

// TouchSession sets a session's LastSeen.
func (t *tx) TouchSession(ctx context.Context, id string, at time.Time) error {
	if err := t.writable("TouchSession"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, micros(at), id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: touch session %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: session %q: %w", id, ledger.ErrNotFound), err)
	}
	return nil
}

// SessionsOf lists an owner's sessions, newest first.
func (t *tx) SessionsOf(ctx context.Context, owner string) ([]ledger.Session, error) {
	var out []ledger.Session
	err := t.query(ctx, func(rows *sql.Rows) error {
		s, err := scanSession(rows.Scan)
		out = append(out, s)
		return err
	}, `SELECT `+sessionColumns+` FROM sessions WHERE owner = ? ORDER BY created_at DESC, id DESC`, owner)
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: sessions of %q: %w", owner, err)
	}
	return out, nil
}

// DeleteSession removes one session.
func (t *tx) DeleteSession(ctx context.Context, id string) error {
	if err := t.writable("DeleteSession"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: delete session %q: %w", id, err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("ledger/sqlite: session %q: %w", id, ledger.ErrNotFound), err)
	}
	return nil
}

// DeleteSessionsOf removes an owner's sessions.
func (t *tx) DeleteSessionsOf(ctx context.Context, owner string) (int, error) {
	if err := t.writable("DeleteSessionsOf"); err != nil {
		return 0, err
	}
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE owner = ?`, owner)
	if err != nil {
		return 0, fmt.Errorf("ledger/sqlite: delete sessions of %q: %w", owner, err)
	}
	n, err := affected(res)
	return int(n), err
}

// PurgeSignIns deletes ended sessions and old links.
func (t *tx) PurgeSignIns(ctx context.Context, at, idleBefore, linksBefore time.Time) (int, error) {
	if err := t.writable("PurgeSignIns"); err != nil {
		return 0, err
	}
	var total int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ?`, []any{micros(at), micros(idleBefore)}},
		{`DELETE FROM signin_links WHERE created_at < ?`, []any{micros(linksBefore)}},
	} {
		res, err := t.exec(ctx, q.sql, q.args...)
		if err != nil {
			return 0, fmt.Errorf("ledger/sqlite: purge sign-ins: %w", err)
		}
		n, err := affected(res)
		if err != nil {
			return 0, fmt.Errorf("ledger/sqlite: purge sign-ins: %w", err)
		}
		total += n
	}
	return int(total), nil
}
