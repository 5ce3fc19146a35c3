package app_test

import (
	"strconv"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// aifDomains is a score report of the AIF-C01 domains, meeting the first n.
func aifDomains(n int) []policy.DomainResult {
	names := []string{"Fundamentals of AI and ML", "Fundamentals of Generative AI", "Applications of Foundation Models",
		"Guidelines for Responsible AI", "Security, Compliance, and Governance for AI Solutions"}
	out := make([]policy.DomainResult, len(names))
	for i, d := range names {
		out[i] = policy.DomainResult{Domain: d, Meets: i < n}
	}
	return out
}

// seedReports books and sits for six candidates so that each report has
// something to count: four passes a few months apart (their three-year
// terms end at known distances from 2029-02-10), one fail, one no-show,
// and one reschedule.
func seedReports(t *testing.T, f *fixture) {
	t.Helper()
	type sitting struct {
		cand, slot string
		score      int
		domains    int
	}
	sits := []sitting{
		{"p1", "2026-03-01T14:00:00Z", 760, 5}, // expires 2029-03-01: 19 days after 2029-02-10
		{"p2", "2026-05-10T14:00:00Z", 800, 4}, // 2029-05-10: 89 days
		{"p3", "2026-07-20T14:00:00Z", 720, 3}, // 2029-07-20: 160 days
		{"p4", "2026-12-01T14:00:00Z", 900, 5}, // 2029-12-01: 294 days, outside every window
		{"f1", "2026-03-01T14:00:00Z", 640, 1},
	}
	var aps []ledger.Appointment
	for _, s := range append(sits, sitting{cand: "n1", slot: "2026-03-01T14:00:00Z"}) {
		f.candidate(t, s.cand)
		ap, err := f.a.Book(f.ctx, app.System, app.BookInput{Candidate: s.cand, Exam: "AIF-C01", Center: "tc1", Slot: slot(s.slot)})
		if err != nil {
			t.Fatalf("book %s: %v", s.cand, err)
		}
		aps = append(aps, ap)
	}
	if _, err := f.a.Reschedule(f.ctx, app.System, app.RescheduleInput{Change: app.Change{Appointment: aps[1].ID}, Slot: slot("2026-05-11T14:00:00Z")}); err != nil {
		t.Fatalf("reschedule: %v", err)
	}
	sits[1].slot = "2026-05-11T14:00:00Z" // p2 now expires 2029-05-11: 90 days
	f.clk.set("2026-03-02T10:00:00Z")
	if _, err := f.a.NoShow(f.ctx, app.System, app.Change{Appointment: aps[5].ID}); err != nil {
		t.Fatalf("no-show: %v", err)
	}
	for _, i := range []int{0, 4, 1, 2, 3} {
		s := sits[i]
		at := slot(s.slot).AddDate(0, 0, 1).Format("2006-01-02T15:04:05Z")
		f.clk.set(at)
		if _, err := f.a.RecordResult(f.ctx, app.System, app.ResultInput{Appointment: aps[i].ID, Scaled: score(s.score), Domains: aifDomains(s.domains)}); err != nil {
			t.Fatalf("result of %s: %v", s.cand, err)
		}
	}
	f.clk.set("2029-02-10T08:00:00Z")
}

func TestReportsCountSeededData(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		f := newFixture(t, st)
		seedReports(t, f)
		rep, err := f.a.ExpiringReport(f.ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int][]string{30: {"p1:19"}, 90: {"p1:19", "p2:90"}, 180: {"p1:19", "p2:90", "p3:160"}}
		if rep.Today != "2029-02-10" || len(rep.Windows) != 3 {
			t.Fatalf("report %+v", rep)
		}
		for _, w := range rep.Windows {
			var got []string
			for _, c := range w.Certifications {
				got = append(got, c.Candidate+":"+strconv.Itoa(c.DaysLeft))
				if c.Name != "Ada "+c.Candidate || c.Certification != "ai-practitioner" {
					t.Errorf("row %+v: want the holder's name and the certification", c)
				}
			}
			if !equal(got, want[w.Days]) {
				t.Errorf("within %d days: %v, want %v", w.Days, got, want[w.Days])
			}
		}

		pr, err := f.a.PassRates(f.ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		if len(pr.Exams) != 1 || pr.Exams[0] != (app.PassRate{Exam: "AIF-C01", Sittings: 5, Passed: 4, Rate: 0.8}) {
			t.Errorf("exam pass rates %+v: want AIF-C01 4 of 5", pr.Exams)
		}
		meets := map[string]int{}
		for _, d := range pr.Domains {
			if d.Graded != 5 || d.Exam != "AIF-C01" {
				t.Errorf("domain %+v: want 5 graded reports of AIF-C01", d)
			}
			meets[d.Domain] = d.Meeting
		}
		// Meeting the first n domains: n = 5, 4, 3, 5, 1.
		if len(pr.Domains) != 5 || meets["Fundamentals of AI and ML"] != 5 || meets["Fundamentals of Generative AI"] != 4 ||
			meets["Applications of Foundation Models"] != 4 || meets["Guidelines for Responsible AI"] != 3 ||
			meets["Security, Compliance, and Governance for AI Solutions"] != 2 {
			t.Errorf("domain pass counts %v", meets)
		}

		ar, err := f.a.AppointmentRates(f.ctx, app.System)
		if err != nil {
			t.Fatal(err)
		}
		if len(ar) != 1 || ar[0].Booked != 6 || ar[0].Sat != 5 || ar[0].Missed != 1 || ar[0].Rescheduled != 1 ||
			!near(ar[0].NoShowRate, 1.0/6) || !near(ar[0].RescheduleRate, 1.0/6) {
			t.Errorf("appointment rates %+v: want 6 booked, 5 sat, 1 missed, 1 rescheduled", ar)
		}

		for name, call := range map[string]func() error{
			"ExpiringReport":   func() error { _, err := f.a.ExpiringReport(f.ctx, candidatePrincipal); return err },
			"PassRates":        func() error { _, err := f.a.PassRates(f.ctx, candidatePrincipal); return err },
			"AppointmentRates": func() error { _, err := f.a.AppointmentRates(f.ctx, candidatePrincipal); return err },
		} {
			if app.ErrorCode(call()) != app.CodeForbidden {
				t.Errorf("%s by a candidate: want forbidden", name)
			}
		}
	})
}

var candidatePrincipal = app.Principal{TokenID: "tok-p1", Role: app.RoleCandidate, Subject: "p1"}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
