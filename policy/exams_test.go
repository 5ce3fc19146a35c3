package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/recert/recert/policy"
)

// E2: a version is sat only between its first and last test dates, which
// are dates in the candidate's zone (T2).
func TestE2TestDates(t *testing.T) {
	runSlotCases(t, []slotCase{
		{name: "retired version", at: "2025-09-20T00:00:00Z",
			ask: book("SOA-C02", "2025-10-01T15:00:00Z"), reasons: codeList(unavailable), earliest: "2025-09-20"},
		{name: "last test date", at: "2025-09-20T00:00:00Z", ask: book("SOA-C02", "2025-09-29T23:59:00Z")},
		{name: "last test date in the candidate's zone", tz: "America/New_York", at: "2025-09-20T00:00:00Z",
			ask: book("SOA-C02", "2025-09-30T02:00:00Z")},
		{name: "the day after in UTC", at: "2025-09-20T00:00:00Z",
			ask: book("SOA-C02", "2025-09-30T02:00:00Z"), reasons: codeList(unavailable), earliest: "2025-09-20"},
		{name: "not yet offered", at: "2026-02-01T00:00:00Z",
			ask: book("AIP-C01", "2026-03-20T15:00:00Z"), reasons: codeList(unavailable), earliest: "2026-04-01"},
		{name: "first test date", at: "2026-02-01T00:00:00Z", ask: book("AIP-C01", "2026-04-01T00:00:00Z")},
		{name: "first test date in the candidate's zone", tz: "Pacific/Kiritimati", at: "2025-09-01T00:00:00Z",
			ask: book("SOA-C03", "2025-09-29T11:00:00Z")},
		{name: "the day before in UTC", at: "2025-09-01T00:00:00Z",
			ask: book("SOA-C03", "2025-09-29T11:00:00Z"), reasons: codeList(unavailable), earliest: "2025-09-30"},
		{name: "retired for good", at: "2026-05-01T00:00:00Z",
			ask: book("MLS-C01", "2026-06-01T15:00:00Z"), reasons: codeList(unavailable), earliest: "none"},
		{name: "retake wait runs past the last test date", at: "2026-03-26T00:00:00Z",
			history: evs{result("MLS-C01", "2026-03-25T15:00:00Z", 500)},
			ask:     book("MLS-C01", "2026-03-30T15:00:00Z"), reasons: codeList(retakeWait), earliest: "none"},
		{name: "reschedule to an unavailable date", at: "2025-09-10T00:00:00Z",
			history: evs{booked("a1", "SOA-C02", "2025-09-25T15:00:00Z", "2025-09-01T00:00:00Z")},
			ask:     reschedule("a1", "2025-10-02T15:00:00Z"), reasons: codeList(unavailable), earliest: "2025-09-10"},
		{name: "successor opens the day after", at: "2025-09-10T00:00:00Z", ask: book("SOA-C03", "2025-09-30T00:00:00Z")},
	})
}

