package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
)

// SeatSlot is one slot of a center with its seats taken and offered.
type SeatSlot struct {
	At           time.Time
	Taken, Seats int
}

// SeatDay is one day of a center's calendar, in the center's zone.
type SeatDay struct {
	Day   time.Time // midnight in the center's zone
	Slots []SeatSlot
}

// SeatWeek is a center's seat calendar for the week from Monday From.
type SeatWeek struct {
	Center ledger.Center
	Zone   *time.Location
	From   time.Time
	Days   []SeatDay // seven, Monday first
}

// SeatCalendar is a center's slots with seats taken in the week (Monday
// to Sunday, in the center's zone) holding the day of in; nothing for no
// center. Staff only. One
// query over the seat counts of that center and week.
func (a *App) SeatCalendar(ctx context.Context, pr Principal, center string, in time.Time) (SeatWeek, error) {
	if err := pr.mustBeStaff("read the seat calendar"); err != nil {
		return SeatWeek{}, err
	}
	if center == "" {
		return SeatWeek{}, nil // no center chosen (or none exists yet)
	}
	if err := known("center", center); err != nil {
		return SeatWeek{}, err
	}
	var wk SeatWeek
	var uses []ledger.SlotUse
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		c, err := tx.Center(ctx, center)
		if err != nil {
			return storeErr(err, "center "+center)
		}
		zone, err := loadZone(c.TimeZone)
		if err != nil {
			zone = time.UTC
		}
		d := in.In(zone)
		monday := time.Date(d.Year(), d.Month(), d.Day()-(int(d.Weekday())+6)%7, 0, 0, 0, 0, zone)
		wk = SeatWeek{Center: c, Zone: zone, From: monday}
		uses, err = tx.SlotUses(ctx, center, monday, monday.AddDate(0, 0, 7))
		return storeErr(err, "the seats of center "+center)
	})
	if err != nil {
		return SeatWeek{}, err
	}
	for i := 0; i < 7; i++ {
		wk.Days = append(wk.Days, SeatDay{Day: wk.From.AddDate(0, 0, i)})
	}
	for _, u := range uses {
		l := u.Slot.In(wk.Zone)
		i := int(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(wk.From.Year(), wk.From.Month(), wk.From.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
		if i < 0 || i > 6 {
			continue // cannot happen: the query is the week
		}
		wk.Days[i].Slots = append(wk.Days[i].Slots, SeatSlot{At: u.Slot, Taken: u.Taken, Seats: wk.Center.Seats})
	}
	return wk, nil
}
