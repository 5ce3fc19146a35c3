package policy_test

// MUTATION RESULTS: each rule's table test fails when the engine line(s)
// enforcing the rule are removed. Each mutant was built in a copy of the
// tree (the engine files here were never edited), one at a time, and the
// named test run with -count=1; every one FAILED (the mutant was killed).
// Line numbers are those of the engine at commit d8e0efb.
//
//	R1  rules.go:133     // d.refuse(b.retake) // R1                     TestR1RetakeWait: FAIL (7 cases)
//	R3  rules.go:136     // d.refuse(b.lock) // R3                       TestR3PassedLockout: FAIL (7)
//	R4  rules.go:126     // d.refuse(Reason{Code: SlotNotFuture...       TestR4SlotNotFuture: FAIL (5)
//	R5  rules.go:149     // d.refuse(Reason{Code: AlreadyBooked...       TestR5OneOpenAppointment: FAIL (4)
//	R6  decide.go:240-241 the AppointmentClosed refuse and its return    TestR6Closed: FAIL (6)
//	R7  decide.go:252    // d.refuse(Reason{Code: ChangeWindowClosed...  TestR7ChangeWindow: FAIL (5)
//	R8  rules.go:166-167 the NoShowWait refuse and d.RetryAt = ...       TestR8NoShow: FAIL (5)
//	R9  decide.go:172    // d.refuse(Reason{Code: RescheduleLimit...     TestR9RescheduleLimit: FAIL (2)
//	E2  rules.go:129     // d.refuse(Reason{Code: ExamUnavailable...     TestE2TestDates: FAIL (6)
//	E3  decide.go:214    // d.Passed = e.Passes(ask.Score)               TestE3PassingScore: FAIL
//	E3  compile.go:250   Passes: scaled >= PassingScore -> scaled >      TestE3PassingScore: FAIL
//	E5  scoring.go:34    rounding half up -> lo.Scaled + num/den         TestE5FormConversion: FAIL
//	E5  compile.go:83    // checkForm(...)                               TestE5FormConversion: FAIL
//	V1  rules.go:309     // t.Expires = validUntil(cert, s.date) (earn)  TestV1Validity: FAIL (8)
//	V2  rules.go:289     if c.onPath(...) -> if false && c.onPath(...)   TestV2Recertification: FAIL (18)
//	V2  rules.go:331     latest-version check -> return true             TestV2Recertification: FAIL (2)
//	V3  rules.go:266-268 // if d > limit { return false, false }         TestV3ExpiredNotRenewable: FAIL (3)
//	V3  rules.go:367-368 the NotActive refuse and its return             TestV3ExpiredNotRenewable: FAIL
//	V4  report.go:93     // cr.NextReminder = d                          TestV4Reminders: FAIL
//	V4  plan.go:81       // plan.Reminders = append(plan.Reminders, r)   TestV4Reminders: FAIL
//	V5  report.go:174    // vs = append(vs, v) (issue on pass)           TestV5Vouchers: FAIL
//	V5  report.go:187    // v.State, v.Appointment = VoucherUsed, a.id   TestV5Vouchers: FAIL
//	V5  report.go:189    // v.State, ... = VoucherUnused, "" (return)    TestV5Vouchers: FAIL
//	V5  report.go:188    timeliness (!a.cancelledAt.After(...)) removed  TestV5Vouchers: FAIL
//	T2  date.go:136      z.off = int64(off) -> z.off = 0 (dates in UTC)  TestT2LocalDates: FAIL (15)
//	T3  date.go:66       // dd = last (no clamping to Feb 28)            TestT3LeapDay: FAIL (8)
//	T4  decide.go:250    slot - 24h -> slot.In(zone).AddDate(0, 0, -1)   TestT4ExactHours: FAIL (5)
//	T4  rules.go:161     missed + 24h -> missed.In(zone).AddDate(0,0,1)  TestT4ExactHours: FAIL (1)
//	T4  compile.go:139-144 the two "must be in hours" checks             TestT4ExactHours: FAIL
//
// The property tests kill several of these too: V1, V2 (both), V3
// (renewable), T2 and the E3 boundary by TestPropertyExpiry; R4 and E2 by
// TestPropertyMonotoneBooking; R3 and E2 by TestPropertyDeterministic (its
// exact-earliest check). R2 (no attempt limit) is data (max_attempts: 0)
// with no line to remove; TestR2UnlimitedAttempts pins it.

