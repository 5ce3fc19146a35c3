// Package app holds recert's use cases: load a candidate's history, ask the
// policy engine, append the events and replace the read models, all in one
// transaction. Every permission check lives here. httpapi and web are thin
// siblings over it; neither talks to the store on its own.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// App is the use cases over one store.
type App struct {
	store ledger.Store
	now   func() time.Time
	newID func(prefix string) string
	// idemTTL is how long an Idempotency-Key's first response is kept.
	idemTTL time.Duration

	mu       sync.Mutex
	programs map[string]*policy.Program // id@version -> compiled

	// The worker's parts (jobs.go): each is optional, and a missing one
	// turns its channel off rather than failing.
	queue        Queue
	mailer       Mailer
	poster       WebhookPoster
	calendar     CalendarEncoder
	observer     Observer
	sweepEvery   time.Duration
	sweepHorizon time.Duration
	mailDomain   string
	issuer       IssuerIdentity
	status       statusCache
	creds        CredentialIssuer
	// signInConsole shows sign-in links when there is no mailer.
	signInConsole func(to, link string)
	verifier      CredentialVerifier
	verifyCache   verifyCache
}

// Observer is told what the worker did, for metrics.
type Observer interface {
	// Notified counts one notification reaching a final state on a channel.
	Notification(channel, state string)
}

// WithMailer sends e-mail notifications through m.
func WithMailer(m Mailer) Option { return func(a *App) { a.mailer = m } }

// WithWebhookPoster delivers webhooks through p.
func WithWebhookPoster(p WebhookPoster) Option { return func(a *App) { a.poster = p } }

// WithCalendar writes calendar feeds with c.
func WithCalendar(c CalendarEncoder) Option { return func(a *App) { a.calendar = c } }

// WithObserver reports the worker's outcomes to o.
func WithObserver(o Observer) Option { return func(a *App) { a.observer = o } }

// WithMailDomain is the domain of the Message-IDs of notification mail
// (the host of the public URL, say).
func WithMailDomain(d string) Option { return func(a *App) { a.mailDomain = d } }

// UseQueue gives the App its work queue. The queue is made from the App
// (the App is its job handler), so it is set after New and before the App
// serves anything.
func (a *App) UseQueue(q Queue) { a.queue = q }

// Option configures an App.
type Option func(*App)

// WithClock replaces the clock, for tests and replays.
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithIDs replaces the id generator, for tests.
func WithIDs(f func(prefix string) string) Option { return func(a *App) { a.newID = f } }

// New returns the use cases over a store. The clock and ids are injected
// so that everything below them stays deterministic.
func New(store ledger.Store, opts ...Option) *App {
	a := &App{store: store, now: time.Now, newID: randomID, idemTTL: DefaultIdempotencyTTL, programs: map[string]*policy.Program{},
		sweepEvery: DefaultSweepEvery, sweepHorizon: DefaultSweepHorizon, mailDomain: "recert.localhost"}
	for _, o := range opts {
		o(a)
	}
	return a
}

func randomID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// Ready reports whether the store answers.
func (a *App) Ready(ctx context.Context) error { return a.store.Ready(ctx) }

// maxAttempts bounds retries of a write that lost an optimistic race.
const maxAttempts = 8

// update runs fn in a write transaction and runs it again when another
// writer appended to the same stream first (ledger.ErrConflict from
// Append): the second attempt reloads the history and asks the engine
// again, so no decision is ever made on a stale history.
func (a *App) update(ctx context.Context, fn func(tx ledger.Tx) error) error {
	var err error
	for i := 0; i < maxAttempts; i++ {
		err = a.store.Update(ctx, fn)
		if !errors.Is(err, errStreamRace) {
			return err
		}
	}
	return &Error{Code: CodeConflict, Message: "too many concurrent changes to this candidate; try again", Err: err}
}

// errStreamRace marks an append that lost the race, so update retries.
var errStreamRace = errors.New("stream changed during the transaction")

// program returns the compiled active version of a program.
func (a *App) program(ctx context.Context, tx ledger.Tx, id string) (*policy.Program, error) {
	if id == "" {
		id = "aws"
	}
	pv, err := tx.ActiveProgram(ctx, id)
	if errors.Is(err, ledger.ErrNotFound) && id == "aws" {
		return definition.AWS(), nil // the built-in reference program, until another version is activated
	}
	if err != nil {
		return nil, storeErr(err, "program "+id)
	}
	key := pv.ID + "@" + pv.Version
	a.mu.Lock()
	p, ok := a.programs[key]
	a.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err = definition.Parse(key+".yaml", pv.Source)
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "stored program " + key + " does not load", Err: err}
	}
	a.mu.Lock()
	a.programs[key] = p
	a.mu.Unlock()
	return p, nil
}

// subject is one candidate's state inside a transaction.
type subject struct {
	cand    ledger.Candidate
	prog    *policy.Program
	events  []decoded
	version int64
	hist    *policy.History
}

// load reads a candidate's stream and everything a decision on it needs.
// In a write transaction the stream is read first, and reading it takes
// the stream's lock (ledger.Streams), so the candidate record, the program
// and the history are all read after the lock, never before it.
func (a *App) load(ctx context.Context, tx ledger.Tx, candidate string) (*subject, error) {
	if err := checkID("candidate", candidate); err != nil {
		return nil, &Error{Code: CodeNotFound, Field: "candidate", Message: "candidate " + quoteShort(candidate) + " not found"}
	}
	raw, version, err := tx.Stream(ctx, candidate)
	if err != nil {
		return nil, storeErr(err, "stream of "+candidate)
	}
	c, err := tx.Candidate(ctx, candidate)
	if err != nil {
		return nil, storeErr(err, "candidate "+candidate)
	}
	p, err := a.program(ctx, tx, c.Program)
	if err != nil {
		return nil, err
	}
	evs, err := decodeEvents(raw)
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the stream of " + candidate + " does not decode", Err: err}
	}
	loc, err := loadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC // a stored zone was checked when written; UTC keeps an old record readable
	}
	h, err := p.NewHistory(loc, policyEvents(evs))
	if err != nil {
		return nil, &Error{Code: CodeInternal, Message: "the stream of " + candidate + " is not a valid history", Err: err}
	}
	return &subject{cand: c, prog: p, events: evs, version: version, hist: h}, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with types that always marshal
	}
	return b
}
