package policy_test

import (
	"strconv"
	"time"

	"pgregory.net/rapid"

	"github.com/recert/recert/policy"
)

// Generators of random but well-formed AWS histories and asks for the
// property tests. Histories are what could happen: appointments are booked
// before they change, sat or missed; closed appointments never change
// again; time moves forward. They need not obey the rules (history is taken
// as given), so they also exercise the engine on what a rule would refuse.

// propZones mixes the date line, half-hour offsets, DST at midnight and a
// skipped day.
var propZones = []string{
	"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "Europe/Berlin",
	"Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia", "America/Havana", "Asia/Tokyo",
}

func examCodes() []string {
	var out []string
	for _, e := range aws().Exams {
		out = append(out, e.Code)
	}
	return out
}

func certIDs() []string {
	var out []string
	for _, c := range aws().Certifications {
		out = append(out, c.ID)
	}
	return out
}

// genBase is the first instant of a generated history: 2023 to 2029, on
// the minute.
func genBase(t *rapid.T) time.Time {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.Add(time.Duration(rapid.IntRange(0, 6*365*24*60).Draw(t, "base")) * time.Minute)
}

// minutes draws a duration from lo to hi minutes, often a whole hour or day
// so that boundaries (exactly 24 hours, local midnight) come up.
func minutes(t *rapid.T, label string, lo, hi int) time.Duration {
	m := rapid.IntRange(lo, hi).Draw(t, label)
	switch rapid.IntRange(0, 4).Draw(t, label+"-round") {
	case 0:
		m -= m % 60
	case 1:
		m -= m % (24 * 60)
	case 2: // near a rule's boundary: 1 and 14 days, 2 and 3 years
		days := rapid.SampledFrom([]int{1, 13, 14, 15, 729, 730, 731, 1095, 1096, 1097}).Draw(t, label+"-days")
		m = days*24*60 + rapid.IntRange(-120, 120).Draw(t, label+"-jitter")
		if m > hi {
			m = hi
		}
	}
	if m < lo {
		m = lo
	}
	return time.Duration(m) * time.Minute
}

type genAppt struct {
	id, exam    string
	slot        time.Time
	reschedules int
}

// history is one generated candidate.
type history struct {
	tz     string
	events []policy.Event
	appts  []string // every appointment id booked
	end    time.Time
}

// genEvents draws a sequence of events about the given exams, with
// appointment ids starting with prefix, from instant now. With
// sittingsOnly it draws results alone.
func genEvents(t *rapid.T, label string, exams []string, prefix string, now time.Time, sittingsOnly bool) ([]policy.Event, []string, time.Time) {
	var events []policy.Event
	var ids []string
	var open []*genAppt
	n := rapid.IntRange(0, 24).Draw(t, label+"-n")
	if rapid.Bool().Draw(t, label+"-long") { // rapid favours small numbers
		n += 12
	}
	for i := 0; i < n; i++ {
		// book, reschedule, cancel, sit, miss, imported result, nothing
		kind := []int{0, 0, 0, 1, 2, 3, 3, 4, 5, 5, 5, 6}[rapid.IntRange(0, 11).Draw(t, label+"-kind")]
		if sittingsOnly {
			kind = 5
		}
		if kind <= 4 && kind >= 1 && len(open) == 0 {
			kind = 0
		}
		switch kind {
		case 0: // book
			a := &genAppt{id: prefix + strconv.Itoa(len(ids)+1), exam: rapid.SampledFrom(exams).Draw(t, label+"-exam")}
			a.slot = now.Add(minutes(t, label+"-lead", 60, 90*24*60))
			ids = append(ids, a.id)
			open = append(open, a)
			events = append(events, policy.Event{Kind: policy.Booked, Appointment: a.id, Exam: a.exam, Slot: a.slot, At: now,
				Voucher: rapid.IntRange(0, 3).Draw(t, label+"-voucher") == 0})
		case 1: // reschedule
			k := rapid.IntRange(0, len(open)-1).Draw(t, label+"-which")
			a := open[k]
			a.slot = now.Add(minutes(t, label+"-lead", 60, 90*24*60))
			a.reschedules++
			events = append(events, policy.Event{Kind: policy.Rescheduled, Appointment: a.id, Slot: a.slot, At: now})
		case 2: // cancel
			k := rapid.IntRange(0, len(open)-1).Draw(t, label+"-which")
			events = append(events, policy.Event{Kind: policy.Cancelled, Appointment: open[k].id, At: now})
			open = append(open[:k], open[k+1:]...)
		case 3, 4: // sat or missed: time moves to the slot
			k := rapid.IntRange(0, len(open)-1).Draw(t, label+"-which")
			a := open[k]
			if a.slot.After(now) {
				now = a.slot
			}
			now = now.Add(3 * time.Hour)
			if kind == 3 {
				events = append(events, policy.Event{Kind: policy.Sat, Appointment: a.id, Score: genScore(t, label)})
			} else {
				events = append(events, policy.Event{Kind: policy.NoShow, Appointment: a.id})
			}
			open = append(open[:k], open[k+1:]...)
		case 5: // an imported result
			events = append(events, policy.Event{Kind: policy.Result, Exam: rapid.SampledFrom(exams).Draw(t, label+"-exam"),
				Slot: now, Score: genScore(t, label)})
		}
		now = now.Add(minutes(t, label+"-step", 0, 400*24*60))
	}
	return events, ids, now
}

// genScore is a scaled score, often near a passing line.
func genScore(t *rapid.T, label string) int {
	if rapid.Bool().Draw(t, label+"-near") {
		return rapid.SampledFrom([]int{100, 699, 700, 719, 720, 749, 750, 800, 900, 1000}).Draw(t, label+"-score")
	}
	return rapid.IntRange(100, 1000).Draw(t, label+"-score")
}

func genHistory(t *rapid.T) history {
	h := history{tz: rapid.SampledFrom(propZones).Draw(t, "zone")}
	h.events, h.appts, h.end = genEvents(t, "ev", examCodes(), "a", genBase(t), false)
	return h
}

// genAt is the moment of asking: before, during or after the history.
func genAt(t *rapid.T, h history) time.Time {
	return h.end.Add(minutes(t, "at", -200*24*60, 1200*24*60))
}

// genAsk draws any question, including unknown exams, certifications and
// appointments.
func genAsk(t *rapid.T, h history, at time.Time) policy.Ask {
	action := rapid.SampledFrom([]policy.Action{policy.Book, policy.Book, policy.Cancel, policy.Reschedule,
		policy.Status, policy.RecertifyOptions, policy.Score}).Draw(t, "action")
	ask := policy.Ask{Action: action}
	exams := append(examCodes(), "XYZ-C01")
	appts := append(append([]string{}, h.appts...), "zz")
	switch action {
	case policy.Book, policy.Score:
		ask.Exam = rapid.SampledFrom(exams).Draw(t, "exam")
	case policy.Cancel, policy.Reschedule:
		ask.Appointment = rapid.SampledFrom(appts).Draw(t, "appointment")
	case policy.Status, policy.RecertifyOptions:
		ask.Certification = rapid.SampledFrom(append(certIDs(), "nope")).Draw(t, "certification")
	}
	if action == policy.Book || action == policy.Reschedule {
		ask.Slot = at.Add(minutes(t, "slot", -5*24*60, 900*24*60))
	}
	if action == policy.Score {
		ask.Score = rapid.IntRange(50, 1100).Draw(t, "score")
	}
	return ask
}
