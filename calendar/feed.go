// Package calendar writes a candidate's iCalendar feed (RFC 5545): the
// dates app gathers (expiries, renewal windows, retakes, appointments)
// as events a calendar application subscribes to. It fills
// app.CalendarEncoder with github.com/arran4/golang-ical.
//
// The feed is served at a URL a calendar application polls, so the
// encoder is deterministic: the same items give the same bytes, whatever
// order they come in, and the server can answer with an ETag and 304.
package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/recert/recert/app"
)

// Encoder writes feeds. The zero value is ready to use.
type Encoder struct{}

var _ app.CalendarEncoder = (*Encoder)(nil)

// Properties of every feed. The refresh interval is a hint to the
// subscribing application (REFRESH-INTERVAL is RFC 7986's, X-PUBLISHED-TTL
// the older name Outlook and Google read): an hour, since an appointment's
// change deadline can move the same day.
const (
	productID       = "-//recert//recert//EN"
	refreshInterval = "PT1H"
)

// Formats of RFC 5545 DATE and DATE-TIME in UTC.
const (
	dateFormat     = "20060102"
	dateTimeFormat = "20060102T150405Z"
)

// Encode returns the feed named name with one VEVENT per item, sorted by
// UID. An item it cannot write truthfully (no UID, a UID twice, a date
// that does not parse, no start, an end before its start, no Modified)
// is an error naming the item: a feed with a silently wrong date is
// worse than none. Texts are any strings: what RFC 5545 cannot carry
// (control characters, invalid UTF-8) is replaced (see text).
func (Encoder) Encode(name string, items []app.CalendarItem) ([]byte, error) {
	cal := ics.NewCalendar()
	cal.SetProductId(productID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(text(name))
	cal.SetRefreshInterval(refreshInterval)
	cal.SetXPublishedTTL(refreshInterval)

	sorted := make([]app.CalendarItem, len(items))
	for i, it := range items {
		it.UID = text(it.UID)
		sorted[i] = it
	}
	slices.SortStableFunc(sorted, func(a, b app.CalendarItem) int { return cmp.Compare(a.UID, b.UID) })
	for i, it := range sorted {
		if i > 0 && it.UID == sorted[i-1].UID {
			return nil, fmt.Errorf("calendar: feed %q: two items have the UID %q", name, it.UID)
		}
		ev, err := event(it)
		if err != nil {
			return nil, fmt.Errorf("calendar: feed %q: item %q: %w", name, it.UID, err)
		}
		cal.AddVEvent(ev)
	}

	var b strings.Builder
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar: feed %q: writing: %w", name, err)
	}
	return []byte(b.String()), nil
}

// event is one item as a VEVENT: an all-day event from DTSTART to the
// next day when it has a Date, a timed one in UTC otherwise, with its
// alarm when it has one.
func event(it app.CalendarItem) (*ics.VEvent, error) {
	if it.UID == "" {
		return nil, errors.New("no UID")
	}
	stamp, err := utc("Modified", it.Modified)
	if err != nil {
		return nil, err
	}
	ev := ics.NewEvent(it.UID)
	ev.SetProperty(ics.ComponentPropertyDtstamp, stamp)
	ev.SetProperty(ics.ComponentPropertyLastModified, stamp)
	if it.Date != "" {
		day, err := time.Parse(time.DateOnly, it.Date)
		if err != nil {
			return nil, fmt.Errorf("date %q is not YYYY-MM-DD: %w", it.Date, err)
		}
		if day.Year() < 1 || day.Year() >= 9999 {
			return nil, fmt.Errorf("date %q is outside the years iCalendar can write", it.Date)
		}
		ev.SetProperty(ics.ComponentPropertyDtStart, day.Format(dateFormat), ics.WithValue(string(ics.ValueDataTypeDate)))
		ev.SetProperty(ics.ComponentPropertyDtEnd, day.AddDate(0, 0, 1).Format(dateFormat), ics.WithValue(string(ics.ValueDataTypeDate)))
	} else {
		start, err := utc("Start", it.Start)
		if err != nil {
			return nil, err
		}
		ev.SetProperty(ics.ComponentPropertyDtStart, start)
		if !it.End.IsZero() {
			if it.End.Before(it.Start) {
				return nil, fmt.Errorf("end %s is before start %s", it.End.UTC().Format(time.RFC3339), it.Start.UTC().Format(time.RFC3339))
			}
			end, err := utc("End", it.End)
			if err != nil {
				return nil, err
			}
			ev.SetProperty(ics.ComponentPropertyDtEnd, end)
		}
	}
	ev.SetSummary(text(it.Summary))
	ev.SetDescription(text(it.Description))
	if !it.AlarmAt.IsZero() {
		at, err := utc("AlarmAt", it.AlarmAt)
		if err != nil {
			return nil, err
		}
		alarm := ev.AddAlarm()
		alarm.SetAction(ics.ActionDisplay)
		alarm.SetProperty(ics.ComponentPropertyDescription, text(it.AlarmSummary))
		alarm.SetTrigger(at, ics.WithValue(string(ics.ValueDataTypeDateTime)))
	}
	return ev, nil
}

// utc formats t as a UTC DATE-TIME, refusing the zero time (a field the
// caller forgot) and years a four-digit field cannot hold.
func utc(field string, t time.Time) (string, error) {
	if t.IsZero() {
		return "", fmt.Errorf("%s is not set", field)
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return "", fmt.Errorf("%s %s is outside the years iCalendar can write", field, t.Format(time.RFC3339))
	}
	return t.Format(dateTimeFormat), nil
}

// text is s as an iCalendar TEXT value can carry it: valid UTF-8, line
// breaks (CRLF, CR, LF, and Unicode's line and paragraph separators) as
// one LF each, which the library writes as \n, and no other control
// character but the tab. RFC 5545 3.3.11 allows no others, and a bare CR
// would end the content line early in some readers.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
