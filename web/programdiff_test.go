package web

import (
	"strconv"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       string // one "marker old new text" per line
	}{
		{"same", "a\nb\n", "a\nb\n", "  1 1 a|  2 2 b"},
		{"added at end", "a\n", "a\nb\n", "  1 1 a|+ 0 2 b"},
		{"removed in middle", "a\nb\nc\n", "a\nc\n", "  1 1 a|− 2 0 b|  3 2 c"},
		{"changed line", "a\nb\nc", "a\nB\nc", "  1 1 a|− 2 0 b|+ 0 2 B|  3 3 c"},
		{"from nothing", "", "x\ny", "+ 0 1 x|+ 0 2 y"},
		{"to nothing", "x", "", "− 1 0 x"},
		{"moved", "a\nb\nc\nd", "c\nd\na\nb", "− 1 0 a|− 2 0 b|  3 1 c|  4 2 d|+ 0 3 a|+ 0 4 b"},
		{"crlf is not a change", "a\r\nb\r\n", "a\nb", "  1 1 a|  2 2 b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range lineDiff(tc.a, tc.b) {
				got = append(got, strings.TrimRight(l.Marker+" "+strconv.Itoa(l.Old)+" "+strconv.Itoa(l.New)+" "+l.Text, " "))
			}
			want := strings.Split(tc.want, "|")
			for i := range want {
				want[i] = strings.TrimRight(want[i], " ")
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("diff:\n got  %q\n want %q", got, want)
			}
		})
	}
}

func TestLineDiffTooLargeIsBlocks(t *testing.T) {
	a := strings.Repeat("a\n", 2100)
	b := strings.Repeat("b\n", 2100)
	d := lineDiff(a, b)
	if len(d) != 4200 || d[0].Op != removed || d[2100].Op != added {
		t.Fatalf("%d lines, first %c, middle %c", len(d), d[0].Op, d[2100].Op)
	}
}
