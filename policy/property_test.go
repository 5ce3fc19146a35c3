package policy_test

// Property tests (pgregory.net/rapid) over random AWS histories; see
// gen_test.go for the generators. A decision must never depend on the
// host's time zone: besides property (a) below, which changes time.Local
// inside the test, the whole suite is meant to pass under
//
//	TZ=Pacific/Kiritimati go test ./...
//
// (and any other TZ); it has been run that way.

import (
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/recert/recert/policy"
)

func load(t *rapid.T, tz string, events []policy.Event) *policy.History {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	h, err := aws().NewHistory(loc, events)
	if err != nil {
		t.Fatalf("a generated history was refused: %v", err)
	}
	return h
}

// (a) A decision, a report and an explanation never depend on the host's
// time zone.
func TestPropertyHostZone(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	hosts := []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"}
	rapid.Check(t, func(t *rapid.T) {
		hist := genHistory(t)
		at := genAt(t, hist)
		ask := genAsk(t, hist, at)
		var first policy.Decision
		var firstReport policy.Report
		var firstWhy []string
		for i, host := range hosts {
			loc, err := time.LoadLocation(host)
			if err != nil {
				t.Fatal(err)
			}
			time.Local = loc
			h := load(t, hist.tz, hist.events)
			d := aws().Decide(h, at, ask)
			r := aws().Report(h, at)
			why := aws().Explain(&d)
			time.Local = saved
			if i == 0 {
				first, firstReport, firstWhy = d, r, why
				continue
			}
			if !reflect.DeepEqual(d, first) {
				t.Fatalf("host zone %s: decision\n%+v\nwith host zone %s:\n%+v", host, d, hosts[0], first)
			}
			if !reflect.DeepEqual(r, firstReport) {
				t.Fatalf("host zone %s: report differs", host)
			}
			if !reflect.DeepEqual(why, firstWhy) {
				t.Fatalf("host zone %s: explanation %q, with %s: %q", host, why, hosts[0], firstWhy)
			}
		}
	})
}

// (b) Adding an unrelated exam's events never changes the answer.
func TestPropertyUnrelatedExams(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hist := genHistory(t)
		at := genAt(t, hist)
		ask := genAsk(t, hist, at)
		others := unrelatedExams(ask, hist.events)
		extra, _, _ := genEvents(t, "unrelated", others, "u", genBase(t), false)
		// Interleave the two histories, each in its own order.
		var merged []policy.Event
		i, j := 0, 0
		for i < len(hist.events) || j < len(extra) {
			if j == len(extra) || (i < len(hist.events) && rapid.Bool().Draw(t, "merge")) {
				merged = append(merged, hist.events[i])
				i++
			} else {
				merged = append(merged, extra[j])
				j++
			}
		}
		want := aws().Decide(load(t, hist.tz, hist.events), at, ask)
		got := aws().Decide(load(t, hist.tz, merged), at, ask)
		if !reflect.DeepEqual(codes(got), codes(want)) || got.Allowed != want.Allowed ||
			got.Earliest != want.Earliest || got.HasEarliest != want.HasEarliest || !got.RetryAt.Equal(want.RetryAt) ||
			got.State != want.State || got.ExpiresOn != want.ExpiresOn || !reflect.DeepEqual(got.Options, want.Options) ||
			got.Passed != want.Passed {
			t.Fatalf("unrelated events %v changed the answer to %+v\nfrom %+v", others, got, want)
		}
		// A pass of any exam issues a voucher that pays for any other (V5),
		// so which voucher a cancel returns is not unrelated to them.
		got.Consequences, want.Consequences = withoutVouchers(got.Consequences), withoutVouchers(want.Consequences)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("unrelated events changed the decision's details:\n%+v\n%+v", got, want)
		}
	})
}

func withoutVouchers(cs []policy.Consequence) []policy.Consequence {
	var out []policy.Consequence
	for _, c := range cs {
		if c.Kind != policy.VoucherReturned && c.Kind != policy.VoucherRedeemed {
			out = append(out, c)
		}
	}
	return out
}

