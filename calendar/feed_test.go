package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/recert/recert/app"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var modified = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)

// tokyo is a zone east of UTC, so a timed item given in local time shows
// whether the encoder writes UTC.
var tokyo = time.FixedZone("JST", 9*60*60)

// feedItems are the kinds of event a candidate's feed holds, with texts
// that need escaping, folding and UTF-8 care.
func feedItems() []app.CalendarItem {
	return []app.CalendarItem{
		{UID: "expiry-cand-a-saa@recert", Summary: "AWS Solutions Architect – Associate expires",
			Description: "Renew by passing SAA-C03 or SAP-C02; your certification, and its badge, end on this day.\nPrepare 3–6 months ahead.",
			Date:        "2027-03-31", Modified: modified},
		{UID: "window-cand-a-saa@recert", Summary: "Renewal window opens: Zürich, Genève; naïve café ☕",
			Description: "Line one\nLine two, with a comma; and a semicolon\\and a backslash",
			Date:        "2026-12-31", Modified: modified.Add(time.Hour)},
		{UID: "appointment-ap-1@recert", Summary: "Exam SAA-C03 at Tokyo Center",
			Description: strings.Repeat("試験センター、", 20),
			Start:       time.Date(2027, 1, 15, 10, 0, 0, 0, tokyo), End: time.Date(2027, 1, 15, 12, 10, 0, 0, tokyo),
			AlarmAt: time.Date(2027, 1, 14, 10, 0, 0, 0, tokyo), AlarmSummary: "Last moment to reschedule or cancel for free: after this, the fee is kept",
			Modified: modified.In(tokyo)},
	}
}

func encode(t testing.TB, name string, items []app.CalendarItem) []byte {
	t.Helper()
	b, err := Encoder{}.Encode(name, items)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b
}

func TestGolden(t *testing.T) {
	got := encode(t, "recert: Ana Müller, plan; renewals", feedItems())
	path := filepath.Join("testdata", "feed.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("feed differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// TestLines checks the framing every reader relies on: CRLF after every
// line, no bare CR or LF inside one, no line over 75 octets, and folds
// that never split a UTF-8 sequence.
func TestLines(t *testing.T) {
	checkLines(t, encode(t, "recert: "+strings.Repeat("é", 100), feedItems()))
}

func checkLines(t testing.TB, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("feed does not end in CRLF: %q", b[max(0, len(b)-20):])
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character?): %q", i+1, line)
		}
	}
}

func parse(t testing.TB, b []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the feed: %v\n%s", err, b)
	}
	return cal
}

func propText(t testing.TB, props ical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Fatalf("no %s", name)
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func dateTime(t testing.TB, props ical.Props, name, valueType string) time.Time {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Fatalf("no %s", name)
	}
	if got := p.Params.Get(ical.ParamValue); got != valueType {
		t.Errorf("%s has VALUE=%q, want %q", name, got, valueType)
	}
	if valueType != "DATE" && !strings.HasSuffix(p.Value, "Z") {
		t.Errorf("%s is %q, not in UTC", name, p.Value)
	}
	at, err := p.DateTime(time.UTC)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return at
}

