package policy_test

import (
	"testing"
	"time"

	"github.com/recert/recert/policy"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
		y  int
		m  time.Month
		d  int
	}{
		{"2024-02-29", true, 2024, 2, 29},
		{"2000-02-29", true, 2000, 2, 29},
		{"1970-01-01", true, 1970, 1, 1},
		{"1969-12-31", true, 1969, 12, 31},
		{"0001-01-01", true, 1, 1, 1},
		{"9999-12-31", true, 9999, 12, 31},
		{"2026-04-30", true, 2026, 4, 30},
		{"2023-02-29", false, 0, 0, 0},
		{"2100-02-29", false, 0, 0, 0},
		{"2026-04-31", false, 0, 0, 0},
		{"2026-13-01", false, 0, 0, 0},
		{"2026-00-10", false, 0, 0, 0},
		{"2026-01-00", false, 0, 0, 0},
		{"2026-1-01", false, 0, 0, 0},
		{"2026/01/01", false, 0, 0, 0},
		{"2026-01-01T00:00:00Z", false, 0, 0, 0},
		{" 2026-01-01", false, 0, 0, 0},
		{"+026-01-01", false, 0, 0, 0},
		{"2026-0a-01", false, 0, 0, 0},
		{"", false, 0, 0, 0},
		{"none", false, 0, 0, 0},
	} {
		d, err := policy.ParseDate(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseDate(%q): error %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if !c.ok {
			continue
		}
		if y, m, dd := d.Civil(); y != c.y || m != c.m || dd != c.d {
			t.Errorf("ParseDate(%q).Civil() = %d-%d-%d", c.in, y, m, dd)
		}
		if d.String() != c.in {
			t.Errorf("ParseDate(%q).String() = %q", c.in, d.String())
		}
		if want := policy.MakeDate(c.y, c.m, c.d); d != want {
			t.Errorf("ParseDate(%q) = %d, MakeDate gives %d", c.in, d, want)
		}
	}
	if policy.MakeDate(1970, 1, 1) != 0 {
		t.Errorf("1970-01-01 is %d, want 0", policy.MakeDate(1970, 1, 1))
	}
	if got := policy.MakeDate(2025, 2, 29); got != day("2025-03-01") {
		t.Errorf("MakeDate(2025, 2, 29) = %s, want 2025-03-01 (normalised as time.Date does)", got)
	}
	if policy.NoDate.String() != "none" {
		t.Errorf("NoDate.String() = %q", policy.NoDate.String())
	}
}

