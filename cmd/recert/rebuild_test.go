package main

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// TestRebuildPrintsProblems: `recert rebuild` on a database where a race
// left three appointments in a 2-seat slot, one of them sat twice, prints
// the slot and the second result and exits with status 1; run again, it
// prints them again (nothing is hidden by the first run) and changes
// nothing.
func TestRebuildPrintsProblems(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "recert.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db)
	if _, err := a.CreateCenter(ctx, app.System, app.CenterInput{ID: "tc2", Name: "Lyon", Seats: 2}); err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	booked := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	event := func(typ string, at time.Time, d app.EventData) ledger.Event {
		b, _ := json.Marshal(d)
		return ledger.Event{Type: typ, Data: b, RecordedAt: at, Program: "aws@builtin"}
	}
	for _, c := range []string{"p1", "p2", "p3"} {
		if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: c, Name: c}); err != nil {
			t.Fatal(err)
		}
		evs := []ledger.Event{event(app.EvBooked, booked, app.EventData{Appointment: "ap-" + c, Exam: "CLF-C02", Center: "tc2", Slot: &slot, At: &booked})}
		if c == "p1" {
			later := slot.Add(24 * time.Hour)
			evs = append(evs, event(app.EvSat, later, app.EventData{Appointment: "ap-p1", Scaled: 800}),
				event(app.EvSat, later, app.EventData{Appointment: "ap-p1", Scaled: 800}))
		}
		if err := db.Update(ctx, func(tx ledger.Tx) error { return tx.Append(ctx, c, 0, evs) }); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	for i, changed := range []string{"(3 changed); recounted the seats of 1 slots (1 corrected)", "(0 changed); recounted the seats of 1 slots (0 corrected)"} {
		out, err := run(t, "", "rebuild", "--db", path)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 1 {
			t.Errorf("rebuild %d: %v, want exit status 1\n%s", i+1, err, out)
		}
		for _, want := range []string{
			"rebuilt the read models of 3 candidates " + changed,
			"over capacity: tc2 2026-03-01T14:00:00Z: 3 appointments hold a seat, the center has 2",
			"refused by today's rules: p1 event 3: second_result: a second result for appointment ap-p1",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("rebuild %d printed:\n%s\nwant a line with %q", i+1, out, want)
			}
		}
	}
}
