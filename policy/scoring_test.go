package policy_test

import (
	"strings"
	"testing"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// TestExamScale checks E5: a raw score on a form becomes a scaled score by
// the form's table, interpolated between points and rounded half up.
func TestExamScale(t *testing.T) {
	e := &policy.Exam{Code: "X-01", ScoreMin: 100, ScoreMax: 1000, PassingScore: 700, ScoredQuestions: 50,
		Forms: []policy.Form{
			{ID: "A", Points: []policy.ScorePoint{{Raw: 0, Scaled: 100}, {Raw: 35, Scaled: 700}, {Raw: 50, Scaled: 1000}}},
			{ID: "B", Points: []policy.ScorePoint{{Raw: 0, Scaled: 100}, {Raw: 33, Scaled: 700}, {Raw: 50, Scaled: 1000}}},
		}}
	for _, c := range []struct {
		form string
		raw  int
		want int
	}{
		{"A", 0, 100}, {"A", 35, 700}, {"A", 50, 1000},
		{"A", 34, 683}, // 100 + 34*600/35 = 682.86 -> 683
		{"A", 36, 720}, // 700 + 1*300/15
		{"B", 33, 700}, // the harder form B passes at a lower raw score: equating
		{"B", 34, 718}, // 700 + 300/17 = 717.6 -> 718
		{"A", 1, 117},  // 100 + 600/35 = 117.1 -> 117
	} {
		got, err := e.Scale(c.form, c.raw)
		if err != nil || got != c.want {
			t.Errorf("Scale(%s, %d) = %d, %v; want %d", c.form, c.raw, got, err, c.want)
		}
	}
	for _, c := range []struct {
		form string
		raw  int
		msg  string
	}{{"C", 10, `no form "C"`}, {"A", 51, "outside"}, {"A", -1, "outside"}} {
		if _, err := e.Scale(c.form, c.raw); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Scale(%s, %d) error = %v; want it to say %q", c.form, c.raw, err, c.msg)
		}
	}
}

// TestScoreReport checks E3 and E4: the pass depends on the overall score
// alone (compensatory) and weak domains are listed for the candidate.
func TestScoreReport(t *testing.T) {
	e, ok := definition.AWS().Exam("AIF-C01")
	if !ok {
		t.Fatal("AIF-C01 missing")
	}
	if len(e.Domains) != 5 {
		t.Fatalf("AIF-C01 has %d domains, E4 lists 5", len(e.Domains))
	}
	r, err := e.Report(705, []policy.DomainResult{{Domain: "Fundamentals of AI and ML", Meets: false}, {Domain: "Guidelines for Responsible AI", Meets: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed || len(r.WeakDomains) != 1 || r.WeakDomains[0] != "Fundamentals of AI and ML" {
		t.Errorf("a 705 with one weak domain passes and lists it: %+v", r)
	}
	r, _ = e.Report(690, []policy.DomainResult{{Domain: "Fundamentals of AI and ML", Meets: true}})
	if r.Passed {
		t.Errorf("690 is below AIF-C01's 700 even when every domain meets the standard")
	}
	if _, err := e.Report(705, []policy.DomainResult{{Domain: "Astrology"}}); err == nil {
		t.Error("an unknown domain must be refused")
	}
	if _, err := e.Report(99, nil); err == nil {
		t.Error("a score below the scale must be refused")
	}
	// The illustrative form in aws.yaml maps its passing raw score to 700.
	if s, err := e.Scale("illustrative", 35); err != nil || s != 700 {
		t.Errorf("AIF-C01 illustrative form: raw 35 -> %d, %v; want 700", s, err)
	}
}
