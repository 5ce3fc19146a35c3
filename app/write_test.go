package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// streamOf reads a candidate's events straight from the store.
func streamOf(t *testing.T, st ledger.Store, candidate string) []ledger.Event {
	t.Helper()
	var evs []ledger.Event
	err := st.View(t.Context(), func(tx ledger.Tx) error {
		var err error
		evs, _, err = tx.Stream(t.Context(), candidate)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestEveryEventRecordsItsActor: each event names the token and role that
// caused it, for every kind of write and whoever acted.
func TestEveryEventRecordsItsActor(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		staff := app.Principal{TokenID: "tok_staff", Role: app.RoleStaff}
		cand := app.Principal{TokenID: "tok_c1", Role: app.RoleCandidate, Subject: "c1"}
		center := app.Principal{TokenID: "tok_tc1", Role: app.RoleCenter, Subject: "tc1"}
		ap, err := f.a.Book(f.ctx, cand, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-03-01T18:00:00Z")
		if _, err := f.a.RecordResult(f.ctx, center, app.ResultInput{Appointment: ap.ID, Scaled: score(800)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Revoke(f.ctx, staff, "c1", "ai-practitioner", "exam content leaked"); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"booked": "tok_c1/candidate", "fee_charged": "tok_c1/candidate", "sat": "tok_tc1/center",
			"voucher_issued": "tok_tc1/center", "certification_earned": "tok_tc1/center", "certification_revoked": "tok_staff/staff"}
		evs := streamOf(t, st, "c1")
		for _, e := range evs {
			var d app.EventData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			if d.By == nil {
				t.Errorf("event %d (%s) records no actor", e.Seq, e.Type)
				continue
			}
			if got := d.By.Token + "/" + d.By.Role; want[e.Type] != "" && got != want[e.Type] {
				t.Errorf("event %d (%s) by %s, want %s", e.Seq, e.Type, got, want[e.Type])
			}
		}
		if len(evs) < len(want) {
			t.Errorf("%d events, want at least %d", len(evs), len(want))
		}
	})
}

// TestZoneChangeRedatesAtOnce: a candidate's move to another zone is an
// event, and the read models are re-dated in the same transaction, so a
// rebuild afterwards changes nothing (before, the live models kept the
// old dates until a rebuild moved them, and the voucher's id with them).
func TestZoneChangeRedatesAtOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		if _, err := f.a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: "c1", Name: "Ada", TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		// 23:30 UTC on March 1 is already March 2 in Tokyo.
		f.clk.set("2026-03-05T10:00:00Z")
		if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: "c1", Exam: "AIF-C01", On: slot("2026-03-01T23:30:00Z"), Scaled: score(800)}); err != nil {
			t.Fatal(err)
		}
		earned := func() string {
			s, err := f.a.Standing(f.ctx, app.System, "c1")
			if err != nil || len(s.Certifications) != 1 {
				t.Fatalf("standing %+v, %v", s, err)
			}
			return s.Certifications[0].EarnedOn
		}
		if got := earned(); got != "2026-03-01" {
			t.Fatalf("earned %s in UTC, want 2026-03-01", got)
		}
		c, err := f.a.Candidate(f.ctx, app.System, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.UpdateCandidate(f.ctx, app.System, app.CandidateInput{ID: "c1", TimeZone: "Asia/Tokyo", IfMatch: c.Rev}); err != nil {
			t.Fatal(err)
		}
		if got := earned(); got != "2026-03-02" {
			t.Fatalf("earned %s right after the move to Tokyo, want 2026-03-02 (re-dated in the same transaction)", got)
		}
		before := snapshot(t, f)
		if _, err := f.a.Rebuild(f.ctx, app.System); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(t, f); !sameJSON(before, after) {
			t.Fatalf("rebuild after a zone change changed the read models:\nlive    %v\nrebuilt %v", before, after)
		}
		evs := streamOf(t, st, "c1")
		if last := evs[len(evs)-1]; last.Type != app.EvZoneChanged || !strings.Contains(string(last.Data), "Asia/Tokyo") {
			t.Fatalf("last event %s %s, want time_zone_changed to Asia/Tokyo", last.Type, last.Data)
		}
	})
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestCenterTokenLimits: a test center books its candidates only at the
// full fee (the voucher is the candidate's to spend), records results only
// for its own appointments once their slot has begun, and never without
// an appointment (legacy history is staff's).
func TestCenterTokenLimits(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tc2", Name: "Austin", Seats: 10}); err != nil {
			t.Fatal(err)
		}
		f.candidate(t, "c1")
		center := app.Principal{TokenID: "tok_tc1", Role: app.RoleCenter, Subject: "tc1"}
		_, err := f.a.Book(f.ctx, center, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z"), UseVoucher: true})
		mustCode(t, err, app.CodeForbidden)
		ap, err := f.a.Book(f.ctx, center, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.a.RecordResult(f.ctx, center, app.ResultInput{Appointment: ap.ID, Scaled: score(800)})
		mustCode(t, err, app.CodeRefused) // the slot has not begun
		other, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "CLF-C02", Center: "tc2", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-03-01T18:00:00Z")
		_, err = f.a.RecordResult(f.ctx, center, app.ResultInput{Appointment: other.ID, Scaled: score(800)})
		mustCode(t, err, app.CodeNotFound) // another center's appointment is not there for it
		_, err = f.a.RecordResult(f.ctx, center, app.ResultInput{Candidate: "c1", Exam: "AIF-C01", On: slot("2026-02-01T14:00:00Z"), Scaled: score(800)})
		mustCode(t, err, app.CodeForbidden)
		res, err := f.a.RecordResult(f.ctx, center, app.ResultInput{Appointment: ap.ID, Scaled: score(800)})
		if err != nil {
			t.Fatal(err)
		}
		// Reading it back: its center and its candidate see it; another
		// center and another candidate are told it does not exist.
		for _, pr := range []app.Principal{center, {TokenID: "t-c1", Role: app.RoleCandidate, Subject: "c1"}, app.System} {
			if got, err := f.a.Result(f.ctx, pr, res.ID); err != nil || got.ID != res.ID {
				t.Errorf("%s reads result %s: %+v, %v", pr.Role, res.ID, got, err)
			}
		}
		for _, pr := range []app.Principal{{TokenID: "t-tc2", Role: app.RoleCenter, Subject: "tc2"}, {TokenID: "t-c2", Role: app.RoleCandidate, Subject: "c2"}} {
			_, err := f.a.Result(f.ctx, pr, res.ID)
			mustCode(t, err, app.CodeNotFound)
		}
		_, err = f.a.Result(f.ctx, app.System, "c1-r999")
		mustCode(t, err, app.CodeNotFound)
	})
}