func TestDateArithmetic(t *testing.T) {
	for _, c := range []struct {
		name string
		from string
		f    func(policy.Date) policy.Date
		want string
	}{
		{"Feb 29 + 1 year", "2024-02-29", func(d policy.Date) policy.Date { return d.AddYears(1) }, "2025-02-28"},
		{"Feb 29 + 2 years", "2024-02-29", func(d policy.Date) policy.Date { return d.AddYears(2) }, "2026-02-28"},
		{"Feb 29 + 3 years", "2024-02-29", func(d policy.Date) policy.Date { return d.AddYears(3) }, "2027-02-28"},
		{"Feb 29 + 4 years", "2024-02-29", func(d policy.Date) policy.Date { return d.AddYears(4) }, "2028-02-29"},
		{"Feb 29 - 1 year", "2024-02-29", func(d policy.Date) policy.Date { return d.AddYears(-1) }, "2023-02-28"},
		{"Feb 29 2000 + 100 years", "2000-02-29", func(d policy.Date) policy.Date { return d.AddYears(100) }, "2100-02-28"},
		{"Feb 29 2000 + 400 years", "2000-02-29", func(d policy.Date) policy.Date { return d.AddYears(400) }, "2400-02-29"},
		{"Feb 28 + 1 year", "2023-02-28", func(d policy.Date) policy.Date { return d.AddYears(1) }, "2024-02-28"},
		{"Mar 1 + 1 year", "2024-03-01", func(d policy.Date) policy.Date { return d.AddYears(1) }, "2025-03-01"},
		{"Jan 31 + 1 month", "2025-01-31", func(d policy.Date) policy.Date { return d.AddMonths(1) }, "2025-02-28"},
		{"Jan 31 + 1 month, leap", "2024-01-31", func(d policy.Date) policy.Date { return d.AddMonths(1) }, "2024-02-29"},
		{"Mar 31 - 1 month", "2025-03-31", func(d policy.Date) policy.Date { return d.AddMonths(-1) }, "2025-02-28"},
		{"May 31 + 1 month", "2025-05-31", func(d policy.Date) policy.Date { return d.AddMonths(1) }, "2025-06-30"},
		{"Dec 31 + 2 months", "2025-12-31", func(d policy.Date) policy.Date { return d.AddMonths(2) }, "2026-02-28"},
		{"Aug 31 - 6 months", "2026-08-31", func(d policy.Date) policy.Date { return d.AddMonths(-6) }, "2026-02-28"},
		{"Jan 15 - 13 months", "2025-01-15", func(d policy.Date) policy.Date { return d.AddMonths(-13) }, "2023-12-15"},
		{"Jan 15 + 25 months", "2025-01-15", func(d policy.Date) policy.Date { return d.AddMonths(25) }, "2027-02-15"},
		{"before 1970", "1969-03-31", func(d policy.Date) policy.Date { return d.AddMonths(-1) }, "1969-02-28"},
		{"14 days over Feb 29", "2028-02-20", func(d policy.Date) policy.Date { return d.AddDays(14) }, "2028-03-05"},
		{"minus 180 days", "2029-03-01", func(d policy.Date) policy.Date { return d.AddDays(-180) }, "2028-09-02"},
		{"span P3Y", "2024-02-29", func(d policy.Date) policy.Date { return policy.Span{Years: 3}.AddTo(d) }, "2027-02-28"},
		{"span P1Y6M", "2024-08-31", func(d policy.Date) policy.Date { return policy.Span{Years: 1, Months: 6}.AddTo(d) }, "2026-02-28"},
		{"span P1M14D", "2025-01-31", func(d policy.Date) policy.Date { return policy.Span{Months: 1, Days: 14}.AddTo(d) }, "2025-03-14"},
		{"span PT24H rounds up to a day", "2025-01-31", func(d policy.Date) policy.Date { return policy.Span{Minutes: 1440}.AddTo(d) }, "2025-02-01"},
		{"span PT90M rounds up to a day", "2025-01-31", func(d policy.Date) policy.Date { return policy.Span{Minutes: 90}.AddTo(d) }, "2025-02-01"},
		{"span P6M back", "2027-02-28", func(d policy.Date) policy.Date { return policy.Span{Months: 6}.SubFrom(d) }, "2026-08-28"},
		{"span P14D back", "2026-03-15", func(d policy.Date) policy.Date { return policy.Span{Days: 14}.SubFrom(d) }, "2026-03-01"},
	} {
		if got := c.f(day(c.from)); got != day(c.want) {
			t.Errorf("%s: %s gives %s, want %s", c.name, c.from, got, c.want)
		}
	}
}

