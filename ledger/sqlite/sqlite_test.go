package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/ledgertest"
	"github.com/recert/recert/ledger/sqlite"
)

// open returns a fresh store in its own file: ":memory:" would give each
// pooled connection a database of its own.
func open(t *testing.T) ledger.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "ledger.db"))
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

func TestLedger(t *testing.T) {
	ledgertest.Run(t, open)
}

func TestOpenRefusesMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared", "ledger.db?mode=ro"} {
		if db, err := sqlite.Open(t.Context(), path); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

// TestReopen checks that migrations are recorded and not applied twice,
// and that data survives a close.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ledger.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	err = db.Update(ctx, func(tx ledger.Tx) error {
		return tx.SetImportPosition(ctx, "x", 3)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer db.Close()
	if err := db.Ready(ctx); err != nil {
		t.Errorf("Ready after reopening: %v", err)
	}
	var pos int64
	err = db.View(ctx, func(tx ledger.Tx) (err error) {
		pos, err = tx.ImportPosition(ctx, "x")
		return err
	})
	if err != nil || pos != 3 {
		t.Errorf("ImportPosition after reopening = %d, %v; want 3", pos, err)
	}
}

// TestUpdateRecoversFromPanic: a panic in fn must not leave the single
// writer connection inside a transaction.
func TestUpdateRecoversFromPanic(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	func() {
		defer func() { _ = recover() }()
		_ = s.Update(ctx, func(tx ledger.Tx) error {
			if err := tx.SetImportPosition(ctx, "x", 1); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	ctx2, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := s.Update(ctx2, func(tx ledger.Tx) error {
		pos, err := tx.ImportPosition(ctx2, "x")
		if err == nil && pos != 0 {
			return errors.New("the panicking Update was committed")
		}
		return err
	})
	if err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
}

// TestTwoHandles opens the same file twice, as two processes would (say
// `recert serve` and `recert import`), and races them for the seats of one
// slot: the second handle's writer waits on SQLite's lock (busy_timeout)
// rather than on Go's pool, and the seat limit still holds.
func TestTwoHandles(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ledger.db")
	var handles [2]*sqlite.DB
	errs := make(chan error, 2)
	for i := range handles {
		go func() {
			var err error
			handles[i], err = sqlite.Open(ctx, path) // both migrate the new file at once
			errs <- err
		}()
	}
	for range handles {
		if err := <-errs; err != nil {
			t.Fatalf("Open: %v", err)
		}
	}
	for _, h := range handles {
		defer h.Close()
	}
	slot := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	err := handles[0].Update(ctx, func(tx ledger.Tx) error {
		return tx.CreateCenter(ctx, ledger.Center{ID: "x1", Seats: 10})
	})
	if err != nil {
		t.Fatalf("CreateCenter: %v", err)
	}
	const writers = 60
	results := make(chan error, writers)
	for i := range writers {
		go func() {
			results <- handles[i%2].Update(ctx, func(tx ledger.Tx) error { return tx.ReserveSeat(ctx, "x1", slot) })
		}()
	}
	won := 0
	for range writers {
		switch err := <-results; {
		case err == nil:
			won++
		case !errors.Is(err, ledger.ErrFull):
			t.Errorf("ReserveSeat: %v", err)
		}
	}
	if won != 10 {
		t.Errorf("%d reservations for 10 seats", won)
	}
}