// (c) The expiry of an active certification is always the renewing or
// earning sitting's local date plus three years (T3); state and expiry
// match a model of V1-V3 written from the spec.
func TestPropertyExpiry(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		certID := rapid.SampledFrom(certIDs()).Draw(t, "certification")
		cert, _ := aws().Certification(certID)
		// Mostly exams of its renewal paths, so that terms are earned,
		// renewed and lapse; sometimes any exam.
		exams := examCodes()
		if rapid.IntRange(0, 3).Draw(t, "focus") > 0 {
			exams = []string{rapid.SampledFrom(examCodes()).Draw(t, "other")}
			for _, path := range cert.Paths {
				for _, v := range aws().Versions(path.Line) {
					exams = append(exams, v.Code)
				}
			}
		}
		hist := history{tz: rapid.SampledFrom(propZones).Draw(t, "zone")}
		hist.events, hist.appts, hist.end = genEvents(t, "ev", exams, "a", genBase(t), false)
		at := genAt(t, hist)
		h := load(t, hist.tz, hist.events)
		d := aws().Decide(h, at, status(certID))
		loc := h.Zone()

		// The model: replay the passes.
		earned, expires, basis := false, policy.NoDate, pass{}
		for _, s := range passedSittings(hist.events, loc) {
			onPath := false
			for _, path := range cert.Paths {
				onPath = onPath || (path.Line == s.line && latestAsOf(s.line, s.date) == s.exam)
			}
			own := s.line == cert.Line
			switch {
			case earned && s.date <= expires && onPath:
				expires, basis = plus3Years(s.date), s
			case earned && s.date <= expires && own: // an older version of its own line: V1
				if plus3Years(s.date) > expires {
					expires, basis = plus3Years(s.date), s
				}
			case own && (!earned || s.date > expires):
				earned, expires, basis = true, plus3Years(s.date), s
			}
		}
		y, m, dd := at.In(loc).Date()
		today := policy.MakeDate(y, m, dd)
		wantState := policy.StateNone
		if earned {
			wantState = policy.StateExpired
			if today <= expires {
				wantState = policy.StateActive
			}
		} else {
			expires = policy.NoDate
		}
		if d.State != wantState || d.ExpiresOn != expires {
			t.Fatalf("%s: state %s expires %s, model %s %s", certID, d.State, d.ExpiresOn, wantState, expires)
		}
		if d.State == policy.StateActive {
			if d.ExpiresOn != plus3Years(d.Term.BasisDate) {
				t.Fatalf("expires %s, basis %s %s", d.ExpiresOn, d.Term.BasisExam, d.Term.BasisDate)
			}
			if d.Term.BasisExam != basis.exam || d.Term.BasisDate != basis.date {
				t.Fatalf("basis %s %s, model %s %s", d.Term.BasisExam, d.Term.BasisDate, basis.exam, basis.date)
			}
		}
	})
}

// (d) With only sittings in the history (no appointments, no no-shows), a
// booking allowed for a slot stays allowed for every later date up to the
// exam's last test date, and is refused the day after it.
func TestPropertyMonotoneBooking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tz := rapid.SampledFrom(propZones).Draw(t, "zone")
		exams := examCodes()
		events, _, end := genEvents(t, "ev", exams, "a", genBase(t), true)
		at := end.Add(minutes(t, "at", -100*24*60, 800*24*60))
		exam := rapid.SampledFrom(exams).Draw(t, "exam")
		slot := at.Add(minutes(t, "slot", 1, 900*24*60))
		h := load(t, tz, events)
		e, _ := aws().Exam(exam)
		if d := aws().Decide(h, at, book(exam, "2000-01-01T00:00:00Z")); len(d.Reasons) == 0 {
			t.Fatal("a slot in 2000 was allowed")
		}
		first := aws().Decide(h, at, policy.Ask{Action: policy.Book, Exam: exam, Slot: slot})
		if !first.Allowed {
			return
		}
		slotDate := h.DateOf(slot)
		for k := 1; k <= 1200; k++ {
			// Noon on each later local date (a date skipped by its zone, as
			// Apia's 2011-12-30, is skipped here too).
			y, m, dd := (slotDate + policy.Date(k)).Civil()
			later := time.Date(y, m, dd, 12, 0, 0, 0, h.Zone())
			ld := h.DateOf(later)
			if ld != slotDate+policy.Date(k) {
				continue
			}
			d := aws().Decide(h, at, policy.Ask{Action: policy.Book, Exam: exam, Slot: later})
			if ld > e.LastDate {
				if !d.Has(policy.ExamUnavailable) {
					t.Fatalf("%s booked for %s after its last test date %s: %v", exam, ld, e.LastDate, codes(d))
				}
				break
			}
			if !d.Allowed {
				t.Fatalf("%s allowed on %s but not on %s: %v", exam, slotDate, ld, codes(d))
			}
		}
	})
}

// (e) Decide never panics and is deterministic, on the same History, on a
// fresh one and on a History reused with Load.
func TestPropertyDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hist := genHistory(t)
		other := genHistory(t)
		at := genAt(t, hist)
		ask := genAsk(t, hist, at)
		h := load(t, hist.tz, hist.events)
		d1 := aws().Decide(h, at, ask)
		d2 := aws().Decide(h, at, ask)
		d3 := aws().Decide(load(t, hist.tz, hist.events), at, ask)
		reused := load(t, other.tz, other.events)
		aws().Decide(reused, at, ask)
		loc, _ := time.LoadLocation(hist.tz)
		if err := aws().Load(reused, loc, hist.events); err != nil {
			t.Fatal(err)
		}
		d4 := aws().Decide(reused, at, ask)
		for i, d := range []policy.Decision{d2, d3, d4} {
			if !reflect.DeepEqual(d, d1) {
				t.Fatalf("decision %d differs:\n%+v\n%+v", i+2, d, d1)
			}
		}
		checkShape(t, d1, h, at, ask)
		aws().Explain(&d1)
		aws().Report(h, at)
		if ask.Certification != "" {
			_, _ = aws().Plan(h, at, ask.Certification)
		}
	})
}
