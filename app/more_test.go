package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

func render(v any, err error) (int, []byte) {
	if err != nil {
		b, _ := json.Marshal(map[string]any{"code": app.ErrorCode(err), "message": err.Error()})
		return 422, b
	}
	b, _ := json.Marshal(v)
	return 201, b
}

// TestIdempotentBooking: a retried booking with the same key books and
// charges once and answers the same; concurrent retries too.
func TestIdempotentBooking(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		pr := app.Principal{TokenID: "tok1", Role: app.RoleStaff}
		in := app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")}
		req := []byte(`{"candidate":"c1"}`)
		book := func() (int, []byte, bool, error) {
			return f.a.Idempotent(f.ctx, pr, "key-1", "POST /v1/appointments", req, render, func(ctx context.Context, pr app.Principal) (any, error) { return f.a.Book(ctx, pr, in) })
		}
		var wg sync.WaitGroup
		bodies := make([][]byte, 20)
		errs := make([]error, 20)
		for i := range bodies {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, bodies[i], _, errs[i] = book()
			}(i)
		}
		wg.Wait()
		for i := range bodies {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if string(bodies[i]) != string(bodies[0]) {
				t.Fatalf("call %d answered %s, call 0 %s", i, bodies[i], bodies[0])
			}
		}
		_, _, replayed, err := book()
		if err != nil || !replayed {
			t.Fatalf("a later retry: replayed=%v err=%v", replayed, err)
		}
		aps, _ := f.a.ListAppointments(f.ctx, app.System, ledger.AppointmentFilter{Candidate: "c1"}, ledger.Page{})
		fees, _ := f.a.Fees(f.ctx, app.System, "c1", ledger.Page{})
		if len(aps) != 1 || len(fees) != 1 {
			t.Fatalf("%d appointments and %d fees after 21 calls with one key; want 1 and 1", len(aps), len(fees))
		}
		_, _, _, err = f.a.Idempotent(f.ctx, pr, "key-1", "POST /v1/appointments", []byte("another body"), render, func(ctx context.Context, pr app.Principal) (any, error) { return f.a.Book(ctx, pr, in) })
		mustCode(t, err, app.CodeIdempotencyReused)
	})
}

// TestRebuildIsIdentical: the read models rebuilt from the ledger equal the
// ones the writes maintained.
func TestRebuildIsIdentical(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		for i := 0; i < 4; i++ {
			f.candidate(t, fmt.Sprintf("c%d", i))
		}
		var ids []string
		for i := 0; i < 4; i++ {
			ap, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: fmt.Sprintf("c%d", i), Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ap.ID)
		}
		if _, err := f.a.Reschedule(f.ctx, app.System, app.RescheduleInput{Change: app.Change{Appointment: ids[3]}, Slot: slot("2026-03-03T14:00:00Z")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Cancel(f.ctx, app.System, app.Change{Appointment: ids[2]}); err != nil {
			t.Fatal(err)
		}
		f.clk.set("2026-03-04T10:00:00Z")
		for i, sc := range []int{640, 760} {
			if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Appointment: ids[i], Scaled: score(sc)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Candidate: "c3", Exam: "CLF-C02", On: slot("2025-01-10T15:00:00Z"), Scaled: score(800)}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, f)
		n, err := f.a.Rebuild(f.ctx, app.System)
		if err != nil || n != 4 {
			t.Fatalf("rebuild: %d streams, %v", n, err)
		}
		after := snapshot(t, f)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("rebuilt read models differ:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := f.a.Rebuild(f.ctx, app.Principal{Role: app.RoleStaff}); app.ErrorCode(err) != app.CodeForbidden {
			t.Errorf("staff rebuild: %v, want forbidden", err)
		}
	})
}

