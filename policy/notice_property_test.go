package policy_test

import (
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/recert/recert/policy"
)

// TestPropertyNotices: over random histories, the schedule is sorted by
// (Due, Kind, Subject) with no identity twice, every instant is UTC, an
// Until never precedes its Due, it is the same whichever zone the host is
// in and however often it is asked, and NoticeStatus sends at most one
// notice of a kind about one thing at any instant (N5).
func TestPropertyNotices(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	hosts := []string{"UTC", "Pacific/Kiritimati", "America/New_York", "Australia/Lord_Howe"}
	rapid.Check(t, func(t *rapid.T) {
		hist := genHistory(t)
		var first []policy.Notice
		for i, host := range hosts {
			loc, err := time.LoadLocation(host)
			if err != nil {
				t.Fatal(err)
			}
			time.Local = loc
			h := load(t, hist.tz, hist.events)
			ns := aws().Notices(h)
			again := aws().Notices(h)
			time.Local = saved
			if !reflect.DeepEqual(ns, again) {
				t.Fatalf("two schedules from one history differ")
			}
			if i == 0 {
				first = ns
				continue
			}
			if !reflect.DeepEqual(ns, first) {
				t.Fatalf("host zone %s: schedule\n%v\nwith %s:\n%v", host, schedule(ns), hosts[0], schedule(first))
			}
		}
		for i, n := range first {
			if n.Due.Location() != time.UTC || (!n.Until.IsZero() && n.Until.Location() != time.UTC) {
				t.Fatalf("%s is not in UTC", noticeLine(n))
			}
			if !n.Until.IsZero() && n.Until.Before(n.Due) {
				t.Fatalf("%s lapses before it is due", noticeLine(n))
			}
			if i == 0 {
				continue
			}
			a, b := first[i-1], n
			if b.Due.Before(a.Due) || (b.Due.Equal(a.Due) && (b.Kind < a.Kind || b.Kind == a.Kind && b.Subject <= a.Subject)) {
				t.Fatalf("out of order or twice:\n%s\n%s", noticeLine(a), noticeLine(b))
			}
		}
		// At any instant, at most one notice per kind and subject is sent.
		h := load(t, hist.tz, hist.events)
		at := genAt(t, hist)
		sent := map[string]string{}
		for _, n := range first {
			if ok, _ := aws().NoticeStatus(n, h, at); ok {
				key := string(n.Kind) + " " + n.Subject
				if prev, dup := sent[key]; dup {
					t.Fatalf("at %s both are sent:\n%s\n%s", at.Format(time.RFC3339), prev, noticeLine(n))
				}
				sent[key] = noticeLine(n)
			}
		}
	})
}