// TestRoundTrip reads the feed back with another library and checks
// every property the encoder writes.
func TestRoundTrip(t *testing.T) {
	const name = "recert: Ana Müller, plan; renewals\nsecond line"
	items := feedItems()
	cal := parse(t, encode(t, name, items))

	for prop, want := range map[string]string{ical.PropVersion: "2.0", ical.PropProductID: productID,
		ical.PropCalendarScale: "GREGORIAN", ical.PropMethod: "PUBLISH", "X-WR-CALNAME": name, "X-PUBLISHED-TTL": "PT1H"} {
		if got := propText(t, cal.Props, prop); got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	if p := cal.Props.Get("REFRESH-INTERVAL"); p == nil || p.Value != "PT1H" || p.Params.Get(ical.ParamValue) != "DURATION" {
		t.Errorf("REFRESH-INTERVAL = %+v, want PT1H with VALUE=DURATION", p)
	}

	byUID := map[string]ical.Event{}
	for _, ev := range cal.Events() {
		byUID[propText(t, ev.Props, ical.PropUID)] = ev
	}
	if len(byUID) != len(items) {
		t.Fatalf("%d events, want %d", len(byUID), len(items))
	}
	for _, it := range items {
		ev, ok := byUID[it.UID]
		if !ok {
			t.Errorf("no event %s", it.UID)
			continue
		}
		if got := propText(t, ev.Props, ical.PropSummary); got != it.Summary {
			t.Errorf("%s: SUMMARY = %q, want %q", it.UID, got, it.Summary)
		}
		if got := propText(t, ev.Props, ical.PropDescription); got != it.Description {
			t.Errorf("%s: DESCRIPTION = %q, want %q", it.UID, got, it.Description)
		}
		for _, prop := range []string{ical.PropDateTimeStamp, ical.PropLastModified} {
			if got := dateTime(t, ev.Props, prop, ""); !got.Equal(it.Modified) {
				t.Errorf("%s: %s = %s, want %s", it.UID, prop, got, it.Modified.UTC())
			}
		}
		if it.Date != "" {
			day, _ := time.Parse(time.DateOnly, it.Date)
			if got := dateTime(t, ev.Props, ical.PropDateTimeStart, "DATE"); !got.Equal(day) {
				t.Errorf("%s: DTSTART = %s, want %s", it.UID, got, it.Date)
			}
			if got := dateTime(t, ev.Props, ical.PropDateTimeEnd, "DATE"); !got.Equal(day.AddDate(0, 0, 1)) {
				t.Errorf("%s: DTEND = %s, want the day after %s", it.UID, got, it.Date)
			}
		} else {
			if got := dateTime(t, ev.Props, ical.PropDateTimeStart, ""); !got.Equal(it.Start) {
				t.Errorf("%s: DTSTART = %s, want %s", it.UID, got, it.Start.UTC())
			}
			if got := dateTime(t, ev.Props, ical.PropDateTimeEnd, ""); !got.Equal(it.End) {
				t.Errorf("%s: DTEND = %s, want %s", it.UID, got, it.End.UTC())
			}
		}
		var alarms []*ical.Component
		for _, c := range ev.Children {
			if c.Name == ical.CompAlarm {
				alarms = append(alarms, c)
			}
		}
		if it.AlarmAt.IsZero() {
			if len(alarms) != 0 {
				t.Errorf("%s: %d alarms, want none", it.UID, len(alarms))
			}
			continue
		}
		if len(alarms) != 1 {
			t.Fatalf("%s: %d alarms, want 1", it.UID, len(alarms))
		}
		a := alarms[0]
		if got := propText(t, a.Props, ical.PropAction); got != "DISPLAY" {
			t.Errorf("%s: alarm ACTION = %q", it.UID, got)
		}
		if got := propText(t, a.Props, ical.PropDescription); got != it.AlarmSummary {
			t.Errorf("%s: alarm DESCRIPTION = %q, want %q", it.UID, got, it.AlarmSummary)
		}
		if got := dateTime(t, a.Props, ical.PropTrigger, "DATE-TIME"); !got.Equal(it.AlarmAt) {
			t.Errorf("%s: alarm TRIGGER = %s, want %s", it.UID, got, it.AlarmAt.UTC())
		}
	}
}

// TestDeterministic: the feed's bytes depend on the items, not on their
// order, so its ETag changes only when a date or text does.
func TestDeterministic(t *testing.T) {
	items := feedItems()
	first := encode(t, "feed", items)
	reversed := []app.CalendarItem{items[2], items[1], items[0]}
	if again := encode(t, "feed", reversed); !bytes.Equal(first, again) {
		t.Errorf("the same items in another order give other bytes:\n%s\n---\n%s", first, again)
	}
	items[1].Summary += "!"
	if changed := encode(t, "feed", items); bytes.Equal(first, changed) {
		t.Error("a changed summary gives the same bytes")
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain, with; marks\\", "plain, with; marks\\"},
		{"a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"line\u2028sep\u2029para", "line\nsep\npara"},
		{"tab\tbell\a nul\x00 del\x7f c1\u0085", "tab\tbell nul del c1"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
		{"日本語 ☕", "日本語 ☕"},
	} {
		if got := text(c.in); got != c.want {
			t.Errorf("text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRefused lists the items the encoder will not write, each with what
// the error names.
func TestRefused(t *testing.T) {
	ok := app.CalendarItem{UID: "u", Summary: "s", Date: "2027-01-01", Modified: modified}
	for _, c := range []struct {
		name  string
		edit  func(*app.CalendarItem)
		extra *app.CalendarItem
		want  string
	}{
		{"no uid", func(it *app.CalendarItem) { it.UID = "" }, nil, "no UID"},
		{"uid of control characters only", func(it *app.CalendarItem) { it.UID = "\x00\x01" }, nil, "no UID"},
		{"duplicate uid", func(*app.CalendarItem) {}, &ok, `two items have the UID "u"`},
		{"bad date", func(it *app.CalendarItem) { it.Date = "2027-02-30" }, nil, `date "2027-02-30"`},
		{"year 9999", func(it *app.CalendarItem) { it.Date = "9999-12-31" }, nil, "outside the years"},
		{"no modified", func(it *app.CalendarItem) { it.Modified = time.Time{} }, nil, "Modified is not set"},
		{"no start", func(it *app.CalendarItem) { it.Date = "" }, nil, "Start is not set"},
		{"end before start", func(it *app.CalendarItem) {
			it.Date, it.Start, it.End = "", modified, modified.Add(-time.Minute)
		}, nil, "is before start"},
		{"alarm year 10000", func(it *app.CalendarItem) { it.AlarmAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, nil, "AlarmAt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			it := ok
			c.edit(&it)
			items := []app.CalendarItem{it}
			if c.extra != nil {
				items = append(items, *c.extra)
			}
			_, err := Encoder{}.Encode("feed", items)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Encode = %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestEmptyFeed(t *testing.T) {
	b := encode(t, "", nil)
	checkLines(t, b)
	if cal := parse(t, b); len(cal.Events()) != 0 {
		t.Errorf("%d events in an empty feed", len(cal.Events()))
	}
}

// FuzzEncode: any texts make a feed, with its framing intact, that
// parses back with the same (cleaned) texts.
func FuzzEncode(f *testing.F) {
	f.Add("name", "uid", "summary", "description", "alarm")
	f.Add("a, b; c\\", "é\r\n", "\x00\xff"+strings.Repeat("日本", 40), strings.Repeat("x y<z>", 30), "\u2028")
	f.Add(strings.Repeat(" ", 200), strings.Repeat(">", 100), strings.Repeat("<", 100), "\\n\\,", "\"")
	f.Fuzz(func(t *testing.T, name, uid, summary, description, alarm string) {
		items := []app.CalendarItem{
			{UID: "day-" + uid, Summary: summary, Description: description, Date: "2027-01-01", Modified: modified},
			{UID: "slot-" + uid, Summary: description, Description: summary, Start: modified, End: modified.Add(time.Hour),
				AlarmAt: modified.Add(-time.Hour), AlarmSummary: alarm, Modified: modified},
		}
		b, err := Encoder{}.Encode(name, items)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		checkLines(t, b)
		cal := parse(t, b)
		if got := propText(t, cal.Props, "X-WR-CALNAME"); got != text(name) {
			t.Errorf("X-WR-CALNAME = %q, want %q", got, text(name))
		}
		evs := cal.Events()
		if len(evs) != 2 {
			t.Fatalf("%d events, want 2", len(evs))
		}
		want := map[string][2]string{text("day-" + uid): {summary, description}, text("slot-" + uid): {description, summary}}
		for _, ev := range evs {
			w, ok := want[propText(t, ev.Props, ical.PropUID)]
			if !ok {
				t.Fatalf("event with UID %q, want one of %v", propText(t, ev.Props, ical.PropUID), want)
			}
			if got := propText(t, ev.Props, ical.PropSummary); got != text(w[0]) {
				t.Errorf("SUMMARY = %q, want %q", got, text(w[0]))
			}
			if got := propText(t, ev.Props, ical.PropDescription); got != text(w[1]) {
				t.Errorf("DESCRIPTION = %q, want %q", got, text(w[1]))
			}
		}
	})
}
