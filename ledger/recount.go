package ledger

import (
	"context"
	"time"
)

// SlotKey names one slot of one center: the unit seats are counted in.
type SlotKey struct {
	Center string
	Slot   time.Time
}

// SeatCount is a slot's seat count as a recount found and left it.
type SeatCount struct {
	SlotKey
	Before int // the count before the recount
	Taken  int // the appointments holding a seat there, now the count
	Seats  int // the center's seats per slot; Taken may exceed it
}

// Recounts is what a rebuild needs to put the seat counts right while
// servers keep taking and releasing seats. Rebuild recounts one slot per
// transaction and holds no stream lock while it does: a writer locks its
// stream and then seats, so a recount that held both, in the other order,
// could deadlock with it.
type Recounts interface {
	// SeatSlots lists, in (center, slot) order after the cursor (the zero
	// SlotKey starts at the beginning), at most limit (<= 0: no limit),
	// every slot with a seat count or an appointment in the read models.
	SeatSlots(ctx context.Context, after SlotKey, limit int) ([]SlotKey, error)
	// RecountSeats locks the slot's seat count (creating it at 0 if the
	// slot has none) and sets it to the number of appointments in the read
	// models at that center and slot that hold a seat: every state but
	// cancelled, since a seat stays taken once its slot is sat or missed.
	// Writers take the same lock to take or release a seat, so the count
	// includes every booking committed before it and none that commits
	// after, whose own increment then starts from the recounted value.
	// ErrNotFound for an unknown center.
	RecountSeats(ctx context.Context, k SlotKey) (SeatCount, error)
}