func TestDateIn(t *testing.T) {
	for _, c := range []struct {
		at, tz, want string
	}{
		{"2026-03-01T10:30:00Z", "Pacific/Kiritimati", "2026-03-02"},
		{"2026-03-01T10:30:00Z", "Pacific/Pago_Pago", "2026-02-28"},
		{"2026-03-01T18:29:59Z", "Asia/Kolkata", "2026-03-01"},
		{"2026-03-01T18:30:00Z", "Asia/Kolkata", "2026-03-02"},
		{"2026-03-08T06:59:59Z", "America/New_York", "2026-03-08"},
		{"2026-03-08T04:59:59Z", "America/New_York", "2026-03-07"},
		{"2011-12-30T09:59:59Z", "Pacific/Apia", "2011-12-29"},
		{"2011-12-30T10:00:00Z", "Pacific/Apia", "2011-12-31"},
		{"1969-12-31T23:59:59Z", "UTC", "1969-12-31"},
	} {
		loc := zone(t, c.tz)
		if got := policy.DateIn(ts(c.at), loc); got != day(c.want) {
			t.Errorf("DateIn(%s, %s) = %s, want %s", c.at, c.tz, got, c.want)
		}
		h, err := aws().NewHistory(loc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.DateOf(ts(c.at)); got != day(c.want) {
			t.Errorf("History.DateOf(%s) in %s = %s, want %s", c.at, c.tz, got, c.want)
		}
	}
	// Start is the first instant of a date, even when midnight does not
	// exist (Havana springs forward at midnight).
	for _, c := range []struct{ d, tz, want string }{
		{"2026-03-08", "America/New_York", "2026-03-08T05:00:00Z"},
		{"2026-03-09", "America/New_York", "2026-03-09T04:00:00Z"},
		{"2026-03-08", "America/Havana", "2026-03-08T05:00:00Z"},
		{"2026-03-02", "Pacific/Kiritimati", "2026-03-01T10:00:00Z"},
		{"2026-10-04", "Australia/Lord_Howe", "2026-10-03T13:30:00Z"},
	} {
		if got := day(c.d).Start(zone(t, c.tz)); !got.Equal(ts(c.want)) {
			t.Errorf("%s.Start(%s) = %s, want %s", c.d, c.tz, got.UTC().Format(time.RFC3339), c.want)
		}
	}
}

func TestParseSpan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want policy.Span
		str  string // String of the result
	}{
		{"P14D", policy.Span{Days: 14}, "P14D"},
		{"P2Y", policy.Span{Years: 2}, "P2Y"},
		{"P6M", policy.Span{Months: 6}, "P6M"},
		{"P1Y6M", policy.Span{Years: 1, Months: 6}, "P1Y6M"},
		{"P2W", policy.Span{Days: 14}, "P14D"},
		{"PT24H", policy.Span{Minutes: 1440}, "PT24H"},
		{"PT90M", policy.Span{Minutes: 90}, "PT1H30M"},
		{"PT1H30M", policy.Span{Minutes: 90}, "PT1H30M"},
		{"P0D", policy.Span{}, "P0D"},
		{"P999999D", policy.Span{Days: 999999}, "P999999D"},
	} {
		got, err := policy.ParseSpan(c.in)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParseSpan(%q) = %+v, %v (String %q), want %+v %q", c.in, got, err, got.String(), c.want, c.str)
		}
	}
	for _, in := range []string{"", "P", "PT", "14D", "p14d", "P-14D", "P14", "PD", "P1H", "PT1D", "PT1Y", "P1DT1H",
		"P1YT24H", "P1234567D", "P 14D", "P14D ", "P1.5D", "PTT1H", "P1Y1X", "PT24H5"} {
		if s, err := policy.ParseSpan(in); err == nil {
			t.Errorf("ParseSpan(%q) = %+v, want an error", in, s)
		}
	}
}

func TestSpanWords(t *testing.T) {
	for _, c := range []struct {
		s    policy.Span
		want string
	}{
		{policy.Span{Days: 14}, "14 calendar days"},
		{policy.Span{Days: 1}, "1 calendar day"},
		{policy.Span{Years: 2}, "2 years"},
		{policy.Span{Years: 1}, "1 year"},
		{policy.Span{Months: 6}, "6 months"},
		{policy.Span{Years: 1, Months: 6}, "1 year 6 months"},
		{policy.Span{Minutes: 1440}, "24 hours"},
		{policy.Span{Minutes: 60}, "1 hour"},
		{policy.Span{Minutes: 90}, "90 minutes"},
		{policy.Span{Minutes: 1}, "1 minute"},
		{policy.Span{}, "no time"},
	} {
		if got := c.s.Words(); got != c.want {
			t.Errorf("%+v.Words() = %q, want %q", c.s, got, c.want)
		}
	}
	if s := (policy.Span{Minutes: 1440}); !s.Exact() || s.Duration() != 24*time.Hour || s.IsZero() {
		t.Errorf("PT24H: exact %v duration %s", s.Exact(), s.Duration())
	}
	if s := (policy.Span{Years: 3}); s.Exact() || s.Duration() != 0 || s.IsZero() {
		t.Errorf("P3Y: exact %v duration %s", s.Exact(), s.Duration())
	}
	if !(policy.Span{}).IsZero() {
		t.Error("the zero span is not zero")
	}
}
