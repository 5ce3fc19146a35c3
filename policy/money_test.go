package policy_test

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// Guards checked by removing (or short-circuiting) each once in a copy of
// the tree; the test named FAILED every time:
//
//	money.go bookingFee: the NoVoucher refusal                        TestMoneyAWS
//	money.go bookingFee: the voucher discount                         TestMoneyAWS
//	money.go cancelMoney: appending voucher_returned                  TestMoneyAWS
//	money.go cancelMoney CostFee: min(fee, paid) -> fee               TestMoneyTiers
//	money.go cancelMoney/rescheduleFee: the whole-fee charge          TestMoneyTiers
//	money.go lateTier: the innermost-tier comparison                  TestMoneyTiers
//	money.go lateTier: !at.After (exactly Within before is outside)   TestMoneyTiers
//	money.go timelyCancel: the tier check                             TestMoneyTiers
//	money.go changeCost: the change-window refusal (R7)               TestR7ChangeWindow
//	money.go changeCost: a refusing tier's refusal                    TestRefusingTier
//	money.go medicalException: each of its three refusals             TestMedicalException
//	money.go medicalException: a program that refunds no-shows        TestRefusingTier
//	history.go Load: ap.refunded = true                               TestMedicalException
//	history.go Load: a cancelled event's delivery                     TestRefusingTier
//	history.go paid: the recorded fee                                 TestMoneyAWS
//	seat.go: each of the three refusals, the nanosecond check         TestSeatRules
//	seat.go: no mode, no calendar (the early return)                  TestSeatRules
//	seat.go recordResult: each of its five refusals                   TestRecordResult
//	rules.go slotRules: an assessment's earliest past its last day    programs TestPrograms (microsoft.jsonl)

// money writes consequences compactly: "fee_charged 10000 USD R2;
// voucher_redeemed AIF-C01/2026-03-01 V5".
func money(cs []policy.Consequence) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		s := string(c.Kind)
		if c.Voucher.FromExam != "" {
			s += " " + c.Voucher.FromExam + "/" + c.Voucher.Issued.String()
		} else {
			s += " " + strconv.FormatInt(c.Amount.Minor, 10) + " " + c.Amount.Currency
		}
		if c.Rule != "" {
			s += " " + c.Rule
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

type moneyCase struct {
	name    string
	tz      string
	history []policy.Event
	at      string
	ask     policy.Ask
	reasons []policy.Code // empty: allowed
	money   string
}

func runMoneyCases(t *testing.T, p *policy.Program, cases []moneyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tz := c.tz
			if tz == "" {
				tz = "UTC"
			}
			h, err := p.NewHistory(zone(t, tz), c.history)
			if err != nil {
				t.Fatal(err)
			}
			d := p.Decide(h, ts(c.at), c.ask)
			want := c.reasons
			if want == nil {
				want = []policy.Code{}
			}
			if got := codes(d); !reflect.DeepEqual(got, want) {
				t.Errorf("reasons %v, want %v", got, want)
			}
			if d.Allowed != (len(want) == 0) {
				t.Errorf("allowed %v with reasons %v", d.Allowed, codes(d))
			}
			if got := money(d.Consequences); got != c.money {
				t.Errorf("consequences %q, want %q", got, c.money)
			}
		})
	}
}

func withFee(ev policy.Event, minor int64) policy.Event {
	ev.Fee = policy.Money{Minor: minor, Currency: "USD"}
	return ev
}

func withDelivery(ev policy.Event, mode string) policy.Event {
	ev.Delivery = mode
	return ev
}

func voucherBook(exam, slot string) policy.Ask {
	a := book(exam, slot)
	a.UseVoucher = true
	return a
}

