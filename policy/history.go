package policy

import (
	"strconv"
	"time"
)

// EventKind names what happened in a candidate's history.
type EventKind uint8

const (
	Booked      EventKind = iota + 1 // an appointment was made at At for Slot
	Rescheduled                      // moved to a new Slot at At
	Cancelled                        // cancelled at At
	Sat                              // sat at its slot with Score
	NoShow                           // missed
	Result                           // a sitting without an appointment (imported), at Slot
	// Revoked withdraws a certification at At (results invalidated by a
	// security review, say): it stays revoked until earned anew.
	Revoked
	// Refunded records that a missed appointment's forfeited fee was paid
	// back at At (a medical exception, R8), so that it is refunded once (R13).
	Refunded
)

var kindNames = [...]string{"", "booked", "rescheduled", "cancelled", "sat", "no_show", "result", "revoked", "refunded"}

func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// ParseEventKind reads an event type as the scenario format writes it.
func ParseEventKind(s string) (EventKind, bool) {
	for i := 1; i < len(kindNames); i++ {
		if kindNames[i] == s {
			return EventKind(i), true
		}
	}
	return 0, false
}

// Event is one thing that happened to a candidate. Which fields matter
// depends on Kind; a Result's sitting instant is Slot.
type Event struct {
	Kind        EventKind
	Appointment string
	Exam        string
	Slot        time.Time
	At          time.Time
	Score       int
	Voucher     bool   // a booking paid with a discount voucher (V5)
	Certified   string // the certification a Revoked event withdraws

	// Fee is what a Booked or Rescheduled event charged (a Refunded event:
	// what it paid back). Refunds and forfeits are computed from what was
	// paid, not from today's price. A Booked event without a currency did
	// not record it: the engine takes the exam's price, less the voucher's
	// discount when Voucher, as what it charged.
	Fee Money
	// Delivery is the mode of the center a Booked or Rescheduled event
	// chose ("online", "test_center"); it picks the change tiers that apply.
	// Empty: not recorded (every tier applies, so the strictest decides). A
	// Cancelled event of a booking that did not record its mode carries the
	// mode the cancel was decided with (Ask.Delivery), so that the replay
	// judges the cancel as the decision did (a voucher returned or kept).
	Delivery string
	// Domains are a Sat or Result event's score report by content domain
	// (E4), when the result recorded them: a retake notice names the weak
	// ones (NoticeDetail). Nil: not recorded.
	Domains []DomainResult
}

// History is a candidate's record resolved against one program: exams
// looked up, appointments followed through their changes and every sitting
// dated in the candidate's zone (T2). It is taken as given: it is what
// happened, even where a rule would have refused it. A History may be
// reused with Load to avoid allocation; one History is read-only while
// decisions use it and may then be shared between goroutines.
type History struct {
	zone     zoneCache
	appts    []appointment
	sittings []sitting // in order of the sitting instant
	noShows  []noShow
	revoked  []revocation
}

type revocation struct {
	cert int32
	at   time.Time
}

type apptState uint8

const (
	apptOpen apptState = iota
	apptCancelled
	apptSat
	apptMissed
)

type appointment struct {
	id          string
	exam        int32
	slot        time.Time
	bookedAt    time.Time
	reschedules int
	state       apptState
	voucher     bool
	cancelledAt time.Time
	paid        Money  // what the booking charged (R13)
	delivery    string // the mode of its current center; "" when not recorded
	refunded    bool   // a Refunded event paid its fee back (R13)
}

type sitting struct {
	exam    int32
	at      time.Time
	date    Date
	score   int
	passed  bool
	domains []DomainResult // shared with the Event, read only
}

type noShow struct {
	exam int32
	slot time.Time
}

// HistoryError says which event of a history is not acceptable and why.
type HistoryError struct {
	Index int // position in the history, from 0
	Msg   string
}

func (e *HistoryError) Error() string {
	return "history[" + strconv.Itoa(e.Index) + "]: " + e.Msg
}

// NewHistory resolves events against the program in the candidate's zone.
func (p *Program) NewHistory(loc *time.Location, events []Event) (*History, error) {
	h := new(History)
	if err := p.Load(h, loc, events); err != nil {
		return nil, err
	}
	return h, nil
}

