package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// TestSlotsTellRefusedSlotsAndFullSeats: a slot picker's choices are the
// engine's answers to the booking each slot would be, and a slot with no
// seat left is refused too, each with its reason in words.
func TestSlotsTellRefusedSlotsAndFullSeats(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		f.candidate(t, "c2")
		if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tiny", Name: "Tiny", Seats: 1}); err != nil {
			t.Fatal(err)
		}
		ap, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-03-02T10:00:00Z")
		if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Appointment: ap.ID, Scaled: score(640)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c2", Exam: "CLF-C02", Center: "tiny", Slot: slot("2026-03-20T14:00:00Z")}); err != nil {
			t.Fatal(err)
		}
		me := app.Principal{TokenID: "t1", Role: app.RoleCandidate, Subject: "c1"}
		got, err := f.a.Slots(f.ctx, me, app.SlotsInput{Candidate: "c1", Exam: "AIF-C01", Center: "tiny",
			Slots: []time.Time{slot("2026-03-14T14:00:00Z"), slot("2026-03-16T14:00:00Z"), slot("2026-03-20T14:00:00Z")}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Choices) != 3 || got.Earliest != "2026-03-15" || got.Zone.String() != "America/New_York" {
			t.Fatalf("choices %+v", got)
		}
		wait, open, full := got.Choices[0], got.Choices[1], got.Choices[2]
		if wait.Allowed || !slices.Contains(wait.Reasons, "retake_wait") || len(wait.Explanation) == 0 {
			t.Errorf("before the retake date: %+v, want retake_wait with words (R1)", wait)
		}
		if !open.Allowed || open.SeatsLeft != 1 {
			t.Errorf("after the retake date: %+v, want allowed with a seat", open)
		}
		if full.Allowed || !slices.Contains(full.Reasons, "slot_full") || full.SeatsLeft != 0 {
			t.Errorf("a full slot: %+v, want slot_full", full)
		}
		// Another candidate's picker is not there for c1.
		if _, err := f.a.Slots(f.ctx, me, app.SlotsInput{Candidate: "c2", Exam: "AIF-C01", Center: "tc1"}); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("c1 asking about c2: %v, want not_found", err)
		}
		e, err := f.a.Enrolment(f.ctx, me, "c1")
		if err != nil || e.Program.ID != "aws" || e.Zone.String() != "America/New_York" || e.Candidate.Name != "Ada c1" {
			t.Errorf("enrolment %+v, %v", e, err)
		}
		if _, err := f.a.Enrolment(f.ctx, me, "c2"); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("c1 reading c2's enrolment: %v, want not_found", err)
		}
	})
}
