package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestTimelineInOrderInTheCandidatesZone: bookings, sittings, results,
// fees, vouchers and the certification appear oldest first, at their
// times in New York with the zone named.
func TestTimelineInOrderInTheCandidatesZone(t *testing.T) {
	s := newCandSite(t)
	s.failed(t)
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-16T13:00:00Z")
	s.set("2026-03-17T10:00:00Z")
	s.result(t, ap.ID, 760)
	next := s.book(t, "c1", "CLF-C02", "online", "2026-04-01T13:00:00Z")
	p := s.as(t, c1, "GET", "/me/timeline", nil)
	if p.status != 200 {
		t.Fatalf("GET /me/timeline = %d: %.300s", p.status, p.body)
	}
	var kinds []string
	var last string
	for _, li := range p.doc.Find("#timeline li").Nodes {
		for _, a := range li.Attr {
			if a.Key == "data-kind" {
				kinds = append(kinds, a.Val)
			}
		}
	}
	got := strings.Join(kinds, " ")
	want := "booking fee appointment result booking fee appointment result voucher booking fee certification appointment"
	if got != want {
		t.Errorf("timeline kinds\n %s\nwant\n %s", got, want)
	}
	times := p.doc.Find("#timeline time")
	times.Each(func(i int, sel *goquery.Selection) {
		dt, _ := sel.Attr("datetime")
		if len(dt) == len("2006-01-02") {
			return // a date: it sorts at its day's end
		}
		if dt < last {
			t.Errorf("item %d at %s comes after %s", i, dt, last)
		}
		last = dt
	})
	text := p.text("#timeline")
	for _, w := range []string{
		"Sun 1 Mar 2026, 09:00 EST (America/New_York): Result — AIF-C01 AWS Certified AI Practitioner: scaled score 640, failed",
		"Earned — AWS Certified AI Practitioner",
		"16 March 2026: Voucher — 50% off any exam, earned by passing AIF-C01 (Unused)",
		"Appointment (coming up) — CLF-C02 AWS Certified Cloud Practitioner at Online proctoring: Booked",
		"Fee charged — 100.00 USD",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("timeline lacks %q:\n%s", w, text)
		}
	}
	if href, _ := p.doc.Find("#timeline li.tl-appointment a").Last().Attr("href"); href != "/me/appointments/"+next.ID {
		t.Errorf("appointment link %q", href)
	}
	if p := s.as(t, c2, "GET", "/staff/candidates/c1/timeline", nil); p.status != 404 {
		t.Errorf("c2 at c1's timeline = %d", p.status)
	}
}
