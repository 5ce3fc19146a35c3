package web

import "strings"

// diffOp is how a line of a comparison changed.
type diffOp byte

const (
	same    diffOp = ' '
	added   diffOp = '+'
	removed diffOp = '-'
)

// diffLine is one line of a line diff: its number in the old and the new
// text (0 where it has none) and how it changed.
type diffLine struct {
	Op         diffOp
	Old, New   int
	Text       string
	Marker     string // "+", "−" or " ": the change told in text, not by colour
	ChangeWord string // "added", "removed" or "unchanged", for screen readers
}

// maxDiffCells bounds the LCS table: two definitions of a few thousand
// changed lines each are compared as a block removed and a block added
// rather than with a table of tens of millions of cells.
const maxDiffCells = 4_000_000

// lineDiff is the line diff of a and b by longest common subsequence,
// after trimming the common head and tail (which is most of a definition
// between two versions).
func lineDiff(a, b string) []diffLine {
	x, y := splitLines(a), splitLines(b)
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []diffLine
	for i := 0; i < head; i++ {
		out = append(out, line(same, i+1, i+1, x[i]))
	}
	mx, my := x[head:len(x)-tail], y[head:len(y)-tail]
	out = append(out, middleDiff(mx, my, head)...)
	for i := 0; i < tail; i++ {
		ox, oy := len(x)-tail+i, len(y)-tail+i
		out = append(out, line(same, ox+1, oy+1, x[ox]))
	}
	return out
}

// middleDiff diffs the changed middle; off is the lines before it.
func middleDiff(x, y []string, off int) []diffLine {
	var out []diffLine
	if len(x)*len(y) > maxDiffCells {
		for i, l := range x {
			out = append(out, line(removed, off+i+1, 0, l))
		}
		for j, l := range y {
			out = append(out, line(added, 0, off+j+1, l))
		}
		return out
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	w := len(y) + 1
	lcs := make([]int32, (len(x)+1)*w)
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out = append(out, line(same, off+i+1, off+j+1, x[i]))
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			// Removals first, as diff(1) shows a changed line.
			out = append(out, line(removed, off+i+1, 0, x[i]))
			i++
		default:
			out = append(out, line(added, 0, off+j+1, y[j]))
			j++
		}
	}
	return out
}

func line(op diffOp, o, n int, text string) diffLine {
	d := diffLine{Op: op, Old: o, New: n, Text: text}
	switch op {
	case added:
		d.Marker, d.ChangeWord = "+", "added"
	case removed:
		d.Marker, d.ChangeWord = "−", "removed"
	default:
		d.Marker, d.ChangeWord = " ", "unchanged"
	}
	return d
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
