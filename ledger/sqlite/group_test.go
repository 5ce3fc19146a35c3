package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/recert/recert/ledger"
)

// These tests check group commit (group.go). Each queues Updates behind
// one that holds the writer, waits until they are all queued (observed,
// not timed), and lets the writer go: it then takes them as one group.
// With groupCommit = false every test here fails (checked once): each
// Update then commits alone, and the commit counts differ.

func openDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// errPanicked stands for a panic in an Update, recovered by its caller.
var errPanicked = errors.New("the Update panicked")

// queuedUpdates is a set of Updates waiting behind the holder.
type queuedUpdates struct {
	results []chan error
	before  Stats
	release func() // lets the holder commit; the queued Updates follow
	holder  chan error
}

// queueBehind starts an Update that holds the writer, then one Update per
// fn (with its ctx), and returns once all of them wait in the queue.
func queueBehind(t *testing.T, db *DB, ctxs []context.Context, fns []func(ledger.Tx) error) *queuedUpdates {
	t.Helper()
	ctx := t.Context()
	entered, hold := make(chan struct{}), make(chan struct{})
	var once sync.Once
	q := &queuedUpdates{holder: make(chan error, 1)}
	go func() {
		q.holder <- db.Update(ctx, func(tx ledger.Tx) error {
			once.Do(func() { close(entered) })
			<-hold
			return tx.SetImportPosition(ctx, "holder", 1)
		})
	}()
	<-entered
	for i, fn := range fns {
		res := make(chan error, 1)
		q.results = append(q.results, res)
		go func() {
			defer func() {
				if recover() != nil {
					res <- errPanicked
				}
			}()
			res <- db.Update(ctxs[i], fn)
		}()
	}
	for len(db.w.queue) < len(fns) {
		runtime.Gosched()
	}
	q.before = db.Stats()
	var released sync.Once
	q.release = func() { released.Do(func() { close(hold) }) }
	t.Cleanup(q.release)
	return q
}

// wait releases the holder and returns every queued Update's error and
// the commits they took (the holder's own excluded).
func (q *queuedUpdates) wait(t *testing.T, db *DB) ([]error, Stats) {
	t.Helper()
	q.release()
	if err := <-q.holder; err != nil {
		t.Fatalf("holder: %v", err)
	}
	errs := make([]error, len(q.results))
	for i, res := range q.results {
		errs[i] = <-res
	}
	after := db.Stats()
	return errs, Stats{
		Commits:   after.Commits - q.before.Commits - 1,
		Committed: after.Committed - q.before.Committed - 1,
		Retried:   after.Retried - q.before.Retried,
	}
}

func background(n int, ctx context.Context) []context.Context {
	ctxs := make([]context.Context, n)
	for i := range ctxs {
		ctxs[i] = ctx
	}
	return ctxs
}

