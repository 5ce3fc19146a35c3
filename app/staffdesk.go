package app

import (
	"context"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/programs"
)

// The staff desk's read use cases: what the staff pages show that the
// JSON API's use cases either do not offer or offer to more callers than
// staff (a candidate may list their own notifications; the staff page of
// notifications is staff's). Each checks its caller here, so the pages
// decide nothing.

// SearchCandidates finds candidates by id, or by the start of their name,
// a word of it, or their e-mail address. Staff only; at most 100.
func (a *App) SearchCandidates(ctx context.Context, pr Principal, q string) ([]ledger.Candidate, error) {
	if err := pr.mustBeStaff("search candidates"); err != nil {
		return nil, err
	}
	if err := checkText("q", q, maxSearch); err != nil {
		return nil, err
	}
	var out []ledger.Candidate
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		out, err = tx.SearchCandidates(ctx, q, 100)
		return storeErr(err, "candidates")
	})
	return out, err
}

// NotificationLog is notifications as staff see them: everyone's,
// narrowed by state. Staff only.
func (a *App) NotificationLog(ctx context.Context, pr Principal, f ledger.NotificationFilter, p ledger.Page) ([]ledger.Notification, error) {
	if err := pr.mustBeStaff("read the notification log"); err != nil {
		return nil, err
	}
	return a.Notifications(ctx, pr, f, p)
}

// ProgramVersion is one stored version of a program, for the staff
// program pages.
type ProgramVersion struct {
	ID, Version, Name string
	Active            bool
	BuiltIn           bool      // the embedded reference program, never uploaded
	UploadedAt        time.Time // zero for the built-in one
}

// ProgramCatalog lists every program's versions, oldest upload first,
// with the active one marked. Staff only. A version that no longer parses
// (a stored definition from an older schema) is listed without its name.
func (a *App) ProgramCatalog(ctx context.Context, pr Principal) ([]ProgramVersion, error) {
	if err := pr.mustBeStaff("read the program catalog"); err != nil {
		return nil, err
	}
	var out []ProgramVersion
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		ids, err := tx.ProgramIDs(ctx)
		if err != nil {
			return storeErr(err, "programs")
		}
		awsActive, builtInStored := false, false
		builtIn := definition.AWS()
		for _, id := range ids {
			vs, err := tx.ProgramVersions(ctx, id)
			if err != nil {
				return storeErr(err, "program "+id)
			}
			for _, v := range vs {
				pv := ProgramVersion{ID: v.ID, Version: v.Version, Active: v.Active, UploadedAt: v.UploadedAt}
				if p, err := definition.Parse(v.ID+".yaml", v.Source); err == nil {
					pv.Name = p.Name
				}
				awsActive = awsActive || (v.ID == builtIn.ID && v.Active)
				builtInStored = builtInStored || (v.ID == builtIn.ID && v.Version == builtIn.Version)
				out = append(out, pv)
			}
		}
		if !builtInStored {
			out = append([]ProgramVersion{{ID: builtIn.ID, Version: builtIn.Version, Name: builtIn.Name, Active: !awsActive, BuiltIn: true}}, out...)
		}
		return nil
	})
	return out, err
}

// ProgramVersionSource is the YAML of one version of a program, to read
// or compare. Staff only.
func (a *App) ProgramVersionSource(ctx context.Context, pr Principal, id, version string) ([]byte, error) {
	if err := pr.mustBeStaff("read program sources"); err != nil {
		return nil, err
	}
	if err := known("program", id); err != nil {
		return nil, err
	}
	if err := known("program version", version); err != nil {
		return nil, err
	}
	var src []byte
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		vs, err := tx.ProgramVersions(ctx, id)
		if err != nil {
			return storeErr(err, "program "+id)
		}
		for _, v := range vs {
			if v.Version == version {
				src = v.Source
				return nil
			}
		}
		if b := definition.AWS(); id == b.ID && version == b.Version {
			src = programs.AWS
			return nil
		}
		return storeErr(ledger.ErrNotFound, "program "+id+" version "+version)
	})
	return src, err
}

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
