package policy

import (
	"errors"
	"time"
)

// Date is a calendar date with no time of day and no zone, counted in days
// since 1970-01-01. Waits of calendar days and years are counted on dates,
// never as multiples of 24 hours, so that a DST change cannot move them (T2).
// The zero Date is 1970-01-01; "no date" is expressed with a separate flag
// or NoDate.
type Date int32

// NoDate marks the absence of a date (an open bound, a certification that
// never expires). It sorts after every real date.
const NoDate Date = 1<<31 - 1

// MakeDate returns the date for a year, month and day. Out-of-range days
// normalise as time.Date does.
func MakeDate(y int, m time.Month, d int) Date {
	return Date(daysFromCivil(y, int(m), d))
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, errors.New("date must be YYYY-MM-DD")
	}
	var n [3]int
	parts := [3]string{s[0:4], s[5:7], s[8:10]}
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, errors.New("date must be YYYY-MM-DD")
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > daysIn(n[0], n[1]) {
		return 0, errors.New("date " + s + " does not exist")
	}
	return MakeDate(n[0], time.Month(n[1]), n[2]), nil
}

// Civil returns the year, month and day.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d))
	return y, time.Month(m), dd
}

// AddDays returns the date n calendar days later.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddYears adds whole years; February 29 becomes February 28 when the target
// year is not a leap year (T3).
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// AddMonths adds whole months, clamping the day to the target month's last
// day (January 31 + 1 month = February 28 or 29), the same rule as T3.
func (d Date) AddMonths(n int) Date {
	y, m, dd := civilFromDays(int64(d))
	total := y*12 + (m - 1) + n
	ty, tm := floorDiv(total, 12), total-floorDiv(total, 12)*12+1
	if last := daysIn(ty, tm); dd > last {
		dd = last
	}
	return Date(daysFromCivil(ty, tm, dd))
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	if d == NoDate {
		return "none"
	}
	var b [10]byte
	return string(d.AppendFormat(b[:0]))
}

// AppendFormat appends YYYY-MM-DD to b without allocating.
func (d Date) AppendFormat(b []byte) []byte {
	y, m, dd := civilFromDays(int64(d))
	if y < 0 || y > 9999 {
		return append(b, time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).Format("2006-01-02")...)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// Start returns the first instant of the date in loc. Midnight may not
// exist (a DST gap at midnight, of any length) or may happen twice (a
// fall-back at 01:00); Start walks the zone's constant-offset periods from
// two days before and returns the first instant whose local date is d.
func (d Date) Start(loc *time.Location) time.Time {
	midnightUTC := int64(d) * 86400
	t := time.Unix(midnightUTC-2*86400, 0).In(loc)
	for i := 0; i < 64; i++ {
		_, off := t.Zone()
		_, end := t.ZoneBounds()
		cand := max(midnightUTC-int64(off), t.Unix())
		if end.IsZero() || cand < end.Unix() {
			if c := time.Unix(cand, 0).In(loc); DateIn(c, loc) == d {
				return c
			}
		}
		if end.IsZero() {
			break
		}
		t = end.In(loc)
	}
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// DateIn returns the calendar date of instant t in loc (T2).
func DateIn(t time.Time, loc *time.Location) Date {
	_, off := t.In(loc).Zone()
	return Date(floorDiv64(t.Unix()+int64(off), 86400))
}

// zoneCache turns instants into dates in one zone, remembering the current
// offset's validity range so that a history of events in the same period
// costs one zone lookup rather than one per event.
type zoneCache struct {
	loc        *time.Location
	start, end int64 // unix seconds; offset valid in [start, end)
	off        int64
	valid      bool
}

func (z *zoneCache) date(unix int64) Date {
	if !z.valid || unix < z.start || unix >= z.end {
		t := time.Unix(unix, 0).In(z.loc)
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		z.off = int64(off)
		z.start, z.end = minInt64, maxInt64
		if !s.IsZero() {
			z.start = s.Unix()
		}
		if !e.IsZero() {
			z.end = e.Unix()
		}
		z.valid = true
	}
	return Date(floorDiv64(unix+z.off, 86400))
}

const (
	minInt64 = -1 << 63
	maxInt64 = 1<<63 - 1
)

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays are Howard Hinnant's proleptic Gregorian
// algorithms: exact, branch-light and allocation-free.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := int64(floorDiv(y, 400))
	yoe := int64(y) - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := floorDiv64(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}
