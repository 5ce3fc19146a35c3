package policy_test

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
	"github.com/recert/recert/programs"
)

// noticeLine writes a notice as one line, every field, instants in UTC, so
// a table states a schedule exactly.
func noticeLine(n policy.Notice) string {
	until := "-"
	if !n.Until.IsZero() {
		until = n.Until.UTC().Format(time.RFC3339)
	}
	return string(n.Kind) + " " + n.Subject + " due=" + n.Due.UTC().Format(time.RFC3339) + " until=" + until +
		" date=" + n.Date.String() + " days=" + strconv.Itoa(n.Days) + " rule=" + n.Rule
}

func schedule(ns []policy.Notice) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, noticeLine(n))
	}
	return out
}

var (
	voucherOnce sync.Once
	voucherProg *policy.Program
)

// withVoucherValidity is the reference program with vouchers valid for a
// year (AWS states no validity, V5), to schedule voucher reminders (N4).
func withVoucherValidity(t testing.TB) *policy.Program {
	voucherOnce.Do(func() {
		src := bytes.Replace(programs.AWS, []byte("  validity: null\n"), []byte("  validity: P1Y\n"), 1)
		p, err := definition.Parse("aws-voucher-validity.yaml", src)
		if err != nil {
			t.Fatalf("the reference program with a voucher validity: %v", err)
		}
		voucherProg = p
	})
	if voucherProg == nil || voucherProg.Vouchers.Validity.IsZero() {
		t.Fatal("no voucher validity")
	}
	return voucherProg
}

// Berlin: CET (UTC+1) in winter, CEST (UTC+2) from 2029-03-25 02:00 local,
// so 09:00 is 08:00Z in winter and 07:00Z in summer.
const passAt = "2026-03-25T10:00:00Z" // AIF-C01 passed: ai-practitioner until 2029-03-25

var passSchedule = []string{
	// 180 days before, in summer time: 09:00 CEST.
	"expiry_reminder ai-practitioner due=2028-09-26T07:00:00Z until=2029-03-25T22:00:00Z date=2029-03-25 days=180 rule=V4",
	// 90, 30 and 7 days before, in winter time: 09:00 CET.
	"expiry_reminder ai-practitioner due=2028-12-25T08:00:00Z until=2029-03-25T22:00:00Z date=2029-03-25 days=90 rule=V4",
	"expiry_reminder ai-practitioner due=2029-02-23T08:00:00Z until=2029-03-25T22:00:00Z date=2029-03-25 days=30 rule=V4",
	"expiry_reminder ai-practitioner due=2029-03-18T08:00:00Z until=2029-03-25T22:00:00Z date=2029-03-25 days=7 rule=V4",
	// On the day, the day the clocks go forward: 09:00 CEST. It lapses at
	// midnight CEST, the first instant of 2029-03-26, when the
	// certification stops being active (V1).
	"expiry_reminder ai-practitioner due=2029-03-25T07:00:00Z until=2029-03-25T22:00:00Z date=2029-03-25 days=0 rule=V4",
	"certification_expired ai-practitioner due=2029-03-25T22:00:00Z until=2029-04-24T22:00:00Z date=2029-03-25 days=0 rule=V1",
}

