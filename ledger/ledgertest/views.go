package ledgertest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
)

func appointment(id, cand, center, state string, day int) ledger.Appointment {
	return ledger.Appointment{
		ID: id, Candidate: cand, Exam: "SAA-C03", Center: center, Slot: at(day, 9), State: state,
		BookedAt: at(day-5, 11), Reschedules: day % 3, Voucher: "v-" + id, FeeMinor: 15000, Currency: "USD",
		Rev: int64(day),
	}
}

func fee(cand string, seq int64, appt, kind string, amount int64) ledger.Fee {
	return ledger.Fee{Candidate: cand, Seq: seq, Appointment: appt, Kind: kind, AmountMinor: amount, Currency: "USD", At: at(int(seq), 12)}
}

// fullView is a view with every kind of row, some fields at their zero.
func fullView(cand string) ledger.View {
	raw := 61
	return ledger.View{
		Candidate: cand,
		Appointments: []ledger.Appointment{
			appointment(cand+"-a2", cand, "x1", "sat", 12),
			appointment(cand+"-a1", cand, "online", "open", 20),
		},
		Results: []ledger.Result{
			{ID: cand + "-r1", Candidate: cand, Appointment: cand + "-a2", Exam: "SAA-C03", SatAt: at(12, 9),
				RecordedAt: at(14, 16), Scaled: 812, Passed: true, Form: "B", Raw: &raw,
				Domains: json.RawMessage(`{"design": {"score": 0.8}, "security": {"score": 0.75}}`)},
			{ID: cand + "-r0", Candidate: cand, Appointment: "", Exam: "CLF-C02", SatAt: at(2, 9),
				RecordedAt: at(2, 9), Scaled: 640, Passed: false},
		},
		Certifications: []ledger.Certification{
			{Candidate: cand, Certification: "aws-saa", EarnedOn: "2026-03-12", ExpiresOn: "2029-03-12",
				BasisExam: "SAA-C03", BasisDate: "2026-03-12", Renewed: true},
			{Candidate: cand, Certification: "aws-clf", EarnedOn: "2023-01-02", BasisExam: "CLF-C02",
				BasisDate: "2023-01-02", Revoked: true},
		},
		Vouchers: []ledger.Voucher{
			{ID: cand + "-v1", Candidate: cand, FromExam: "SAA-C03", IssuedOn: "2026-03-14", ExpiresOn: "2027-03-14",
				Discount: 50, State: "unused"},
			{ID: cand + "-v0", Candidate: cand, FromExam: "CLF-C02", IssuedOn: "2023-01-02", ExpiresOn: "2024-01-02",
				Discount: 50, State: "used", Appointment: cand + "-a2"},
		},
		Fees: []ledger.Fee{
			fee(cand, 2, cand+"-a2", "charged", 15000),
			fee(cand, 5, cand+"-a1", "charged", 7500),
			fee(cand, 7, cand+"-a1", "refunded", -7500),
		},
		// In View's order, (Due, Kind, Subject): two share a due time and
		// two a due time and kind.
		Notices: []ledger.Notice{
			notice(cand, "sitting", cand+"-a1", 19, 0),
			notice(cand, "change_deadline", cand+"-a1", 20, 0),
			notice(cand, "expiry_reminder", "aws-saa", 20, 30),
			notice(cand, "voucher_expiring", cand+"-v0", 22, 7),
			notice(cand, "voucher_expiring", cand+"-v1", 22, 7),
		},
	}
}

// notice is a notice due on day (at a time with microseconds, in zone);
// one of days 0 has no Rule, so that an empty field round-trips too.
func notice(cand, kind, subject string, day, days int) ledger.Notice {
	n := ledger.Notice{Candidate: cand, Kind: kind, Subject: subject, Due: at(day, 3), Until: at(day+days+1, 9),
		Date: at(day+days, 9).Format(time.DateOnly), Days: days, Rule: "N1"}
	if kind == "sitting" {
		n.Rule = ""
	}
	return n
}

