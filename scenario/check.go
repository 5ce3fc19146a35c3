package scenario

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/recert/recert/policy"
)

// Result counts what a recert test run found.
type Result struct {
	Passed, Failed int
	// UnknownExams are the exam codes failing lines name that the program
	// does not know, in the order met: most often a scenario file written
	// for another program, which the caller can say how to name.
	UnknownExams []string
}

// noteUnknownExams adds the exams s names that p does not know.
func (r *Result) noteUnknownExams(p *policy.Program, s *Scenario) {
	codes := []string{s.Ask.Exam}
	for _, ev := range s.Events {
		codes = append(codes, ev.Exam)
	}
	for _, c := range codes {
		if _, ok := p.Exam(c); c != "" && !ok && !slices.Contains(r.UnknownExams, c) {
			r.UnknownExams = append(r.UnknownExams, c)
		}
	}
}

// Check runs every scenario in r and compares each answer with the line's
// expect object, key by key: a key the expectation leaves out is not
// compared. Each difference is written to w with the file, line and id.
// A line without expect is a failure, since it checks nothing.
func Check(p *policy.Program, name string, r io.Reader, w io.Writer) (Result, error) {
	var res Result
	dc := NewDecider(p, false)
	br := bufio.NewReaderSize(r, 1<<20)
	var out []byte
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err != nil && (len(line) == 0 || !errors.Is(err, io.EOF)) {
			if errors.Is(err, io.EOF) {
				return res, nil
			}
			return res, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		var s *Scenario
		out, s, _ = dc.Decide(out[:0], line, n)
		where := fmt.Sprintf("%s:%d", name, n)
		if len(s.ID) > 0 && string(s.ID) != "null" {
			where += " (" + string(s.ID) + ")"
		}
		if len(s.Expect) == 0 {
			res.Failed++
			fmt.Fprintf(w, "%s: no expect object to compare with\n", where)
			continue
		}
		if diffs := compare(s.Expect, out); len(diffs) > 0 {
			res.Failed++
			res.noteUnknownExams(p, s)
			for _, d := range diffs {
				fmt.Fprintf(w, "%s: %s\n", where, d)
			}
			continue
		}
		res.Passed++
	}
}

// compare lists how an answer differs from an expectation. For an error
// answer only the code is compared: messages are for people.
func compare(expect, answer []byte) []string {
	var want map[string]any
	if err := json.Unmarshal(expect, &want); err != nil {
		return []string{"expect is not a JSON object: " + err.Error()}
	}
	var got map[string]any
	if err := json.Unmarshal(answer, &got); err != nil {
		return []string{"answer is not JSON: " + err.Error()}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var diffs []string
	for _, k := range keys {
		w, g := want[k], got[k]
		if k == "error" {
			wm, _ := w.(map[string]any)
			gm, _ := g.(map[string]any)
			if gm == nil || wm == nil || !reflect.DeepEqual(wm["code"], gm["code"]) {
				diffs = append(diffs, fmt.Sprintf("error: want %s, got %s", js(w), js(g)))
			}
			continue
		}
		if _, ok := got[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: want %s, got nothing (answer %s)", k, js(w), strings.TrimSpace(string(answer))))
			continue
		}
		if !reflect.DeepEqual(w, g) {
			diffs = append(diffs, fmt.Sprintf("%s: want %s, got %s", k, js(w), js(g)))
		}
	}
	if len(diffs) > 0 {
		if e, ok := got["error"].(map[string]any); ok {
			diffs = append(diffs, fmt.Sprintf("the answer was an error: %v", e["message"]))
		}
	}
	return diffs
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
