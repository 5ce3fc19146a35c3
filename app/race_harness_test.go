package app_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/postgres"
	"github.com/recert/recert/ledger/sqlite"
)

// This file is the harness of race_test.go: the same use cases, called at
// once, on SQLite, on PostgreSQL through one server, and on PostgreSQL
// through two servers (two App instances over two connection pools, as two
// `recert serve` processes would have).
//
// On PostgreSQL the racers' transactions meet at a gate: each waits, just
// before its first Stream call or first write, until every racer of the
// round has reached that point. Reads made before the stream is locked are
// thus all made before any racer commits, so a write path that decides on
// such a read loses deterministically rather than now and then. A write
// path that locks the stream first passes the gate holding no lock, and
// the racers then queue on the stream lock. (A write path that took a lock
// by some other method before Stream would hold it at the gate while the
// other racers wait for it; the gate's guard then fails the round with a
// message saying so, rather than hanging.)
//
// SQLite has one writer connection, so its write transactions cannot
// overlap at all: a racer waiting at a gate would hold the writer and stop
// the others from starting. There the racers only start together.

// raceEnv is one store configuration the races run on.
type raceEnv struct {
	name string
	// apps are the servers; racer i calls apps[i%len(apps)].
	apps  []*app.App
	gates []*gateStore
	// st is a plain handle on the store, for setup checks.
	st  ledger.Store
	clk *clock
	ctx context.Context
	// parallel says whether write transactions can overlap, so that the
	// gate is used.
	parallel bool
}

// raceRounds is how often each race is run per store: enough that a race
// lost one time in a few shows, few enough for two shared cores.
func (e *raceEnv) rounds() int {
	if e.parallel {
		return 20
	}
	return 3 // SQLite serialises writers: every round runs the same way
}

