package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert/recert/ledger"
)

// SeatSlots lists the slots with a seat count or an appointment, in
// (center, slot) order after the cursor.
func (t *tx) SeatSlots(ctx context.Context, after ledger.SlotKey, n int) ([]ledger.SlotKey, error) {
	rows, err := t.tx.Query(ctx, `SELECT center, slot FROM seat_usage WHERE (center, slot) > ($1, $2)
		UNION SELECT center, slot FROM appointments WHERE (center, slot) > ($1, $2)
		ORDER BY center, slot LIMIT $3`,
		after.Center, after.Slot, limit(n))
	return all(rows, err, func(r pgx.CollectableRow) (ledger.SlotKey, error) {
		var k ledger.SlotKey
		err := r.Scan(&k.Center, &k.Slot)
		return k, err
	}, "seat slots")
}

// lockSeatsSQL locks the slot's seat row until commit, creating it at 0
// if there is none, and returns its count: ON CONFLICT DO UPDATE locks the
// existing row (waiting for a writer that holds it) even though it changes
// nothing.
const lockSeatsSQL = `INSERT INTO seat_usage AS u (center, slot, taken)
	SELECT c.id, $2, 0 FROM centers c WHERE c.id = $1
	ON CONFLICT (center, slot) DO UPDATE SET taken = u.taken
	RETURNING taken, (SELECT seats FROM centers WHERE id = $1)`

// recountSQL sets the locked row to the appointments holding a seat. At
// READ COMMITTED its snapshot is taken after the lock was granted, so it
// sees every writer that held the row before.
const recountSQL = `UPDATE seat_usage SET taken = (SELECT count(*) FROM appointments
		WHERE center = $1 AND slot = $2 AND state <> 'cancelled')
	WHERE center = $1 AND slot = $2 RETURNING taken`

// RecountSeats sets the slot's count to the appointments holding a seat
// there, under the slot's row lock.
func (t *tx) RecountSeats(ctx context.Context, k ledger.SlotKey) (ledger.SeatCount, error) {
	c := ledger.SeatCount{SlotKey: k}
	what := fmt.Sprintf("recount seats at %q %s", k.Center, k.Slot.UTC().Format(time.RFC3339))
	err := t.tx.QueryRow(ctx, lockSeatsSQL, k.Center, k.Slot).Scan(&c.Before, &c.Seats)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("postgres: %s: center: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("postgres: %s: %w", what, err)
	}
	if err := t.tx.QueryRow(ctx, recountSQL, k.Center, k.Slot).Scan(&c.Taken); err != nil {
		return c, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return c, nil
}
