package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestBookingShowsRefusedDatesAndBooksOnce: after a failed sitting, the
// picker greys the days of the retake wait with the reason in words and
// offers the first slot that works; booking a refused slot through the
// form shows the reason and stores nothing; a valid one books, and posting
// the same form again books nothing more.
func TestBookingShowsRefusedDatesAndBooksOnce(t *testing.T) {
	s := newCandSite(t)
	s.failed(t)
	p := s.as(t, c1, "GET", "/me/book?exam=AIF-C01&delivery=test_center&center=tc1&from=2026-03-10", nil)
	if p.status != 200 {
		t.Fatalf("GET /me/book = %d: %.300s", p.status, p.body)
	}
	refused := p.doc.Find("#day-2026-03-14 input[name=slot]")
	if refused.Length() != 4 || refused.Filter("[disabled]").Length() != 4 {
		t.Errorf("14 March: %d slots, %d disabled; want 4 greyed by the retake wait", refused.Length(), refused.Filter("[disabled]").Length())
	}
	if got := p.text("#day-2026-03-14 label"); !strings.Contains(got, "not available: retake wait") {
		t.Errorf("14 March labels %q: want the reason in words", got)
	}
	if got := p.text("#why-2026-03-14"); !strings.Contains(got, "2026-03-15") || !strings.Contains(got, "(R1)") {
		t.Errorf("14 March's reasons %q: want the engine's explanation with the retake date and its rule", got)
	}
	if n := p.doc.Find("#day-2026-03-15 input[name=slot]:not([disabled])").Length(); n != 4 {
		t.Errorf("15 March: %d open slots, want 4", n)
	}
	if got := p.text("#earliest"); !strings.Contains(got, "Sun 15 Mar 2026, 09:00 EDT") {
		t.Errorf("earliest %q: want the first slot that works, 15 March 09:00 in New York", got)
	}
	if got := p.text("#picker-zone"); !strings.Contains(got, "America/New_York") {
		t.Errorf("zone line %q", got)
	}
	key, _ := p.doc.Find("#book-form input[name=idem]").Attr("value")
	form := func(slot, key string) url.Values {
		return url.Values{"exam": {"AIF-C01"}, "delivery": {"test_center"}, "center": {"tc1"}, "from": {"2026-03-10"}, "slot": {slot}, "idem": {key}}
	}

	// A refused slot posted anyway: the reason, and nothing booked.
	r := s.as(t, c1, "POST", "/me/book", form("2026-03-14T13:00:00Z", key))
	if r.status != 422 || !strings.Contains(r.text("#refusal-reasons"), "(R1)") || !strings.Contains(r.text("#refusal-earliest"), "15 March 2026") {
		t.Errorf("booking a refused slot = %d, reasons %q, earliest %q", r.status, r.text("#refusal-reasons"), r.text("#refusal-earliest"))
	}
	if r.doc.Find("#book-form").Length() != 1 || r.doc.Find("#day-2026-03-14 input[disabled]").Length() != 4 {
		t.Errorf("the refused form is not shown again with its picker")
	}
	if aps := s.appointments(t, "c1"); len(aps) != 1 {
		t.Fatalf("after a refused booking c1 has %d appointments, want the one sat", len(aps))
	}

	// A valid slot with a new form's key books; the same post again does not book twice.
	key2, _ := r.doc.Find("#book-form input[name=idem]").Attr("value")
	if key2 == "" || key2 == key {
		t.Fatalf("a form shown again must carry a new key: %q after %q", key2, key)
	}
	ok := s.as(t, c1, "POST", "/me/book", form("2026-03-16T13:00:00Z", key2))
	loc := ok.header.Get("Location")
	if ok.status != 303 || !strings.HasPrefix(loc, "/me/appointments/ap_") {
		t.Fatalf("booking a valid slot = %d, Location %q: %.300s", ok.status, loc, ok.body)
	}
	again := s.as(t, c1, "POST", "/me/book", form("2026-03-16T13:00:00Z", key2))
	if again.status != 303 || again.header.Get("Location") != loc {
		t.Errorf("the same form posted again = %d %q; want the first answer, %q", again.status, again.header.Get("Location"), loc)
	}
	// The same form sent back with another slot (the back button) books nothing more.
	back := s.as(t, c1, "POST", "/me/book", form("2026-03-17T13:00:00Z", key2))
	if back.status != 422 || !strings.Contains(back.text("#refusal"), "already sent with other choices") {
		t.Errorf("the same form with another slot = %d, %q", back.status, back.text("#refusal"))
	}
	if aps := s.appointments(t, "c1"); len(aps) != 2 || aps[1].State != "open" || !aps[1].Slot.Equal(at("2026-03-16T13:00:00Z")) {
		t.Errorf("appointments %+v: want the sat one and one open on 16 March", aps)
	}
}

