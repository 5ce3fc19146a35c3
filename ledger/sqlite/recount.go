package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

// SeatSlots lists the slots with a seat count or an appointment, in
// (center, slot) order after the cursor.
func (t *tx) SeatSlots(ctx context.Context, after ledger.SlotKey, n int) ([]ledger.SlotKey, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT center, slot FROM seat_usage WHERE (center, slot) > (?1, ?2)
		UNION SELECT center, slot FROM appointments WHERE (center, slot) > (?1, ?2)
		ORDER BY center, slot LIMIT ?3`,
		after.Center, micros(after.Slot), limit(n))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: seat slots: %w", err)
	}
	defer rows.Close()
	var out []ledger.SlotKey
	for rows.Next() {
		var k ledger.SlotKey
		var us int64
		if err := rows.Scan(&k.Center, &us); err != nil {
			return nil, fmt.Errorf("ledger/sqlite: seat slots: %w", err)
		}
		k.Slot = fromMicros(us)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: seat slots: %w", err)
	}
	return out, nil
}

// RecountSeats sets the slot's count to the appointments holding a seat
// there. SQLite's single writer is the lock: no other write runs while
// this transaction does.
func (t *tx) RecountSeats(ctx context.Context, k ledger.SlotKey) (ledger.SeatCount, error) {
	c := ledger.SeatCount{SlotKey: k}
	if err := t.writable("RecountSeats"); err != nil {
		return c, err
	}
	what := fmt.Sprintf("recount seats at %q %s", k.Center, k.Slot.UTC().Format(time.RFC3339))
	err := t.tx.QueryRowContext(ctx, `SELECT seats FROM centers WHERE id = ?`, k.Center).Scan(&c.Seats)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("ledger/sqlite: %s: center: %w", what, ledger.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
	}
	us := micros(k.Slot)
	err = t.tx.QueryRowContext(ctx, `SELECT
			COALESCE((SELECT taken FROM seat_usage WHERE center = ?1 AND slot = ?2), 0),
			(SELECT count(*) FROM appointments WHERE center = ?1 AND slot = ?2 AND state <> 'cancelled')`,
		k.Center, us).Scan(&c.Before, &c.Taken)
	if err != nil {
		return c, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
	}
	if _, err := t.exec(ctx, `INSERT INTO seat_usage (center, slot, taken) VALUES (?1, ?2, ?3)
		ON CONFLICT (center, slot) DO UPDATE SET taken = excluded.taken`, k.Center, us, c.Taken); err != nil {
		return c, fmt.Errorf("ledger/sqlite: %s: %w", what, err)
	}
	return c, nil
}