func TestNotices(t *testing.T) {
	failed := result("AIF-C01", "2026-03-10T10:00:00Z", 650)
	retake := "retake_available AIF-C01 due=2026-03-24T08:00:00Z until=2026-04-23T08:00:00Z date=2026-03-24 days=0 rule=N2" // R1: 14 days
	bookRetake := booked("a1", "AIF-C01", "2026-04-01T10:00:00Z", "2026-03-12T10:00:00Z")
	apptNotices := []string{
		// R7: changes until 24 hours before the slot; the reminder 24 hours before that (N3).
		"change_deadline a1 due=2026-03-30T10:00:00Z until=2026-03-31T10:00:00Z date=2026-04-01 days=0 rule=N3",
		"sitting a1 due=2026-04-01T07:00:00Z until=2026-04-01T10:00:00Z date=2026-04-01 days=0 rule=N3",
	}
	cases := []struct {
		name    string
		prog    func(testing.TB) *policy.Program
		history []policy.Event
		want    []string
	}{
		{"nothing", nil, nil, nil},
		{"pass: five reminders and the expiry", nil, evs{result("AIF-C01", passAt, 800)}, passSchedule},
		{"renewal: the new term's schedule replaces the old", nil,
			evs{result("AIF-C01", passAt, 800), result("AIF-C01", "2028-10-02T10:00:00Z", 800)},
			[]string{
				"expiry_reminder ai-practitioner due=2031-04-05T07:00:00Z until=2031-10-02T22:00:00Z date=2031-10-02 days=180 rule=V4",
				"expiry_reminder ai-practitioner due=2031-07-04T07:00:00Z until=2031-10-02T22:00:00Z date=2031-10-02 days=90 rule=V4",
				"expiry_reminder ai-practitioner due=2031-09-02T07:00:00Z until=2031-10-02T22:00:00Z date=2031-10-02 days=30 rule=V4",
				"expiry_reminder ai-practitioner due=2031-09-25T07:00:00Z until=2031-10-02T22:00:00Z date=2031-10-02 days=7 rule=V4",
				"expiry_reminder ai-practitioner due=2031-10-02T07:00:00Z until=2031-10-02T22:00:00Z date=2031-10-02 days=0 rule=V4",
				"certification_expired ai-practitioner due=2031-10-02T22:00:00Z until=2031-11-01T22:00:00Z date=2031-10-02 days=0 rule=V1",
			}},
		{"revoked: nothing", nil, evs{result("AIF-C01", passAt, 800),
			{Kind: policy.Revoked, Certified: "ai-practitioner", At: ts("2026-06-01T10:00:00Z")}}, nil},
		{"fail: a retake from the R1 date", nil, evs{failed}, []string{retake}},
		{"booking a retake: the retake notice goes, the appointment's come", nil, evs{failed, bookRetake}, apptNotices},
		{"a cancelled retake: the retake notice is back", nil, evs{failed, bookRetake, cancelled("a1", "2026-03-20T10:00:00Z")}, []string{retake}},
		{"a missed retake: no retake notice", nil, evs{failed, bookRetake, noShow("a1")}, nil},
		{"a second failure: the retake notice counts from it", nil, evs{failed, bookRetake, sat("a1", 600)},
			[]string{"retake_available AIF-C01 due=2026-04-15T07:00:00Z until=2026-05-15T07:00:00Z date=2026-04-15 days=0 rule=N2"}},
		{"a retake rescheduled: the appointment's notices move", nil,
			evs{failed, bookRetake, rescheduled("a1", "2026-04-08T10:00:00Z", "2026-03-20T10:00:00Z")},
			[]string{
				"change_deadline a1 due=2026-04-06T10:00:00Z until=2026-04-07T10:00:00Z date=2026-04-08 days=0 rule=N3",
				"sitting a1 due=2026-04-08T07:00:00Z until=2026-04-08T10:00:00Z date=2026-04-08 days=0 rule=N3",
			}},
		{"a failure followed by a pass: no retake", nil, evs{failed, result("AIF-C01", passAt, 800)}, passSchedule},
		{"a voucher with a validity: its reminder", withVoucherValidity, evs{result("AIF-C01", passAt, 800)},
			append([]string{
				// N4: 30 days before its last valid day, 2027-03-25 (P1Y).
				"voucher_expiring v-AIF-C01-2026-03-25 due=2027-02-23T08:00:00Z until=2027-03-25T23:00:00Z date=2027-03-25 days=30 rule=N4",
			}, passSchedule...)},
		{"a voucher used: no reminder", withVoucherValidity, evs{result("AIF-C01", passAt, 800),
			bookedVoucher("a2", "CLF-C02", "2027-06-01T10:00:00Z", "2026-05-01T10:00:00Z"), cancelled("a2", "2027-05-31T12:00:00Z")},
			passSchedule},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := aws()
			if c.prog != nil {
				p = c.prog(t)
			}
			h, err := p.NewHistory(zone(t, "Europe/Berlin"), c.history)
			if err != nil {
				t.Fatal(err)
			}
			got, want := schedule(p.Notices(h)), c.want
			if want == nil {
				want = []string{}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("schedule:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestNoticesProgramSettings: the notifications section decides the time
// of day (N1), whether a retake notice is sent (N2) and the appointment
// reminders (N3; zero sends none).
func TestNoticesProgramSettings(t *testing.T) {
	src := strings.Replace(string(programs.AWS), `  at: "09:00"`, `  at: "18:30"`, 1)
	src = strings.Replace(src, "  retake: true ", "  retake: false", 1)
	src = strings.Replace(src, "{before_change_deadline: PT24H, before_sitting: PT3H}", "{before_change_deadline: PT0H, before_sitting: PT30M}", 1)
	p, err := definition.Parse("aws-evening.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.Notifications.At != 18*60+30 || p.Notifications.Retake || p.Notifications.BeforeChangeDeadline != 0 {
		t.Fatalf("the edits did not apply: %+v", p.Notifications)
	}
	h, err := p.NewHistory(zone(t, "Asia/Kolkata"), evs{result("AIF-C01", "2026-03-10T10:00:00Z", 650),
		result("CLF-C02", passAt, 800), booked("a1", "SAA-C03", "2026-05-01T10:00:00Z", "2026-04-01T10:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(schedule(p.Notices(h)), "\n")
	want := strings.Join([]string{
		"sitting a1 due=2026-05-01T09:30:00Z until=2026-05-01T10:00:00Z date=2026-05-01 days=0 rule=N3",
		// 18:30 IST is 13:00Z.
		"expiry_reminder cloud-practitioner due=2028-09-26T13:00:00Z until=2029-03-25T18:30:00Z date=2029-03-25 days=180 rule=V4",
		"expiry_reminder cloud-practitioner due=2028-12-25T13:00:00Z until=2029-03-25T18:30:00Z date=2029-03-25 days=90 rule=V4",
		"expiry_reminder cloud-practitioner due=2029-02-23T13:00:00Z until=2029-03-25T18:30:00Z date=2029-03-25 days=30 rule=V4",
		"expiry_reminder cloud-practitioner due=2029-03-18T13:00:00Z until=2029-03-25T18:30:00Z date=2029-03-25 days=7 rule=V4",
		"expiry_reminder cloud-practitioner due=2029-03-25T13:00:00Z until=2029-03-25T18:30:00Z date=2029-03-25 days=0 rule=V4",
		// Midnight IST after the last valid day.
		"certification_expired cloud-practitioner due=2029-03-25T18:30:00Z until=2029-04-24T18:30:00Z date=2029-03-25 days=0 rule=V1",
	}, "\n")
	if got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
}

// TestNoticeStatus: each reason NoticeStatus gives (N5), for a
// certification passed on 2026-03-25 (expiring 2029-03-25) in Berlin.
func TestNoticeStatus(t *testing.T) {
	p := aws()
	berlin := zone(t, "Europe/Berlin")
	passed := evs{result("AIF-C01", passAt, 800)}
	renewed := evs{result("AIF-C01", passAt, 800), result("AIF-C01", "2028-10-02T10:00:00Z", 800)}
	failed := evs{result("AIF-C01", "2026-03-10T10:00:00Z", 650)}
	rebooked := append(failed[:1:1], booked("a1", "AIF-C01", "2026-04-01T10:00:00Z", "2026-03-12T10:00:00Z"))
	notices := func(h evs) []policy.Notice {
		hist, err := p.NewHistory(berlin, h)
		if err != nil {
			t.Fatal(err)
		}
		return p.Notices(hist)
	}
	byDays := func(h evs, kind policy.NoticeKind, days int) policy.Notice {
		for _, n := range notices(h) {
			if n.Kind == kind && n.Days == days {
				return n
			}
		}
		t.Fatalf("no %s %d days before", kind, days)
		return policy.Notice{}
	}
	r180, r90, r30, r7, r0 := byDays(passed, policy.NoticeExpiry, 180), byDays(passed, policy.NoticeExpiry, 90),
		byDays(passed, policy.NoticeExpiry, 30), byDays(passed, policy.NoticeExpiry, 7), byDays(passed, policy.NoticeExpiry, 0)
	expired := byDays(passed, policy.NoticeExpired, 0)
	retake := byDays(failed, policy.NoticeRetake, 0)
	moved := r30
	moved.Due = moved.Due.Add(time.Minute)
	tenDaysBefore := "2029-03-15T12:00:00Z"
	cases := []struct {
		name    string
		history evs
		n       policy.Notice
		at      string
		send    bool
		reason  string
	}{
		{"before its time", passed, r180, "2028-09-26T06:59:59Z", false, policy.NoticeNotDue},
		{"at its time", passed, r180, "2028-09-26T07:00:00Z", true, policy.NoticeSend},
		{"its time passed, no later one due yet", passed, r180, "2028-12-01T00:00:00Z", true, policy.NoticeSend},
		// Imported 10 days before the expiry: the 30-day reminder alone.
		{"imported late: 180 superseded", passed, r180, tenDaysBefore, false, policy.NoticeSuperseded},
		{"imported late: 90 superseded", passed, r90, tenDaysBefore, false, policy.NoticeSuperseded},
		{"imported late: 30 sent", passed, r30, tenDaysBefore, true, policy.NoticeSend},
		{"imported late: 7 not due", passed, r7, tenDaysBefore, false, policy.NoticeNotDue},
		{"the day's reminder on the day", passed, r0, "2029-03-25T21:59:59Z", true, policy.NoticeSend},
		{"the day's reminder after midnight", passed, r0, "2029-03-25T22:00:00Z", false, policy.NoticeLapsed},
		{"a reminder after the expiry", passed, r7, "2029-04-01T00:00:00Z", false, policy.NoticeLapsed},
		{"the expiry a month on", passed, expired, "2029-04-24T00:00:00Z", true, policy.NoticeSend},
		{"the expiry after its shelf life", passed, expired, "2031-01-01T00:00:00Z", false, policy.NoticeLapsed},
		{"renewed: the old term's reminder", renewed, r30, "2029-02-23T08:00:00Z", false, policy.NoticeObsolete},
		{"renewed: the old term's expiry", renewed, expired, "2029-03-26T00:00:00Z", false, policy.NoticeObsolete},
		{"renewed, before its time: obsolete is final", renewed, r30, "2028-01-01T00:00:00Z", false, policy.NoticeObsolete},
		{"not the scheduled due time", passed, moved, "2029-02-24T00:00:00Z", false, policy.NoticeObsolete},
		{"a retake notice", failed, retake, "2026-03-24T08:00:00Z", true, policy.NoticeSend},
		{"a retake booked", rebooked, retake, "2026-03-24T08:00:00Z", false, policy.NoticeObsolete},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := p.NewHistory(berlin, c.history)
			if err != nil {
				t.Fatal(err)
			}
			send, reason := p.NoticeStatus(c.n, h, ts(c.at))
			if send != c.send || reason != c.reason {
				t.Errorf("NoticeStatus(%s) at %s = %v, %q; want %v, %q", noticeLine(c.n), c.at, send, reason, c.send, c.reason)
			}
			if want := map[string]string{policy.NoticeNotDue: "N1", policy.NoticeObsolete: "N5", policy.NoticeLapsed: "N5",
				policy.NoticeSuperseded: "N5"}[reason]; p.Rule(reason) != want {
				t.Errorf("reason %q cites %q", reason, p.Rule(reason))
			}
		})
	}
}

// TestNoticeRetakeExactWait: where the first retake wait is exact
// (Microsoft: 24 hours, MS-R1), the retake notice falls due when the wait
// ends if that is after the time of day (N1), and at the time of day on
// the date otherwise.
func TestNoticeRetakeExactWait(t *testing.T) {
	p, err := definition.LoadFile("../programs/microsoft.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ sat, want string }{
		{"2026-03-10T15:00:00Z", "retake_available AZ-104 due=2026-03-11T15:00:00Z until=2026-04-10T15:00:00Z date=2026-03-11 days=0 rule=MS-N2"},
		{"2026-03-10T06:00:00Z", "retake_available AZ-104 due=2026-03-11T08:00:00Z until=2026-04-10T08:00:00Z date=2026-03-11 days=0 rule=MS-N2"},
	}
	for _, c := range cases {
		h, err := p.NewHistory(zone(t, "Europe/Berlin"), evs{result("AZ-104", c.sat, 500)})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(schedule(p.Notices(h)), "\n"); got != c.want {
			t.Errorf("failed at %s: schedule\n%s\nwant\n%s", c.sat, got, c.want)
		}
	}
}

// TestNoticesNotBeforeTheStart: an offset longer than the term or the
// voucher's validity schedules nothing before it began (a 400-day voucher
// reminder of a one-year voucher, a 180-day reminder of a 90-day term).
func TestNoticesNotBeforeTheStart(t *testing.T) {
	src := bytes.Replace(programs.AWS, []byte("  validity: null\n"), []byte("  validity: P1Y\n"), 1)
	src = bytes.Replace(src, []byte("vouchers: {days_before: [30]}"), []byte("vouchers: {days_before: [400, 30]}"), 1)
	src = bytes.Replace(src, []byte("    validity: P3Y              # V1\n"), []byte("    validity: P90D\n"), 1) // cloud-practitioner
	p, err := definition.Parse("aws-short.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.NewHistory(time.UTC, evs{result("CLF-C02", passAt, 800)})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(schedule(p.Notices(h)), "\n")
	want := strings.Join([]string{
		// 90 days before is the passing day itself: the term has begun.
		"expiry_reminder cloud-practitioner due=2026-03-25T09:00:00Z until=2026-06-24T00:00:00Z date=2026-06-23 days=90 rule=V4",
		"expiry_reminder cloud-practitioner due=2026-05-24T09:00:00Z until=2026-06-24T00:00:00Z date=2026-06-23 days=30 rule=V4",
		"expiry_reminder cloud-practitioner due=2026-06-16T09:00:00Z until=2026-06-24T00:00:00Z date=2026-06-23 days=7 rule=V4",
		"expiry_reminder cloud-practitioner due=2026-06-23T09:00:00Z until=2026-06-24T00:00:00Z date=2026-06-23 days=0 rule=V4",
		"certification_expired cloud-practitioner due=2026-06-24T00:00:00Z until=2026-07-24T00:00:00Z date=2026-06-23 days=0 rule=V1",
		"voucher_expiring v-CLF-C02-2026-03-25 due=2027-02-23T09:00:00Z until=2027-03-26T00:00:00Z date=2027-03-25 days=30 rule=N4",
	}, "\n")
	if got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
}
