package policy_test

import (
	"reflect"
	"testing"

	"github.com/recert/recert/policy"
)

// TestSeatRules: an ask that names its delivery mode is about a real seat:
// the exam must be delivered so (R12), the slot within the horizon (R10,
// calendar days in the candidate's zone) and on the grid (R11). An ask
// that names none is checked against none of them.
func TestSeatRules(t *testing.T) {
	seat := func(exam, slot, mode string) policy.Ask {
		a := book(exam, slot)
		a.Delivery = mode
		return a
	}
	at := "2026-04-01T10:00:00Z"
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	moved := func(slot, mode string) policy.Ask {
		a := reschedule("a1", slot)
		a.Delivery = mode
		return a
	}
	runMoneyCases(t, aws(), []moneyCase{
		{name: "online, on the quarter hour", at: at, ask: seat("AIF-C01", "2026-05-10T14:15:00Z", "online"), money: "fee_charged 10000 USD R2"},
		{name: "off the grid by minutes (R11)", at: at, ask: seat("AIF-C01", "2026-05-10T14:07:00Z", "online"), reasons: codeList(policy.OffGrid)},
		{name: "off the grid by a second", at: at, ask: seat("AIF-C01", "2026-05-10T14:15:01Z", "online"), reasons: codeList(policy.OffGrid)},
		{name: "off the grid by a nanosecond", at: at, ask: policy.Ask{Action: policy.Book, Exam: "AIF-C01",
			Slot: ts("2026-05-10T14:15:00Z").Add(1), Delivery: "online"}, reasons: codeList(policy.OffGrid)},
		{name: "a half-hour zone keeps the grid", tz: "Asia/Kolkata", at: at, ask: seat("AIF-C01", "2026-05-10T14:45:00+05:30", "test_center"),
			money: "fee_charged 10000 USD R2"},
		{name: "the last day of the horizon (R10)", at: at, ask: seat("AIF-C01", "2027-04-01T23:45:00Z", "online"), money: "fee_charged 10000 USD R2"},
		{name: "a day beyond the horizon (R10)", at: at, ask: seat("AIF-C01", "2027-04-02T00:00:00Z", "online"), reasons: codeList(policy.BeyondHorizon)},
		// 2026-03-31 in New York, so the last day is 2027-03-31 there, though
		// the slot is on 2027-04-01 in UTC only.
		{name: "the horizon counts the candidate's dates", tz: "America/New_York", at: "2026-04-01T02:00:00Z",
			ask: seat("AIF-C01", "2027-04-01T03:45:00Z", "online"), money: "fee_charged 10000 USD R2"},
		{name: "the day after, in the candidate's zone", tz: "America/New_York", at: "2026-04-01T02:00:00Z",
			ask: seat("AIF-C01", "2027-04-01T05:00:00Z", "online"), reasons: codeList(policy.BeyondHorizon)},
		{name: "9999-12-31", at: at, ask: seat("AIF-C01", "9999-12-31T00:00:00Z", "online"), reasons: codeList(policy.BeyondHorizon)},
		{name: "no mode, no calendar", at: at, ask: book("AIF-C01", "2029-04-02T14:07:00Z"), money: "fee_charged 10000 USD R2"},
		{name: "reschedule checks the new slot too", history: evs{a1}, at: at, ask: moved("2027-05-10T14:07:00Z", "online"),
			reasons: codeList(policy.BeyondHorizon, policy.OffGrid)},
	})
	px, _ := tierPrograms(t)
	runMoneyCases(t, px, []moneyCase{
		{name: "not delivered online (R12)", at: at, ask: seat("PX-100", "2026-05-10T14:00:00Z", "online"), reasons: codeList(policy.DeliveryUnavailable)},
		{name: "delivered at a test center", at: at, ask: seat("PX-100", "2026-05-10T14:00:00Z", "test_center"), money: "fee_charged 20000 USD PX-F1"},
		{name: "an unknown mode is not delivered", at: at, ask: seat("PX-100", "2026-05-10T14:00:00Z", "carrier_pigeon"), reasons: codeList(policy.DeliveryUnavailable)},
	})
}