// TestTextIsChecked: what the ledger cannot keep or print is refused with
// the field named, and nothing is stored.
func TestTextIsChecked(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		cases := []struct {
			name  string
			in    app.CandidateInput
			field string
		}{
			{"NUL in a name", app.CandidateInput{ID: "x1", Name: "Ada\x00"}, "name"},
			{"invalid UTF-8", app.CandidateInput{ID: "x2", Name: "Ada \xff"}, "name"},
			{"a line break", app.CandidateInput{ID: "x3", Name: "Ada\nLovelace"}, "name"},
			{"an escape", app.CandidateInput{ID: "x4", Name: "Ada\x1b[31m"}, "name"},
			{"too long", app.CandidateInput{ID: "x5", Name: strings.Repeat("a", 201)}, "name"},
			{"an id with a slash", app.CandidateInput{ID: "x/6", Name: "Ada"}, "id"},
			{"an id too long", app.CandidateInput{ID: strings.Repeat("x", 65), Name: "Ada"}, "id"},
			{"an id with NUL", app.CandidateInput{ID: "x\x007", Name: "Ada"}, "id"},
			{"no @", app.CandidateInput{ID: "x8", Name: "Ada", Email: "ada.example.com"}, "email"},
			{"a display name", app.CandidateInput{ID: "x9", Name: "Ada", Email: "Ada <ada@example.com>"}, "email"},
			{"no domain dot", app.CandidateInput{ID: "x10", Name: "Ada", Email: "ada@localhost"}, "email"},
			{"a space", app.CandidateInput{ID: "x11", Name: "Ada", Email: "ada lovelace@example.com"}, "email"},
			{"a zone with NUL", app.CandidateInput{ID: "x12", Name: "Ada", TimeZone: "UTC\x00"}, "time_zone"},
		}
		for _, c := range cases {
			_, err := f.a.CreateCandidate(f.ctx, app.System, c.in)
			e := mustCode(t, err, app.CodeInvalid)
			if e.Field != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, e.Field, c.field, e.Message)
			}
		}
		list, err := f.a.ListCandidates(f.ctx, app.System, ledger.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("%d candidates stored after refusals (%v), want none", len(list), err)
		}
		if _, err := f.a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: "ok", Name: "Ada Lovelace-Byron", Email: "ada+exams@example.co.uk"}); err != nil {
			t.Fatalf("a good candidate: %v", err)
		}
		_, err = f.a.Revoke(f.ctx, app.System, "ok", "ai-practitioner", "bad\x00reason")
		if e := mustCode(t, err, app.CodeInvalid); e.Field != "reason" {
			t.Errorf("revoke reason: field %q", e.Field)
		}
		_, err = f.a.Candidate(f.ctx, app.System, "no\x00such")
		mustCode(t, err, app.CodeNotFound)
		_, err = f.a.Cancel(f.ctx, app.System, app.Change{Appointment: "ap\xff"})
		mustCode(t, err, app.CodeNotFound)
	})
}

