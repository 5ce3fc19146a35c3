package ledger

import (
	"context"
	"encoding/json"
	"reflect"
	"time"
)

// View is everything the read models hold about one candidate, derived
// from the stream by app's projection. Writes replace a candidate's whole
// view in the same transaction as the events, so the read models can never
// drift from the ledger, and rebuild is the same code run over every stream.
type View struct {
	Candidate      string
	Appointments   []Appointment
	Results        []Result
	Certifications []Certification
	Vouchers       []Voucher
	Fees           []Fee
	// Notices is the engine's schedule of reminders for the candidate.
	// Unlike the other lists, View gives them back ordered by (Due, Kind,
	// Subject), the engine's own order, whatever order ReplaceView got:
	// their table is keyed by identity, not by position, so that the
	// worker's sweep reads them from an index on Due.
	Notices []Notice
}

// Appointment is a booking and its outcome.
type Appointment struct {
	ID          string
	Candidate   string
	Exam        string
	Center      string
	Slot        time.Time
	State       string // open, cancelled, sat, missed
	BookedAt    time.Time
	Reschedules int
	Voucher     string // the voucher that paid, if any
	FeeMinor    int64
	Currency    string
	Rev         int64 // the stream version that last changed it: its ETag
}

// Result is one sitting's outcome. SatAt is when the exam was taken;
// RecordedAt when the result arrived, which may be days later.
type Result struct {
	ID          string
	Candidate   string
	Appointment string
	Exam        string
	SatAt       time.Time
	RecordedAt  time.Time
	Scaled      int
	Passed      bool
	Form        string
	Raw         *int
	Domains     json.RawMessage // the score report's per-domain results
}

// Certification is a certification's current term. Its state (active,
// expired) depends on the day it is read, so it is computed then from
// ExpiresOn and never stored.
type Certification struct {
	Candidate     string
	Certification string
	EarnedOn      string // YYYY-MM-DD
	ExpiresOn     string // YYYY-MM-DD; empty when it never expires
	BasisExam     string
	BasisDate     string
	Renewed       bool
	Revoked       bool
}

// Voucher is a discount voucher earned by a pass.
type Voucher struct {
	ID          string
	Candidate   string
	FromExam    string
	IssuedOn    string
	ExpiresOn   string
	Discount    int
	State       string // unused, used, expired
	Appointment string
}

// Fee is one line of the fee ledger.
type Fee struct {
	Candidate   string
	Seq         int64 // the event that wrote it; one fee event writes one line, so Seq is its id and the page cursor
	Appointment string
	Kind        string // charged, refunded, forfeited
	AmountMinor int64
	Currency    string
	At          time.Time
}

// AppointmentFilter narrows ListAppointments.
type AppointmentFilter struct {
	Candidate string
	Center    string
	State     string
}

// ViewDelta is what a store's transaction may also offer: ReplaceView told
// the view it replaces, which must be what is stored, so that rows that
// did not change are not written again. A caller checks for it with a type
// assertion and falls back to ReplaceView, with the same result.
type ViewDelta interface {
	ReplaceViewFrom(ctx context.Context, old, v View) error
}

// Kept says, for a ViewDelta, how many leading rows of each read-model
// table of v are stored already as old, in the order appointments,
// results, certifications, vouchers, fees, notices: all of old's rows when
// they start v's, or -1 when the table must be rewritten. Notices are
// compared like the rest, in the order View gives them back (Due, Kind,
// Subject), which is the engine's order: a notice scheduled after every
// stored one is an append, any other change rewrites the candidate's
// notices, and a sweep never sees a half-written schedule either way.
func Kept(old, v View) [6]int {
	return [6]int{keptRows(old.Appointments, v.Appointments), keptRows(old.Results, v.Results),
		keptRows(old.Certifications, v.Certifications), keptRows(old.Vouchers, v.Vouchers), keptRows(old.Fees, v.Fees),
		keptRows(old.Notices, v.Notices)}
}

func keptRows[T any](old, now []T) int {
	if len(old) > len(now) {
		return -1
	}
	for i := range old {
		if !reflect.DeepEqual(old[i], now[i]) {
			return -1
		}
	}
	return len(old)
}

// Views stores the read models.
type Views interface {
	ReplaceView(ctx context.Context, v View) error
	// View returns a candidate's read models (empty, not an error, for a
	// candidate with no events).
	View(ctx context.Context, candidate string) (View, error)
	Appointment(ctx context.Context, id string) (Appointment, error)
	ListAppointments(ctx context.Context, f AppointmentFilter, p Page) ([]Appointment, error)
	ListFees(ctx context.Context, candidate string, p Page) ([]Fee, error)
	// TruncateViews empties every read model, for rebuild.
	TruncateViews(ctx context.Context) error
}

// Token is an API token. Only the SHA-256 of the secret is stored.
type Token struct {
	ID        string
	Hash      []byte
	Role      string // admin, staff, center, candidate
	Subject   string // the center or candidate id for those roles
	Name      string
	CreatedAt time.Time
	// ExpiresAt is when the token stops authenticating; zero is never.
	// The store keeps it and app compares it with its clock: the store
	// has no clock of its own.
	ExpiresAt time.Time
}

// Tokens stores API tokens.
type Tokens interface {
	CreateToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Token finds a token by id; ErrNotFound when there is none.
	Token(ctx context.Context, id string) (Token, error)
	// ListTokens pages through tokens in id order.
	ListTokens(ctx context.Context, p Page) ([]Token, error)
	// DeleteToken revokes a token: its secret stops working at once.
	// ErrNotFound when there is no such token.
	DeleteToken(ctx context.Context, id string) error
	// HasToken answers whether a token of the role exists that has not
	// expired at the instant at (one without ExpiresAt never does): serve
	// prints a bootstrap admin token only when there is none.
	HasToken(ctx context.Context, role string, at time.Time) (bool, error)
}

// IdempotentResponse is the first response to a request with an
// Idempotency-Key, replayed for every retry.
type IdempotentResponse struct {
	Key         string
	Principal   string // the token id: keys are per caller
	RequestHash []byte // a retry with another body is refused
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// Idempotency stores first responses.
type Idempotency interface {
	// IdempotentResponse returns ErrNotFound when the key is new.
	IdempotentResponse(ctx context.Context, principal, key string) (IdempotentResponse, error)
	SaveIdempotentResponse(ctx context.Context, r IdempotentResponse) error
	// PurgeIdempotentResponses deletes the responses created before
	// before, so that keys expire, and says how many it deleted.
	PurgeIdempotentResponses(ctx context.Context, before time.Time) (int64, error)
}

// Imports remembers how far an import got, so that it can resume.
type Imports interface {
	ImportPosition(ctx context.Context, name string) (int64, error) // 0 when new
	SetImportPosition(ctx context.Context, name string, pos int64) error
}
