package policy

import (
	"errors"
	"strconv"
	"time"
)

// Span is a length of time as a program states it. Calendar spans (years,
// months, days) are counted on dates in the candidate's zone, so a DST
// change never moves them (T2, T3); exact spans (hours, minutes) are counted
// on instants (T4). A span is one kind or the other, never both.
type Span struct {
	Years, Months, Days int
	Minutes             int // exact part, in minutes
}

// IsZero reports whether the span is empty.
func (s Span) IsZero() bool { return s == Span{} }

// Exact reports whether the span is a duration on instants.
func (s Span) Exact() bool { return s.Minutes != 0 }

// Duration is the exact part as a time.Duration.
func (s Span) Duration() time.Duration { return time.Duration(s.Minutes) * time.Minute }

// AddTo adds a calendar span to a date (years and months first, clamping
// the day as T3 says, then days). An exact span is rounded up to whole days.
func (s Span) AddTo(d Date) Date {
	if s.Years != 0 || s.Months != 0 {
		d = d.AddMonths(12*s.Years + s.Months)
	}
	d = d.AddDays(s.Days)
	if s.Minutes > 0 {
		d = d.AddDays((s.Minutes + 24*60 - 1) / (24 * 60))
	}
	return d
}

// SubFrom subtracts a calendar span from a date.
func (s Span) SubFrom(d Date) Date {
	if s.Years != 0 || s.Months != 0 {
		d = d.AddMonths(-(12*s.Years + s.Months))
	}
	return d.AddDays(-s.Days)
}

// String writes the span in the ISO 8601 form the definition files use.
func (s Span) String() string {
	if s.IsZero() {
		return "P0D"
	}
	b := []byte{'P'}
	if s.Years != 0 {
		b = append(strconv.AppendInt(b, int64(s.Years), 10), 'Y')
	}
	if s.Months != 0 {
		b = append(strconv.AppendInt(b, int64(s.Months), 10), 'M')
	}
	if s.Days != 0 {
		b = append(strconv.AppendInt(b, int64(s.Days), 10), 'D')
	}
	if s.Minutes != 0 {
		b = append(b, 'T')
		if h := s.Minutes / 60; h != 0 {
			b = append(strconv.AppendInt(b, int64(h), 10), 'H')
		}
		if m := s.Minutes % 60; m != 0 {
			b = append(strconv.AppendInt(b, int64(m), 10), 'M')
		}
	}
	return string(b)
}

// Words describes the span for explanations: "14 calendar days", "2 years",
// "24 hours".
func (s Span) Words() string {
	var out []byte
	part := func(n int, unit string) {
		if n == 0 {
			return
		}
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, ' ')
		out = append(out, unit...)
		if n != 1 {
			out = append(out, 's')
		}
	}
	part(s.Years, "year")
	part(s.Months, "month")
	part(s.Days, "calendar day")
	if s.Minutes%60 == 0 {
		part(s.Minutes/60, "hour")
	} else {
		part(s.Minutes, "minute")
	}
	if len(out) == 0 {
		return "no time"
	}
	return string(out)
}

// Bounds on a span: each number has at most six digits (so String's
// output always reads back), which also keeps any date plus a span far
// inside Date's range.
const (
	maxSpanDays    = 999999
	maxSpanMinutes = 999999 * 60
)

// ParseSpan reads the ISO 8601 subset the definition files use: P2Y, P6M,
// P14D, P2W, P1Y6M, PT24H, PT90M. Each designator appears at most once and
// in ISO order. Negative spans do not exist; a span mixing calendar and
// exact parts is refused because it has no single meaning.
func ParseSpan(text string) (Span, error) {
	var s Span
	if len(text) < 3 || text[0] != 'P' {
		return s, errors.New("a span is written as ISO 8601, such as P14D, P2Y or PT24H")
	}
	const order = "YMWDTHm" // m: minutes, after T
	last := -1
	n, digits := 0, 0
	for i := 1; i < len(text); i++ {
		c := text[i]
		if c >= '0' && c <= '9' {
			if digits >= 6 {
				return Span{}, errors.New("span " + text + " is too long")
			}
			n = n*10 + int(c-'0')
			digits++
			continue
		}
		inTime := last >= 4
		key := c
		if inTime && c == 'M' {
			key = 'm'
		}
		pos := -1
		for k := 0; k < len(order); k++ {
			if order[k] == key {
				pos = k
			}
		}
		if pos < 0 || (pos <= 3 && inTime) || (pos >= 5 && !inTime) {
			return Span{}, errors.New("span " + text + ": unexpected " + string(c))
		}
		if pos <= last {
			return Span{}, errors.New("span " + text + ": " + string(c) + " is repeated or out of order (ISO 8601 order is Y, M, W, D, then T, H, M)")
		}
		last = pos
		if c == 'T' {
			if digits != 0 {
				return Span{}, errors.New("span " + text + ": a number must be followed by a unit")
			}
			continue
		}
		if digits == 0 {
			return Span{}, errors.New("span " + text + ": a number must come before " + string(c))
		}
		switch key {
		case 'Y':
			s.Years = n
		case 'M':
			s.Months = n
		case 'W':
			s.Days += 7 * n
		case 'D':
			s.Days += n
		case 'H':
			s.Minutes += 60 * n
		case 'm':
			s.Minutes += n
		}
		n, digits = 0, 0
	}
	if digits != 0 || last < 0 || order[last] == 'T' {
		return Span{}, errors.New("span " + text + " ends without a unit")
	}
	if s.Minutes != 0 && (s.Years != 0 || s.Months != 0 || s.Days != 0) {
		return Span{}, errors.New("span " + text + " mixes calendar days and hours; use one or the other")
	}
	if s.Days > maxSpanDays || s.Minutes > maxSpanMinutes {
		return Span{}, errors.New("span " + text + " is too long")
	}
	return s, nil
}