func snapshot(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	out := map[string]any{}
	err := f.st.View(f.ctx, func(tx ledger.Tx) error {
		for i := 0; i < 4; i++ {
			id := fmt.Sprintf("c%d", i)
			v, err := tx.View(f.ctx, id)
			if err != nil {
				return err
			}
			out[id] = v
		}
		n, err := tx.SeatsTaken(f.ctx, "tc1", slot("2026-03-01T14:00:00Z"))
		out["seats-0301"] = n
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPermissions: candidates act only on their own records, centers only
// on their own seats, and neither learns of others' records.
func TestPermissions(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		f.candidate(t, "c2")
		if _, err := f.a.CreateCenter(f.ctx, app.System, app.CenterInput{ID: "tc2", Name: "Austin", Seats: 5}); err != nil {
			t.Fatal(err)
		}
		me := app.Principal{TokenID: "t-c1", Role: app.RoleCandidate, Subject: "c1"}
		center2 := app.Principal{TokenID: "t-tc2", Role: app.RoleCenter, Subject: "tc2"}
		ap, err := f.a.Book(f.ctx, me, app.BookInput{Candidate: "c1", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		if err != nil {
			t.Fatalf("a candidate booking for themself: %v", err)
		}
		_, err = f.a.Book(f.ctx, me, app.BookInput{Candidate: "c2", Exam: "AIF-C01", Center: "tc1", Slot: slot("2026-03-01T14:00:00Z")})
		mustCode(t, err, app.CodeForbidden)
		_, err = f.a.Candidate(f.ctx, me, "c2")
		mustCode(t, err, app.CodeNotFound)
		_, err = f.a.Appointment(f.ctx, center2, ap.ID)
		mustCode(t, err, app.CodeNotFound)
		_, err = f.a.Cancel(f.ctx, center2, app.Change{Appointment: ap.ID})
		mustCode(t, err, app.CodeNotFound)
		_, err = f.a.RecordResult(f.ctx, me, app.ResultInput{Appointment: ap.ID, Scaled: score(900)})
		mustCode(t, err, app.CodeForbidden)
		_, err = f.a.CreateCandidate(f.ctx, center2, app.CandidateInput{Name: "x"})
		mustCode(t, err, app.CodeForbidden)
		_, _, err = f.a.CreateToken(f.ctx, app.Principal{Role: app.RoleStaff}, app.TokenInput{Role: app.RoleAdmin})
		mustCode(t, err, app.CodeForbidden)
		list, err := f.a.ListAppointments(f.ctx, center2, ledger.AppointmentFilter{}, ledger.Page{})
		if err != nil || len(list) != 0 {
			t.Errorf("center tc2 lists %d appointments (%v); it has none", len(list), err)
		}
	})
}

// TestTokens: a token authenticates as its role; only its hash is stored.
func TestTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		f.candidate(t, "c1")
		tok, secret, err := f.a.CreateToken(f.ctx, app.System, app.TokenInput{Role: app.RoleCandidate, Subject: "c1"})
		if err != nil {
			t.Fatal(err)
		}
		if string(tok.Hash) == secret || len(tok.Hash) != 32 {
			t.Fatalf("token hash %x: want a SHA-256, not the secret", tok.Hash)
		}
		pr, err := f.a.Authenticate(f.ctx, secret)
		if err != nil || pr.Role != app.RoleCandidate || pr.Subject != "c1" {
			t.Fatalf("authenticate: %+v %v", pr, err)
		}
		_, err = f.a.Authenticate(f.ctx, secret+"x")
		mustCode(t, err, app.CodeUnauthenticated)
		_, _, err = f.a.CreateToken(f.ctx, app.System, app.TokenInput{Role: app.RoleCandidate, Subject: "nobody"})
		mustCode(t, err, app.CodeNotFound)
		list, err := f.a.ListTokens(f.ctx, app.System, ledger.Page{})
		if err != nil || len(list) != 1 || list[0].ID != tok.ID {
			t.Fatalf("tokens %+v %v: want the one created", list, err)
		}
		_, err = f.a.ListTokens(f.ctx, pr, ledger.Page{})
		mustCode(t, err, app.CodeForbidden)
		mustCode(t, f.a.RevokeToken(f.ctx, pr, tok.ID), app.CodeForbidden)
		if err := f.a.RevokeToken(f.ctx, app.System, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Authenticate(f.ctx, secret)
		mustCode(t, err, app.CodeUnauthenticated)
		mustCode(t, f.a.RevokeToken(f.ctx, app.System, tok.ID), app.CodeNotFound)
	})
}
