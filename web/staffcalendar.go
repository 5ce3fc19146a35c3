package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// calendarPage is one center's week of seats.
type calendarPage struct {
	Centers    []ledger.Center
	Center     string
	Week       app.SeatWeek
	Days       []calendarDay
	Prev, Next string // the Mondays before and after, YYYY-MM-DD
}

// calendarDay is a day of the week with each slot's free seats counted.
type calendarDay struct {
	Day   time.Time
	Slots []calendarSlot
}

type calendarSlot struct {
	app.SeatSlot
	Free int
	Full bool
}

// staffCalendar is /staff/calendar?center=&week=YYYY-MM-DD: a center's
// slots by day, each with its seats booked and offered in words, a week
// at a time. Times are the center's own, its zone named: a seat is sat
// where the center is.
func staffCalendar(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	centers, err := s.app.ListCenters(r.Context(), pr, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	p := calendarPage{Centers: centers, Center: q.Get("center")}
	if p.Center == "" && len(centers) > 0 {
		p.Center = centers[0].ID
	}
	day := s.opts.Now()
	if v := q.Get("week"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return &app.Error{Code: app.CodeInvalid, Field: "week", Message: "The week " + v + " is not a date (YYYY-MM-DD)."}
		}
		day = d.Add(12 * time.Hour) // midday: the same date in every center's zone
	}
	if p.Week, err = s.app.SeatCalendar(r.Context(), pr, p.Center, day); err != nil {
		return err
	}
	for _, d := range p.Week.Days {
		cd := calendarDay{Day: d.Day}
		for _, sl := range d.Slots {
			cd.Slots = append(cd.Slots, calendarSlot{SeatSlot: sl, Free: max(sl.Seats-sl.Taken, 0), Full: sl.Taken >= sl.Seats})
		}
		p.Days = append(p.Days, cd)
	}
	if !p.Week.From.IsZero() {
		p.Prev = p.Week.From.AddDate(0, 0, -7).Format(time.DateOnly)
		p.Next = p.Week.From.AddDate(0, 0, 7).Format(time.DateOnly)
	}
	s.render(w, r, http.StatusOK, "staff_calendar", p)
	return nil
}