func replace(t *testing.T, s ledger.Store, views ...ledger.View) {
	t.Helper()
	update(t, s, func(tx ledger.Tx) error {
		for _, v := range views {
			if err := tx.ReplaceView(t.Context(), v); err != nil {
				return err
			}
		}
		return nil
	})
}

func readView(t *testing.T, s ledger.Store, cand string) ledger.View {
	t.Helper()
	var v ledger.View
	view(t, s, func(tx ledger.Tx) (err error) {
		v, err = tx.View(t.Context(), cand)
		return err
	})
	return v
}

func getAppointment(t *testing.T, s ledger.Store, id string) (ledger.Appointment, error) {
	t.Helper()
	var a ledger.Appointment
	err := s.View(t.Context(), func(tx ledger.Tx) (err error) {
		a, err = tx.Appointment(t.Context(), id)
		return err
	})
	return a, err
}

func testReplaceView(t *testing.T, s ledger.Store) {
	c1, c2 := fullView("c1"), fullView("c2")
	replace(t, s, c1, c2)
	same(t, "View(c1)", c1, readView(t, s, "c1"))
	same(t, "View(c2)", c2, readView(t, s, "c2"))
	same(t, "View of a candidate with no rows", ledger.View{Candidate: "nobody"}, readView(t, s, "nobody"))

	a, err := getAppointment(t, s, "c1-a1")
	if err != nil {
		t.Fatalf("Appointment: %v", err)
	}
	same(t, "Appointment(c1-a1)", c1.Appointments[1], a)
	_, err = getAppointment(t, s, "nope")
	wantErr(t, "Appointment of an unknown id", err, ledger.ErrNotFound)

	// A replacement drops every row the new view lacks.
	smaller := ledger.View{
		Candidate:    "c1",
		Appointments: []ledger.Appointment{appointment("c1-a3", "c1", "x2", "cancelled", 25)},
		Results:      c1.Results[1:],
		Fees:         []ledger.Fee{fee("c1", 9, "c1-a3", "forfeited", 15000)},
	}
	replace(t, s, smaller)
	same(t, "View(c1) after a smaller replacement", smaller, readView(t, s, "c1"))
	same(t, "View(c2) after replacing c1", c2, readView(t, s, "c2"))
	_, err = getAppointment(t, s, "c1-a1")
	wantErr(t, "Appointment dropped by ReplaceView", err, ledger.ErrNotFound)

	replace(t, s, ledger.View{Candidate: "c1"})
	same(t, "View(c1) after an empty replacement", ledger.View{Candidate: "c1"}, readView(t, s, "c1"))
}

func testListAppointments(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	replace(t, s,
		ledger.View{Candidate: "c1", Appointments: []ledger.Appointment{
			appointment("a5", "c1", "x1", "open", 10),
			appointment("a1", "c1", "x2", "sat", 11),
			appointment("a3", "c1", "x1", "cancelled", 12),
		}},
		ledger.View{Candidate: "c2", Appointments: []ledger.Appointment{
			appointment("a2", "c2", "x1", "open", 13),
			appointment("a6", "c2", "x1", "open", 14),
			appointment("a4", "c2", "x2", "open", 15),
		}},
	)
	list := func(f ledger.AppointmentFilter, p ledger.Page) (ids []string) {
		t.Helper()
		view(t, s, func(tx ledger.Tx) error {
			as, err := tx.ListAppointments(ctx, f, p)
			for _, a := range as {
				ids = append(ids, a.ID)
			}
			return err
		})
		return ids
	}
	for _, tc := range []struct {
		f    ledger.AppointmentFilter
		p    ledger.Page
		want []string
	}{
		{ledger.AppointmentFilter{}, ledger.Page{}, []string{"a1", "a2", "a3", "a4", "a5", "a6"}},
		{ledger.AppointmentFilter{Candidate: "c1"}, ledger.Page{}, []string{"a1", "a3", "a5"}},
		{ledger.AppointmentFilter{Center: "x1"}, ledger.Page{}, []string{"a2", "a3", "a5", "a6"}},
		{ledger.AppointmentFilter{State: "open"}, ledger.Page{}, []string{"a2", "a4", "a5", "a6"}},
		{ledger.AppointmentFilter{Candidate: "c2", Center: "x1", State: "open"}, ledger.Page{}, []string{"a2", "a6"}},
		{ledger.AppointmentFilter{Center: "x1", State: "open"}, ledger.Page{Limit: 2}, []string{"a2", "a5"}},
		{ledger.AppointmentFilter{Center: "x1", State: "open"}, ledger.Page{After: "a5", Limit: 2}, []string{"a6"}},
		{ledger.AppointmentFilter{}, ledger.Page{After: "a2", Limit: 3}, []string{"a3", "a4", "a5"}},
		{ledger.AppointmentFilter{Candidate: "nobody"}, ledger.Page{}, nil},
		{ledger.AppointmentFilter{State: "missed"}, ledger.Page{}, nil},
	} {
		if got := list(tc.f, tc.p); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ListAppointments(%+v, %+v) = %q, want %q", tc.f, tc.p, got, tc.want)
		}
	}
	var as []ledger.Appointment
	view(t, s, func(tx ledger.Tx) (err error) {
		as, err = tx.ListAppointments(ctx, ledger.AppointmentFilter{Candidate: "c2"}, ledger.Page{Limit: 1})
		return err
	})
	same(t, "ListAppointments rows", []ledger.Appointment{appointment("a2", "c2", "x1", "open", 13)}, as)
}