func positions(t *testing.T, db *DB, names ...string) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	err := db.View(t.Context(), func(tx ledger.Tx) error {
		for _, n := range names {
			pos, err := tx.ImportPosition(t.Context(), n)
			if err != nil {
				return err
			}
			if pos != 0 {
				got[n] = pos
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return got
}

// TestGroupCommitsTogether: eight Updates waiting at once commit in one
// transaction, and each one's result and writes are its own.
func TestGroupCommitsTogether(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	const n = 8
	seen := make([]int64, n) // what each fn read back, set only by its own fn
	var fns []func(ledger.Tx) error
	var names []string
	for i := range n {
		name := fmt.Sprintf("m%d", i)
		names = append(names, name)
		fns = append(fns, func(tx ledger.Tx) error {
			if err := tx.SetImportPosition(ctx, name, int64(100+i)); err != nil {
				return err
			}
			pos, err := tx.ImportPosition(ctx, name)
			seen[i] = pos
			if err != nil {
				return err
			}
			if i%2 == 1 {
				return fmt.Errorf("member %d refuses", i)
			}
			return nil
		})
	}
	errs, st := queueBehind(t, db, background(n, ctx), fns).wait(t, db)
	if st.Commits != 1 || st.Committed != n/2 {
		t.Errorf("%d Updates took %d commits for %d committed; want 1 commit for %d", n, st.Commits, st.Committed, n/2)
	}
	want := map[string]int64{}
	for i, err := range errs {
		switch {
		case i%2 == 0 && err != nil:
			t.Errorf("member %d: %v, want nil", i, err)
		case i%2 == 1 && (err == nil || err.Error() != fmt.Sprintf("member %d refuses", i)):
			t.Errorf("member %d: %v, want its own refusal", i, err)
		}
		if seen[i] != int64(100+i) {
			t.Errorf("member %d read back %d, want its own write %d", i, seen[i], 100+i)
		}
		if i%2 == 0 {
			want[names[i]] = int64(100 + i)
		}
	}
	if got := positions(t, db, names...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored %v, want %v (the refusing members' writes gone, the others' kept)", got, want)
	}
}

// TestGroupFailingMembers: a member that fails, panics, or sees its
// context cancelled, leaves no trace, and the others of its group commit
// in one transaction.
func TestGroupFailingMembers(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	write := func(name string) func(ledger.Tx) error {
		return func(tx ledger.Tx) error { return tx.SetImportPosition(ctx, name, 7) }
	}
	errRefused := errors.New("refused")
	cancelQueued, cancel1 := context.WithCancel(ctx)
	cancelInFn, cancel2 := context.WithCancel(ctx)
	defer cancel1()
	defer cancel2()
	fns := []func(ledger.Tx) error{
		write("ok1"),
		func(tx ledger.Tx) error { // fails after writing
			if err := tx.SetImportPosition(ctx, "refused", 7); err != nil {
				return err
			}
			return errRefused
		},
		write("ok2"),
		func(tx ledger.Tx) error { // panics after writing
			if err := tx.SetImportPosition(ctx, "panicked", 7); err != nil {
				return err
			}
			panic("boom")
		},
		write("cancelled-queued"), // its context ends while it waits
		func(tx ledger.Tx) error { // its context ends while it runs
			if err := tx.SetImportPosition(cancelInFn, "cancelled-running", 7); err != nil {
				return err
			}
			cancel2()
			return tx.SetImportPosition(cancelInFn, "cancelled-running-2", 7)
		},
		write("ok3"),
	}
	ctxs := background(len(fns), ctx)
	ctxs[4], ctxs[5] = cancelQueued, cancelInFn
	q := queueBehind(t, db, ctxs, fns)
	// A caller whose context ends while it waits returns at once, with
	// the writer still held.
	cancel1()
	err := <-q.results[4]
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update cancelled while queued: %v, want context.Canceled", err)
	}
	q.results[4] <- err // for wait
	errs, st := q.wait(t, db)
	if st.Commits != 1 || st.Committed != 3 {
		t.Errorf("the group took %d commits for %d committed Updates; want 1 for 3", st.Commits, st.Committed)
	}
	for i, want := range []error{nil, errRefused, nil, errPanicked, context.Canceled, context.Canceled, nil} {
		if !errors.Is(errs[i], want) || (want == nil && errs[i] != nil) {
			t.Errorf("member %d: %v, want %v", i, errs[i], want)
		}
	}
	got := positions(t, db, "ok1", "ok2", "ok3", "refused", "panicked", "cancelled-queued", "cancelled-running", "cancelled-running-2")
	if want := map[string]int64{"ok1": 7, "ok2": 7, "ok3": 7}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored %v, want only %v", got, want)
	}
}

// TestGroupCommitFails: when the group's COMMIT fails, every member runs
// again alone, so each gets the answer of its own work. A deferred
// foreign key makes the COMMIT fail while every fn succeeds.
func TestGroupCommitFails(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	for _, ddl := range []string{
		`CREATE TABLE parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`,
	} {
		if _, err := db.writer.ExecContext(ctx, ddl); err != nil { // no Update runs yet
			t.Fatal(err)
		}
	}
	write := func(name string) func(ledger.Tx) error {
		return func(tx ledger.Tx) error { return tx.SetImportPosition(ctx, name, 7) }
	}
	orphan := func(ltx ledger.Tx) error {
		if err := ltx.SetImportPosition(ctx, "orphan", 7); err != nil {
			return err
		}
		_, err := ltx.(*tx).exec(ctx, `INSERT INTO child (p) VALUES (42)`)
		return err
	}
	errs, st := queueBehind(t, db, background(3, ctx), []func(ledger.Tx) error{write("a"), orphan, write("b")}).wait(t, db)
	if st.Retried != 3 || st.Commits != 2 || st.Committed != 2 {
		t.Errorf("retried %d, commits %d, committed %d; want the 3 retried alone, 2 committed in 2 commits", st.Retried, st.Commits, st.Committed)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the members with valid writes: %v, %v; want nil", errs[0], errs[2])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "FOREIGN KEY") {
		t.Errorf("the member with the orphan row: %v, want its commit's foreign key error", errs[1])
	}
	if got := positions(t, db, "a", "b", "orphan"); fmt.Sprint(got) != fmt.Sprint(map[string]int64{"a": 7, "b": 7}) {
		t.Errorf("stored %v, want a and b only", got)
	}
	var orphans int
	if err := db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM child`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("child has %d rows (%v), want none", orphans, err)
	}
}

// TestWriterStatementsPrepared: a query an Update runs is prepared on the
// writer pool once the group is over, and later Updates bind that
// statement (no miss), so the writer does not parse it again; and between
// Updates the writer pool's one connection is free for others (River).
func TestWriterStatementsPrepared(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	write := func(tx ledger.Tx) error { return tx.SetImportPosition(ctx, "x", 1) }
	if err := db.Update(ctx, write); err != nil {
		t.Fatal(err)
	}
	// The writer prepares the first group's misses before it takes the
	// next group, so the second Update's fn sees them prepared.
	var misses int
	if err := db.Update(ctx, func(tx ledger.Tx) error {
		err := write(tx)
		misses = len(db.w.misses)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if misses != 0 {
		t.Errorf("the second Update ran %d statements unprepared", misses)
	}
	// The pool's connection is idle: a transaction of another user of
	// WriterDB begins without waiting for an Update.
	tx, err := db.WriterDB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin on WriterDB between Updates: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}