// E3: scores are scaled 100-1000; a sitting passes at or above the exam's
// passing score (700 foundational, 720 associate, 750 professional and
// specialty).
func TestE3PassingScore(t *testing.T) {
	p := aws()
	h, err := p.NewHistory(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := ts("2026-04-05T00:00:00Z")
	cases := []struct {
		exam   string
		score  int
		passed bool
		bad    policy.Code
	}{
		{"CLF-C02", 699, false, ""}, {"CLF-C02", 700, true, ""},
		{"AIF-C01", 699, false, ""}, {"AIF-C01", 700, true, ""},
		{"SAA-C03", 719, false, ""}, {"SAA-C03", 720, true, ""},
		{"DVA-C02", 719, false, ""}, {"SOA-C03", 720, true, ""}, {"DEA-C01", 719, false, ""},
		{"MLA-C01", 719, false, ""}, {"MLA-C01", 720, true, ""},
		{"SAP-C02", 749, false, ""}, {"SAP-C02", 750, true, ""},
		{"DOP-C02", 749, false, ""}, {"AIP-C01", 750, true, ""},
		{"ANS-C01", 749, false, ""}, {"ANS-C01", 750, true, ""},
		{"SCS-C03", 749, false, ""}, {"MLS-C01", 750, true, ""},
		{"AIF-C01", 100, false, ""}, {"AIF-C01", 1000, true, ""},
		{"AIF-C01", 99, false, policy.InvalidScore}, {"AIF-C01", 1001, false, policy.InvalidScore},
		{"XYZ-C01", 800, false, policy.UnknownExam},
	}
	for _, c := range cases {
		d := p.Decide(h, at, policy.Ask{Action: policy.Score, Exam: c.exam, Score: c.score})
		want := []policy.Code{}
		if c.bad != "" {
			want = []policy.Code{c.bad}
		}
		if d.Passed != c.passed || !equalCodes(codes(d), want) {
			t.Errorf("%s %d: passed %v reasons %v, want %v %v", c.exam, c.score, d.Passed, codes(d), c.passed, want)
		}
	}
	// The same line decides a sitting in a history (V1 earns on a pass).
	runCertCases(t, []certCase{
		{name: "699 earns nothing", history: evs{result("CLF-C02", "2024-02-29T10:00:00Z", 699)},
			at: "2025-01-01T00:00:00Z", cert: "cloud-practitioner", state: policy.StateNone},
		{name: "700 earns", history: evs{result("CLF-C02", "2024-03-01T10:00:00Z", 700)},
			at: "2025-01-01T00:00:00Z", cert: "cloud-practitioner", state: policy.StateActive, expires: "2027-03-01"},
		{name: "749 earns no specialty", history: evs{result("ANS-C01", "2024-03-01T10:00:00Z", 749)},
			at: "2025-01-01T00:00:00Z", cert: "advanced-networking-specialty", state: policy.StateNone},
	})
	// Compensatory: per-domain results are never required, so an exam with
	// domains (AIF-C01) passes on the scaled score alone.
	aif, _ := p.Exam("AIF-C01")
	if len(aif.Domains) != 5 || !aif.Passes(700) || aif.Passes(699) {
		t.Errorf("AIF-C01: %d domains, Passes(700)=%v Passes(699)=%v", len(aif.Domains), aif.Passes(700), aif.Passes(699))
	}
	// Scores off the scale are refused when a history is loaded.
	if _, err := p.NewHistory(nil, evs{result("AIF-C01", "2026-03-01T10:00:00Z", 1001)}); err == nil {
		t.Error("a score of 1001 was accepted")
	}
	if _, err := p.NewHistory(nil, evs{result("AIF-C01", "2026-03-01T10:00:00Z", 99)}); err == nil {
		t.Error("a score of 99 was accepted")
	}
}

func equalCodes(a, b []policy.Code) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// E5: a raw score taken on a form becomes a scaled score by the form's
// conversion table (Exam.Scale), interpolated linearly between points and
// rounded half up; the passing standard carries across forms by equating.
// Compile refuses a malformed table.
func TestE5FormConversion(t *testing.T) {
	aif, ok := aws().Exam("AIF-C01")
	if !ok || len(aif.Forms) != 1 {
		t.Fatalf("AIF-C01 forms: %+v", aif)
	}
	want := []policy.ScorePoint{pt(0, 100), pt(35, 700), pt(50, 1000)}
	if f := aif.Forms[0]; f.ID != "illustrative" || len(f.Points) != 3 || f.Points[0] != want[0] || f.Points[1] != want[1] || f.Points[2] != want[2] {
		t.Errorf("AIF-C01 form %+v, want illustrative %v", f, want)
	}
	// The reference program's illustrative table: 35 of 50 is the 700 line.
	for _, c := range []struct{ raw, scaled int }{
		{0, 100}, {1, 117}, {17, 391}, {34, 683}, {35, 700}, {36, 720}, {49, 980}, {50, 1000},
	} {
		got, err := aif.Scale("illustrative", c.raw)
		if err != nil || got != c.scaled {
			t.Errorf("AIF-C01 raw %d: scaled %d, %v; want %d", c.raw, got, err, c.scaled)
		}
		if err == nil && aif.Passes(got) != (c.raw >= 35) {
			t.Errorf("AIF-C01 raw %d (scaled %d): passes %v", c.raw, got, aif.Passes(got))
		}
	}
	for _, raw := range []int{-1, 51} {
		if got, err := aif.Scale("illustrative", raw); err == nil {
			t.Errorf("AIF-C01 raw %d: scaled %d, want an error", raw, got)
		}
	}
	if got, err := aif.Scale("no-such-form", 35); err == nil {
		t.Errorf("unknown form: scaled %d, want an error", got)
	}
	// Equating: two forms with different raw lines both scale to 700 there;
	// halves round up.
	e := policy.Exam{Code: "X-01", ScoreMin: 100, ScoreMax: 1000, PassingScore: 700, Forms: []policy.Form{
		{ID: "easy", Points: []policy.ScorePoint{pt(0, 100), pt(40, 700), pt(50, 1000)}},
		{ID: "hard", Points: []policy.ScorePoint{pt(0, 100), pt(30, 700), pt(50, 1000)}},
		{ID: "half", Points: []policy.ScorePoint{pt(0, 100), pt(2, 101), pt(4, 103)}},
	}}
	for _, c := range []struct {
		form        string
		raw, scaled int
	}{
		{"easy", 40, 700}, {"easy", 39, 685}, {"hard", 30, 700}, {"hard", 29, 680}, {"hard", 31, 715},
		{"half", 1, 101}, {"half", 3, 102},
	} {
		if got, err := e.Scale(c.form, c.raw); err != nil || got != c.scaled {
			t.Errorf("form %s raw %d: scaled %d, %v; want %d", c.form, c.raw, got, err, c.scaled)
		}
	}
	cases := []struct {
		name   string
		points []policy.ScorePoint
		errAt  string // "" when the table is valid
	}{
		{"valid", want, ""},
		{"flat scaled part is fine", []policy.ScorePoint{pt(0, 100), pt(10, 100), pt(50, 1000)}, ""},
		{"one point", []policy.ScorePoint{pt(0, 100)}, "/exams/0/forms/0/table"},
		{"scaled above the scale", []policy.ScorePoint{pt(0, 100), pt(50, 1001)}, "/exams/0/forms/0/table/1"},
		{"scaled below the scale", []policy.ScorePoint{pt(0, 99), pt(50, 1000)}, "/exams/0/forms/0/table/0"},
		{"raw above the scored questions", []policy.ScorePoint{pt(0, 100), pt(51, 1000)}, "/exams/0/forms/0/table/1"},
		{"raw negative", []policy.ScorePoint{pt(-1, 100), pt(50, 1000)}, "/exams/0/forms/0/table/0"},
		{"raw not increasing", []policy.ScorePoint{pt(0, 100), pt(20, 500), pt(20, 600)}, "/exams/0/forms/0/table/2"},
		{"scaled falling", []policy.ScorePoint{pt(0, 100), pt(20, 600), pt(30, 500)}, "/exams/0/forms/0/table/2"},
	}
	for _, c := range cases {
		p := miniProgram()
		p.Exams[0].Forms = []policy.Form{{ID: "f", Points: c.points}}
		err := p.Compile()
		if c.errAt == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var de policy.DefinitionErrors
		if !errors.As(err, &de) || len(de) != 1 || de[0].Path != c.errAt {
			t.Errorf("%s: error %v, want one at %s", c.name, err, c.errAt)
		}
	}
}

func pt(raw, scaled int) policy.ScorePoint { return policy.ScorePoint{Raw: raw, Scaled: scaled} }

// miniProgram is a one-exam program in the reference program's shape, for
// the checks Compile makes.
func miniProgram() *policy.Program {
	return &policy.Program{
		ID: "mini", Version: "1",
		Exams: []policy.Exam{{Code: "X-01", Line: "X", ScoreMin: 100, ScoreMax: 1000, PassingScore: 700,
			ScoredQuestions: 50, FirstDate: policy.OpenStart, LastDate: policy.NoDate}},
		Certifications: []policy.Certification{{ID: "x", Line: "X", Validity: policy.Span{Years: 3}}},
		Retake: policy.RetakePolicy{FailureWaits: []policy.Span{{Days: 14}},
			Lockout: policy.Lockout{Kind: policy.LockoutSpan, Span: policy.Span{Years: 2}}},
		Appointments: policy.AppointmentPolicy{ChangeWindow: policy.Span{Minutes: 24 * 60}, MaxReschedules: 2,
			NoShowWait: policy.Span{Minutes: 24 * 60}, OnePerExam: true},
	}
}

// errorPaths lists the paths of a Compile error.
func errorPaths(err error) string {
	var de policy.DefinitionErrors
	if !errors.As(err, &de) {
		if err == nil {
			return ""
		}
		return "not DefinitionErrors: " + err.Error()
	}
	var ps []string
	for _, fe := range de {
		ps = append(ps, fe.Path)
	}
	return strings.Join(ps, " ")
}
