package ledger

import (
	"context"
	"time"
)

// StaffUser is a member of staff who signs in to the pages by e-mail.
// API tokens carry no address, so the pages need this record to know
// where a staff member's sign-in link goes; its id is the principal's
// token id in the events they write. Email is stored lower-case.
type StaffUser struct {
	ID        string
	Email     string
	Name      string
	Role      string // admin or staff
	CreatedAt time.Time
}

// SignInLink is one sign-in asked for by e-mail. Every request is
// recorded, for an unknown address too (Role ""), so that the rate limit
// counts them alike and a refusal says nothing about which addresses are
// known. Hash is the SHA-256 of the link's secret, set by the job that
// mails it: the secret itself is never stored, not even in the queue.
type SignInLink struct {
	ID string
	// Request groups the links of one request (an address two candidate
	// records share gets a link for each); EmailHash is the SHA-256 of
	// the lower-case address, which the rate limit counts by.
	Request   string
	EmailHash []byte
	Email     string // the recipient; "" for an unknown address
	Name      string
	// Role and Subject are whom the link signs in; Owner is the identity
	// their session belongs to (the staff user's or the candidate's id).
	Role, Subject, Owner string
	// Next is the local path to land on; Base the site's URL the link
	// starts with.
	Next, Base string
	Hash       []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time // zero until the link is used
}

// Session is a signed-in browser. Hash is the SHA-256 of the cookie's
// secret. Owner is whose session it is (a token id, a staff user's id or
// a candidate's id): listing and revoking go by it, and revoking a token
// or removing a staff user deletes their sessions.
type Session struct {
	ID                   string
	Hash                 []byte
	Owner, Role, Subject string
	UserAgent            string
	CreatedAt            time.Time
	LastSeen             time.Time
	// ExpiresAt is the absolute end, whatever the use; app ends a session
	// idle for too long by LastSeen.
	ExpiresAt time.Time
}

// SignIns stores staff users, sign-in links and sessions.
type SignIns interface {
	// CreateStaffUser stores u; a taken id or e-mail is ErrExists.
	CreateStaffUser(ctx context.Context, u StaffUser) error
	StaffUser(ctx context.Context, id string) (StaffUser, error)
	// StaffUserByEmail finds a staff user by their lower-case address.
	StaffUserByEmail(ctx context.Context, email string) (StaffUser, error)
	// ListStaffUsers lists every staff user by e-mail.
	ListStaffUsers(ctx context.Context) ([]StaffUser, error)
	// DeleteStaffUser removes a staff user; ErrNotFound when none.
	DeleteStaffUser(ctx context.Context, id string) error
	// CandidatesByEmail lists, in id order and at most limit, the
	// candidates whose address is email, ignoring ASCII case.
	CandidatesByEmail(ctx context.Context, email string, limit int) ([]Candidate, error)

	// CreateSignInLink stores l; a taken id is ErrExists.
	CreateSignInLink(ctx context.Context, l SignInLink) error
	SignInLink(ctx context.Context, id string) (SignInLink, error)
	SignInLinkByHash(ctx context.Context, hash []byte) (SignInLink, error)
	// SetSignInLinkHash sets the hash of the secret the mail carries.
	SetSignInLinkHash(ctx context.Context, id string, hash []byte) error
	// UseSignInLink marks the link used at at, if it is unused and
	// ExpiresAt is after at; otherwise ErrConflict and nothing changes.
	// It is one conditional update, so two uses at once cannot both
	// succeed.
	UseSignInLink(ctx context.Context, id string, at time.Time) error
	// SignInRequests counts the distinct requests for the address hash
	// made after since.
	SignInRequests(ctx context.Context, emailHash []byte, since time.Time) (int, error)

	// CreateSession stores s; a taken id or hash is ErrExists.
	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash []byte) (Session, error)
	// TouchSession sets LastSeen; ErrNotFound when the session is gone.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// SessionsOf lists an owner's sessions, newest first (then by id).
	SessionsOf(ctx context.Context, owner string) ([]Session, error)
	// DeleteSession removes one session; ErrNotFound when none.
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessionsOf removes every session of an owner and says how many.
	DeleteSessionsOf(ctx context.Context, owner string) (int, error)
	// PurgeSignIns deletes sessions that ended (ExpiresAt, or LastSeen
	// before idleBefore) and links created before linksBefore.
	PurgeSignIns(ctx context.Context, at, idleBefore, linksBefore time.Time) (int, error)
}