// Load resolves events into h, reusing its storage. Events name exams the
// program knows, appointments are booked once before anything else happens
// to them, and scores lie on the exam's scale (E3).
func (p *Program) Load(h *History, loc *time.Location, events []Event) error {
	if loc == nil {
		loc = time.UTC
	}
	h.zone = zoneCache{loc: loc}
	h.appts = h.appts[:0]
	h.sittings = h.sittings[:0]
	h.noShows = h.noShows[:0]
	h.revoked = h.revoked[:0]
	for i := range events {
		ev := &events[i]
		switch ev.Kind {
		case Booked:
			x, ok := p.examIndex[ev.Exam]
			if !ok {
				return &HistoryError{i, "unknown exam " + strconv.Quote(ev.Exam)}
			}
			if ev.Appointment == "" {
				return &HistoryError{i, "booked needs an appointment id"}
			}
			if h.find(ev.Appointment) >= 0 {
				return &HistoryError{i, "appointment " + strconv.Quote(ev.Appointment) + " is booked twice"}
			}
			h.appts = append(h.appts, appointment{id: ev.Appointment, exam: int32(x), slot: ev.Slot, bookedAt: ev.At, voucher: ev.Voucher,
				paid: p.paid(int32(x), ev), delivery: ev.Delivery})
		case Rescheduled, Cancelled, Sat, NoShow, Refunded:
			a := h.find(ev.Appointment)
			if a < 0 {
				return &HistoryError{i, ev.Kind.String() + " names appointment " + strconv.Quote(ev.Appointment) + ", which was never booked"}
			}
			ap := &h.appts[a]
			switch ev.Kind {
			case Rescheduled:
				ap.slot = ev.Slot
				ap.reschedules++
				if ev.Delivery != "" {
					ap.delivery = ev.Delivery
				}
			case Refunded:
				ap.refunded = true
			case Cancelled:
				ap.state = apptCancelled
				ap.cancelledAt = ev.At
				if ap.delivery == "" {
					ap.delivery = ev.Delivery
				}
			case NoShow:
				ap.state = apptMissed
				h.noShows = append(h.noShows, noShow{exam: ap.exam, slot: ap.slot})
			case Sat:
				ap.state = apptSat
				if err := p.addSitting(h, i, ap.exam, ap.slot, ev.Score, ev.Domains); err != nil {
					return err
				}
			}
		case Result:
			x, ok := p.examIndex[ev.Exam]
			if !ok {
				return &HistoryError{i, "unknown exam " + strconv.Quote(ev.Exam)}
			}
			if err := p.addSitting(h, i, int32(x), ev.Slot, ev.Score, ev.Domains); err != nil {
				return err
			}
		case Revoked:
			c, ok := p.certIndex[ev.Certified]
			if !ok {
				return &HistoryError{i, "unknown certification " + strconv.Quote(ev.Certified)}
			}
			h.revoked = append(h.revoked, revocation{cert: int32(c), at: ev.At})
		default:
			return &HistoryError{i, "unknown event type " + ev.Kind.String()}
		}
	}
	return nil
}

// paid is what a booking charged: as recorded, or, when the event does not
// say, the exam's price less the voucher's discount (V5), as a booking
// made by the engine's rules would have charged.
func (p *Program) paid(x int32, ev *Event) Money {
	if ev.Fee.Currency != "" {
		return ev.Fee
	}
	price := p.Exams[x].Price
	if ev.Voucher {
		price.Minor = p.discounted(price.Minor)
	}
	return price
}

// discounted is a price less the voucher discount, rounded down to the
// minor unit (V5: 50% of 150.00 USD is 75.00 USD).
func (p *Program) discounted(minor int64) int64 {
	return minor * int64(100-p.Vouchers.DiscountPercent) / 100
}

// find looks an appointment up from the newest, since events mostly follow
// the booking they belong to closely; histories are small enough that a
// scan beats building a map.
func (h *History) find(id string) int {
	for i := len(h.appts) - 1; i >= 0; i-- {
		if len(h.appts[i].id) == len(id) && h.appts[i].id == id {
			return i
		}
	}
	return -1
}

// addSitting keeps sittings ordered by their instant, because results can
// be recorded after later events (a result posts days after the sitting).
func (p *Program) addSitting(h *History, i int, exam int32, at time.Time, score int, domains []DomainResult) error {
	e := &p.Exams[exam]
	if score < e.ScoreMin || score > e.ScoreMax {
		return &HistoryError{i, "scaled_score " + strconv.Itoa(score) + " for " + e.Code + " is not a whole number on its scale " +
			strconv.Itoa(e.ScoreMin) + "-" + strconv.Itoa(e.ScoreMax) + " (E3)"}
	}
	s := sitting{exam: exam, at: at, date: h.zone.date(at.Unix()), score: score, passed: e.Passes(score), domains: domains}
	h.sittings = append(h.sittings, s)
	for j := len(h.sittings) - 1; j > 0 && h.sittings[j].at.Before(h.sittings[j-1].at); j-- {
		h.sittings[j], h.sittings[j-1] = h.sittings[j-1], h.sittings[j]
	}
	return nil
}

// Zone is the candidate's time zone.
func (h *History) Zone() *time.Location { return h.zone.loc }

// DateOf returns the candidate's calendar date of an instant (T2).
func (h *History) DateOf(t time.Time) Date {
	z := h.zone
	return z.date(t.Unix())
}

// Sitting is a read-only view of one sitting for reports.
type Sitting struct {
	Exam   string
	At     time.Time
	Date   Date
	Score  int
	Passed bool
}

// Sittings lists the sittings in the order they happened.
func (p *Program) Sittings(h *History) []Sitting {
	out := make([]Sitting, len(h.sittings))
	for i, s := range h.sittings {
		out[i] = Sitting{Exam: p.Exams[s.exam].Code, At: s.at, Date: s.date, Score: s.score, Passed: s.passed}
	}
	return out
}