// eachRaceEnv runs f on SQLite, on PostgreSQL with one server and on
// PostgreSQL with two servers.
func eachRaceEnv(t *testing.T, f func(t *testing.T, e *raceEnv)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "recert.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, newRaceEnv("sqlite", false, db))
	})
	for _, servers := range []int{1, 2} {
		name := "postgres"
		if servers == 2 {
			name = "postgres/two-servers"
		}
		t.Run(name, func(t *testing.T) {
			// Every racer holds a connection while it waits at the gate.
			url := pgtest.Server(t).NewDatabase(t) + "&pool_max_conns=16"
			var dbs []ledger.Store
			for range servers {
				db, err := postgres.Open(context.Background(), url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			f(t, newRaceEnv(name, true, dbs...))
		})
	}
}

func newRaceEnv(name string, parallel bool, dbs ...ledger.Store) *raceEnv {
	e := &raceEnv{name: name, st: dbs[0], clk: &clock{}, ctx: context.Background(), parallel: parallel}
	e.clk.set("2026-02-01T09:00:00Z")
	var n atomic.Int64 // ids unique across the servers
	ids := app.WithIDs(func(p string) string { return fmt.Sprintf("%s%05d", p, n.Add(1)) })
	for _, db := range dbs {
		g := &gateStore{Store: db}
		e.gates = append(e.gates, g)
		e.apps = append(e.apps, app.New(g, app.WithClock(e.clk.now), ids))
	}
	return e
}

// racer is one of a race's parties: it calls a use case on its server
// with the ctx it is given (which names the racer to the gate).
type racer func(ctx context.Context, a *app.App) error

type racerKey struct{}

// race runs the racers of round r at once and returns their errors, in
// order. On stores whose write transactions overlap, every racer's
// transaction waits at the gate until all have arrived; in odd rounds
// they then also pass it one after the other, in an order that rotates
// with the round, each once the call it stopped before has returned (so
// that, with a lock taken there, the racers hold it in that order). Even
// rounds leave the order to PostgreSQL.
func (e *raceEnv) race(r int, racers ...racer) []error {
	if e.parallel {
		var order []int
		if r%2 == 1 {
			for i := range racers {
				order = append(order, (i+r/2)%len(racers))
			}
		}
		g := newGate(len(racers), order)
		for _, s := range e.gates {
			s.gate.Store(g)
		}
		defer func() {
			for _, s := range e.gates {
				s.gate.Store(nil)
			}
		}()
	}
	start := make(chan struct{})
	errs := make([]error, len(racers))
	var wg sync.WaitGroup
	for i, fn := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(context.WithValue(e.ctx, racerKey{}, i), e.apps[i%len(e.apps)])
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// gate holds the first n transactions that reach it until all n have,
// then, when ordered, lets the racers through one at a time.
type gate struct {
	n       int32
	arrived atomic.Int32
	open    chan struct{}
	// turns[k] is closed when the k-th racer of the order may pass; pos
	// is each racer's place in the order. Both are nil when unordered.
	turns []chan struct{}
	next  []sync.Once
	pos   map[int]int
}

func newGate(n int, order []int) *gate {
	g := &gate{n: int32(n), open: make(chan struct{})}
	if order != nil {
		g.pos = map[int]int{}
		for k, i := range order {
			g.pos[i] = k
			g.turns = append(g.turns, make(chan struct{}))
		}
		g.next = make([]sync.Once, len(order))
		close(g.turns[0])
	}
	return g
}

// gateGuard bounds the wait at a gate. It is not a timing assertion: the
// racers reach the gate in microseconds; only a write path that holds a
// lock while it gets there (which the gate then deadlocks) waits this long.
const gateGuard = 2 * time.Minute

// arrive counts one transaction in, opening the gate at the n-th.
func (g *gate) arrive() {
	if g.arrived.Add(1) == g.n {
		close(g.open)
	}
}

// turn returns the racer's place in the order, if the gate is ordered.
func (g *gate) turn(ctx context.Context) (int, bool) {
	i, ok := ctx.Value(racerKey{}).(int)
	if !ok || g.turns == nil {
		return 0, false
	}
	k, ok := g.pos[i]
	return k, ok
}

// handOn lets the racer after place k through.
func (g *gate) handOn(k int) {
	g.next[k].Do(func() {
		if k+1 < len(g.turns) {
			close(g.turns[k+1])
		}
	})
}

// wait is a transaction's arrival at the gate. It returns what to call
// once the call the transaction stopped before has returned.
func (g *gate) wait(ctx context.Context) (func(), error) {
	g.arrive()
	guard := time.NewTimer(gateGuard)
	defer guard.Stop()
	stuck := func() error {
		return fmt.Errorf("race gate: only %d of %d racers reached their first Stream call or write; "+
			"does the write path take a lock before tx.Stream?", g.arrived.Load(), g.n)
	}
	select {
	case <-g.open:
	case <-guard.C:
		return func() {}, stuck()
	}
	k, ok := g.turn(ctx)
	if !ok {
		return func() {}, nil
	}
	select {
	case <-g.turns[k]:
	case <-guard.C:
		return func() {}, stuck()
	}
	return func() { g.handOn(k) }, nil
}

// left is a racer's transaction that ended without reaching the gate
// (refused before it read the stream): it must not keep the others
// waiting.
func (g *gate) left(ctx context.Context) {
	g.arrive()
	if k, ok := g.turn(ctx); ok {
		go func() { <-g.turns[k]; g.handOn(k) }()
	}
}

// gateStore is a real store whose write transactions stop at the armed
// gate, if any.
type gateStore struct {
	ledger.Store
	gate atomic.Pointer[gate]
}

func (s *gateStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	g := s.gate.Load()
	if g == nil {
		return s.Store.Update(ctx, fn)
	}
	var attempts []*gateTx
	err := s.Store.Update(ctx, func(tx ledger.Tx) error {
		gt := &gateTx{Tx: tx, g: g}
		attempts = append(attempts, gt)
		return fn(gt)
	})
	for _, gt := range attempts {
		if !gt.passed {
			g.left(ctx)
		}
	}
	return err
}

// gateTx waits at the gate before its first Stream call or write.
type gateTx struct {
	ledger.Tx
	g      *gate
	passed bool
}

// pass waits at the gate the first time; the returned func is called when
// the gated call has returned.
func (t *gateTx) pass(ctx context.Context) (func(), error) {
	if t.passed {
		return func() {}, nil
	}
	t.passed = true
	return t.g.wait(ctx)
}

func (t *gateTx) Stream(ctx context.Context, c string) ([]ledger.Event, int64, error) {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return nil, 0, err
	}
	return t.Tx.Stream(ctx, c)
}

func (t *gateTx) Append(ctx context.Context, c string, v int64, evs []ledger.Event) error {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return err
	}
	return t.Tx.Append(ctx, c, v, evs)
}

