package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/recert/recert/policy"
)

// report loads a history and builds the candidate's report.
func report(t *testing.T, tz string, events []policy.Event, at string) policy.Report {
	t.Helper()
	if tz == "" {
		tz = "UTC"
	}
	h, err := aws().NewHistory(zone(t, tz), events)
	if err != nil {
		t.Fatal(err)
	}
	return aws().Report(h, ts(at))
}

// V4: reminders 180, 90, 30 and 7 days before expires_on and on the day.
// AI Practitioner earned 2026-03-01 in New York expires 2029-03-01; the
// reminder dates are 2028-09-02, 2028-12-01, 2029-01-30, 2029-02-22 and
// 2029-03-01.
func TestV4Reminders(t *testing.T) {
	ny := "America/New_York"
	earned := evs{result("AIF-C01", "2026-03-01T15:00:00Z", 760)}
	for _, c := range []struct{ at, next string }{
		{"2027-01-01T12:00:00Z", "2028-09-02"},
		{"2028-09-02T12:00:00Z", "2028-09-02"},
		{"2028-09-03T03:59:00Z", "2028-09-02"}, // still 2028-09-02 in New York
		{"2028-09-03T04:00:00Z", "2028-12-01"},
		{"2028-12-02T12:00:00Z", "2029-01-30"},
		{"2029-01-31T12:00:00Z", "2029-02-22"},
		{"2029-02-23T12:00:00Z", "2029-03-01"},
		{"2029-03-01T20:00:00Z", "2029-03-01"},
		{"2029-03-02T12:00:00Z", "none"},
	} {
		r := report(t, ny, earned, c.at)
		if len(r.Certifications) != 1 {
			t.Fatalf("at %s: certifications %+v", c.at, r.Certifications)
		}
		if cr := r.Certifications[0]; cr.ID != "ai-practitioner" || cr.Expires != day("2029-03-01") || cr.NextReminder != day(c.next) {
			t.Errorf("at %s: %s expires %s next reminder %s, want %s", c.at, cr.ID, cr.Expires, cr.NextReminder, c.next)
		}
	}
	// A renewal moves the reminders with the expiry.
	r := report(t, "", evs{result("AIF-C01", "2025-06-10T15:00:00Z", 760), result("MLA-C01", "2027-01-15T15:00:00Z", 800)}, "2029-01-01T00:00:00Z")
	for _, cr := range r.Certifications {
		want := map[string]string{"ai-practitioner": "2029-07-19", "machine-learning-engineer-associate": "2029-07-19"}[cr.ID]
		if cr.NextReminder != day(want) {
			t.Errorf("renewed %s: next reminder %s, want %s", cr.ID, cr.NextReminder, want)
		}
	}

	// The plan lists the reminders still to come and the advice to start
	// preparing six to three months ahead.
	for _, c := range []struct {
		at, reminders, from, by string
		state                   policy.CertState
	}{
		{"2027-01-01T12:00:00Z", "2028-09-02 2028-12-01 2029-01-30 2029-02-22 2029-03-01", "2028-09-01", "2028-12-01", active},
		{"2028-12-01T12:00:00Z", "2028-12-01 2029-01-30 2029-02-22 2029-03-01", "2028-09-01", "2028-12-01", active},
		{"2029-03-01T20:00:00Z", "2029-03-01", "2028-09-01", "2028-12-01", active},
		{"2029-03-02T12:00:00Z", "", "none", "none", expired},
	} {
		h, err := aws().NewHistory(zone(t, ny), earned)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := aws().Plan(h, ts(c.at), "ai-practitioner")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range plan.Reminders {
			got = append(got, d.String())
		}
		if strings.Join(got, " ") != c.reminders || plan.PrepareFrom != day(c.from) || plan.PrepareBy != day(c.by) || plan.State != c.state {
			t.Errorf("plan at %s: reminders %v prepare %s..%s state %s, want %s %s..%s %s", c.at, got,
				plan.PrepareFrom, plan.PrepareBy, plan.State, c.reminders, c.from, c.by, c.state)
		}
	}
}

