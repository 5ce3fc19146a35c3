package web

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// pickerDays and slotTimes are the choices a slot picker offers: a
// fortnight from the chosen date, at a few start times a day (minutes
// after midnight, on the program's quarter-hour grid). recert keeps no
// opening hours; these are the times a test center's day is offered at,
// in the center's own zone (an online exam: the candidate's).
const pickerDays = 14

var slotTimes = []int{9 * 60, 11 * 60, 13 * 60, 15 * 60}

// picker is a slot picker: days of slots, each allowed or greyed with its
// reason, and the earliest date that works.
type picker struct {
	Zone *time.Location
	Days []pickDay
	// First is the first slot that works in these dates, if any.
	First *pickSlot
	// Earliest is the first date the program's rules allow, when it lies
	// after these dates; EarliestURL shows the dates from there.
	Earliest    time.Time
	EarliestURL string
	// RetryAt is when booking opens again after a missed appointment.
	RetryAt    time.Time
	EarlierURL string
	LaterURL   string
}

type pickDay struct {
	Date  time.Time // the date, as `day` reads it
	ID    string    // YYYY-MM-DD
	Slots []pickSlot
	// Why is the day's refusals in words, one sentence each, once.
	Why []string
}

type pickSlot struct {
	At      time.Time
	Value   string // RFC 3339, the form's value
	ID      string // the input's id: slot-<value>
	Allowed bool
	Words   string // why it is refused, in a few words
	Clock   string // the start in the candidate's zone: 09:00 EST
	Checked bool
}

// slotsFrom are the instants a picker offers from a date on.
func slotsFrom(from time.Time, zone *time.Location) []time.Time {
	var out []time.Time
	for d := 0; d < pickerDays; d++ {
		day := from.AddDate(0, 0, d)
		for _, m := range slotTimes {
			out = append(out, time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, zone))
		}
	}
	return out
}

// slotZone is the zone a center's day is in: its own, or the candidate's
// for the online pool.
func slotZone(c ledger.Center, candidate *time.Location) *time.Location {
	if c.Online {
		return candidate
	}
	return zoneOr(c.TimeZone, time.UTC)
}

// pick builds a slot picker for in (its Slots filled here) from the date
// from: app.Slots asks the engine about each slot and counts the seats.
// link makes the URL of the same picker from another date; chosen is the
// slot to keep selected (a form shown again).
func (s *server) pick(ctx context.Context, pr app.Principal, v candidateView, in app.SlotsInput, c ledger.Center,
	from time.Time, link func(from string) string, chosen string) (*picker, error) {
	in.Slots = slotsFrom(from, slotZone(c, v.Zone))
	got, err := s.app.Slots(ctx, pr, in)
	if err != nil {
		return nil, err
	}
	p := &picker{Zone: v.Zone, RetryAt: got.RetryAt}
	byDay := map[string]int{}
	for _, ch := range got.Choices {
		local := ch.At.In(v.Zone)
		id := local.Format(time.DateOnly)
		i, ok := byDay[id]
		if !ok {
			i = len(p.Days)
			byDay[id] = i
			p.Days = append(p.Days, pickDay{Date: date(id), ID: id})
		}
		value := ch.At.UTC().Format(time.RFC3339)
		sl := pickSlot{At: ch.At, Value: value, ID: "slot-" + strings.NewReplacer(":", "", "-", "").Replace(value), Allowed: ch.Allowed,
			Clock: local.Format("15:04 MST")}
		if !ch.Allowed {
			var words []string
			for _, r := range ch.Reasons {
				words = append(words, reasonWord(r))
			}
			sl.Words = strings.Join(words, ", ")
			for _, e := range ch.Explanation {
				if !slices.Contains(p.Days[i].Why, e) {
					p.Days[i].Why = append(p.Days[i].Why, e)
				}
			}
		}
		p.Days[i].Slots = append(p.Days[i].Slots, sl)
	}
	for i := range p.Days {
		for j := range p.Days[i].Slots {
			sl := &p.Days[i].Slots[j]
			if sl.Allowed && p.First == nil {
				p.First = sl
			}
			if sl.Allowed && sl.Value == chosen {
				sl.Checked = true
			}
		}
	}
	last := from.AddDate(0, 0, pickerDays-1)
	if e := date(got.Earliest); !e.IsZero() && e.After(last) {
		p.Earliest, p.EarliestURL = e, link(got.Earliest)
	}
	p.LaterURL = link(from.AddDate(0, 0, pickerDays).Format(time.DateOnly))
	if earlier := from.AddDate(0, 0, -pickerDays); !earlier.Before(v.Today) {
		p.EarlierURL = link(earlier.Format(time.DateOnly))
	} else if from.After(v.Today) {
		p.EarlierURL = link(v.Today.Format(time.DateOnly))
	}
	return p, nil
}

// pickFrom is the first date a picker shows: the from query when it is a
// date from today on, else tomorrow in the candidate's zone.
func pickFrom(q url.Values, v candidateView) time.Time {
	if d := date(q.Get("from")); !d.IsZero() && !d.Before(v.Today) && d.Before(v.Today.AddDate(2, 0, 0)) {
		return d
	}
	return v.Today.AddDate(0, 0, 1)
}