func (t *gateTx) ReserveSeat(ctx context.Context, center string, slot time.Time) error {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return err
	}
	return t.Tx.ReserveSeat(ctx, center, slot)
}

func (t *gateTx) ReleaseSeat(ctx context.Context, center string, slot time.Time) error {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return err
	}
	return t.Tx.ReleaseSeat(ctx, center, slot)
}

func (t *gateTx) ReplaceView(ctx context.Context, v ledger.View) error {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return err
	}
	return t.Tx.ReplaceView(ctx, v)
}

func (t *gateTx) SaveIdempotentResponse(ctx context.Context, r ledger.IdempotentResponse) error {
	done, err := t.pass(ctx)
	defer done()
	if err != nil {
		return err
	}
	return t.Tx.SaveIdempotentResponse(ctx, r)
}

// seatProblems compares, for each slot of a center, the seats the store
// counts as taken with the appointments holding one (every appointment
// there not cancelled: a seat stays taken once its slot is sat or missed),
// and both with the center's seats. It returns what is wrong, empty when
// nothing is.
func (e *raceEnv) seatProblems(t *testing.T, center string, seats int, slots ...time.Time) []string {
	t.Helper()
	var out []string
	err := e.st.View(e.ctx, func(tx ledger.Tx) error {
		aps, err := tx.ListAppointments(e.ctx, ledger.AppointmentFilter{Center: center}, ledger.Page{})
		if err != nil {
			return err
		}
		for _, s := range slots {
			holders := 0
			for _, ap := range aps {
				if ap.Slot.Equal(s) && ap.State != "cancelled" {
					holders++
				}
			}
			taken, err := tx.SeatsTaken(e.ctx, center, s)
			if err != nil {
				return err
			}
			if taken != holders {
				out = append(out, fmt.Sprintf("%s %s: %d seats taken, %d appointments hold one", center, s.Format(time.RFC3339), taken, holders))
			}
			if holders > seats {
				out = append(out, fmt.Sprintf("%s %s: %d appointments in a %d-seat slot", center, s.Format(time.RFC3339), holders, seats))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// view reads a candidate's read models.
func (e *raceEnv) view(t *testing.T, candidate string) ledger.View {
	t.Helper()
	var v ledger.View
	if err := e.st.View(e.ctx, func(tx ledger.Tx) error {
		var err error
		v, err = tx.View(e.ctx, candidate)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// tally reports the rounds that went wrong, as one failure naming how
// many and the first few.
type tally struct {
	bad   int
	notes []string
}

func (r *tally) round(round int, problems ...string) {
	if len(problems) == 0 {
		return
	}
	r.bad++
	if len(r.notes) < 3 {
		r.notes = append(r.notes, fmt.Sprintf("round %d: %v", round, problems))
	}
}

func (r *tally) report(t *testing.T, rounds int) {
	t.Helper()
	if r.bad > 0 {
		t.Errorf("%d of %d rounds broke an invariant; first: %v", r.bad, rounds, r.notes)
	}
}

// unexpected describes err unless it is nil or one of the codes allowed.
func unexpected(what string, err error, allowed ...app.Code) string {
	if err == nil {
		return ""
	}
	for _, c := range allowed {
		if app.ErrorCode(err) == c {
			return ""
		}
	}
	var ae *app.Error
	if !errors.As(err, &ae) {
		return fmt.Sprintf("%s: %v (not an app error)", what, err)
	}
	return fmt.Sprintf("%s: %s: %v", what, ae.Code, err)
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
