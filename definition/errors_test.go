package definition

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// base is a small valid definition; each case below edits it. Line numbers
// in the expectations refer to this text after the edit.
const base = `id: demo
version: "1"
name: Demo
retake:
  failure_waits: [P14D]
exams:
  - code: AAA-C01
    line: AAA
    name: Demo exam
    level: associate
    price: {amount: 150, currency: USD}
    score: {min: 100, max: 1000, passing: 720}
  - code: BBB-C01
    line: BBB
    name: Other exam
    level: associate
    price: {amount: "99.50", currency: USD}
    score: {min: 100, max: 1000, passing: 720}
    first_test_date: 2025-01-01
certifications:
  - id: demo-associate
    name: Demo Associate
    line: AAA
    validity: P3Y
    renewal: {anchor: reset, paths: [{line: AAA}, {line: BBB}]}
`

func TestBaseIsValid(t *testing.T) {
	p, err := Parse("demo.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := p.Exam("BBB-C01"); b.Price.Minor != 9950 {
		t.Errorf("amount \"99.50\" read as %d minor units", b.Price.Minor)
	}
	if p.Appointments.MaxReschedules != -1 {
		t.Errorf("omitted max_reschedules read as %d, want -1 (unlimited)", p.Appointments.MaxReschedules)
	}
}

