package ledgertest

import (
	"encoding/json"
	"testing"

	"github.com/recert/recert/ledger"
)

// testReports: the staff reports' aggregates count what the read models
// hold, across candidates, and nothing else.
func testReports(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	cert := func(cand, id, expires string, revoked bool) ledger.Certification {
		return ledger.Certification{Candidate: cand, Certification: id, EarnedOn: "2023-04-01", ExpiresOn: expires,
			BasisExam: "SAA-C03", BasisDate: "2023-04-01", Revoked: revoked}
	}
	result := func(id, exam string, passed bool, domains string) ledger.Result {
		r := ledger.Result{ID: id, Exam: exam, SatAt: at(2, 9), RecordedAt: at(3, 9), Scaled: 700, Passed: passed}
		if domains != "" {
			r.Domains = json.RawMessage(domains)
		}
		return r
	}
	ap := func(id, exam, state string, reschedules int) ledger.Appointment {
		a := appointment(id, "", "x1", state, 10)
		a.Exam, a.Reschedules = exam, reschedules
		return a
	}
	exp := func(c ledger.Certification, name, email string) ledger.Expiring {
		return ledger.Expiring{Certification: c, Name: name, Email: email}
	}
	update(t, s, func(tx ledger.Tx) error {
		if err := tx.CreateCandidate(ctx, candidate("c1")); err != nil {
			return err
		}
		if err := tx.ReplaceView(ctx, ledger.View{Candidate: "c1",
			Certifications: []ledger.Certification{cert("c1", "sa", "2026-04-01", false), cert("c1", "dev", "2026-09-30", false)},
			Results: []ledger.Result{result("r1", "SAA-C03", true, `[{"Domain":"design","Meets":true},{"Domain":"cost","Meets":false}]`),
				result("r2", "DVA-C02", false, "")},
			Appointments: []ledger.Appointment{ap("a1", "SAA-C03", "sat", 0), ap("a2", "SAA-C03", "missed", 2), ap("a3", "DVA-C02", "cancelled", 1)},
		}); err != nil {
			return err
		}
		return tx.ReplaceView(ctx, ledger.View{Candidate: "c2",
			Certifications: []ledger.Certification{cert("c2", "sa", "2026-04-01", false), cert("c2", "ml", "2026-04-02", true),
				cert("c2", "old", "2026-03-01", false), cert("c2", "ever", "", false)},
			Results:      []ledger.Result{result("r3", "SAA-C03", false, `[{"Domain":"design","Meets":false},{"Domain":"cost","Meets":false}]`)},
			Appointments: []ledger.Appointment{ap("a4", "SAA-C03", "open", 1)},
		})
	})
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.ExpiringCertifications(ctx, "2026-03-02", "2026-04-01", 0)
		if err != nil {
			return err
		}
		same(t, "ExpiringCertifications: both ends inclusive, revoked, past and open-ended left out; c2 has no record",
			[]ledger.Expiring{exp(cert("c1", "sa", "2026-04-01", false), "Ada c1", "c1@example.org"), exp(cert("c2", "sa", "2026-04-01", false), "", "")}, got)
		if got, err = tx.ExpiringCertifications(ctx, "2026-03-02", "2026-12-31", 1); err != nil {
			return err
		}
		same(t, "ExpiringCertifications with limit 1", []ledger.Expiring{exp(cert("c1", "sa", "2026-04-01", false), "Ada c1", "c1@example.org")}, got)

		passes, err := tx.ExamPasses(ctx)
		if err != nil {
			return err
		}
		same(t, "ExamPasses", []ledger.ExamPasses{{Exam: "DVA-C02", Sittings: 1, Passed: 0}, {Exam: "SAA-C03", Sittings: 2, Passed: 1}}, passes)
		domains, err := tx.DomainPasses(ctx)
		if err != nil {
			return err
		}
		same(t, "DomainPasses", []ledger.DomainPasses{{Exam: "SAA-C03", Domain: "cost", Graded: 2, Meeting: 0},
			{Exam: "SAA-C03", Domain: "design", Graded: 2, Meeting: 1}}, domains)
		aps, err := tx.ExamAppointments(ctx)
		if err != nil {
			return err
		}
		same(t, "ExamAppointments", []ledger.ExamAppointments{{Exam: "DVA-C02", Booked: 1, Rescheduled: 1, Cancelled: 1},
			{Exam: "SAA-C03", Booked: 3, Rescheduled: 2, Sat: 1, Missed: 1}}, aps)
		return nil
	})
}

