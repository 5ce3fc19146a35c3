package app

import (
	"context"
	"errors"

	"github.com/recert/recert/ledger"
)

// Rebuild recreates every read model from the ledger: it empties them,
// then runs the same projection the writes run over every stream, and
// recounts the seats every appointment not cancelled holds. It runs in one transaction, so
// readers see the old read models or the new ones, never a mix.
func (a *App) Rebuild(ctx context.Context, pr Principal) (int, error) {
	if err := pr.mustBeAdmin("rebuild read models"); err != nil {
		return 0, err
	}
	n := 0
	err := a.store.Update(ctx, func(tx ledger.Tx) error {
		n = 0
		if err := tx.TruncateViews(ctx); err != nil {
			return storeErr(err, "read models")
		}
		if err := tx.ResetSeats(ctx); err != nil {
			return storeErr(err, "seats")
		}
		after := ""
		for {
			ids, err := tx.StreamIDs(ctx, after, 500)
			if err != nil {
				return storeErr(err, "streams")
			}
			if len(ids) == 0 {
				return nil
			}
			for _, id := range ids {
				s, err := a.load(ctx, tx, id)
				if err != nil {
					return err
				}
				v := project(s.prog, id, s.events, s.hist)
				if err := tx.ReplaceView(ctx, v); err != nil {
					return storeErr(err, "read models of "+id)
				}
				// A seat stays taken once its slot is sat or missed; only a
				// cancel or a reschedule gives it back.
				for _, ap := range v.Appointments {
					if ap.State != "cancelled" {
						if err := tx.ReserveSeat(ctx, ap.Center, ap.Slot); err != nil && !errors.Is(err, ledger.ErrFull) {
							return storeErr(err, "seat")
						}
					}
				}
				n++
			}
			after = ids[len(ids)-1]
		}
	})
	return n, err
}