// TestErrors asserts the exact position and field of each kind of mistake.
// want is the first error line; more, when set, must all appear too.
func TestErrors(t *testing.T) {
	cases := []struct {
		name      string
		old, new  string // edit of base; old "" appends new
		want      string
		wantCount int // 0: any
	}{
		{name: "yaml syntax", old: "    line: AAA\n", new: "    line: [AAA\n",
			want: "demo.yaml:8:5: YAML syntax: did not find expected ',' or ']'"},
		{name: "unknown top-level field", old: "", new: "colour: blue\n",
			want: `demo.yaml:26:1: colour: unknown field "colour"`, wantCount: 1},
		{name: "unknown nested field", old: "currency: USD}\n    score", new: "currency: USD, tax: 0}\n    score",
			want: `demo.yaml:11:41: exams[0].price.tax: unknown field "tax"`, wantCount: 1},
		{name: "wrong type", old: "    level: associate\n    price: {amount: 150", new: "    level: associate\n    duration_minutes: ninety\n    price: {amount: 150",
			want: "demo.yaml:11:23: exams[0].duration_minutes: must be an integer, not a string", wantCount: 1},
		{name: "number for a string", old: `version: "1"`, new: "version: 1.5",
			want: "demo.yaml:2:10: version: must be a string, not a number (quote it)", wantCount: 1},
		{name: "missing required field", old: "    name: Demo exam\n", new: "",
			want: "demo.yaml:7:5: exams[0].name: is required", wantCount: 1},
		{name: "missing validity", old: "    validity: P3Y\n", new: "",
			want: "demo.yaml:21:5: certifications[0].validity: is required", wantCount: 1},
		{name: "renewal path to unknown line", old: "{line: BBB}", new: "{line: ZZZ}",
			want: `demo.yaml:25:58: certifications[0].renewal.paths[1].line: renewal path names line "ZZZ", which no exam has`, wantCount: 1},
		{name: "negative wait", old: "[P14D]", new: "[-P14D]",
			want: `demo.yaml:5:19: retake.failure_waits[0]: span "-P14D" is not ISO 8601: write it like P14D, P2Y, P6M or PT24H`, wantCount: 1},
		{name: "wait in words", old: "[P14D]", new: "[P14D, 14 days]",
			want: `demo.yaml:5:25: retake.failure_waits[1]: span "14 days" is not ISO 8601: write it like P14D, P2Y, P6M or PT24H`, wantCount: 1},
		{name: "per-exam negative wait", old: "    first_test_date: 2025-01-01\n", new: "    first_test_date: 2025-01-01\n    retake: {failure_waits: [P1D, -P14D]}\n",
			want: `demo.yaml:20:35: exams[1].retake.failure_waits[1]: span "-P14D" is not ISO 8601: write it like P14D, P2Y, P6M or PT24H`, wantCount: 1},
		{name: "span mixing days and hours", old: "[P14D]", new: "[P1DT2H]",
			want: "demo.yaml:5:19: retake.failure_waits[0]: span P1DT2H mixes calendar days and hours; use one or the other", wantCount: 1},
		{name: "duplicate exam code", old: "code: BBB-C01", new: "code: AAA-C01",
			want: "demo.yaml:13:11: exams[1].code: AAA-C01 is already defined by exams[0] (line 7)", wantCount: 1},
		{name: "last date before first", old: "    first_test_date: 2025-01-01\n", new: "    first_test_date: 2025-01-01\n    last_test_date: 2024-12-31\n",
			want: "demo.yaml:20:21: exams[1].last_test_date: 2024-12-31 is before the first test date 2025-01-01", wantCount: 1},
		{name: "date that does not exist", old: "2025-01-01", new: "2025-02-30",
			want: "demo.yaml:19:22: exams[1].first_test_date: date 2025-02-30 does not exist", wantCount: 1},
		{name: "date in another form", old: "2025-01-01", new: "2025-1-1",
			want: `demo.yaml:19:22: exams[1].first_test_date: date "2025-1-1" must be written YYYY-MM-DD`, wantCount: 1},
		{name: "domains not adding to 100", old: "    level: associate\n    price: {amount: 150", new: "    level: associate\n    domains: [{name: A, weight: 60}, {name: B, weight: 30}]\n    price: {amount: 150",
			want: "demo.yaml:11:14: exams[0].domains: weights add up to 90, not 100", wantCount: 1},
		{name: "amount with three decimals", old: `"99.50"`, new: "99.505",
			want: "demo.yaml:17:21: exams[1].price.amount: has more than two decimals", wantCount: 1},
		{name: "repeated key", old: "    name: Demo exam\n", new: "    name: Demo exam\n    name: Again\n",
			want: `demo.yaml:10:5: exams[0].name: field "name" is repeated (first at line 9)`, wantCount: 1},
		{name: "bad enum", old: "anchor: reset", new: "anchor: later",
			want: `demo.yaml:25:23: certifications[0].renewal.anchor: "later" is not one of: reset, extend`, wantCount: 1},
		{name: "two documents", old: "", new: "---\nid: other\n",
			want: "demo.yaml:26:1: a definition is one YAML document; another one starts here", wantCount: 1},
		{name: "not a mapping", old: base, new: "- just\n- a list\n",
			want: "demo.yaml:1:1: must be an object, not an array", wantCount: 1},
		{name: "empty", old: base, new: "# nothing\n",
			want: "demo.yaml:1:1: the definition is empty", wantCount: 1},
		{name: "control character", old: "name: Demo\n", new: "name: De\x01mo\n",
			want: "demo.yaml:3:9: YAML syntax: control characters are not allowed", wantCount: 1},
		// The library names the end of the stream when the "[" is on line 1.
		{name: "unclosed at the end", old: base, new: "[a, b\n",
			want: "demo.yaml:2:1: YAML syntax: did not find expected ',' or ']'", wantCount: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := base + c.new
			if c.old != "" {
				if !strings.Contains(base, c.old) {
					t.Fatalf("base has no %q", c.old)
				}
				src = strings.Replace(base, c.old, c.new, 1)
			}
			_, err := Parse("demo.yaml", []byte(src))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("want Errors, got %v", err)
			}
			if got := errs[0].Error(); got != c.want {
				t.Errorf("got  %s\nwant %s\nall:\n%v", got, c.want, err)
			}
			if c.wantCount > 0 && len(errs) != c.wantCount {
				t.Errorf("%d errors, want %d:\n%v", len(errs), c.wantCount, err)
			}
		})
	}
}

// TestManyErrors checks the cap: a file with hundreds of mistakes reports
// the first MaxErrors by position and says how many more there are.
func TestManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(base)
	for i := range 150 {
		fmt.Fprintf(&b, "extra_%03d: 1\n", i)
	}
	_, err := Parse("demo.yaml", []byte(b.String()))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	if len(errs) != MaxErrors+1 {
		t.Fatalf("%d errors, want %d", len(errs), MaxErrors+1)
	}
	if got := errs[MaxErrors].Message; got != "50 more errors not shown" {
		t.Errorf("last error %q", got)
	}
	if got := errs[0].Error(); got != `demo.yaml:26:1: extra_000: unknown field "extra_000"` {
		t.Errorf("first error %s", got)
	}
}
