package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recert/recert/ledger"
)

// The gate of the race tests (see race_harness_test.go): a real store
// whose write transactions wait, before their first Stream call or write,
// until every racer of the round has got that far.

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
