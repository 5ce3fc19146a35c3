package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestAppointmentPageReschedulesAndCancels: the page shows the change
// deadline in the candidate's zone and the reschedules left; a move
// through its form works once per form; inside 24 hours the cancel button
// is disabled with the reason, and a cancel posted anyway is refused with
// its explanation and changes nothing.
func TestAppointmentPageReschedulesAndCancels(t *testing.T) {
	s := newCandSite(t)
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-10T14:00:00Z")
	path := "/me/appointments/" + ap.ID
	p := s.as(t, c1, "GET", path, nil)
	if p.status != 200 {
		t.Fatalf("GET %s = %d: %.300s", path, p.status, p.body)
	}
	if got := p.text("#deadline"); !strings.Contains(got, "until Mon 9 Mar 2026, 10:00 EDT (America/New_York), 24 hours before the slot") {
		t.Errorf("deadline %q", got)
	}
	if got := p.text("#ap-reschedules"); got != "0 used, 2 left" {
		t.Errorf("reschedules %q", got)
	}
	if got := p.text("#ap-state"); got != "Booked" {
		t.Errorf("state %q", got)
	}
	if _, dis := p.doc.Find("#cancel-submit").Attr("disabled"); dis {
		t.Errorf("cancel is disabled a month before the slot")
	}
	key, _ := p.doc.Find("#reschedule-form input[name=idem]").Attr("value")
	move := url.Values{"idem": {key}, "rev": {strconv.FormatInt(ap.Rev, 10)}, "slot": {"2026-03-12T13:00:00Z"}}
	r := s.as(t, c1, "POST", path+"/reschedule", move)
	if r.status != 303 || r.header.Get("Location") != path+"?done=rescheduled" {
		t.Fatalf("reschedule = %d %q: %.300s", r.status, r.header.Get("Location"), r.body)
	}
	if r := s.as(t, c1, "POST", path+"/reschedule", move); r.status != 303 {
		t.Errorf("the same move posted again = %d, want its first answer", r.status)
	}
	got := s.appointments(t, "c1")[0]
	if got.Reschedules != 1 || !got.Slot.Equal(at("2026-03-12T13:00:00Z")) {
		t.Fatalf("after one move (posted twice): %+v", got)
	}
	p = s.as(t, c1, "GET", path+"?done=rescheduled", nil)
	if p.text("#ap-reschedules") != "1 used, 1 left" || !strings.Contains(p.text("#done"), "Rescheduled") {
		t.Errorf("after the move: %q, %q", p.text("#ap-reschedules"), p.text("#done"))
	}
	// A form older than the move is refused, not acted on.
	stale := url.Values{"idem": {"k-stale"}, "rev": {strconv.FormatInt(ap.Rev, 10)}}
	if r := s.as(t, c1, "POST", path+"/cancel", stale); r.status != 412 || s.appointments(t, "c1")[0].State != "open" {
		t.Errorf("a stale cancel = %d, state %s", r.status, s.appointments(t, "c1")[0].State)
	}

	// 23 hours before the slot: too late.
	s.set("2026-03-11T14:00:00Z")
	p = s.as(t, c1, "GET", path, nil)
	if got := p.text("#deadline"); !strings.Contains(got, "passed on Wed 11 Mar 2026, 09:00 EDT (America/New_York)") {
		t.Errorf("deadline inside 24 h: %q", got)
	}
	if _, dis := p.doc.Find("#cancel-submit").Attr("disabled"); !dis || !strings.Contains(p.text("#cancel-why"), "(R7)") {
		t.Errorf("cancel inside 24 h: disabled %v, why %q", dis, p.text("#cancel-why"))
	}
	if _, dis := p.doc.Find("#reschedule-submit").Attr("disabled"); !dis {
		t.Errorf("reschedule enabled inside 24 h")
	}
	if n := p.doc.Find("#picker input[name=slot]:not([disabled])").Length(); n != 0 {
		t.Errorf("%d slots offered to move to inside 24 h", n)
	}
	rev, _ := p.doc.Find("#cancel-form input[name=rev]").Attr("value")
	r = s.as(t, c1, "POST", path+"/cancel", url.Values{"idem": {"k-late"}, "rev": {rev}})
	if r.status != 422 || !strings.Contains(r.text("#refusal-reasons"), "(R7)") {
		t.Errorf("a late cancel = %d, reasons %q", r.status, r.text("#refusal-reasons"))
	}
	if st := s.appointments(t, "c1")[0].State; st != "open" {
		t.Errorf("a refused cancel left the appointment %s", st)
	}
	r = s.as(t, c1, "POST", path+"/reschedule", url.Values{"idem": {"k-late2"}, "rev": {rev}, "slot": {"2026-03-20T13:00:00Z"}})
	if r.status != 422 || !strings.Contains(r.text("#refusal-reasons"), "(R7)") {
		t.Errorf("a late move = %d, reasons %q", r.status, r.text("#refusal-reasons"))
	}

	// Another candidate sees nothing of it.
	for _, pth := range []string{path, "/staff/candidates/c1/appointments/" + ap.ID} {
		if p := s.as(t, c2, "GET", pth, nil); p.status != 404 {
			t.Errorf("c2 GET %s = %d, want 404", pth, p.status)
		}
	}
	if r := s.as(t, c2, "POST", path+"/cancel", url.Values{"rev": {rev}}); r.status != 404 {
		t.Errorf("c2 cancelling c1's appointment = %d", r.status)
	}
}

// TestCancelInTime cancels a month ahead: the terms are shown, and the
// cancel goes through.
func TestCancelInTime(t *testing.T) {
	s := newCandSite(t)
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-10T14:00:00Z")
	path := "/me/appointments/" + ap.ID
	p := s.as(t, c1, "GET", path, nil)
	if !strings.Contains(p.text("#cancel-terms"), "refunded") {
		t.Errorf("cancel terms %q: want the refund said", p.text("#cancel-terms"))
	}
	key, _ := p.doc.Find("#cancel-form input[name=idem]").Attr("value")
	r := s.as(t, c1, "POST", path+"/cancel", url.Values{"idem": {key}, "rev": {strconv.FormatInt(ap.Rev, 10)}})
	if r.status != 303 || s.appointments(t, "c1")[0].State != "cancelled" {
		t.Fatalf("cancel = %d, state %s", r.status, s.appointments(t, "c1")[0].State)
	}
	if p := s.as(t, c1, "GET", path, nil); p.text("#ap-state") != "Cancelled" || p.doc.Find("#cancel-form").Length() != 0 {
		t.Errorf("a cancelled appointment: state %q, cancel form shown %d", p.text("#ap-state"), p.doc.Find("#cancel-form").Length())
	}
}
