package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestSettingsSavePreferencesAndMakeAFeed: the preferences form saves the
// channels and reminders checked; a bad value is shown next to the form
// and stores nothing; a form older than the stored preferences is
// refused; a calendar link is made and shown once, a new one replacing it.
func TestSettingsSavePreferencesAndMakeAFeed(t *testing.T) {
	s := newCandSite(t)
	p := s.as(t, c1, "GET", "/me/settings", nil)
	if p.status != 200 || p.doc.Find("#channel-email[checked]").Length() != 1 || p.doc.Find("#remind-retake_available[checked]").Length() != 1 {
		t.Fatalf("settings = %d: the defaults are every channel and reminder", p.status)
	}
	if n := p.doc.Find(`label[for="remind-sitting"]`).Length(); n != 1 {
		t.Errorf("the sitting reminder has %d labels", n)
	}
	r := s.as(t, c1, "POST", "/me/preferences", url.Values{"rev": {"0"}, "channel": {"email"}, "remind": {"retake_available"}})
	if r.status != 303 || r.header.Get("Location") != "/me/settings?done=saved" {
		t.Fatalf("save = %d %q: %.300s", r.status, r.header.Get("Location"), r.body)
	}
	prefs, err := s.a.Preferences(s.ctx, c1, "c1")
	if err != nil || !slices.Equal(prefs.Channels, []string{"email"}) || !slices.Equal(prefs.OptOut, []string{"change_deadline", "sitting", "voucher_expiring"}) {
		t.Fatalf("stored %+v, %v", prefs, err)
	}
	p = s.as(t, c1, "GET", "/me/settings?done=saved", nil)
	if p.doc.Find("#channel-webhook[checked]").Length() != 0 || p.doc.Find("#remind-sitting[checked]").Length() != 0 || p.doc.Find("#done").Length() != 1 {
		t.Errorf("the saved preferences are not shown")
	}
	bad := s.as(t, c1, "POST", "/me/preferences", url.Values{"rev": {"1"}, "channel": {"sms"}})
	if bad.status != 400 || !strings.Contains(bad.text("#refusal"), "sms") || bad.doc.Find("#prefs-form").Length() != 1 {
		t.Errorf("a bad channel = %d, %q", bad.status, bad.text("#refusal"))
	}
	stale := s.as(t, c1, "POST", "/me/preferences", url.Values{"rev": {"0"}, "channel": {"webhook"}})
	if stale.status != 412 || !strings.Contains(stale.text("#refusal"), "changed after this page was shown") {
		t.Errorf("a stale form = %d, %q", stale.status, stale.text("#refusal"))
	}
	if after, _ := s.a.Preferences(s.ctx, c1, "c1"); !slices.Equal(after.Channels, []string{"email"}) {
		t.Errorf("a refused form changed the preferences: %+v", after)
	}

	cal := s.as(t, c1, "POST", "/me/calendar", url.Values{})
	first, _ := cal.doc.Find("#calendar-url").Attr("value")
	if cal.status != 200 || !strings.HasPrefix(first, "https://recert.example/calendar/cal_") || !strings.HasSuffix(first, ".ics") {
		t.Fatalf("calendar link = %d %q", cal.status, first)
	}
	second, _ := s.as(t, c1, "POST", "/me/calendar", url.Values{}).doc.Find("#calendar-url").Attr("value")
	if second == first || second == "" {
		t.Errorf("a new link must replace the old: %q then %q", first, second)
	}
	if p := s.as(t, c1, "GET", "/me/settings", nil); p.doc.Find("#calendar-url").Length() != 0 {
		t.Errorf("the feed's secret is shown again after it was made")
	}
	if r := s.as(t, c1, "POST", "/staff/candidates/c2/preferences", url.Values{"rev": {"0"}}); r.status != 404 {
		t.Errorf("c1 saving c2's preferences = %d", r.status)
	}
}
