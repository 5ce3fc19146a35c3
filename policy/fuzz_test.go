package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/policy"
)

// FuzzParseDate: ParseDate accepts exactly the dates time.Parse accepts in
// the layout 2006-01-02, and every date of years 0000-9999 round-trips
// through String.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2026-04-31", "1970-01-01",
		"2026-13-01", "2026-00-01", "20260101", "2026-1-1", "-001-01-01", "2026-02-3a", ""} {
		f.Add(s, int32(0))
	}
	f.Add("2026-03-01", int32(-719528))
	f.Add("2026-03-01", int32(2932896))
	first, last := int64(policy.MakeDate(0, 1, 1)), int64(policy.MakeDate(9999, 12, 31))
	f.Fuzz(func(t *testing.T, s string, n int32) {
		d, err := policy.ParseDate(s)
		tm, terr := time.Parse("2006-01-02", s)
		if (err == nil) != (terr == nil) {
			t.Fatalf("ParseDate(%q) error %v, time.Parse error %v", s, err, terr)
		}
		if err == nil {
			if d.String() != s {
				t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
			}
			if again, err := policy.ParseDate(d.String()); err != nil || again != d {
				t.Fatalf("ParseDate(%q) round trip: %d then %d, %v", s, d, again, err)
			}
			if y, m, dd := d.Civil(); y != tm.Year() || m != tm.Month() || dd != tm.Day() {
				t.Fatalf("ParseDate(%q).Civil() = %d-%d-%d", s, y, m, dd)
			}
			if got := policy.DateIn(tm, time.UTC); got != d {
				t.Fatalf("DateIn(%s) = %s, ParseDate gives %s", tm, got, d)
			}
		} else if err.Error() == "" {
			t.Fatalf("ParseDate(%q): empty error", s)
		}
		// Any date of years 0000-9999 round-trips.
		span := last - first + 1
		nd := policy.Date(first + ((int64(n)%span)+span)%span)
		if again, err := policy.ParseDate(nd.String()); err != nil || again != nd {
			t.Fatalf("date %d: String %q parses to %d, %v", nd, nd.String(), again, err)
		}
		// AddYears agrees with time.AddDate except on February 29 (T3).
		k := int(n % 50)
		y, m, dd := nd.Civil()
		want := time.Date(y+k, m, dd, 0, 0, 0, 0, time.UTC)
		if m == time.February && dd == 29 && want.Month() != time.February {
			want = want.AddDate(0, 0, -want.Day()) // February 28 of a common year
		}
		if y+k >= 0 && y+k <= 9999 {
			if got := nd.AddYears(k); got.String() != want.Format("2006-01-02") {
				t.Fatalf("%s + %d years = %s, want %s", nd, k, got, want.Format("2006-01-02"))
			}
		}
	})
}

// FuzzParseSpan: ParseSpan never panics; what it accepts is non-negative,
// never mixes calendar and exact parts, round-trips through String and
// never moves a date backwards.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"P14D", "P2Y", "P6M", "P1Y6M", "PT24H", "PT90M", "PT1H30M", "P2W", "P0D", "P", "PT",
		"P1DT1H", "P-1D", "P1234567D", "PT999999H", "P1DT", "p14d", "P1.5D", ""} {
		f.Add(s)
	}
	base := policy.MakeDate(2026, 3, 1)
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := policy.ParseSpan(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseSpan(%q): empty error", s)
			}
			return
		}
		if sp.Years < 0 || sp.Months < 0 || sp.Days < 0 || sp.Minutes < 0 {
			t.Fatalf("ParseSpan(%q) = %+v: negative", s, sp)
		}
		if sp.Exact() && (sp.Years != 0 || sp.Months != 0 || sp.Days != 0) {
			t.Fatalf("ParseSpan(%q) = %+v mixes calendar and exact parts", s, sp)
		}
		if !strings.HasPrefix(s, "P") {
			t.Fatalf("ParseSpan(%q) accepted a span not starting with P", s)
		}
		again, err := policy.ParseSpan(sp.String())
		if err != nil || again != sp {
			t.Fatalf("ParseSpan(%q) = %+v; its String %q parses to %+v, %v", s, sp, sp.String(), again, err)
		}
		if sp.Words() == "" {
			t.Fatalf("ParseSpan(%q): empty Words", s)
		}
		if got := sp.AddTo(base); got < base {
			t.Fatalf("ParseSpan(%q) = %+v moves %s back to %s", s, sp, base, got)
		}
	})
}
