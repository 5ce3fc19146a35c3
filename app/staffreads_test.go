package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

func TestStaffDeskReads(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		seedReports(t, f)

		found, err := f.a.SearchCandidates(f.ctx, app.System, "ada p")
		if err != nil || len(found) != 4 || found[0].ID != "p1" {
			t.Errorf("search 'ada p' = %v, %v: want p1..p4", found, err)
		}

		c, hist, err := f.a.History(f.ctx, app.System, "f1")
		if err != nil || c.ID != "f1" {
			t.Fatalf("history: %v %v", c, err)
		}
		var booked, result *app.HistoryEntry
		for i := range hist {
			switch hist[i].Type {
			case app.EvBooked:
				booked = &hist[i]
			case app.EvSat:
				result = &hist[i]
			}
		}
		if booked == nil || !booked.Decided || !booked.Allowed || booked.Action != "book" || len(booked.Explanation) == 0 ||
			!strings.HasPrefix(booked.Program, "aws@") {
			t.Errorf("booked entry %+v: want the allowing decision with its explanation and program version", booked)
		}
		if result == nil || !result.Decided || len(result.Explanation) == 0 {
			t.Errorf("sat entry %+v: want its decision's explanation", result)
		}

		wk, err := f.a.SeatCalendar(f.ctx, app.System, "tc1", time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		// The week of Wed 4 March 2026 starts Mon 2 March; the sittings of
		// 1 March are the week before.
		if wk.From.Format("2006-01-02 Mon") != "2026-03-02 Mon" || len(wk.Days) != 7 {
			t.Fatalf("week from %s with %d days", wk.From, len(wk.Days))
		}
		for _, d := range wk.Days {
			if len(d.Slots) != 0 {
				t.Errorf("day %s: %v, want no slots", d.Day, d.Slots)
			}
		}
		wk, _ = f.a.SeatCalendar(f.ctx, app.System, "tc1", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		if s := wk.Days[6].Slots; len(s) != 1 || s[0].Taken != 3 || s[0].Seats != 10 {
			t.Errorf("Sunday 1 March: %+v, want 3 of 10 seats (p1, f1, n1)", s)
		}

		cat, err := f.a.ProgramCatalog(f.ctx, app.System)
		if err != nil || len(cat) == 0 || !cat[0].Active || !cat[0].BuiltIn {
			t.Fatalf("catalog %+v, %v: want the built-in version active", cat, err)
		}
		src, err := f.a.ProgramVersionSource(f.ctx, app.System, cat[0].ID, cat[0].Version)
		if err != nil || !strings.Contains(string(src), "AIF-C01") {
			t.Errorf("source of the built-in version: %v", err)
		}
		if _, err := f.a.ProgramVersionSource(f.ctx, app.System, cat[0].ID, "9.9.9"); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("an unknown version: %v, want not found", err)
		}

		for name, call := range map[string]func() error{
			"SearchCandidates":     func() error { _, err := f.a.SearchCandidates(f.ctx, candidatePrincipal, "ada"); return err },
			"History":              func() error { _, _, err := f.a.History(f.ctx, candidatePrincipal, "p1"); return err },
			"SeatCalendar":         func() error { _, err := f.a.SeatCalendar(f.ctx, candidatePrincipal, "tc1", wk.From); return err },
			"ProgramCatalog":       func() error { _, err := f.a.ProgramCatalog(f.ctx, candidatePrincipal); return err },
			"ProgramVersionSource": func() error { _, err := f.a.ProgramVersionSource(f.ctx, candidatePrincipal, "aws", "x"); return err },
			"NotificationLog": func() error {
				_, err := f.a.NotificationLog(f.ctx, candidatePrincipal, ledger.NotificationFilter{}, ledger.Page{})
				return err
			},
		} {
			if app.ErrorCode(call()) != app.CodeForbidden {
				t.Errorf("%s by a candidate: want forbidden", name)
			}
		}
	})
}
