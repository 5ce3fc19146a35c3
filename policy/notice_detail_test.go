package policy_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// detailText writes a NoticeDetail as the golden file states it: title,
// sentences, then the facts.
func detailText(d policy.NoticeDetail) string {
	var b strings.Builder
	b.WriteString("title: " + d.Title + "\n")
	for _, l := range d.Lines {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("days_left: " + strconv.Itoa(d.DaysLeft) + "\n")
	for _, o := range d.Renewals {
		b.WriteString("renewal: " + o.Exam + " from " + o.Earliest.String() + " last " + o.LastAttempt.String() +
			" with one retake " + o.WithOneRetake.String() + "\n")
	}
	if d.LastSafeBooking != policy.NoDate {
		b.WriteString("last_safe_booking: " + d.LastSafeBooking.String() + "\n")
	}
	if len(d.WeakDomains) > 0 {
		b.WriteString("weak_domains: " + strings.Join(d.WeakDomains, "; ") + "\n")
	}
	if !d.Slot.IsZero() {
		b.WriteString("slot: " + d.Slot.Format(time.RFC3339) + " change_until: " + d.ChangeUntil.Format(time.RFC3339) + "\n")
	}
	return b.String()
}

// TestNoticeDetail explains each kind of notice as it is sent and compares
// the text with testdata/notice-details.golden (go test -run
// TestNoticeDetail -update rewrites it; review the diff).
func TestNoticeDetail(t *testing.T) {
	google, err := definition.LoadFile("../programs/google-cloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	failed := result("AIF-C01", "2026-03-10T10:00:00Z", 650)
	failed.Domains = []policy.DomainResult{
		{Domain: "Fundamentals of AI and ML", Meets: true},
		{Domain: "Fundamentals of Generative AI", Meets: false},
		{Domain: "Applications of Foundation Models", Meets: true},
		{Domain: "Guidelines for Responsible AI", Meets: false},
	}
	appt := booked("a1", "AIF-C01", "2026-04-01T10:00:00Z", "2026-03-12T10:00:00Z")
	appt.Delivery = "online"
	passed := evs{result("AIF-C01", passAt, 800)}
	cases := []struct {
		name    string
		prog    func(testing.TB) *policy.Program
		history evs
		kind    policy.NoticeKind
		days    int    // picks among expiry and voucher reminders
		at      string // "": at the notice's Due
	}{
		{"expiry 180 days: start preparing", nil, passed, policy.NoticeExpiry, 180, ""},
		{"expiry 90 days", nil, passed, policy.NoticeExpiry, 90, ""},
		{"expiry 30 days, sent 10 days before (imported late)", nil, passed, policy.NoticeExpiry, 30, "2029-03-15T12:00:00Z"},
		{"expiry 7 days: no room for a retake", nil, passed, policy.NoticeExpiry, 7, ""},
		{"expiry on the day", nil, passed, policy.NoticeExpiry, 0, ""},
		{"expired: the full exam again", nil, passed, policy.NoticeExpired, 0, ""},
		{"expired into grace (Google Cloud)", func(testing.TB) *policy.Program { return google },
			evs{result("GCP-CDL", "2026-03-25T10:00:00Z", 800)}, policy.NoticeExpired, 0, ""},
		{"retake with weak domains", nil, evs{failed}, policy.NoticeRetake, 0, ""},
		{"retake without a domain report", nil, evs{result("AIF-C01", "2026-03-10T10:00:00Z", 650)}, policy.NoticeRetake, 0, ""},
		{"change deadline", nil, evs{failed, appt}, policy.NoticeChangeDeadline, 0, ""},
		{"change deadline, rescheduled twice", nil,
			evs{failed, appt, rescheduled("a1", "2026-04-02T10:00:00Z", "2026-03-13T10:00:00Z"), rescheduled("a1", "2026-04-01T10:00:00Z", "2026-03-14T10:00:00Z")},
			policy.NoticeChangeDeadline, 0, ""},
		{"sitting", nil, evs{failed, appt}, policy.NoticeSitting, 0, ""},
		{"voucher lapsing", withVoucherValidity, passed, policy.NoticeVoucher, 30, ""},
	}
	var out strings.Builder
	for _, c := range cases {
		p := aws()
		if c.prog != nil {
			p = c.prog(t)
		}
		h, err := p.NewHistory(zone(t, "Europe/Berlin"), c.history)
		if err != nil {
			t.Fatal(err)
		}
		var n *policy.Notice
		for _, x := range p.Notices(h) {
			if x.Kind == c.kind && x.Days == c.days {
				n = &x
				break
			}
		}
		if n == nil {
			t.Fatalf("%s: no %s notice in the schedule", c.name, c.kind)
		}
		at := n.Due
		if c.at != "" {
			at = ts(c.at)
		}
		out.WriteString("== " + c.name + " (at " + at.Format(time.RFC3339) + ")\n")
		out.WriteString(detailText(p.NoticeDetail(*n, h, at)) + "\n")
	}
	golden := filepath.Join("testdata", "notice-details.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./policy -run TestNoticeDetail -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("notice details differ from %s\n--- got\n%s", golden, out.String())
	}
}