// V5: each pass issues a 50% voucher, used once by a booking paid with it,
// returned by a cancellation in time (R7), kept by a late cancellation or a
// no-show.
func TestV5Vouchers(t *testing.T) {
	pass := result("AIF-C01", "2026-03-01T15:00:00Z", 760)
	pass2 := result("CLF-C02", "2026-03-05T15:00:00Z", 760)
	a2 := bookedVoucher("a2", "MLA-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	cases := []struct {
		name    string
		history []policy.Event
		at      string
		want    string // voucher by voucher: FROM/ISSUED/STATE[/APPOINTMENT]
	}{
		{"nothing passed", evs{result("AIF-C01", "2026-03-01T15:00:00Z", 690)}, "2026-04-05T00:00:00Z", ""},
		{"a pass issues one", evs{pass}, "2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/unused"},
		{"one per pass", evs{pass, pass2}, "2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/unused CLF-C02/2026-03-05/unused"},
		{"a voucher booking uses it", evs{pass, a2}, "2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/used/a2"},
		{"a booking without a voucher does not", evs{pass, booked("a2", "MLA-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")},
			"2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/unused"},
		{"the oldest goes first", evs{pass, pass2, a2}, "2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/used/a2 CLF-C02/2026-03-05/unused"},
		{"used once", evs{pass, a2, bookedVoucher("a3", "SAA-C03", "2026-05-12T14:00:00Z", "2026-04-02T00:00:00Z")},
			"2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/used/a2"},
		{"sat with it", evs{pass, a2, sat("a2", 800)}, "2026-05-11T00:00:00Z",
			"AIF-C01/2026-03-01/used/a2 MLA-C01/2026-05-10/unused"},
		{"cancelled exactly 24h before: returned", evs{pass, a2, cancelled("a2", "2026-05-09T14:00:00Z")},
			"2026-05-11T00:00:00Z", "AIF-C01/2026-03-01/unused"},
		{"cancelled a second late: kept", evs{pass, a2, cancelled("a2", "2026-05-09T14:00:01Z")},
			"2026-05-11T00:00:00Z", "AIF-C01/2026-03-01/used/a2"},
		{"missed: kept", evs{pass, a2, noShow("a2")}, "2026-05-11T00:00:00Z", "AIF-C01/2026-03-01/used/a2"},
		{"returned, then used again", evs{pass, a2, cancelled("a2", "2026-04-03T00:00:00Z"),
			bookedVoucher("a3", "SAA-C03", "2026-05-12T14:00:00Z", "2026-04-04T00:00:00Z")},
			"2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/used/a3"},
		{"the timely window follows the rescheduled slot", evs{pass, a2, rescheduled("a2", "2026-05-20T14:00:00Z", "2026-04-02T00:00:00Z"),
			cancelled("a2", "2026-05-11T00:00:00Z")}, "2026-05-12T00:00:00Z", "AIF-C01/2026-03-01/unused"},
		{"only a future exam: a booking before the pass", evs{bookedVoucher("a1", "MLA-C01", "2026-05-10T14:00:00Z", "2026-02-01T00:00:00Z"), pass},
			"2026-04-05T00:00:00Z", "AIF-C01/2026-03-01/unused"},
		{"recertification included: on the same line", evs{pass, bookedVoucher("a2", "AIF-C01", "2028-03-10T14:00:00Z", "2028-03-01T00:00:00Z")},
			"2028-03-05T00:00:00Z", "AIF-C01/2026-03-01/used/a2"},
	}
	for _, c := range cases {
		r := report(t, "", c.history, c.at)
		var got []string
		for _, v := range r.Vouchers {
			s := fmt.Sprintf("%s/%s/%s", v.FromExam, v.Issued, v.State)
			if v.Appointment != "" {
				s += "/" + v.Appointment
			}
			if v.Discount != 50 || v.Expires != policy.NoDate {
				s += fmt.Sprintf("/discount=%d/expires=%s", v.Discount, v.Expires)
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s: vouchers %q, want %q", c.name, g, c.want)
		}
	}
	// The open appointment shows it was paid with a voucher.
	r := report(t, "", evs{pass, a2}, "2026-04-05T00:00:00Z")
	if len(r.Appointments) != 1 || !r.Appointments[0].Voucher || r.Appointments[0].ID != "a2" {
		t.Errorf("appointments %+v", r.Appointments)
	}
	// ...and what it paid: MLA-C01's 150.00 USD less the 50% voucher (R13).
	if got := r.Appointments[0].Paid; got != (policy.Money{Minor: 7500, Currency: "USD"}) {
		t.Errorf("paid %+v, want 75.00 USD", got)
	}
}
