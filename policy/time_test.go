package policy_test

import (
	"testing"

	"github.com/recert/recert/policy"
)

// T2: the date of an event is its calendar date in the candidate's zone;
// day and year waits are counted on dates, never as multiples of 24 hours.
func TestT2LocalDates(t *testing.T) {
	// One instant, 2026-03-01T10:30Z, is 2026-03-02 in Kiritimati (+14) and
	// 2026-02-28 in Pago Pago (-11).
	pass := evs{result("AIF-C01", "2026-03-01T10:30:00Z", 760)}
	runCertCases(t, []certCase{
		{name: "Kiritimati", tz: "Pacific/Kiritimati", history: pass, at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-02"},
		{name: "Pago Pago", tz: "Pacific/Pago_Pago", history: pass, at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-02-28"},
		{name: "UTC", tz: "UTC", history: pass, at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-01"},
		{name: "Kolkata just after midnight", tz: "Asia/Kolkata", history: evs{result("AIF-C01", "2026-03-01T18:45:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-02"},
		{name: "Kolkata just before midnight", tz: "Asia/Kolkata", history: evs{result("AIF-C01", "2026-03-01T18:15:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-01"},
		{name: "Lord Howe in summer time (+11)", tz: "Australia/Lord_Howe", history: evs{result("AIF-C01", "2026-03-01T13:20:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-02"},
		{name: "Lord Howe in standard time (+10:30)", tz: "Australia/Lord_Howe", history: evs{result("AIF-C01", "2026-06-01T13:20:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-06-01"},
		{name: "expiry day ends at local midnight in Kiritimati", tz: "Pacific/Kiritimati", history: pass,
			at: "2029-03-02T09:59:59Z", cert: "ai-practitioner", state: active, expires: "2029-03-02"},
		{name: "expired from local midnight in Kiritimati", tz: "Pacific/Kiritimati", history: pass,
			at: "2029-03-02T10:00:00Z", cert: "ai-practitioner", state: expired, expires: "2029-03-02"},
		{name: "a DST change does not move the expiry", tz: "America/New_York", history: evs{result("AIF-C01", "2026-03-08T06:30:00Z", 760)},
			at: "2027-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2029-03-08"},
	})
	runSlotCases(t, []slotCase{
		// Samoa skipped 2011-12-30: one minute apart, the two sittings are
		// two calendar days apart, and so are the retake dates.
		{name: "Apia before the skipped day", tz: "Pacific/Apia", history: evs{result("AIF-C01", "2011-12-30T09:59:00Z", 500)},
			at: "2011-12-31T00:00:00Z", ask: book("AIF-C01", "2012-01-12T11:00:00Z")},
		{name: "Apia after the skipped day", tz: "Pacific/Apia", history: evs{result("AIF-C01", "2011-12-30T10:00:00Z", 500)},
			at: "2011-12-31T00:00:00Z", ask: book("AIF-C01", "2012-01-12T11:00:00Z"), reasons: codeList(retakeWait), earliest: "2012-01-14"},
		{name: "Tokyo counts its own dates", tz: "Asia/Tokyo", history: evs{result("AIF-C01", "2026-03-01T16:00:00Z", 600)},
			at: "2026-03-03T00:00:00Z", ask: book("AIF-C01", "2026-03-15T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-16"},
		// 2026-03-08 (spring forward) lies inside the wait: 14 calendar days
		// are 13 days and 23 hours there, and the wait still ends at local midnight.
		{name: "across spring forward", tz: "America/New_York", history: evs{result("AIF-C01", "2026-03-08T04:30:00Z", 610)},
			at: "2026-03-09T12:00:00Z", ask: book("AIF-C01", "2026-03-21T04:30:00Z")},
		{name: "across spring forward, the evening before", tz: "America/New_York", history: evs{result("AIF-C01", "2026-03-08T04:30:00Z", 610)},
			at: "2026-03-09T12:00:00Z", ask: book("AIF-C01", "2026-03-21T03:30:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-21"},
		{name: "across fall back, the evening before", tz: "America/New_York", history: evs{result("AIF-C01", "2026-10-31T16:00:00Z", 610)},
			at: "2026-11-01T12:00:00Z", ask: book("AIF-C01", "2026-11-14T04:59:00Z"), reasons: codeList(retakeWait), earliest: "2026-11-14"},
		{name: "across fall back, local midnight", tz: "America/New_York", history: evs{result("AIF-C01", "2026-10-31T16:00:00Z", 610)},
			at: "2026-11-01T12:00:00Z", ask: book("AIF-C01", "2026-11-14T05:00:00Z")},
		{name: "Lord Howe half-hour DST", tz: "Australia/Lord_Howe", history: evs{result("AIF-C01", "2026-10-03T13:15:00Z", 610)},
			at: "2026-10-05T00:00:00Z", ask: book("AIF-C01", "2026-10-16T12:59:00Z"), reasons: codeList(retakeWait), earliest: "2026-10-17"},
		{name: "Lord Howe half-hour DST, local midnight", tz: "Australia/Lord_Howe", history: evs{result("AIF-C01", "2026-10-03T13:15:00Z", 610)},
			at: "2026-10-05T00:00:00Z", ask: book("AIF-C01", "2026-10-16T13:00:00Z")},
		{name: "test dates are local too", tz: "Pacific/Pago_Pago", at: "2025-09-20T00:00:00Z",
			ask: book("SOA-C02", "2025-09-30T10:59:00Z")},
		{name: "earliest is the asked local date", tz: "Pacific/Kiritimati", at: "2025-09-19T10:00:00Z",
			ask: book("SOA-C02", "2025-10-01T00:00:00Z"), reasons: codeList(unavailable), earliest: "2025-09-20"},
	})
}

// T3: February 29 plus N years is February 28 in a common year.
func TestT3LeapDay(t *testing.T) {
	runCertCases(t, []certCase{
		{name: "earned on a leap day", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)},
			at: "2025-01-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2027-02-28"},
		{name: "active on February 28", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)},
			at: "2027-02-28T23:59:59Z", cert: "cloud-practitioner", state: active, expires: "2027-02-28"},
		{name: "expired on March 1", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)},
			at: "2027-03-01T00:00:00Z", cert: "cloud-practitioner", state: expired, expires: "2027-02-28"},
		{name: "the local leap day", tz: "America/New_York", history: evs{result("CLF-C02", "2024-03-01T03:00:00Z", 800)},
			at: "2025-01-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2027-02-28"},
		{name: "renewed on a leap day", history: evs{result("CLF-C02", "2026-01-10T10:00:00Z", 800), result("SAA-C03", "2028-02-29T10:00:00Z", 800)},
			at: "2029-01-01T00:00:00Z", cert: "cloud-practitioner", state: active, expires: "2031-02-28"},
		{name: "earned anew on a leap day", history: evs{result("AIF-C01", "2024-02-29T10:00:00Z", 800), result("AIF-C01", "2032-02-29T10:00:00Z", 800)},
			at: "2033-01-01T00:00:00Z", cert: "ai-practitioner", state: active, expires: "2035-02-28"},
	})
	runSlotCases(t, []slotCase{
		{name: "lockout from a leap day, February 27", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)},
			at: "2025-01-01T00:00:00Z", ask: book("CLF-C02", "2026-02-27T10:00:00Z"), reasons: codeList(lockout), earliest: "2026-02-28"},
		{name: "lockout from a leap day, February 28", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)},
			at: "2025-01-01T00:00:00Z", ask: book("CLF-C02", "2026-02-28T10:00:00Z")},
		{name: "retake wait over a leap day", history: evs{result("CLF-C02", "2028-02-20T10:00:00Z", 500)},
			at: "2028-02-21T00:00:00Z", ask: book("CLF-C02", "2028-03-04T23:00:00Z"), reasons: codeList(retakeWait), earliest: "2028-03-05"},
	})
	// The plan's reminders and advice from a clamped expiry.
	h, err := aws().NewHistory(nil, evs{result("CLF-C02", "2024-02-29T10:00:00Z", 800)})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := aws().Plan(h, ts("2025-01-01T00:00:00Z"), "cloud-practitioner")
	if err != nil || plan.Expires != day("2027-02-28") || plan.PrepareFrom != day("2026-08-28") || plan.PrepareBy != day("2026-11-28") {
		t.Errorf("plan %v: expires %s prepare %s..%s", err, plan.Expires, plan.PrepareFrom, plan.PrepareBy)
	}
}

// T4: "24 hours" rules are exact durations on instants. On 2026-03-08 New
// York springs forward: the slot 2026-03-08 11:00 EDT (15:00Z) is 24 hours
// after 2026-03-07 10:00 EST (15:00Z), not after 11:00 EST (16:00Z).
func TestT4ExactHours(t *testing.T) {
	ny := "America/New_York"
	spring := evs{booked("a1", "AIF-C01", "2026-03-08T15:00:00Z", "2026-02-01T00:00:00Z")}
	fall := evs{booked("a1", "AIF-C01", "2026-11-01T16:00:00Z", "2026-10-01T00:00:00Z")} // 11:00 EST, after fall back
	missed := evs{booked("a1", "AIF-C01", "2026-03-07T16:00:00Z", "2026-02-01T00:00:00Z"), noShow("a1")}
	runSlotCases(t, []slotCase{
		{name: "cancel exactly 24h before over spring forward", tz: ny, history: spring, at: "2026-03-07T15:00:00Z", ask: cancel("a1")},
		{name: "cancel a second later", tz: ny, history: spring, at: "2026-03-07T15:00:01Z", ask: cancel("a1"), reasons: codeList(window)},
		{name: "cancel at the same wall clock time the day before", tz: ny, history: spring, at: "2026-03-07T16:00:00Z",
			ask: cancel("a1"), reasons: codeList(window)},
		{name: "reschedule exactly 24h before over fall back", tz: ny, history: fall, at: "2026-10-31T16:00:00Z",
			ask: reschedule("a1", "2026-11-20T16:00:00Z")},
		{name: "reschedule a second later over fall back", tz: ny, history: fall, at: "2026-10-31T16:00:01Z",
			ask: reschedule("a1", "2026-11-20T16:00:00Z"), reasons: codeList(window)},
		{name: "after the wall clock time the day before (25 hours before)", tz: ny, history: fall, at: "2026-10-31T15:30:00Z",
			ask: cancel("a1")},
		{name: "no-show wait runs 24 hours over spring forward", tz: ny, history: missed, at: "2026-03-08T15:30:00Z",
			ask: book("AIF-C01", "2026-03-20T15:00:00Z"), reasons: codeList(noShowWait), retry: "2026-03-08T16:00:00Z"},
		{name: "no-show wait over", tz: ny, history: missed, at: "2026-03-08T16:00:00Z", ask: book("AIF-C01", "2026-03-20T15:00:00Z")},
		{name: "Lord Howe half hour", tz: "Australia/Lord_Howe", at: "2026-10-03T14:00:00Z", ask: cancel("a1"),
			history: evs{booked("a1", "AIF-C01", "2026-10-04T14:00:00Z", "2026-09-01T00:00:00Z")}},
		{name: "Lord Howe half hour, a second later", tz: "Australia/Lord_Howe", at: "2026-10-03T14:00:01Z", ask: cancel("a1"), reasons: codeList(window),
			history: evs{booked("a1", "AIF-C01", "2026-10-04T14:00:00Z", "2026-09-01T00:00:00Z")}},
	})
	// A program cannot state those rules in calendar days (T4).
	for _, c := range []struct {
		name string
		edit func(*policy.Program)
		want string
	}{
		{"hours", func(*policy.Program) {}, ""},
		{"change window in days", func(p *policy.Program) { p.Appointments.ChangeWindow = policy.Span{Days: 1} }, "/appointments/change_window"},
		{"no-show wait in days", func(p *policy.Program) { p.Appointments.NoShowWait = policy.Span{Days: 1} }, "/appointments/no_show_wait"},
	} {
		p := miniProgram()
		c.edit(p)
		if got := errorPaths(p.Compile()); got != c.want {
			t.Errorf("%s: errors at %q, want %q", c.name, got, c.want)
		}
	}
}
