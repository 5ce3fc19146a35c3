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
// such a read decides on a stale one whenever it is not the first to get
// the lock (and in odd rounds the gate also fixes who is first). A write
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

// rounds is how often each race is run per store: enough that a race
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
