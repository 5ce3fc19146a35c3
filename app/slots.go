package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// maxSlotChoices bounds one slot picker: each choice is a decision and a
// seat count, and a page asks for a fortnight of a few times a day.
const maxSlotChoices = 200

// SlotsInput asks which of some slots a candidate could take: for a new
// booking of Exam, or, with Appointment set, to move that appointment.
type SlotsInput struct {
	Candidate   string
	Exam        string // a booking; ignored when Appointment is set
	Appointment string // a reschedule
	Center      string
	Slots       []time.Time
}

// SlotChoice is one slot and whether it can be taken, and why not.
type SlotChoice struct {
	At          time.Time
	Allowed     bool
	Reasons     []string // the engine's reason codes, and "slot_full" when no seat is left
	Explanation []string // in words, one sentence a reason
	SeatsLeft   int
}

// SlotChoices is a slot picker's answer.
type SlotChoices struct {
	Center  ledger.Center
	Zone    *time.Location // the candidate's zone
	Choices []SlotChoice
	// Earliest is the first date (YYYY-MM-DD) the program's rules allow a
	// slot on (E2, R1, R3), when they refused one; "" otherwise.
	Earliest string
	// RetryAt is when booking opens again after a missed appointment (R8):
	// that wait is on the moment of booking, so every slot is refused
	// until then, whatever its date. Zero when it does not apply.
	RetryAt time.Time
}

// Slots answers a slot picker: it puts the same question as Book (or
// Reschedule) to the engine for each slot, and counts the seats left, in
// one read, so that a page shows refused slots with their reason before
// the candidate tries them. It decides nothing for good: Book asks again.
func (a *App) Slots(ctx context.Context, pr Principal, in SlotsInput) (SlotChoices, error) {
	if !pr.canSeeCandidate(in.Candidate) {
		return SlotChoices{}, hidden("candidate " + quoteShort(in.Candidate))
	}
	if len(in.Slots) > maxSlotChoices {
		return SlotChoices{}, invalid("slots", "at most %d slots can be asked about at once", maxSlotChoices)
	}
	if in.Appointment == "" && in.Exam == "" {
		return SlotChoices{}, invalid("exam", "exam is required")
	}
	var out SlotChoices
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		if err := known("test center", in.Center); err != nil {
			return err
		}
		c, err := tx.Center(ctx, in.Center)
		if err != nil {
			return storeErr(err, "test center "+in.Center)
		}
		s, err := a.load(ctx, tx, in.Candidate)
		if err != nil {
			return err
		}
		if in.Appointment != "" {
			ap, err := tx.Appointment(ctx, in.Appointment)
			if err != nil || ap.Candidate != in.Candidate {
				return hidden("appointment " + quoteShort(in.Appointment))
			}
		}
		out = SlotChoices{Center: c, Zone: s.hist.Zone()}
		now := a.now().UTC()
		// The seats taken of every slot asked about, in one indexed read
		// of the range (a slot not listed has none taken).
		taken := map[time.Time]int{}
		if len(in.Slots) > 0 {
			lo, hi := in.Slots[0], in.Slots[0]
			for _, at := range in.Slots {
				lo, hi = minTime(lo, at), maxTime(hi, at)
			}
			uses, err := tx.SlotUses(ctx, c.ID, lo, hi.Add(time.Microsecond)) // the stores keep microseconds
			if err != nil {
				return storeErr(err, "seats of "+c.ID)
			}
			for _, u := range uses {
				taken[u.Slot.UTC()] = u.Taken
			}
		}
		for _, at := range in.Slots {
			ask := policy.Ask{Action: policy.Book, Exam: in.Exam, Slot: at, Delivery: delivery(c)}
			if in.Appointment != "" {
				ask = policy.Ask{Action: policy.Reschedule, Appointment: in.Appointment, Slot: at, Delivery: delivery(c)}
			}
			d := s.prog.Decide(s.hist, now, ask)
			ch := SlotChoice{At: at.UTC(), Allowed: d.Allowed}
			if !d.Allowed {
				ch.Explanation = s.prog.Explain(&d)
				for _, r := range d.Reasons {
					ch.Reasons = append(ch.Reasons, string(r.Code))
				}
				if d.HasEarliest && d.Earliest != policy.NoDate && out.Earliest == "" {
					out.Earliest = d.Earliest.String()
				}
				if !d.RetryAt.IsZero() && out.RetryAt.IsZero() {
					out.RetryAt = d.RetryAt.UTC()
				}
			}
			ch.SeatsLeft = max(c.Seats-taken[at.UTC()], 0)
			if ch.SeatsLeft == 0 {
				ch.Allowed = false
				ch.Reasons = append(ch.Reasons, string(CodeSlotFull))
				ch.Explanation = append(ch.Explanation, "No seat is left at "+c.Name+" at this time.")
			}
			out.Choices = append(out.Choices, ch)
		}
		return nil
	})
	return out, err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
