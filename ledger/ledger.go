// Package ledger is recert's system of record: an append-only event stream
// per candidate, the read models kept beside it, and the few records that
// are not events (programs, candidates, test centers, tokens, idempotency
// keys, import positions). It defines the interface; ledger/sqlite and
// ledger/postgres implement it and ledger/ledgertest is the one behaviour
// suite both must pass.
//
// The store decides nothing. The app package's one write path locks a
// candidate's stream (Stream in Update), reads what a decision needs from
// that locked state, asks the policy engine, and appends events and
// replaces the candidate's read models in one transaction.
package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors a store returns; app maps them to its own coded errors.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict is a lost optimistic-concurrency race: the stream or row
	// changed since it was read. The caller reloads and tries again.
	ErrConflict = errors.New("conflict: changed since read")
	// ErrExists is a create whose id is taken.
	ErrExists = errors.New("already exists")
	// ErrFull is a slot with no seat left.
	ErrFull = errors.New("no seat left in that slot")
)

// Store opens transactions. Update runs fn in a read-write transaction and
// commits when fn returns nil; View runs fn read-only. A store may run fn
// more than once (after a serialization failure, or alone after the group
// commit it shared failed), so fn must not have effects outside tx, and fn
// must not call Update itself.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	// Ready answers nil once the database is reachable and migrated.
	Ready(ctx context.Context) error
	Close() error
}

// Tx is what one transaction can do.
type Tx interface {
	Streams
	Programs
	Candidates
	Centers
	Views
	Tokens
	Idempotency
	Imports
	Recounts
	Notices
	Notifications
	PreferenceStore
	Webhooks
	Calendars
	SigningKeys
	Credentials
	Reports
	SignIns
}

// Event is one entry of a candidate's stream. Seq counts from 1 in each
// stream. Data holds the event's fields as JSON (app.EventData), so the
// store never needs to change when an event grows a field.
type Event struct {
	Seq        int64
	Type       string
	Data       json.RawMessage
	RecordedAt time.Time
	// Program is the program id@version whose decision allowed the event,
	// and Decision that decision as JSON: every write keeps its reason.
	Program  string
	Decision json.RawMessage
}

// Streams is the append-only event ledger.
type Streams interface {
	// Stream returns a candidate's events, oldest first, and the stream's
	// version (the last Seq; 0 for none). Inside Update it also locks the
	// stream until the transaction ends, before it reads, so that a second
	// writer of the same candidate waits and then reads the first one's
	// events: app reads everything a decision depends on after this call.
	// (A stream with no events yet has nothing to lock; its first Append
	// is the guard.)
	Stream(ctx context.Context, candidate string) ([]Event, int64, error)
	// Append adds events after expected, which must be the current version;
	// otherwise it returns ErrConflict and writes nothing. It assigns Seq.
	Append(ctx context.Context, candidate string, expected int64, events []Event) error
	// StreamIDs lists candidates with events after the given id, in id
	// order, at most limit: rebuild and export walk them.
	StreamIDs(ctx context.Context, after string, limit int) ([]string, error)
}

// ProgramVersion is one uploaded definition of a program.
type ProgramVersion struct {
	ID         string
	Version    string
	Source     []byte // the YAML as uploaded
	Active     bool
	UploadedAt time.Time
}

// Programs stores program definitions; one version of each is active.
type Programs interface {
	PutProgram(ctx context.Context, p ProgramVersion) error // ErrExists for a known id@version
	ActivateProgram(ctx context.Context, id, version string) error
	ActiveProgram(ctx context.Context, id string) (ProgramVersion, error)
	ProgramVersions(ctx context.Context, id string) ([]ProgramVersion, error)
	ProgramIDs(ctx context.Context) ([]string, error)
}

// Candidate is a person who sits exams. Rev changes on every update and
// is the ETag of the record.
type Candidate struct {
	ID        string
	Name      string
	Email     string
	TimeZone  string
	Program   string // the program the candidate is enrolled in
	CreatedAt time.Time
	Rev       int64
}

// Page asks for at most Limit rows after the cursor After (an id).
type Page struct {
	After string
	Limit int
}

// Candidates stores candidate records.
type Candidates interface {
	CreateCandidate(ctx context.Context, c Candidate) error // ErrExists
	Candidate(ctx context.Context, id string) (Candidate, error)
	// UpdateCandidate writes c if the stored Rev is c.Rev, and bumps it;
	// otherwise ErrConflict.
	UpdateCandidate(ctx context.Context, c Candidate) (Candidate, error)
	ListCandidates(ctx context.Context, p Page) ([]Candidate, error)
}

// Center is a test center, or the online-proctoring pool (Online true).
// Seats is how many candidates one slot holds.
type Center struct {
	ID        string
	Name      string
	TimeZone  string
	Online    bool
	Seats     int
	CreatedAt time.Time
	Rev       int64
}

// Centers stores test centers and their seat counts per slot.
type Centers interface {
	CreateCenter(ctx context.Context, c Center) error
	Center(ctx context.Context, id string) (Center, error)
	UpdateCenter(ctx context.Context, c Center) (Center, error) // If-Match on Rev
	ListCenters(ctx context.Context, p Page) ([]Center, error)
	// ReserveSeat takes one seat of the center's slot, or returns ErrFull.
	// It must hold under concurrent transactions: two writers never take
	// the last seat both.
	ReserveSeat(ctx context.Context, center string, slot time.Time) error
	ReleaseSeat(ctx context.Context, center string, slot time.Time) error
	SeatsTaken(ctx context.Context, center string, slot time.Time) (int, error)
	// ResetSeats clears every seat count; rebuild then reserves the seats
	// of open appointments again.
	ResetSeats(ctx context.Context) error
}

// Bulk is what a store's transaction may also offer so that a large write
// (an import batch: thousands of streams at once) takes a few statements
// instead of a few per candidate. A caller checks for it with a type
// assertion on the Tx and falls back to Append and ReplaceView, with the
// same result.
type Bulk interface {
	// AppendStreams is Append(candidates[i], expected[i], events[i]) for
	// every i, of distinct candidates: all of them, or, when any stream is
	// not at its expected version, ledger.ErrConflict and none.
	AppendStreams(ctx context.Context, candidates []string, expected []int64, events [][]Event) error
	// ReplaceViews is ReplaceView of each view, of distinct candidates.
	ReplaceViews(ctx context.Context, views []View) error
}
