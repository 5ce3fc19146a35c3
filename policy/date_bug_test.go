package policy_test

import (
	"testing"
	"time"

	"github.com/recert/recert/policy"
)

// BUG (fixed in d8e0efb; kept as a regression test): Date.Start promises
// the first instant of a date in a zone ("when midnight does not exist
// there, the first instant that does"). It took time.Date's midnight and,
// if that fell on the day before, added one hour. That was wrong when
// midnight happens twice (a fall-back at 01:00, as in Amman, Gaza and
// Hebron until 2021: time.Date picks the second midnight) and when the gap
// at midnight is not one hour (Monrovia 1972: 44 min 30 s; Catamarca 1991:
// two hours, where Start returned an instant of the day before). Nothing
// in the engine called Start, so no decision was wrong. Found by checking
// every zone's transitions 1970-2040 for DateIn(Start(d)) == d and
// DateIn(Start(d)-1s) < d.
func TestDateStartBug(t *testing.T) {
	for _, c := range []struct{ date, tz, want string }{
		{"2021-10-29", "Asia/Amman", "2021-10-28T21:00:00Z"},                  // 00:00 EEST; 00:00 EET an hour later
		{"1991-10-20", "America/Argentina/Catamarca", "1991-10-20T04:00:00Z"}, // 02:00 -02, straight from 23:59:59 -04
		{"1972-01-07", "Africa/Monrovia", "1972-01-07T00:44:30Z"},             // 00:44:30 GMT, from 23:59:59 MMT
	} {
		loc := zone(t, c.tz)
		d := day(c.date)
		got := d.Start(loc)
		if !got.Equal(ts(c.want)) {
			t.Errorf("%s.Start(%s) = %s (%s), want %s", c.date, c.tz, got.UTC().Format(time.RFC3339), got.In(loc).Format(time.RFC3339), c.want)
		}
		if policy.DateIn(got, loc) != d || policy.DateIn(got.Add(-time.Second), loc) >= d {
			t.Errorf("%s.Start(%s) = %s is not the date's first instant", c.date, c.tz, got.In(loc).Format(time.RFC3339))
		}
	}
}
