package policy_test

// Helpers of the property tests: what the properties compare the engine
// with, computed from the spec and the catalog data rather than by the
// engine.

import (
	"reflect"
	"sort"
	"time"

	"pgregory.net/rapid"

	"github.com/recert/recert/policy"
)

// unrelatedExams are exams whose events cannot matter to the ask: for a
// booking or an appointment, every other exam; for a certification, every
// exam whose line is not on one of its renewal paths.
func unrelatedExams(ask policy.Ask, events []policy.Event) []string {
	var out []string
	p := aws()
	switch ask.Action {
	case policy.Status, policy.RecertifyOptions:
		cert, ok := p.Certification(ask.Certification)
		for _, e := range p.Exams {
			related := false
			for i := 0; ok && i < len(cert.Paths); i++ {
				related = related || cert.Paths[i].Line == e.Line
			}
			if !related {
				out = append(out, e.Code)
			}
		}
		return out
	}
	exam := ask.Exam
	for _, ev := range events {
		if ev.Kind == policy.Booked && ev.Appointment == ask.Appointment && ask.Appointment != "" {
			exam = ev.Exam
		}
	}
	for _, e := range p.Exams {
		if e.Code != exam {
			out = append(out, e.Code)
		}
	}
	return out
}

// passedSittings lists the passes in a history, in the order they happened,
// with their local dates, computed here rather than by the engine.
type pass struct {
	exam string
	line string
	at   time.Time
	date policy.Date
}