// TestIdempotencyLikeStripe: a refusal is replayed too (the retry does not
// get a second chance at a slot that has since opened), bodies are
// compared as JSON values, and keys expire after the TTL.
func TestIdempotencyLikeStripe(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		f.candidate(t, "c2")
		if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tiny", Name: "Tiny", Seats: 1}); err != nil {
			t.Fatal(err)
		}
		at := slot("2026-03-01T14:00:00Z")
		if _, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tiny", Slot: at}); err != nil {
			t.Fatal(err)
		}
		pr := app.Principal{TokenID: "tok1", Role: app.RoleStaff}
		calls := 0
		book := func(body string) (int, []byte, bool, error) {
			return f.a.Idempotent(f.ctx, pr, "k1", "POST /v1/appointments", []byte(body), render,
				func(ctx context.Context, pr app.Principal) (any, error) {
					calls++
					return f.a.Book(ctx, pr, app.BookInput{Candidate: "c2", Exam: "AIF-C01", Center: "tiny", Slot: at})
				})
		}
		st1, b1, replayed, err := book(`{"candidate":"c2","center":"tiny"}`)
		if err != nil || st1 != 422 || replayed || !strings.Contains(string(b1), "slot_full") {
			t.Fatalf("first call: %d %s replayed=%v err=%v; want the slot_full refusal rendered", st1, b1, replayed, err)
		}
		// The seat frees up; a retry with the same key still gets the first
		// answer, and books nothing.
		if _, err := f.a.UpdateCenter(f.ctx, app.System, app.CenterInput{ID: "tiny", Seats: 2, IfMatch: 1}); err != nil {
			t.Fatal(err)
		}
		st2, b2, replayed, err := book("{ \"center\" : \"tiny\",\n \"candidate\": \"c\\u0032\" }")
		if err != nil || !replayed || st2 != st1 || string(b2) != string(b1) {
			t.Fatalf("retry with the members reordered: %d %s replayed=%v err=%v; want the first refusal replayed", st2, b2, replayed, err)
		}
		if calls != 1 {
			t.Fatalf("the use case ran %d times, want once", calls)
		}
		_, _, _, err = book(`{"candidate":"c2","center":"tiny","use_voucher":true}`)
		mustCode(t, err, app.CodeIdempotencyReused)
		// 24 hours later the key is new again, and the purge removed it.
		f.clk.set("2026-02-02T09:00:01Z")
		st3, b3, replayed, err := book(`{"candidate":"c2","center":"tiny"}`)
		if err != nil || replayed || st3 != 201 || calls != 2 {
			t.Fatalf("after the TTL: %d %s replayed=%v calls=%d err=%v; want a fresh booking", st3, b3, replayed, calls, err)
		}
	})
}

// TestValidationErrorsAreNotStored: a malformed request never ran, so its
// key stays free for the corrected request.
func TestValidationErrorsAreNotStored(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		pr := app.Principal{TokenID: "tok1", Role: app.RoleStaff}
		create := func(name string) (int, []byte, bool, error) {
			return f.a.Idempotent(f.ctx, pr, "k2", "POST /v1/candidates", []byte(`{}`), render,
				func(ctx context.Context, pr app.Principal) (any, error) {
					return f.a.CreateCandidate(ctx, pr, app.CandidateInput{ID: "c9", Name: name})
				})
		}
		_, _, _, err := create("")
		mustCode(t, err, app.CodeInvalid)
		if _, _, replayed, err := create("Ada"); err != nil || replayed {
			t.Fatalf("the corrected request: replayed=%v err=%v; want it to run", replayed, err)
		}
	})
}

// TestIdempotentWriteIsAtomic: concurrent first calls with one key of a
// request that could succeed every time (a candidate with a generated id)
// create one candidate: the response is stored in the write's own
// transaction, so a loser's whole write rolls back. Checked by storing the
// response after the write instead: ten candidates were created.
func TestIdempotentWriteIsAtomic(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		a := app.New(st)
		pr := app.Principal{TokenID: "tok1", Role: app.RoleStaff}
		const n = 10
		start := make(chan struct{})
		errs := make(chan error, n)
		bodies := make(chan string, n)
		for i := 0; i < n; i++ {
			go func() {
				<-start
				_, b, _, err := a.Idempotent(t.Context(), pr, "same", "POST /v1/candidates", []byte(`{"name":"Ada"}`), render,
					func(ctx context.Context, pr app.Principal) (any, error) {
						return a.CreateCandidate(ctx, pr, app.CandidateInput{Name: "Ada"})
					})
				errs <- err
				bodies <- string(b)
			}()
		}
		close(start)
		first := ""
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil && app.ErrorCode(err) != app.CodeConflict {
				t.Fatal(err)
			}
			if b := <-bodies; b != "" && first == "" {
				first = b
			} else if b != "" && b != first {
				t.Fatalf("two answers for one key:\n%s\n%s", first, b)
			}
		}
		list, err := a.ListCandidates(t.Context(), app.System, ledger.Page{})
		if err != nil || len(list) != 1 {
			t.Fatalf("%d candidates after %d concurrent calls with one key (%v), want 1", len(list), n, err)
		}
	})
}
