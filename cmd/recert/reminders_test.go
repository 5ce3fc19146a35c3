package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
)

func (w *walker) walk(mid func()) {
	t, ctx, a := w.t, w.ctx, w.a
	// Staff: a webhook endpoint, a test center in New York, the candidate.
	hook, err := a.CreateWebhook(ctx, app.System, app.WebhookInput{URL: w.hooks.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	w.hooks.secret.Store(hook.Secret)
	if _, err := a.CreateCenter(ctx, app.System, app.CenterInput{ID: "nyc", Name: "New York", TimeZone: "America/New_York", Seats: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	slot1 := w.local(2027, 1, 14, 14, 0) // the first sitting, which fails
	slot2 := w.local(2027, 2, 10, 14, 0) // the retake, which passes
	var want []expected
	var pass ledger.Appointment
	actions := []struct {
		at time.Time
		do func()
	}{
		{w.clock.Now(), func() {
			ap := w.book(slot1)
			// R7: changes up to 24 hours before the slot; N3: a reminder 24
			// hours before that, and one 3 hours before the sitting.
			want = append(want, expected{"change_deadline", ap.ID, slot1.Add(-48 * time.Hour)},
				expected{"sitting", ap.ID, slot1.Add(-3 * time.Hour)})
			w.apptFail = ap.ID
		}},
		{slot1.Add(2 * time.Hour), func() {
			w.result(w.apptFail, 610)
			// R1: a retake from 14 calendar days after the sitting; N1 and N2:
			// the notice at 09:00 on that day.
			want = append(want, expected{"retake_available", "AIF-C01", w.at9("2027-01-28")})
			w.checkCalendar("2027-01-28")
		}},
		{w.local(2027, 2, 1, 10, 0), func() {
			pass = w.book(slot2)
			want = append(want, expected{"change_deadline", pass.ID, slot2.Add(-48 * time.Hour)},
				expected{"sitting", pass.ID, slot2.Add(-3 * time.Hour)})
			w.checkCalendar("")
		}},
		{slot2.Add(2 * time.Hour), func() {
			w.result(pass.ID, 850)
			st, err := a.Standing(ctx, app.System, "ada")
			if err != nil || len(st.Certifications) != 1 {
				t.Fatalf("standing after the pass: %+v, %v", st, err)
			}
			exp := st.Certifications[0].ExpiresOn
			cert := st.Certifications[0].Certification.Certification
			// V1: three years from the pass; V4: reminders 180, 90, 30 and 7
			// days before and on the day, at 09:00 (N1); the expiry itself
			// when the day after the last valid day begins.
			for _, d := range []int{180, 90, 30, 7, 0} {
				want = append(want, expected{"expiry_reminder", cert, w.at9(w.addDays(exp, -d))})
			}
			w.checkCalendar("")
			end, _ := time.ParseInLocation("2006-01-02", w.addDays(exp, 1), w.zone)
			want = append(want, expected{"certification_expired", cert, end.UTC()})
			w.expires = exp
		}},
	}
	// The moments the clock stops at: every action, a minute after every
	// due time (known once the action that schedules it ran), and every
	// week in between, where nothing must be sent.
	end := w.local(2030, 3, 1, 12, 0)
	next, stops := 0, 0
	midDone := mid == nil
	for now := w.clock.Now(); !now.After(end); {
		for next < len(actions) && !actions[next].at.After(now) {
			actions[next].do()
			next++
		}
		w.settle()
		w.check(want)
		stops++
		if !midDone && len(want) > 6 && !now.Before(want[6].due) {
			mid()
			midDone = true
		}
		// The next stop.
		stop := now.Add(7 * 24 * time.Hour)
		if next < len(actions) && actions[next].at.Before(stop) {
			stop = actions[next].at
		}
		for _, e := range want {
			if m := e.due.Add(time.Minute); m.After(now) && m.Before(stop) {
				stop = m
			}
		}
		now = stop
		w.clock.set(t, now)
	}
	t.Logf("%d stops; mailed, each once, in order: %v", stops, want)
	if !midDone || len(want) != 11 {
		t.Fatalf("the walk ended with %d messages expected (mid ran: %v)", len(want), midDone)
	}
	// And the ledger recorded the expiry once.
	st, err := a.Standing(ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	h := st.Certifications[0].History
	if st.Certifications[0].State != "expired" || h[len(h)-1].Type != "certification_expired" || len(h) != 2 {
		t.Fatalf("after the walk: %+v; want expired, earned then expired once", st.Certifications[0])
	}
}

func (w *walker) book(slot time.Time) ledger.Appointment {
	ap, err := w.a.Book(w.ctx, app.System, app.BookInput{Candidate: "ada", Exam: "AIF-C01", Center: "nyc", Slot: slot})
	if err != nil {
		w.t.Fatalf("booking %s: %v", slot, err)
	}
	return ap
}

func (w *walker) result(appointment string, scaled int) {
	if _, err := w.a.RecordResult(w.ctx, app.System, app.ResultInput{Appointment: appointment, Scaled: &scaled}); err != nil {
		w.t.Fatalf("result %d for %s: %v", scaled, appointment, err)
	}
}

func TestReminderWalkSQLite(t *testing.T) {
	startWalk(t, filepath.Join(t.TempDir(), "walk.db"), true).walk(nil)
}

func TestReminderWalkPostgres(t *testing.T) {
	startWalk(t, pgtest.Server(t).NewDatabase(t), true).walk(nil)
}

// TestReminderWalkKill9: the worker is a process of its own, killed with
// SIGKILL halfway through and started again; nothing is sent twice and
// nothing is lost.
func TestReminderWalkKill9(t *testing.T) {
	w := startWalk(t, pgtest.Server(t).NewDatabase(t), false)
	p := w.startWorker()
	w.walk(func() {
		w.kill(p)
		w.startWorker()
	})
}

// TestReminderWalkTwoWorkers: two worker processes on one PostgreSQL
// database; one of them is killed halfway, the other carries on alone.
func TestReminderWalkTwoWorkers(t *testing.T) {
	w := startWalk(t, pgtest.Server(t).NewDatabase(t), false)
	p := w.startWorker()
	w.startWorker()
	w.walk(func() { w.kill(p) })
}

// restart stops the walk's in-process worker and starts a new App and
// queue on the same database, as a restarted `recert serve` would.
func (w *walker) checkCalendar(retakeDate string) {
	t := w.t
	link, err := w.a.CreateCalendarFeed(w.ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(link.Path, "/calendar/"), ".ics")
	feed, err := w.a.CalendarFeed(w.ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	days := map[string]string{} // summary -> all-day date
	starts := map[time.Time]*ical.Event{}
	for _, ev := range cal.Events() {
		summary, _ := ev.Props.Text(ical.PropSummary)
		if p := ev.Props.Get(ical.PropDateTimeStart); p != nil && p.ValueType() == ical.ValueDate {
			days[summary] = p.Value[:4] + "-" + p.Value[4:6] + "-" + p.Value[6:8]
			continue
		}
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		starts[start.UTC()] = &ev
	}
	st, err := w.a.Standing(w.ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st.Certifications {
		if got := days["AWS Certified AI Practitioner expires"]; got != c.ExpiresOn {
			t.Errorf("the feed's expiry is %q, the standing's %s:\n%s", got, c.ExpiresOn, feed)
		}
	}
	if retakeDate != "" && days["Retake of AIF-C01 possible"] != retakeDate {
		t.Errorf("the feed's retake day is %q, want %s:\n%s", days["Retake of AIF-C01 possible"], retakeDate, feed)
	}
	aps, err := w.a.ListAppointments(w.ctx, app.System, ledger.AppointmentFilter{Candidate: "ada", State: "open"}, ledger.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, ap := range aps {
		ev := starts[ap.Slot.UTC()]
		if ev == nil {
			t.Errorf("the feed has no event at %s for appointment %s:\n%s", ap.Slot, ap.ID, feed)
			continue
		}
		if len(ev.Children) != 1 || ev.Children[0].Name != ical.CompAlarm {
			t.Errorf("appointment %s has no alarm", ap.ID)
			continue
		}
		trig := ev.Children[0].Props.Get(ical.PropTrigger)
		if want := ap.Slot.Add(-24 * time.Hour).UTC().Format("20060102T150405Z"); trig == nil || trig.Value != want {
			t.Errorf("appointment %s's alarm is %v, want its change deadline %s", ap.ID, trig, want)
		}
	}
}