func testListFees(t *testing.T, s ledger.Store) {
	c1, c2 := fullView("c1"), fullView("c2")
	replace(t, s, c1, c2)
	list := func(cand string, p ledger.Page) []ledger.Fee {
		t.Helper()
		var fs []ledger.Fee
		view(t, s, func(tx ledger.Tx) (err error) {
			fs, err = tx.ListFees(t.Context(), cand, p)
			return err
		})
		return fs
	}
	same(t, "ListFees(c1) with no limit", c1.Fees, list("c1", ledger.Page{}))
	var got []ledger.Fee
	p := ledger.Page{Limit: 2}
	for range 5 {
		page := list("c1", p)
		if len(page) > 2 {
			t.Fatalf("ListFees page of 2 has %d fees", len(page))
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		p.After = strconv.FormatInt(page[len(page)-1].Seq, 10)
	}
	same(t, "ListFees(c1) in pages of 2", c1.Fees, got)
	same(t, "ListFees(c1) after Seq 5", c1.Fees[2:], list("c1", ledger.Page{After: "5"}))
	if fs := list("nobody", ledger.Page{}); len(fs) != 0 {
		t.Errorf("ListFees of a candidate with no fees = %d fees", len(fs))
	}
}

func testTruncateViews(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	if err := appendEvents(t, s, "c1", 0, event("booked", 1)); err != nil {
		t.Fatalf("Append: %v", err)
	}
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateCenter(ctx, center("x1", 5)); err != nil {
			return err
		}
		return tx.ReserveSeat(ctx, "x1", at(12, 9))
	})
	replace(t, s, fullView("c1"), fullView("c2"))
	update(t, s, func(tx ledger.Tx) error { return tx.TruncateViews(ctx) })
	for _, cand := range []string{"c1", "c2"} {
		same(t, "View after TruncateViews", ledger.View{Candidate: cand}, readView(t, s, cand))
	}
	_, err := getAppointment(t, s, "c1-a1")
	wantErr(t, "Appointment after TruncateViews", err, ledger.ErrNotFound)
	view(t, s, func(tx ledger.Tx) error {
		as, err := tx.ListAppointments(ctx, ledger.AppointmentFilter{}, ledger.Page{})
		if err == nil && len(as) != 0 {
			t.Errorf("ListAppointments after TruncateViews = %d rows", len(as))
		}
		return err
	})
	// Only the read models go: the ledger and the seat counts stay.
	if _, version := stream(t, s, "c1"); version != 1 {
		t.Errorf("stream version after TruncateViews = %d, want 1", version)
	}
	if n := taken(t, s, "x1", at(12, 9)); n != 1 {
		t.Errorf("SeatsTaken after TruncateViews = %d, want 1", n)
	}
}
