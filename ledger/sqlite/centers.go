package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/recert/recert/ledger"
)

// CreateCenter stores a new center at Rev 1; a taken id is ledger.ErrExists.
func (t *tx) CreateCenter(ctx context.Context, c ledger.Center) error {
	if err := t.writable("CreateCenter"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO centers (id, name, time_zone, online, seats, created_at, rev)
		VALUES (?, ?, ?, ?, ?, ?, 1)`, c.ID, c.Name, c.TimeZone, c.Online, c.Seats, micros(c.CreatedAt))
	if isConstraint(err) {
		return fmt.Errorf("ledger/sqlite: center %q: %w", c.ID, ledger.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("ledger/sqlite: create center %q: %w", c.ID, err)
	}
	return nil
}

const centerColumns = `id, name, time_zone, online, seats, created_at, rev`

func scanCenter(row interface{ Scan(...any) error }) (ledger.Center, error) {
	var c ledger.Center
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.TimeZone, &c.Online, &c.Seats, &created, &c.Rev); err != nil {
		return ledger.Center{}, err
	}
	c.CreatedAt = fromMicros(created)
	return c, nil
}

// Center returns a center, or ledger.ErrNotFound.
func (t *tx) Center(ctx context.Context, id string) (ledger.Center, error) {
	c, err := scanCenter(t.tx.QueryRowContext(ctx, `SELECT `+centerColumns+` FROM centers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Center{}, fmt.Errorf("ledger/sqlite: center %q: %w", id, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.Center{}, fmt.Errorf("ledger/sqlite: center %q: %w", id, err)
	}
	return c, nil
}

// UpdateCenter writes name, zone, online and seats if the stored Rev is
// c.Rev (ledger.ErrConflict otherwise) and returns the record at its new
// Rev. Seats already taken stay taken when Seats shrinks below them; no
// more are given out until enough are released.
func (t *tx) UpdateCenter(ctx context.Context, c ledger.Center) (ledger.Center, error) {
	if err := t.writable("UpdateCenter"); err != nil {
		return ledger.Center{}, err
	}
	got, err := scanCenter(t.tx.QueryRowContext(ctx, `UPDATE centers
		SET name = ?, time_zone = ?, online = ?, seats = ?, rev = rev + 1
		WHERE id = ? AND rev = ? RETURNING `+centerColumns,
		c.Name, c.TimeZone, c.Online, c.Seats, c.ID, c.Rev))
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Center{}, t.staleOrMissing(ctx, "centers", "center", c.ID, c.Rev)
	}
	if err != nil {
		return ledger.Center{}, fmt.Errorf("ledger/sqlite: update center %q: %w", c.ID, err)
	}
	return got, nil
}

// ListCenters returns a page of centers in id order.
func (t *tx) ListCenters(ctx context.Context, p ledger.Page) ([]ledger.Center, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+centerColumns+` FROM centers WHERE id > ? ORDER BY id LIMIT ?`,
		p.After, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list centers: %w", err)
	}
	defer rows.Close()
	var out []ledger.Center
	for rows.Next() {
		c, err := scanCenter(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger/sqlite: list centers: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger/sqlite: list centers: %w", err)
	}
	return out, nil
}

// ReserveSeat takes a seat in one statement: it inserts the slot's first
// seat or adds one to its count, in both cases only while the count is
// below the center's Seats. No row changed means the slot is full (or the
// center unknown). The single statement, not the serialized writer, is
// what keeps two writers off the last seat, so it would hold on a pool of
// writers too.
func (t *tx) ReserveSeat(ctx context.Context, center string, slot time.Time) error {
	if err := t.writable("ReserveSeat"); err != nil {
		return err
	}
	res, err := t.exec(ctx, `INSERT INTO seat_usage (center, slot, taken)
		SELECT id, ?, 1 FROM centers WHERE id = ? AND seats > 0
		ON CONFLICT (center, slot) DO UPDATE SET taken = taken + 1
		WHERE seat_usage.taken < (SELECT seats FROM centers WHERE id = excluded.center)`,
		micros(slot), center)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: reserve seat at %q %s: %w", center, slot.UTC().Format(time.RFC3339), err)
	}
	n, err := affected(res)
	if err != nil {
		return fmt.Errorf("ledger/sqlite: reserve seat at %q: %w", center, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := t.Center(ctx, center); err != nil {
		return fmt.Errorf("ledger/sqlite: reserve seat: %w", err)
	}
	return fmt.Errorf("ledger/sqlite: reserve seat at %q %s: %w", center, slot.UTC().Format(time.RFC3339), ledger.ErrFull)
}

// ReleaseSeat gives a seat of the slot back. Releasing a seat of a slot
// with none taken does nothing, so the count never goes below zero.
func (t *tx) ReleaseSeat(ctx context.Context, center string, slot time.Time) error {
	if err := t.writable("ReleaseSeat"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE seat_usage SET taken = taken - 1 WHERE center = ? AND slot = ? AND taken > 0`,
		center, micros(slot))
	if err != nil {
		return fmt.Errorf("ledger/sqlite: release seat at %q %s: %w", center, slot.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// SeatsTaken returns how many seats of the slot are taken (0 for a slot,
// or a center, never reserved).
func (t *tx) SeatsTaken(ctx context.Context, center string, slot time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT taken FROM seat_usage WHERE center = ? AND slot = ?`, center, micros(slot)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ledger/sqlite: seats taken at %q: %w", center, err)
	}
	return n, nil
}

// ResetSeats forgets every reservation, for rebuild.
func (t *tx) ResetSeats(ctx context.Context) error {
	if err := t.writable("ResetSeats"); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM seat_usage`); err != nil {
		return fmt.Errorf("ledger/sqlite: reset seats: %w", err)
	}
	return nil
}
