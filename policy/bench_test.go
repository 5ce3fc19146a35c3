package policy_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// history50 is a busy candidate: fifty events over six years across the
// catalog, with bookings, reschedules, cancellations, no-shows, sittings
// and imported results, in a zone with DST.
func history50(tb testing.TB) (*policy.Program, []policy.Event, *time.Location) {
	tb.Helper()
	p := definition.AWS()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		tb.Fatal(err)
	}
	exams := []string{"CLF-C02", "AIF-C01", "SAA-C03", "DVA-C02", "DEA-C01", "MLA-C01", "SAP-C02", "DOP-C02", "ANS-C01", "SCS-C03"}
	start := time.Date(2026, 1, 5, 14, 0, 0, 0, time.UTC)
	var evs []policy.Event
	for i := 0; len(evs) < 50; i++ {
		exam := exams[i%len(exams)]
		slot := start.AddDate(0, 0, 21*i)
		id := fmt.Sprintf("a%d", i)
		evs = append(evs, policy.Event{Kind: policy.Booked, Appointment: id, Exam: exam, Slot: slot, At: slot.AddDate(0, 0, -20)})
		switch i % 5 {
		case 0:
			evs = append(evs, policy.Event{Kind: policy.Rescheduled, Appointment: id, Slot: slot.Add(48 * time.Hour), At: slot.AddDate(0, 0, -10)})
			evs = append(evs, policy.Event{Kind: policy.Sat, Appointment: id, Score: 640})
		case 1, 3:
			evs = append(evs, policy.Event{Kind: policy.Sat, Appointment: id, Score: 810})
		case 2:
			evs = append(evs, policy.Event{Kind: policy.Cancelled, Appointment: id, At: slot.AddDate(0, 0, -5)})
			evs = append(evs, policy.Event{Kind: policy.Result, Exam: exam, Slot: slot.AddDate(0, 0, 3), Score: 705})
		case 4:
			evs = append(evs, policy.Event{Kind: policy.NoShow, Appointment: id})
		}
	}
	return p, evs[:50], loc
}

var sink policy.Decision

// benchHistory is history50 with its last two events replaced, so that
// every benchmarked ask takes its full path rather than an early exit: a
// recent pass keeps cloud-practitioner active (status and
// recertify_options replay every sitting and list options), and an open
// appointment can be moved (reschedule runs every slot rule, the change
// tiers and R9).
func benchHistory(tb testing.TB) (*policy.Program, []policy.Event, *time.Location) {
	p, evs, loc := history50(tb)
	evs = append(evs[:48:48],
		policy.Event{Kind: policy.Result, Exam: "CLF-C02", Slot: time.Date(2029, 1, 10, 15, 0, 0, 0, time.UTC), Score: 800},
		policy.Event{Kind: policy.Booked, Appointment: "open", Exam: "DVA-C02", Slot: time.Date(2029, 7, 2, 14, 0, 0, 0, time.UTC),
			At: time.Date(2029, 5, 1, 9, 0, 0, 0, time.UTC), Delivery: "online"})
	return p, evs, loc
}

// BenchmarkDecide is one decision over a prepared 50-event history: the
// cost the server pays per request once the history is loaded. The setup
// checks that each ask is answered in full (allowed, active, options
// listed), so that no case measures an early exit.
func BenchmarkDecide(b *testing.B) {
	p, evs, loc := benchHistory(b)
	h, err := p.NewHistory(loc, evs)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2029, 6, 1, 12, 0, 0, 0, time.UTC)
	slot := at.AddDate(0, 0, 20)
	full := func(d policy.Decision) bool { return d.Allowed && len(d.Reasons) == 0 }
	asks := []struct {
		name string
		ask  policy.Ask
		full func(policy.Decision) bool
	}{
		{"book", policy.Ask{Action: policy.Book, Exam: "AIF-C01", Slot: slot}, full},
		{"book_seat_voucher", policy.Ask{Action: policy.Book, Exam: "AIF-C01", Slot: slot, Delivery: "online", UseVoucher: true},
			func(d policy.Decision) bool { return full(d) && len(d.Consequences) == 2 }},
		{"reschedule", policy.Ask{Action: policy.Reschedule, Appointment: "open", Slot: slot, Delivery: "online"}, full},
		{"cancel", policy.Ask{Action: policy.Cancel, Appointment: "open"}, func(d policy.Decision) bool { return full(d) && len(d.Consequences) == 1 }},
		{"status", policy.Ask{Action: policy.Status, Certification: "cloud-practitioner"},
			func(d policy.Decision) bool { return d.State == policy.StateActive }},
		{"recertify_options", policy.Ask{Action: policy.RecertifyOptions, Certification: "cloud-practitioner"},
			func(d policy.Decision) bool {
				return d.State == policy.StateActive && len(d.Reasons) == 0 && len(d.Options) > 0
			}},
		{"record_result", policy.Ask{Action: policy.RecordResult, Exam: "AIF-C01", Slot: at.Add(-time.Hour), Score: 760}, full},
	}
	for _, a := range asks {
		if d := p.Decide(h, at, a.ask); !a.full(d) {
			b.Fatalf("%s takes an early exit: reasons %v, state %s, %d options, %d consequences", a.name, d.Reasons, d.State, len(d.Options), len(d.Consequences))
		}
		b.Run(a.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = p.Decide(h, at, a.ask)
			}
		})
	}
}

// BenchmarkLoadAndDecide adds resolving the 50 events (appointments,
// sittings, local dates) to the decision: the cost when nothing is cached.
func BenchmarkLoadAndDecide(b *testing.B) {
	p, evs, loc := benchHistory(b)
	at := time.Date(2029, 6, 1, 12, 0, 0, 0, time.UTC)
	ask := policy.Ask{Action: policy.Book, Exam: "AIF-C01", Slot: at.AddDate(0, 0, 20)}
	var h policy.History
	if err := p.Load(&h, loc, evs); err != nil || !p.Decide(&h, at, ask).Allowed {
		b.Fatalf("the booking must be allowed, to measure the full path (%v)", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Load(&h, loc, evs); err != nil {
			b.Fatal(err)
		}
		sink = p.Decide(&h, at, ask)
	}
}

var noticeSink []policy.Notice

// BenchmarkNotices is the notice schedule of a prepared 50-event history:
// the engine work every ledger write adds to keep the due-notice index.
func BenchmarkNotices(b *testing.B) {
	p, evs, loc := benchHistory(b)
	h, err := p.NewHistory(loc, evs)
	if err != nil {
		b.Fatal(err)
	}
	if n := len(p.Notices(h)); n < 10 {
		b.Fatalf("%d notices: the history must schedule expiry, retake and appointment notices", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		noticeSink = p.Notices(h)
	}
}