// TestRecordResult: a result needs its sitting to have begun (R14), once
// per sitting (R15), for an open appointment (R6), on the exam's scale (E3).
func TestRecordResult(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	forAppt := func(id string, score int) policy.Ask {
		return policy.Ask{Action: policy.RecordResult, Appointment: id, Score: score}
	}
	sitting := func(exam, on string, score int) policy.Ask {
		return policy.Ask{Action: policy.RecordResult, Exam: exam, Slot: ts(on), Score: score}
	}
	cases := []struct {
		name    string
		history []policy.Event
		at      string
		ask     policy.Ask
		reasons []policy.Code
		passed  bool
	}{
		{"an open appointment whose slot has begun", evs{a1}, "2026-05-10T14:00:00Z", forAppt("a1", 760), nil, true},
		{"a failing score", evs{a1}, "2026-05-10T18:00:00Z", forAppt("a1", 699), nil, false},
		{"the slot has not begun (R14)", evs{a1}, "2026-05-10T13:59:59Z", forAppt("a1", 760), codeList(policy.SlotNotStarted), false},
		{"cancelled (R6)", evs{a1, cancelled("a1", "2026-05-01T00:00:00Z")}, "2026-05-11T00:00:00Z", forAppt("a1", 760), codeList(closed), false},
		{"missed (R6)", evs{a1, noShow("a1")}, "2026-05-11T00:00:00Z", forAppt("a1", 760), codeList(closed), false},
		{"already sat (R6)", evs{a1, sat("a1", 760)}, "2026-05-11T00:00:00Z", forAppt("a1", 760), codeList(closed), false},
		{"unknown appointment", nil, "2026-05-11T00:00:00Z", forAppt("a9", 760), codeList(policy.UnknownAppointment), false},
		{"off the scale (E3)", evs{a1}, "2026-05-11T00:00:00Z", forAppt("a1", 1001), codeList(policy.InvalidScore), false},
		{"a past sitting", nil, "2026-05-11T00:00:00Z", sitting("AIF-C01", "2026-05-10T14:00:00Z", 760), nil, true},
		{"exactly the clock skew ahead", nil, "2026-05-11T00:00:00Z", sitting("AIF-C01", "2026-05-11T00:05:00Z", 760), nil, true},
		{"beyond the clock skew (R14)", nil, "2026-05-11T00:00:00Z", sitting("AIF-C01", "2026-05-11T00:05:01Z", 760), codeList(policy.SittingInFuture), false},
		{"2099", nil, "2026-05-11T00:00:00Z", sitting("AIF-C01", "2099-01-01T00:00:00Z", 760), codeList(policy.SittingInFuture), false},
		{"the same exam at the same instant (R15)", evs{result("AIF-C01", "2026-05-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			sitting("AIF-C01", "2026-05-10T14:00:00Z", 760), codeList(policy.DuplicateSitting), false},
		{"the same instant written in another zone", evs{result("AIF-C01", "2026-05-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			sitting("AIF-C01", "2026-05-10T16:00:00+02:00", 760), codeList(policy.DuplicateSitting), false},
		{"an appointment's sitting is on record as a result", evs{a1, result("AIF-C01", "2026-05-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			forAppt("a1", 760), codeList(policy.DuplicateSitting), false},
		{"another exam at the same instant", evs{result("CLF-C02", "2026-05-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			sitting("AIF-C01", "2026-05-10T14:00:00Z", 760), nil, true},
		{"the same exam a minute later", evs{result("AIF-C01", "2026-05-10T14:00:00Z", 640)}, "2026-05-11T00:00:00Z",
			sitting("AIF-C01", "2026-05-10T14:01:00Z", 760), nil, true},
		{"unknown exam", nil, "2026-05-11T00:00:00Z", sitting("XYZ-C01", "2026-05-10T14:00:00Z", 760), codeList(policy.UnknownExam), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, "UTC", c.history, c.at, c.ask)
			want := c.reasons
			if want == nil {
				want = []policy.Code{}
			}
			if got := codes(d); !reflect.DeepEqual(got, want) {
				t.Errorf("reasons %v, want %v", got, want)
			}
			if d.Allowed != (len(want) == 0) || d.Passed != c.passed {
				t.Errorf("allowed %v passed %v; want %v %v", d.Allowed, d.Passed, len(want) == 0, c.passed)
			}
			if d.Allowed && d.Score != c.ask.Score {
				t.Errorf("score %d, want %d", d.Score, c.ask.Score)
			}
			if len(d.Consequences) != 0 {
				t.Errorf("a result moves no money: %s", money(d.Consequences))
			}
		})
	}
	if policy.ClockSkew.Minutes() != 5 {
		t.Errorf("ClockSkew is %v; README and the explanations say 5 minutes", policy.ClockSkew)
	}
}
