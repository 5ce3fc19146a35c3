package policy_test

import (
	"strings"
	"testing"

	"github.com/recert/recert/policy"
)

// BUG (fixed in 8378aba; kept as regression tests): ParseSpan accepted a
// designator more than once and out of order (P1Y1Y, PT1H999999H, P1D1Y),
// adding the numbers up with no bound, and multiplied a week count by 7
// after the six-digit check. What it accepted then did not survive String
// (a seven-digit number it refuses) and, large enough, overflowed Date so
// that adding the span moved a date backwards. Found by FuzzParseSpan
// (testdata/fuzz/FuzzParseSpan/6fca057945a787c1).
func TestSpanStringRoundTripBug(t *testing.T) {
	for _, in := range []string{"PT1H999999H", "P999999W", "P999999Y999999Y"} {
		sp, err := policy.ParseSpan(in)
		if err != nil {
			continue // refusing it is a fix too
		}
		if again, err := policy.ParseSpan(sp.String()); err != nil || again != sp {
			t.Errorf("ParseSpan(%q) = %+v, but its String %q parses to %+v, %v", in, sp, sp.String(), again, err)
		}
	}
}

func TestSpanAddToOverflowBug(t *testing.T) {
	in := "P" + strings.Repeat("999999Y", 10)
	sp, err := policy.ParseSpan(in)
	if err != nil {
		return // refusing it is a fix
	}
	from := policy.MakeDate(2026, 3, 1)
	if got := sp.AddTo(from); got < from {
		t.Errorf("ParseSpan(%q) = %+v; %s plus it is %s, before it", in, sp, from, got)
	}
}
