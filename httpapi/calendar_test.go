package httpapi

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// feedPath is the path of a calendar URL an answer gave, which the test
// server serves whatever host the URL names.
func feedPath(t *testing.T, m map[string]any) string {
	t.Helper()
	raw, _ := m["url"].(string)
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Path, "/calendar/cal_") || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("the calendar URL %q is not /calendar/cal_….ics", raw)
	}
	return u.Path
}

// TestCalendarFeed: the candidate makes a feed URL, which answers the
// iCalendar document without a token (the appointment in it, with its
// change deadline as an alarm), revalidates with its ETag, and stops
// answering once a new URL replaces it or the feed is revoked.
func TestCalendarFeed(t *testing.T) {
	w := newWorldOpts(t, "", true, nil, Options{PublicURL: "https://recert.example.com/"})
	seed(w)
	me := w.token("candidate", "c1")
	appt := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: me, Body: booking})

	made := w.do(req{Method: "POST", Path: "/v1/candidates/c1/calendar", Token: me, Header: map[string]string{"Idempotency-Key": "cal-1"}})
	if made.Status != 200 || made.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %v %s", made.Status, made.Header, made.Body)
	}
	link := made.JSON(t)
	if u, _ := link["url"].(string); !strings.HasPrefix(u, "https://recert.example.com/calendar/cal_") || link["candidate"] != "c1" {
		t.Errorf("create: %s; want a URL on the public address", made.Body)
	}
	first := feedPath(t, link)

	// The URL is in the first answer only: a replay has it no more.
	replay := w.do(req{Method: "POST", Path: "/v1/candidates/c1/calendar", Token: me, Header: map[string]string{"Idempotency-Key": "cal-1"}})
	if replay.Status != 200 || replay.Header.Get("Idempotent-Replayed") != "true" || strings.Contains(string(replay.Body), "cal_") {
		t.Errorf("replayed create: %d %s", replay.Status, replay.Body)
	}

	feed := w.do(req{Method: "GET", Path: first})
	if feed.Status != 200 || !strings.HasPrefix(feed.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %q %s", feed.Status, feed.Header.Get("Content-Type"), feed.Body)
	}
	if cc := feed.Header.Get("Cache-Control"); cc != "private, max-age=300" {
		t.Errorf("feed: Cache-Control %q", cc)
	}
	if bytes.Contains(bytes.ReplaceAll(feed.Body, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("feed: a line ends without CR (RFC 5545 wants CRLF)")
	}
	cal, err := ical.NewDecoder(bytes.NewReader(feed.Body)).Decode()
	if err != nil {
		t.Fatalf("feed: go-ical cannot parse it: %v\n%s", err, feed.Body)
	}
	var found bool
	for _, ev := range cal.Events() {
		summary, _ := ev.Props.Text(ical.PropSummary)
		if summary != "CLF-C02 exam" {
			continue
		}
		found = true
		start, err := ev.DateTimeStart(time.UTC)
		if slot, _ := time.Parse(time.RFC3339, appt["slot"].(string)); err != nil || !start.Equal(slot) {
			t.Errorf("the appointment starts %v (%v), booked for %s", start, err, appt["slot"])
		}
		if len(ev.Children) == 0 || ev.Children[0].Name != ical.CompAlarm {
			t.Errorf("the appointment has no alarm at its change deadline")
		}
	}
	if !found {
		t.Errorf("the feed has no event for the appointment:\n%s", feed.Body)
	}
	tag := feed.Header.Get("ETag")
	if r := w.do(req{Method: "GET", Path: first, Header: map[string]string{"If-None-Match": tag}}); r.Status != 304 || len(r.Body) != 0 {
		t.Errorf("revalidation with %s: %d %s", tag, r.Status, r.Body)
	}

	// A new URL replaces the old one at once.
	second := feedPath(t, w.must(200, req{Method: "POST", Path: "/v1/candidates/c1/calendar", Token: me}))
	if second == first {
		t.Fatalf("the new URL is the old one")
	}
	if r := w.do(req{Method: "GET", Path: first}); r.Status != 404 {
		t.Errorf("the replaced URL: %d", r.Status)
	}
	if r := w.do(req{Method: "GET", Path: second}); r.Status != 200 {
		t.Errorf("the new URL: %d %s", r.Status, r.Body)
	}

	// Revoked, no URL answers; revoking again finds nothing to revoke.
	w.must(204, req{Method: "DELETE", Path: "/v1/candidates/c1/calendar", Token: me})
	for _, p := range []string{first, second} {
		if r := w.do(req{Method: "GET", Path: p}); r.Status != 404 {
			t.Errorf("%s after the revocation: %d", p, r.Status)
		}
	}
	if r := w.do(req{Method: "DELETE", Path: "/v1/candidates/c1/calendar", Token: me}); r.Status != 404 {
		t.Errorf("revoking again: %d %s", r.Status, r.Body)
	}
}

// TestCalendarRefused: a candidate cannot make or revoke another's feed
// (404, as if there were no such candidate), no feed is made for a
// candidate that does not exist, the create takes no members, and a URL
// that is not a feed's is 404.
func TestCalendarRefused(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": "c2", "name": "Cee Two"}})
	c1 := w.token("candidate", "c1")
	theirs := feedPath(t, w.must(200, req{Method: "POST", Path: "/v1/candidates/c2/calendar", Token: w.admin}))

	for _, c := range []struct {
		name   string
		q      req
		status int
	}{
		{"another's feed made", req{Method: "POST", Path: "/v1/candidates/c2/calendar", Token: c1}, 404},
		{"another's feed revoked", req{Method: "DELETE", Path: "/v1/candidates/c2/calendar", Token: c1}, 404},
		{"no such candidate", req{Method: "POST", Path: "/v1/candidates/nobody/calendar", Token: w.admin}, 404},
		{"a member", req{Method: "POST", Path: "/v1/candidates/c1/calendar", Token: c1, Body: map[string]any{"name": "mine"}}, 400},
		{"an unknown secret", req{Method: "GET", Path: "/calendar/cal_nothing.ics"}, 404},
		{"not a calendar secret", req{Method: "GET", Path: "/calendar/" + strings.TrimPrefix(strings.TrimSuffix(theirs, ".ics"), "/calendar/cal_") + ".ics"}, 404},
		{"no .ics", req{Method: "GET", Path: strings.TrimSuffix(theirs, ".ics")}, 404},
	} {
		if r := w.do(c.q); r.Status != c.status {
			t.Errorf("%s: %d %s; want %d", c.name, r.Status, r.Body, c.status)
		}
	}
	// The other candidate's feed still answers: nothing above touched it.
	if r := w.do(req{Method: "GET", Path: theirs}); r.Status != 200 {
		t.Errorf("c2's feed: %d %s", r.Status, r.Body)
	}
}