// TestMoneyAWS: what each allowed change of the reference program moves,
// and from what was paid (R2, R7, R8, V5, R13).
func TestMoneyAWS(t *testing.T) {
	pass := result("AIF-C01", "2026-03-01T15:00:00Z", 760)
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	v1 := bookedVoucher("a1", "SAA-C03", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	runMoneyCases(t, aws(), []moneyCase{
		{name: "book: the full fee (R2)", at: "2026-04-01T00:00:00Z", ask: book("SAA-C03", "2026-05-10T14:00:00Z"),
			money: "fee_charged 15000 USD R2"},
		{name: "voucher pays half (V5)", history: evs{pass}, at: "2026-04-01T00:00:00Z", ask: voucherBook("SAA-C03", "2026-05-10T14:00:00Z"),
			money: "fee_charged 7500 USD V5; voucher_redeemed AIF-C01/2026-03-01 V5"},
		{name: "voucher: the oldest first", history: evs{pass, result("CLF-C02", "2026-03-05T15:00:00Z", 800)}, at: "2026-04-01T00:00:00Z",
			ask: voucherBook("SAA-C03", "2026-05-10T14:00:00Z"), money: "fee_charged 7500 USD V5; voucher_redeemed AIF-C01/2026-03-01 V5"},
		{name: "voucher: none to use", at: "2026-04-01T00:00:00Z", ask: voucherBook("SAA-C03", "2026-05-10T14:00:00Z"),
			reasons: codeList(policy.NoVoucher)},
		{name: "voucher: the only one is spent", history: evs{pass, v1}, at: "2026-04-02T00:00:00Z",
			ask: voucherBook("DVA-C02", "2026-05-10T14:00:00Z"), reasons: codeList(policy.NoVoucher)},
		{name: "voucher: issued after the moment of asking", history: evs{result("AIF-C01", "2026-04-03T15:00:00Z", 760)}, at: "2026-04-01T00:00:00Z",
			ask: voucherBook("SAA-C03", "2026-05-10T14:00:00Z"), reasons: codeList(policy.NoVoucher)},
		{name: "a refused booking moves nothing", history: evs{pass}, at: "2026-04-01T00:00:00Z",
			ask: voucherBook("SAA-C03", "2026-03-10T14:00:00Z"), reasons: codeList(policy.SlotNotFuture)},
		{name: "every refusing rule is listed, no_voucher too", at: "2026-04-01T00:00:00Z",
			ask: voucherBook("SAA-C03", "2026-03-10T14:00:00Z"), reasons: codeList(policy.NoVoucher, policy.SlotNotFuture)},
		{name: "cancel in time refunds the price (R7)", history: evs{a1}, at: "2026-05-09T14:00:00Z", ask: cancel("a1"),
			money: "fee_refunded 10000 USD R7"},
		{name: "refund what was paid, not today's price (R13)", history: evs{withFee(a1, 8000)}, at: "2026-05-01T00:00:00Z", ask: cancel("a1"),
			money: "fee_refunded 8000 USD R7"},
		{name: "voucher-paid cancel in time returns it (V5)", history: evs{pass, v1}, at: "2026-05-01T00:00:00Z", ask: cancel("a1"),
			money: "fee_refunded 7500 USD R7; voucher_returned AIF-C01/2026-03-01 V5"},
		{name: "a late cancel is refused and moves nothing (R7)", history: evs{a1}, at: "2026-05-09T14:00:01Z", ask: cancel("a1"),
			reasons: codeList(window)},
		{name: "reschedule in time is free (R7)", history: evs{a1}, at: "2026-05-01T00:00:00Z", ask: reschedule("a1", "2026-05-20T14:00:00Z")},
		{name: "no-show forfeits the price (R8)", history: evs{a1}, at: "2026-05-10T15:00:00Z", ask: policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"},
			money: "fee_forfeited 10000 USD R8"},
		{name: "no-show forfeits what a voucher booking paid", history: evs{pass, v1}, at: "2026-05-10T15:00:00Z",
			ask: policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"}, money: "fee_forfeited 7500 USD R8"},
		{name: "a free booking forfeits nothing", history: evs{withFee(a1, 0)}, at: "2026-05-10T15:00:00Z",
			ask: policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"}},
	})
}

var (
	tierOnce sync.Once
	tierProg *policy.Program
	gcProg   *policy.Program
)

// tierPrograms loads the Prometric-style test program and Google Cloud.
func tierPrograms(t *testing.T) (*policy.Program, *policy.Program) {
	t.Helper()
	var err1, err2 error
	tierOnce.Do(func() {
		tierProg, err1 = definition.LoadFile("../programs/testdata/prometric-style.yaml")
		gcProg, err2 = definition.LoadFile("../programs/google-cloud.yaml")
	})
	if err1 != nil || err2 != nil || tierProg == nil || gcProg == nil {
		t.Fatalf("loading the tier programs: %v %v", err1, err2)
	}
	return tierProg, gcProg
}

// TestMoneyTiers: late changes that cost rather than being refused: the
// innermost tier containing the moment decides, exactly its window before
// the slot is outside it (T4), and the tiers follow the delivery mode.
func TestMoneyTiers(t *testing.T) {
	px, gc := tierPrograms(t)
	slot := "2026-06-30T14:00:00Z"
	a1 := withDelivery(booked("a1", "PX-100", slot, "2026-04-01T10:00:00Z"), "test_center")
	pass := result("PX-200", "2026-03-02T14:00:00Z", 80)
	v1 := bookedVoucher("a1", "PX-100", slot, "2026-04-01T10:00:00Z")
	runMoneyCases(t, px, []moneyCase{
		{name: "exactly 30 days ahead: free", history: evs{a1}, at: "2026-05-31T14:00:00Z", ask: cancel("a1"), money: "fee_refunded 20000 USD PX-C1"},
		{name: "inside 30 days: the fee is kept", history: evs{a1}, at: "2026-05-31T14:00:01Z", ask: cancel("a1"),
			money: "fee_refunded 15000 USD PX-C2; fee_forfeited 5000 USD PX-C2"},
		{name: "inside 5 days: the whole fee", history: evs{a1}, at: "2026-06-25T14:00:01Z", ask: cancel("a1"), money: "fee_forfeited 20000 USD PX-C2"},
		{name: "fee larger than what was paid", history: evs{withFee(a1, 3000)}, at: "2026-06-10T14:00:00Z", ask: cancel("a1"),
			money: "fee_forfeited 3000 USD PX-C2"},
		{name: "reschedule inside 30 days: the fee", history: evs{a1}, at: "2026-06-10T14:00:00Z", ask: reschedule("a1", "2026-07-30T14:00:00Z"),
			money: "fee_charged 5000 USD PX-C2"},
		{name: "reschedule inside 5 days: the price again", history: evs{a1}, at: "2026-06-29T14:00:00Z", ask: reschedule("a1", "2026-07-30T14:00:00Z"),
			money: "fee_charged 20000 USD PX-C2"},
		{name: "after the slot began: refused", history: evs{a1}, at: "2026-06-30T14:00:01Z", ask: cancel("a1"), reasons: codeList(window)},
		{name: "voucher kept by a late cancel", history: evs{pass, v1, cancelled("a1", "2026-06-10T14:00:00Z")}, at: "2026-06-11T14:00:00Z",
			ask: voucherBook("PX-100", "2026-08-03T14:00:00Z"), reasons: codeList(policy.NoVoucher)},
		{name: "voucher back after a free cancel", history: evs{pass, v1, cancelled("a1", "2026-05-01T14:00:00Z")}, at: "2026-05-02T14:00:00Z",
			ask: voucherBook("PX-100", "2026-08-03T14:00:00Z"), money: "fee_charged 10000 USD PX-F2; voucher_redeemed PX-200/2026-03-02 PX-F2"},
	})
	gcSlot := "2026-09-10T15:00:00Z"
	onsite := withDelivery(booked("a1", "GCP-ACE", gcSlot, "2026-08-01T10:00:00Z"), "test_center")
	online := withDelivery(booked("a1", "GCP-ACE", gcSlot, "2026-08-01T10:00:00Z"), "online")
	unknown := booked("a1", "GCP-ACE", gcSlot, "2026-08-01T10:00:00Z")
	runMoneyCases(t, gc, []moneyCase{
		{name: "gc onsite 48h: forfeit", history: evs{onsite}, at: "2026-09-08T15:00:00Z", ask: cancel("a1"), money: "fee_forfeited 12500 USD GC-A4"},
		{name: "gc online 48h: refund", history: evs{online}, at: "2026-09-08T15:00:00Z", ask: cancel("a1"), money: "fee_refunded 12500 USD GC-A4"},
		{name: "gc mode not recorded: the stricter tier", history: evs{unknown}, at: "2026-09-08T15:00:00Z", ask: cancel("a1"),
			money: "fee_forfeited 12500 USD GC-A4"},
		{name: "gc mode not recorded: the ask names it", history: evs{unknown}, at: "2026-09-08T15:00:00Z",
			ask: policy.Ask{Action: policy.Cancel, Appointment: "a1", Delivery: "online"}, money: "fee_refunded 12500 USD GC-A4"},
		{name: "gc onsite reschedule 30h: the fee", history: evs{onsite}, at: "2026-09-09T09:00:00Z", ask: reschedule("a1", "2026-09-20T15:00:00Z"),
			money: "fee_charged 2500 USD GC-A4"},
		{name: "gc online reschedule 30h: free", history: evs{online}, at: "2026-09-09T09:00:00Z", ask: reschedule("a1", "2026-09-20T15:00:00Z")},
	})
}

// refuseTiers is a program whose late-change tier refuses a cancel inside
// 48 hours of an online appointment but only charges for a reschedule,
// while a test-center appointment can change until its slot begins.
const refuseTiers = `
id: refuse-tiers
version: "1"
name: Refusing tiers
appointments:
  late_changes:
    - within: PT48H
      delivery: [online]
      cancel: refuse
      reschedule: fee
      fee: {amount: 10, currency: USD}
  fees: {no_show: refund, medical_exception: refund}
vouchers: {issued_on_pass: true, discount_percent: 50, returned_on_timely_cancel: true}
exams:
  - {code: RT-1, line: RT, name: Exam, level: associate, price: {amount: 100, currency: USD}, score: {min: 0, max: 100, passing: 70}}
certifications: []
`

// TestRefusingTier: a tier can refuse one kind of change (cancel) and
// price the other; the refusal reads as change_window_closed. The same
// program refunds a no-show's fee.
func TestRefusingTier(t *testing.T) {
	p, err := definition.Parse("refuse-tiers.yaml", []byte(refuseTiers))
	if err != nil {
		t.Fatal(err)
	}
	slot := "2026-06-30T14:00:00Z"
	online := withDelivery(booked("a1", "RT-1", slot, "2026-04-01T10:00:00Z"), "online")
	center := withDelivery(booked("a1", "RT-1", slot, "2026-04-01T10:00:00Z"), "test_center")
	pass1 := result("RT-1", "2026-03-02T14:00:00Z", 80)
	vNoMode := bookedVoucher("a1", "RT-1", slot, "2026-04-01T10:00:00Z")
	runMoneyCases(t, p, []moneyCase{
		{name: "online cancel inside 48h: refused", history: evs{online}, at: "2026-06-29T14:00:00Z", ask: cancel("a1"), reasons: codeList(window)},
		{name: "online cancel exactly 48h before: free", history: evs{online}, at: "2026-06-28T14:00:00Z", ask: cancel("a1"), money: "fee_refunded 10000 USD"},
		{name: "online reschedule inside 48h: the fee", history: evs{online}, at: "2026-06-29T14:00:00Z", ask: reschedule("a1", "2026-07-30T14:00:00Z"),
			money: "fee_charged 1000 USD"},
		{name: "test center cancel inside 48h: free", history: evs{center}, at: "2026-06-29T14:00:00Z", ask: cancel("a1"), money: "fee_refunded 10000 USD"},
		// A booking that did not record its mode, cancelled with the mode
		// named: the replay reads the mode from the cancelled event and, as
		// the decision did, gives the voucher back.
		{name: "cancel with the mode named: free", history: evs{pass1, vNoMode}, at: "2026-06-29T14:00:00Z",
			ask:   policy.Ask{Action: policy.Cancel, Appointment: "a1", Delivery: "test_center"},
			money: "fee_refunded 5000 USD; voucher_returned RT-1/2026-03-02"},
		{name: "the voucher is back after it", history: evs{pass1, vNoMode, withDelivery(cancelled("a1", "2026-06-29T14:00:00Z"), "test_center")},
			at: "2026-06-29T15:00:00Z", ask: voucherBook("RT-1", "2026-08-03T14:00:00Z"),
			money: "fee_charged 5000 USD; voucher_redeemed RT-1/2026-03-02"},
		// A program that refunds a no-show leaves a medical exception
		// nothing to refund (R13).
		{name: "a no-show refunded", history: evs{center}, at: "2026-06-30T15:00:00Z", ask: policy.Ask{Action: policy.MarkNoShow, Appointment: "a1"},
			money: "fee_refunded 10000 USD"},
		{name: "then nothing left for a medical exception", history: evs{center, noShow("a1")}, at: "2026-07-01T15:00:00Z",
			ask: policy.Ask{Action: policy.MedicalException, Appointment: "a1"}, reasons: codeList(policy.AlreadyRefunded)},
	})
}

// TestMedicalException: a missed appointment's forfeited fee is refunded
// on a medical exception (R8), once (R13); every refusing rule is listed.
func TestMedicalException(t *testing.T) {
	a1 := booked("a1", "AIF-C01", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	med := func(id string) policy.Ask { return policy.Ask{Action: policy.MedicalException, Appointment: id} }
	refunded := policy.Event{Kind: policy.Refunded, Appointment: "a1", At: ts("2026-05-12T00:00:00Z"), Fee: policy.Money{Minor: 10000, Currency: "USD"}}
	runMoneyCases(t, aws(), []moneyCase{
		{name: "missed: refunded (R8)", history: evs{a1, noShow("a1")}, at: "2026-05-11T00:00:00Z", ask: med("a1"), money: "fee_refunded 10000 USD R8"},
		{name: "refunds what was paid", history: evs{withFee(a1, 6100), noShow("a1")}, at: "2026-05-11T00:00:00Z", ask: med("a1"), money: "fee_refunded 6100 USD R8"},
		{name: "refunded once (R13)", history: evs{a1, noShow("a1"), refunded}, at: "2026-05-13T00:00:00Z", ask: med("a1"),
			reasons: codeList(policy.AlreadyRefunded)},
		{name: "open: not missed", history: evs{a1}, at: "2026-05-01T00:00:00Z", ask: med("a1"), reasons: codeList(policy.NotMissed)},
		{name: "cancelled: not missed", history: evs{a1, cancelled("a1", "2026-05-01T00:00:00Z")}, at: "2026-05-02T00:00:00Z", ask: med("a1"),
			reasons: codeList(policy.NotMissed)},
		{name: "sat: not missed", history: evs{a1, sat("a1", 800)}, at: "2026-05-11T00:00:00Z", ask: med("a1"), reasons: codeList(policy.NotMissed)},
		{name: "unknown", at: "2026-05-11T00:00:00Z", ask: med("a9"), reasons: codeList(policy.UnknownAppointment)},
	})
	_, gc := tierPrograms(t)
	gcA1 := booked("a1", "GCP-ACE", "2026-05-10T14:00:00Z", "2026-04-01T00:00:00Z")
	runMoneyCases(t, gc, []moneyCase{
		{name: "the program refunds nothing", history: evs{gcA1, noShow("a1")}, at: "2026-05-11T00:00:00Z", ask: med("a1"),
			reasons: codeList(policy.NoMedicalRefund)},
		{name: "open, and the program refunds nothing: both", history: evs{gcA1}, at: "2026-05-01T00:00:00Z", ask: med("a1"),
			reasons: codeList(policy.NoMedicalRefund, policy.NotMissed)},
	})
}