// TestPickerGreysFullSlots: a slot whose seats are all taken is greyed
// with "no seat left", whoever took them.
func TestPickerGreysFullSlots(t *testing.T) {
	s := newCandSite(t)
	s.book(t, "c2", "CLF-C02", "tiny", "2026-03-20T13:00:00Z")
	p := s.as(t, c1, "GET", "/me/book?exam=AIF-C01&center=tc1&from=2026-03-16", nil) // tc1: not the tiny center
	if p.doc.Find("#slot-20260320T130000Z[disabled]").Length() != 0 {
		t.Errorf("a seat taken at another center greys this one")
	}
	p = s.as(t, c1, "GET", "/me/book?exam=AIF-C01&center=tiny&from=2026-03-16", nil)
	full := p.doc.Find("#slot-20260320T130000Z")
	if _, dis := full.Attr("disabled"); !dis || !strings.Contains(p.text(`label[for="slot-20260320T130000Z"]`), "no seat left") {
		t.Errorf("the full slot: disabled %v, label %q", dis, p.text(`label[for="slot-20260320T130000Z"]`))
	}
	// Online: only the online pool is offered, in the candidate's zone.
	p = s.as(t, c1, "GET", "/me/book?exam=AIF-C01&delivery=online", nil)
	if got := p.text("#center option"); got != "Online proctoring" {
		t.Errorf("online centers %q", got)
	}
}

// TestBookingIsTheCandidatesOwn: a candidate cannot open or post another
// candidate's booking page; staff can.
func TestBookingIsTheCandidatesOwn(t *testing.T) {
	s := newCandSite(t)
	if p := s.as(t, c1, "GET", "/staff/candidates/c2/book", nil); p.status != 404 {
		t.Errorf("c1 opening c2's booking page = %d, want 404", p.status)
	}
	f := url.Values{"exam": {"AIF-C01"}, "center": {"tc1"}, "slot": {"2026-03-16T13:00:00Z"}}
	if p := s.as(t, c1, "POST", "/staff/candidates/c2/book", f); p.status != 404 || len(s.appointments(t, "c2")) != 0 {
		t.Errorf("c1 booking for c2 = %d, %d appointments", p.status, len(s.appointments(t, "c2")))
	}
	if p := s.as(t, staff, "GET", "/staff/candidates/c2/book?center=tc1", nil); p.status != 200 || p.doc.Find("#book-form").Length() != 1 {
		t.Errorf("staff opening c2's booking page = %d", p.status)
	}
	if p := s.as(t, staff, "GET", "/me/book", nil); p.status != 404 {
		t.Errorf("staff at /me/book = %d, want 404 (no candidate of their own)", p.status)
	}
}

// TestPickerTellsWhyInWords: a version not offered yet, the wait after a
// missed appointment and a slot already past are each greyed with their
// own words and the rule they come from.
func TestPickerTellsWhyInWords(t *testing.T) {
	s := newCandSite(t)
	// AIP-C01 is first offered on 1 April 2026 (E2).
	p := s.as(t, c1, "GET", "/me/book?exam=AIP-C01&center=tc1&from=2026-03-25", nil)
	if got := p.text(`label[for="slot-20260331T130000Z"]`); !strings.Contains(got, "version not offered then") {
		t.Errorf("31 March for AIP-C01: %q", got)
	}
	if !strings.Contains(p.text("#why-2026-03-31"), "(E2)") || p.doc.Find("#day-2026-04-01 input:not([disabled])").Length() != 4 {
		t.Errorf("E2: why %q; 1 April open %d", p.text("#why-2026-03-31"), p.doc.Find("#day-2026-04-01 input:not([disabled])").Length())
	}
	// A no-show on 10 February at 09:00 New York time: 24 hours before the exam can be booked again (R8).
	ap := s.book(t, "c1", "CLF-C02", "tc1", "2026-02-10T14:00:00Z")
	s.set("2026-02-10T15:00:00Z")
	if _, err := s.a.NoShow(s.ctx, staff, appChange(ap.ID)); err != nil {
		t.Fatal(err)
	}
	p = s.as(t, c1, "GET", "/me/book?exam=CLF-C02&center=tc1&from=2026-02-10", nil)
	if got := p.text(`label[for="slot-20260210T140000Z"]`); !strings.Contains(got, "already past") {
		t.Errorf("the missed slot itself: %q", got)
	}
	// The wait is on the moment of booking (R8): every slot waits.
	if got := p.text(`label[for="slot-20260216T160000Z"]`); !strings.Contains(got, "wait after a missed appointment") {
		t.Errorf("a slot next week, two hours after the no-show: %q", got)
	}
	if !strings.Contains(p.text("#why-2026-02-10"), "(R8)") {
		t.Errorf("no-show reasons %q", p.text("#why-2026-02-10"))
	}
	if got := p.text("#retry-at"); !strings.Contains(got, "booked again from Wed 11 Feb 2026, 09:00 EST (America/New_York)") {
		t.Errorf("retry line %q", got)
	}
	s.set("2026-02-11T14:00:00Z")
	p = s.as(t, c1, "GET", "/me/book?exam=CLF-C02&center=tc1&from=2026-02-12", nil)
	if p.doc.Find("#slot-20260212T160000Z:not([disabled])").Length() != 1 || p.doc.Find("#retry-at").Length() != 0 {
		t.Errorf("24 hours after the missed slot booking is still refused")
	}
}