// testEmptyReports: with no read models every aggregate is empty, not an
// error and not a row of zeros.
func testEmptyReports(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	view(t, s, func(tx ledger.Tx) error {
		p, err := tx.ExamPasses(ctx)
		if err != nil || len(p) != 0 {
			t.Errorf("ExamPasses = %v, %v", p, err)
		}
		d, err := tx.DomainPasses(ctx)
		if err != nil || len(d) != 0 {
			t.Errorf("DomainPasses = %v, %v", d, err)
		}
		a, err := tx.ExamAppointments(ctx)
		if err != nil || len(a) != 0 {
			t.Errorf("ExamAppointments = %v, %v", a, err)
		}
		return nil
	})
}

// testSlotUses: a center's slots with seats taken in a half-open range,
// in slot order; other centers and released slots are left out.
func testSlotUses(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	update(t, s, func(tx ledger.Tx) error {
		for _, c := range []ledger.Center{center("x1", 3), center("x2", 3)} {
			if err := tx.CreateCenter(ctx, c); err != nil {
				return err
			}
		}
		for _, k := range []ledger.SlotKey{{Center: "x1", Slot: at(11, 9)}, {Center: "x1", Slot: at(10, 9)}, {Center: "x1", Slot: at(10, 9)},
			{Center: "x1", Slot: at(12, 9)}, {Center: "x1", Slot: at(17, 9)}, {Center: "x2", Slot: at(10, 9)}} {
			if err := tx.ReserveSeat(ctx, k.Center, k.Slot); err != nil {
				return err
			}
		}
		return tx.ReleaseSeat(ctx, "x1", at(12, 9))
	})
	view(t, s, func(tx ledger.Tx) error {
		got, err := tx.SlotUses(ctx, "x1", at(10, 9), at(17, 9))
		same(t, "SlotUses", []ledger.SlotUse{{Slot: at(10, 9), Taken: 2}, {Slot: at(11, 9), Taken: 1}}, got)
		return err
	})
}

// testSearchCandidates: by exact id, by the start of the name, of a later
// word of the name, or of the e-mail address, ignoring case; an empty
// query finds nobody and a LIKE wildcard matches only itself.
func testSearchCandidates(t *testing.T, s ledger.Store) {
	ctx := t.Context()
	people := []ledger.Candidate{candidate("c1"), candidate("c2"), candidate("c3"), candidate("c4")}
	people[0].Name, people[0].Email = "Ada Lovelace", "ada@example.org"
	people[1].Name, people[1].Email = "Grace Hopper", "admiral@navy.example"
	people[2].Name, people[2].Email = "Alan Turing", "alan@example.org"
	people[3].Name, people[3].Email = "Ada_Byron King", "king@example.org"
	update(t, s, func(tx ledger.Tx) error {
		for _, c := range people {
			if err := tx.CreateCandidate(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(cs []ledger.Candidate) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		n    int
		want []string
	}{
		{"ada", 0, []string{"c1", "c4"}},
		{"LOVE", 0, []string{"c1"}},
		{"ad", 0, []string{"c1", "c4", "c2"}}, // ordered by name: Ada L, Ada_B, Grace (by admiral@)
		{"ad", 1, []string{"c1"}},
		{"c3", 0, []string{"c3"}},
		{"hopper", 0, []string{"c2"}},
		{"ada_", 0, []string{"c4"}},
		{"a%", 0, nil},
		{"  ", 0, nil},
		{"zed", 0, nil},
	} {
		view(t, s, func(tx ledger.Tx) error {
			got, err := tx.SearchCandidates(ctx, tc.q, tc.n)
			same(t, "SearchCandidates "+tc.q, tc.want, ids(got))
			return err
		})
	}
}
