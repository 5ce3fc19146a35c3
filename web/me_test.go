package web_test

import (
	"strings"
	"testing"
)

// TestOverviewTellsStateDaysLeftAndThePlan: after a failure the overview
// says when the exam can be sat again; after a pass it shows the
// certification active with its expiry, the days left and the plan
// ("sit by DATE to leave room for one retake"), and the voucher earned.
func TestOverviewTellsStateDaysLeftAndThePlan(t *testing.T) {
	s := newCandSite(t)
	failed := s.failed(t)
	p := s.as(t, c1, "GET", "/me", nil)
	if p.status != 200 {
		t.Fatalf("GET /me = %d: %.300s", p.status, p.body)
	}
	if got := p.text("#next-ai-practitioner"); !strings.Contains(got, "you can sit AIF-C01 AWS Certified AI Practitioner from 15 March 2026") {
		t.Errorf("after a failure: %q, want the retake date", got)
	}
	if href, _ := p.doc.Find("#next-ai-practitioner a").Attr("href"); href != "/me/book?exam=AIF-C01&from=2026-03-15#picker" {
		t.Errorf("book link %q: want the picker from the retake date", href)
	}
	if got := p.text("#result-" + failed.ID); !strings.Contains(got, "Sun 1 Mar 2026, 09:00 EST (America/New_York)") {
		t.Errorf("result line %q: want the sitting in New York time", got)
	}
	if p.doc.Find("#no-certs").Length() != 1 {
		t.Errorf("no certification yet is not said")
	}

	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-16T13:00:00Z")
	s.set("2026-03-17T10:00:00Z")
	s.result(t, ap.ID, 760)
	p = s.as(t, c1, "GET", "/me", nil)
	cert := p.text("#cert-ai-practitioner .cert-state")
	for _, want := range []string{"State: Active", "Expires on 16 March 2029", "1095 days left"} {
		if !strings.Contains(cert, want) {
			t.Errorf("certification %q: want %q", cert, want)
		}
	}
	if got := p.text("#plan-AIF-C01"); !strings.Contains(got, "sit it by 2 March 2029 to leave room for one retake") ||
		!strings.Contains(got, "the earliest date it can be sat is 16 March 2028") {
		t.Errorf("plan %q: want the one-retake date and the earliest date after the lockout (R3)", got)
	}
	if p.doc.Find("#plan-MLA-C01").Length() != 1 || p.doc.Find("#next-ai-practitioner").Length() != 0 {
		t.Errorf("want MLA-C01 as another path, and no longer 'working towards' a certification held")
	}
	if got := p.text("#vouchers tbody"); !strings.Contains(got, "50%") || !strings.Contains(got, "Unused") {
		t.Errorf("vouchers %q", got)
	}
	// Another candidate's overview is not there for c1; staff see it.
	if p := s.as(t, c1, "GET", "/staff/candidates/c2/overview", nil); p.status != 404 {
		t.Errorf("c1 at c2's overview = %d", p.status)
	}
	p = s.as(t, staff, "GET", "/staff/candidates/c1/overview?tz=Europe/Paris", nil)
	if p.status != 200 || !strings.Contains(p.text("#results"), "Mon 16 Mar 2026, 14:00 CET (Europe/Paris)") {
		t.Errorf("staff overview = %d, results %q: want times in the zone asked for", p.status, p.text("#results"))
	}
}