func passedSittings(events []policy.Event, loc *time.Location) []pass {
	p := aws()
	slot := map[string]time.Time{}
	exam := map[string]string{}
	var out []pass
	add := func(code string, at time.Time, score int) {
		e, _ := p.Exam(code)
		if score >= e.PassingScore {
			y, m, d := at.In(loc).Date()
			out = append(out, pass{code, e.Line, at, policy.MakeDate(y, m, d)})
		}
	}
	for _, ev := range events {
		switch ev.Kind {
		case policy.Booked:
			slot[ev.Appointment], exam[ev.Appointment] = ev.Slot, ev.Exam
		case policy.Rescheduled:
			slot[ev.Appointment] = ev.Slot
		case policy.Sat:
			add(exam[ev.Appointment], slot[ev.Appointment], ev.Score)
		case policy.Result:
			add(ev.Exam, ev.Slot, ev.Score)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// plus3Years adds three years to a date the T3 way, by hand.
func plus3Years(d policy.Date) policy.Date {
	y, m, dd := d.Civil()
	leap := func(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
	if m == time.February && dd == 29 && !leap(y+3) {
		dd = 28
	}
	return policy.MakeDate(y+3, m, dd)
}

// latestAsOf is the newest version of a line first offered on or before d.
func latestAsOf(line string, d policy.Date) string {
	best, bestFirst := "", policy.Date(0)
	for _, e := range aws().Exams {
		if e.Line == line && e.FirstDate <= d && (best == "" || e.FirstDate >= bestFirst) {
			best, bestFirst = e.Code, e.FirstDate
		}
	}
	return best
}

// checkShape asserts what decide.md says of every answer, and that an
// earliest date is exact: a slot on it satisfies E2, R1 and R3, and a slot
// on the day before (when that is not before the asked date) does not.
func checkShape(t *rapid.T, d policy.Decision, h *policy.History, at time.Time, ask policy.Ask) {
	cs := codes(d)
	if !sort.SliceIsSorted(cs, func(i, j int) bool { return cs[i] < cs[j] }) {
		t.Fatalf("reasons not sorted: %v", cs)
	}
	if d.Allowed != (len(cs) == 0) {
		t.Fatalf("allowed %v with reasons %v", d.Allowed, cs)
	}
	dateRule := d.Has(policy.ExamUnavailable) || d.Has(policy.RetakeWait) || d.Has(policy.PassedLockout)
	if d.HasEarliest != dateRule {
		t.Fatalf("earliest given %v with reasons %v", d.HasEarliest, cs)
	}
	if d.RetryAt.IsZero() == d.Has(policy.NoShowWait) {
		t.Fatalf("retry_at %v with reasons %v", d.RetryAt, cs)
	}
	today := h.DateOf(at)
	if ask.Action == policy.RecertifyOptions && d.State == policy.StateActive {
		checkOptions(t, d, h, at, ask.Certification)
	}
	if ask.Action != policy.Book || !d.HasEarliest {
		return
	}
	e, _ := aws().Exam(ask.Exam)
	checkEarliest(t, d.Earliest, h, at, e, today)
}

// blocked reports whether a booking of exam on the date's last second is
// refused by E2, R1 or R3, and whether that second is after at.
func blocked(h *policy.History, at time.Time, exam string, date policy.Date) (bool, bool) {
	slot := (date + 1).Start(h.Zone()).Add(-time.Second)
	if !slot.After(at) || h.DateOf(slot) != date {
		return false, false
	}
	b := aws().Decide(h, at, policy.Ask{Action: policy.Book, Exam: exam, Slot: slot})
	return b.Has(policy.ExamUnavailable) || b.Has(policy.RetakeWait) || b.Has(policy.PassedLockout), true
}

// checkOptions: for an active certification, every renewal path's latest
// version offered on or after today is listed with an exact earliest date,
// unless no date before its last test date is free of E2, R1 and R3.
func checkOptions(t *rapid.T, d policy.Decision, h *policy.History, at time.Time, certID string) {
	cert, _ := aws().Certification(certID)
	today := h.DateOf(at)
	var want []string
	for _, path := range cert.Paths {
		var latest *policy.Exam
		for _, v := range aws().Versions(path.Line) {
			if v.LastDate >= today {
				latest = v
			}
		}
		if latest == nil {
			continue
		}
		var opt *policy.Option
		for i := range d.Options {
			if d.Options[i].Exam == latest.Code {
				opt = &d.Options[i]
			}
		}
		if opt == nil {
			if latest.LastDate == policy.NoDate {
				t.Fatalf("%s: option %s left out: %s", certID, latest.Code, optionsString(d.Options))
			}
			if b, ok := blocked(h, at, latest.Code, latest.LastDate); ok && !b {
				t.Fatalf("%s: option %s left out, but its last test date %s is free", certID, latest.Code, latest.LastDate)
			}
			continue
		}
		want = append(want, latest.Code)
		checkEarliest(t, opt.Earliest, h, at, latest, today)
		if opt.InTime != (opt.Earliest <= d.ExpiresOn) {
			t.Fatalf("%s: option %+v, expires %s", certID, *opt, d.ExpiresOn)
		}
	}
	sort.Strings(want)
	var got []string
	for _, o := range d.Options {
		got = append(got, o.Exam)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: options %v, want %v", certID, got, want)
	}
}

// checkEarliest: a slot on the earliest date is free of E2, R1 and R3 and
// one on the day before (when that is not before today) is not; NoDate
// means even the last test date is refused.
func checkEarliest(t *rapid.T, earliest policy.Date, h *policy.History, at time.Time, e *policy.Exam, today policy.Date) {
	if earliest == policy.NoDate {
		if e.LastDate != policy.NoDate && e.LastDate >= today {
			if b, ok := blocked(h, at, e.Code, e.LastDate); ok && !b {
				t.Fatalf("earliest null, but %s on its last test date %s is free of E2, R1 and R3", e.Code, e.LastDate)
			}
		}
		return
	}
	if earliest < today {
		t.Fatalf("%s: earliest %s is before the asked date %s", e.Code, earliest, today)
	}
	if b, ok := blocked(h, at, e.Code, earliest); ok && b {
		t.Fatalf("%s: earliest %s is itself refused by E2, R1 or R3", e.Code, earliest)
	}
	if earliest > today {
		if b, ok := blocked(h, at, e.Code, earliest-1); ok && !b {
			t.Fatalf("%s: earliest %s, but the day before is free of E2, R1 and R3", e.Code, earliest)
		}
	}
}