import (
	"testing"

	"github.com/recert/recert/policy"
)

const (
	retakeWait  = policy.RetakeWait
	lockout     = policy.PassedLockout
	notFuture   = policy.SlotNotFuture
	unavailable = policy.ExamUnavailable
	noShowWait  = policy.NoShowWait
	already     = policy.AlreadyBooked
	closed      = policy.AppointmentClosed
	window      = policy.ChangeWindowClosed
	limit       = policy.RescheduleLimit
)

// R1: after a failed sitting the same exam waits 14 calendar days.
func TestR1RetakeWait(t *testing.T) {
	failed := evs{result("AIF-C01", "2026-03-01T14:00:00Z", 640)}
	runSlotCases(t, []slotCase{
		{name: "day 13 refused", history: failed, at: "2026-03-02T10:00:00Z",
			ask: book("AIF-C01", "2026-03-14T23:59:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-15"},
		{name: "day 14 allowed", history: failed, at: "2026-03-02T10:00:00Z",
			ask: book("AIF-C01", "2026-03-15T00:00:00Z")},
		{name: "sat appointment failed", tz: "America/New_York", at: "2026-03-02T10:00:00Z",
			history: evs{booked("a1", "AIF-C01", "2026-03-01T14:00:00Z", "2026-02-01T09:00:00Z"), sat("a1", 640)},
			ask:     book("AIF-C01", "2026-03-14T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-15"},
		{name: "score one below the line is a failure", at: "2026-03-02T10:00:00Z",
			history: evs{result("AIF-C01", "2026-03-01T14:00:00Z", 699)},
			ask:     book("AIF-C01", "2026-03-10T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-15"},
		{name: "the latest failure counts", at: "2026-03-21T10:00:00Z",
			history: evs{result("AIF-C01", "2026-03-01T14:00:00Z", 640), result("AIF-C01", "2026-03-20T14:00:00Z", 650)},
			ask:     book("AIF-C01", "2026-04-02T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-04-03"},
		{name: "results recorded out of order", at: "2026-03-21T10:00:00Z",
			history: evs{result("AIF-C01", "2026-03-20T14:00:00Z", 650), result("AIF-C01", "2026-03-01T14:00:00Z", 640)},
			ask:     book("AIF-C01", "2026-04-02T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-04-03"},
		{name: "another version of the line is another exam", at: "2025-09-21T10:00:00Z",
			history: evs{result("SOA-C02", "2025-09-20T14:00:00Z", 500)},
			ask:     book("SOA-C03", "2025-10-01T14:00:00Z")},
		{name: "another exam is not affected", history: failed, at: "2026-03-02T10:00:00Z",
			ask: book("MLA-C01", "2026-03-05T14:00:00Z")},
		{name: "earliest is never before the asked date", history: failed, at: "2026-03-20T10:00:00Z",
			ask: book("AIF-C01", "2026-03-10T14:00:00Z"), reasons: codeList(retakeWait, notFuture), earliest: "2026-03-20"},
		{name: "reschedule into the wait", at: "2026-03-03T10:00:00Z",
			history: append(evs{}, failed[0], booked("a2", "AIF-C01", "2026-03-20T14:00:00Z", "2026-03-02T10:00:00Z")),
			ask:     reschedule("a2", "2026-03-10T14:00:00Z"), reasons: codeList(retakeWait), earliest: "2026-03-15"},
		{name: "reschedule out of the wait", at: "2026-03-03T10:00:00Z",
			history: append(evs{}, failed[0], booked("a2", "AIF-C01", "2026-03-10T14:00:00Z", "2026-03-02T10:00:00Z")),
			ask:     reschedule("a2", "2026-03-16T14:00:00Z")},
	})
}

// R2: there is no limit on attempts.
func TestR2UnlimitedAttempts(t *testing.T) {
	var h evs
	for i, on := range []string{"2026-01-01", "2026-01-15", "2026-01-29", "2026-02-12", "2026-02-26", "2026-03-12", "2026-03-26"} {
		h = append(h, result("AIF-C01", on+"T10:00:00Z", 300+10*i))
	}
	runSlotCases(t, []slotCase{
		{name: "eighth attempt", history: h, at: "2026-03-27T00:00:00Z", ask: book("AIF-C01", "2026-04-09T10:00:00Z")},
	})
}

// R3: after a pass the same series code waits two years.
func TestR3PassedLockout(t *testing.T) {
	passed := evs{result("AIF-C01", "2026-03-01T15:00:00Z", 760)}
	ny := "America/New_York"
	runSlotCases(t, []slotCase{
		{name: "inside the two years", tz: ny, history: passed, at: "2026-04-01T00:00:00Z",
			ask: book("AIF-C01", "2027-01-10T15:00:00Z"), reasons: codeList(lockout), earliest: "2028-03-01"},
		{name: "passing exactly at the line locks out", tz: ny, at: "2026-04-01T00:00:00Z",
			history: evs{result("AIF-C01", "2026-03-01T15:00:00Z", 700)},
			ask:     book("AIF-C01", "2027-01-10T15:00:00Z"), reasons: codeList(lockout), earliest: "2028-03-01"},
		{name: "last locked day", tz: ny, history: passed, at: "2028-01-01T00:00:00Z",
			ask: book("AIF-C01", "2028-03-01T04:59:00Z"), reasons: codeList(lockout), earliest: "2028-03-01"},
		{name: "first free day", tz: ny, history: passed, at: "2028-01-01T00:00:00Z",
			ask: book("AIF-C01", "2028-03-01T05:00:00Z")},
		{name: "counted from the local passing date", tz: ny, at: "2026-04-01T00:00:00Z",
			history: evs{result("AIF-C01", "2026-03-01T02:00:00Z", 760)},
			ask:     book("AIF-C01", "2028-02-28T05:00:00Z")},
		{name: "a new version is a different exam", at: "2025-08-01T00:00:00Z",
			history: evs{result("SOA-C02", "2025-01-10T15:00:00Z", 800)},
			ask:     book("SOA-C03", "2025-10-15T15:00:00Z")},
		{name: "the latest pass counts", at: "2026-06-01T00:00:00Z",
			history: evs{result("CLF-C02", "2024-01-10T15:00:00Z", 800), result("CLF-C02", "2025-01-10T15:00:00Z", 800)},
			ask:     book("CLF-C02", "2026-12-01T15:00:00Z"), reasons: codeList(lockout), earliest: "2027-01-10"},
		{name: "no date when the version retires first", at: "2025-01-01T00:00:00Z",
			history: evs{result("SCS-C02", "2024-06-01T15:00:00Z", 800)},
			ask:     book("SCS-C02", "2025-06-01T15:00:00Z"), reasons: codeList(lockout), earliest: "none"},
		{name: "lockout and retake wait together", at: "2026-01-02T00:00:00Z",
			history: evs{result("CLF-C02", "2024-01-10T15:00:00Z", 800), result("CLF-C02", "2025-12-30T15:00:00Z", 500)},
			ask:     book("CLF-C02", "2026-01-05T15:00:00Z"), reasons: codeList(lockout, retakeWait), earliest: "2026-01-13"},
		{name: "reschedule into the lockout", at: "2026-05-01T00:00:00Z",
			history: evs{passed[0], booked("a1", "AIF-C01", "2028-04-01T15:00:00Z", "2026-04-01T00:00:00Z")},
			ask:     reschedule("a1", "2027-06-01T15:00:00Z"), reasons: codeList(lockout), earliest: "2028-03-01"},
	})
}

// R4: the slot must be after the moment of booking.
func TestR4SlotNotFuture(t *testing.T) {
	far := evs{booked("a1", "AIF-C01", "2026-06-01T10:00:00Z", "2026-04-01T00:00:00Z")}
	runSlotCases(t, []slotCase{
		{name: "slot at the moment of asking", at: "2026-04-05T00:00:00Z",
			ask: book("CLF-C02", "2026-04-05T00:00:00Z"), reasons: codeList(notFuture)},
		{name: "slot a second later", at: "2026-04-05T00:00:00Z", ask: book("CLF-C02", "2026-04-05T00:00:01Z")},
		{name: "slot in the past", at: "2026-04-05T00:00:00Z",
			ask: book("CLF-C02", "2026-04-04T00:00:00Z"), reasons: codeList(notFuture)},
		{name: "past and unavailable", at: "2026-02-01T00:00:00Z",
			ask: book("AIP-C01", "2026-01-20T15:00:00Z"), reasons: codeList(unavailable, notFuture), earliest: "2026-04-01"},
		{name: "reschedule to the past", history: far, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-04-04T10:00:00Z"), reasons: codeList(notFuture)},
		{name: "reschedule to the moment of asking", history: far, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-04-05T00:00:00Z"), reasons: codeList(notFuture)},
		{name: "reschedule a second later", history: far, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-04-05T00:00:01Z")},
	})
}

// R5: at most one open appointment per exam.
func TestR5OneOpenAppointment(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	runSlotCases(t, []slotCase{
		{name: "open appointment", history: evs{a1}, at: "2026-04-05T00:00:00Z",
			ask: book("AIF-C01", "2026-06-10T14:00:00Z"), reasons: codeList(already)},
		{name: "open appointment whose slot passed without a result", history: evs{a1}, at: "2026-05-20T00:00:00Z",
			ask: book("AIF-C01", "2026-06-10T14:00:00Z"), reasons: codeList(already)},
		{name: "cancelled appointment", history: evs{a1, cancelled("a1", "2026-04-02T00:00:00Z")}, at: "2026-04-05T00:00:00Z",
			ask: book("AIF-C01", "2026-06-10T14:00:00Z")},
		{name: "sat appointment", history: evs{a1, sat("a1", 500)}, at: "2026-05-11T00:00:00Z",
			ask: book("AIF-C01", "2026-06-10T14:00:00Z")},
		{name: "missed appointment", history: evs{a1, noShow("a1")}, at: "2026-05-12T00:00:00Z",
			ask: book("AIF-C01", "2026-06-10T14:00:00Z")},
		{name: "open appointment for another exam", history: evs{a1}, at: "2026-04-05T00:00:00Z",
			ask: book("MLA-C01", "2026-06-10T14:00:00Z")},
		{name: "open appointment for another version", at: "2025-09-01T00:00:00Z",
			history: evs{booked("a1", "SOA-C02", "2025-09-20T14:00:00Z", "2025-08-01T00:00:00Z")},
			ask:     book("SOA-C03", "2025-10-10T14:00:00Z")},
		{name: "moving an appointment does not count against itself", history: evs{a1}, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-06-10T14:00:00Z")},
		{name: "moving with a second open appointment", at: "2026-04-05T00:00:00Z",
			history: evs{a1, booked("a2", "AIF-C01", "2026-07-10T14:00:00Z", "2026-04-02T00:00:00Z")},
			ask:     reschedule("a1", "2026-06-10T14:00:00Z"), reasons: codeList(already)},
		{name: "with other rules", history: evs{a1, result("AIF-C01", "2026-04-01T10:00:00Z", 400)}, at: "2026-04-05T00:00:00Z",
			ask: book("AIF-C01", "2026-04-10T14:00:00Z"), reasons: codeList(already, retakeWait), earliest: "2026-04-15"},
	})
}

// R6: a cancelled, sat or missed appointment is closed; an unknown or closed
// one gets that reason alone.
func TestR6Closed(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	c1 := cancelled("a1", "2026-04-02T00:00:00Z")
	runSlotCases(t, []slotCase{
		{name: "cancel an open appointment", history: evs{a1}, at: "2026-04-05T00:00:00Z", ask: cancel("a1")},
		{name: "cancel twice", history: evs{a1, c1}, at: "2026-04-05T00:00:00Z", ask: cancel("a1"), reasons: codeList(closed)},
		{name: "cancel a sat appointment", history: evs{a1, sat("a1", 800)}, at: "2026-05-11T00:00:00Z",
			ask: cancel("a1"), reasons: codeList(closed)},
		{name: "cancel a missed appointment", history: evs{a1, noShow("a1")}, at: "2026-05-11T00:00:00Z",
			ask: cancel("a1"), reasons: codeList(closed)},
		{name: "reschedule a cancelled appointment, closed alone", history: evs{a1, c1}, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-04-01T00:00:00Z"), reasons: codeList(closed)},
		{name: "reschedule a sat appointment, closed alone", at: "2026-05-11T00:00:00Z",
			history: evs{a1, rescheduled("a1", "2026-05-10T15:00:00Z", "2026-04-02T00:00:00Z"),
				rescheduled("a1", "2026-05-10T16:00:00Z", "2026-04-03T00:00:00Z"), sat("a1", 500)},
			ask: reschedule("a1", "2026-05-12T16:00:00Z"), reasons: codeList(closed)},
		{name: "reschedule a missed appointment", history: evs{a1, noShow("a1")}, at: "2026-05-11T00:00:00Z",
			ask: reschedule("a1", "2026-06-12T16:00:00Z"), reasons: codeList(closed)},
		{name: "cancel an unknown appointment", history: evs{a1}, at: "2026-04-05T00:00:00Z",
			ask: cancel("a9"), reasons: codeList(policy.UnknownAppointment)},
		{name: "reschedule an unknown appointment", at: "2026-04-05T00:00:00Z",
			ask: reschedule("a9", "2026-04-01T00:00:00Z"), reasons: codeList(policy.UnknownAppointment)},
		{name: "an appointment past its slot without a result is still open", history: evs{a1}, at: "2026-05-11T00:00:00Z",
			ask: cancel("a1"), reasons: codeList(window)},
	})
}

// R7: changes up to exactly 24 hours before the slot (T4).
func TestR7ChangeWindow(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	moved := evs{a1, rescheduled("a1", "2026-05-20T14:00:00Z", "2026-04-02T00:00:00Z")}
	twice := append(append(evs{}, moved...), rescheduled("a1", "2026-05-21T14:00:00Z", "2026-04-03T00:00:00Z"))
	runSlotCases(t, []slotCase{
		{name: "cancel exactly 24h before", history: evs{a1}, at: "2026-05-09T14:00:00Z", ask: cancel("a1")},
		{name: "cancel a second inside", history: evs{a1}, at: "2026-05-09T14:00:01Z", ask: cancel("a1"), reasons: codeList(window)},
		{name: "cancel at the slot", history: evs{a1}, at: "2026-05-10T14:00:00Z", ask: cancel("a1"), reasons: codeList(window)},
		{name: "reschedule exactly 24h before", history: evs{a1}, at: "2026-05-09T14:00:00Z",
			ask: reschedule("a1", "2026-05-30T14:00:00Z")},
		{name: "reschedule a second inside", history: evs{a1}, at: "2026-05-09T14:00:01Z",
			ask: reschedule("a1", "2026-05-30T14:00:00Z"), reasons: codeList(window)},
		{name: "the window follows the current slot", history: moved, at: "2026-05-10T14:00:00Z", ask: cancel("a1")},
		{name: "the window follows the current slot, closed", history: moved, at: "2026-05-19T14:00:01Z",
			ask: cancel("a1"), reasons: codeList(window)},
		{name: "inside the window and over the limit", history: twice, at: "2026-05-21T00:00:00Z",
			ask: reschedule("a1", "2026-05-30T14:00:00Z"), reasons: codeList(window, limit)},
	})
}

// R8: a missed appointment blocks booking the exam until 24 hours after its
// slot; it is not a failed attempt; reschedules are not subject to it.
func TestR8NoShow(t *testing.T) {
	missed := evs{booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z"), noShow("a1")}
	runSlotCases(t, []slotCase{
		{name: "a second early", history: missed, at: "2026-05-11T13:59:59Z",
			ask: book("AIF-C01", "2026-05-20T14:00:00Z"), reasons: codeList(noShowWait), retry: "2026-05-11T14:00:00Z"},
		{name: "right after the slot", history: missed, at: "2026-05-10T15:00:00Z",
			ask: book("AIF-C01", "2026-05-20T14:00:00Z"), reasons: codeList(noShowWait), retry: "2026-05-11T14:00:00Z"},
		{name: "exactly 24 hours after", history: missed, at: "2026-05-11T14:00:00Z",
			ask: book("AIF-C01", "2026-05-12T14:00:00Z")},
		{name: "not a failed attempt", history: missed, at: "2026-05-12T00:00:00Z",
			ask: book("AIF-C01", "2026-05-13T14:00:00Z")},
		{name: "another exam is not blocked", history: missed, at: "2026-05-10T15:00:00Z",
			ask: book("MLA-C01", "2026-05-20T14:00:00Z")},
		{name: "the rescheduled slot counts", at: "2026-05-11T12:00:00Z",
			history: evs{booked("a1", "AIF-C01", "2026-05-01T14:00:00Z", "2026-04-01T00:00:00Z"),
				rescheduled("a1", "2026-05-10T16:00:00Z", "2026-04-02T00:00:00Z"), noShow("a1")},
			ask: book("AIF-C01", "2026-05-20T14:00:00Z"), reasons: codeList(noShowWait), retry: "2026-05-11T16:00:00Z"},
		{name: "the latest miss counts", at: "2026-05-20T12:00:00Z",
			history: append(append(evs{}, missed...), booked("a2", "AIF-C01", "2026-05-20T10:00:00Z", "2026-05-12T00:00:00Z"), noShow("a2")),
			ask:     book("AIF-C01", "2026-05-30T14:00:00Z"), reasons: codeList(noShowWait), retry: "2026-05-21T10:00:00Z"},
		{name: "a reschedule is not subject to it", at: "2026-05-10T15:00:00Z",
			history: evs{booked("a2", "AIF-C01", "2026-06-10T14:00:00Z", "2026-03-01T00:00:00Z"), missed[0], missed[1]},
			ask:     reschedule("a2", "2026-06-12T14:00:00Z")},
		{name: "with an unavailable exam", tz: "Pacific/Kiritimati", at: "2023-01-28T18:00:00Z",
			history: evs{booked("a1", "SCS-C03", "2023-01-27T19:00:00Z", "2023-01-20T03:00:00Z"), noShow("a1")},
			ask:     book("SCS-C03", "2023-01-29T18:00:00Z"), reasons: codeList(unavailable, noShowWait),
			earliest: "2025-12-02", retry: "2023-01-28T19:00:00Z"},
	})
}

// R9: at most two reschedules; the new slot obeys R4.
func TestR9RescheduleLimit(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	once := evs{a1, rescheduled("a1", "2026-05-12T14:00:00Z", "2026-04-02T00:00:00Z")}
	twice := append(append(evs{}, once...), rescheduled("a1", "2026-05-14T14:00:00Z", "2026-04-03T00:00:00Z"))
	runSlotCases(t, []slotCase{
		{name: "first reschedule", history: evs{a1}, at: "2026-04-05T00:00:00Z", ask: reschedule("a1", "2026-05-20T14:00:00Z")},
		{name: "second reschedule", history: once, at: "2026-04-05T00:00:00Z", ask: reschedule("a1", "2026-05-20T14:00:00Z")},
		{name: "third reschedule", history: twice, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-05-20T14:00:00Z"), reasons: codeList(limit)},
		{name: "third reschedule to the past", history: twice, at: "2026-04-05T00:00:00Z",
			ask: reschedule("a1", "2026-04-01T14:00:00Z"), reasons: codeList(limit, notFuture)},
		{name: "cancel after two reschedules", history: twice, at: "2026-04-05T00:00:00Z", ask: cancel("a1")},
	})
}
