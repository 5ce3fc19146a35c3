package policy

import (
	"fmt"
	"sort"
	"strings"
)

// FieldError is a problem with one field of a program definition. Path is a
// JSON pointer into the definition (/certifications/2/renewal_paths/0/line)
// so that a loader can turn it into a file, line and column.
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// DefinitionErrors is every problem found in one definition, in path order.
type DefinitionErrors []*FieldError

func (e DefinitionErrors) Error() string {
	msgs := make([]string, len(e))
	for i, fe := range e {
		msgs[i] = fe.Error()
	}
	return strings.Join(msgs, "\n")
}

// Compile checks what a schema cannot (references between exams and
// certifications, version order, score ranges) and builds the indexes the
// engine uses. It reports every problem, not only the first.
func (p *Program) Compile() error {
	var errs DefinitionErrors
	bad := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if p.ID == "" {
		bad("/id", "is required")
	}
	if p.Version == "" {
		bad("/version", "is required")
	}
	p.label = p.ID + "@" + p.Version
	p.examIndex = make(map[string]int, len(p.Exams))
	p.lineExams = make(map[string][]int)
	for i := range p.Exams {
		e := &p.Exams[i]
		at := fmt.Sprintf("/exams/%d", i)
		if e.Code == "" {
			bad(at+"/code", "is required")
		} else if j, dup := p.examIndex[e.Code]; dup {
			bad(at+"/code", "%s is already defined by /exams/%d", e.Code, j)
		}
		p.examIndex[e.Code] = i
		if e.Line == "" {
			bad(at+"/line", "is required")
		}
		p.lineExams[e.Line] = append(p.lineExams[e.Line], i)
		if e.Kind == "" {
			e.Kind = KindExam
		}
		if e.ScoreMax <= e.ScoreMin {
			bad(at+"/score/max", "must be above the minimum %d", e.ScoreMin)
		}
		if e.PassingScore < e.ScoreMin || e.PassingScore > e.ScoreMax {
			bad(at+"/score/passing", "%d is outside the scale %d-%d", e.PassingScore, e.ScoreMin, e.ScoreMax)
		}
		if e.FirstDate != OpenStart && e.LastDate != NoDate && e.LastDate < e.FirstDate {
			bad(at+"/last_test_date", "%s is before the first test date %s", e.LastDate, e.FirstDate)
		}
		var sum float64
		for k, d := range e.Domains {
			if d.Weight <= 0 || d.Weight > 100 {
				bad(fmt.Sprintf("%s/domains/%d/weight", at, k), "must be above 0 and at most 100")
			}
			sum += d.Weight
		}
		if len(e.Domains) > 0 && (sum < 99.5 || sum > 100.5) {
			bad(at+"/domains", "weights add up to %g, not 100", sum)
		}
		for k, f := range e.Forms {
			checkForm(fmt.Sprintf("%s/forms/%d", at, k), f, e, bad)
		}
		if e.Retake != nil {
			checkRetake(at+"/retake", e.Retake, bad)
		}
	}
	// Versions of a line are ordered by first test date (E1); the order in
	// the file breaks ties, so older versions are listed first.
	for _, idx := range p.lineExams {
		sort.SliceStable(idx, func(a, b int) bool { return p.Exams[idx[a]].FirstDate < p.Exams[idx[b]].FirstDate })
	}
	p.certIndex = make(map[string]int, len(p.Certifications))
	p.lineCert = make(map[string]int)
	for i := range p.Certifications {
		c := &p.Certifications[i]
		at := fmt.Sprintf("/certifications/%d", i)
		if c.ID == "" {
			bad(at+"/id", "is required")
		} else if j, dup := p.certIndex[c.ID]; dup {
			bad(at+"/id", "%s is already defined by /certifications/%d", c.ID, j)
		}
		p.certIndex[c.ID] = i
		if _, ok := p.lineExams[c.Line]; !ok {
			bad(at+"/line", "no exam has line %q", c.Line)
		} else if j, dup := p.lineCert[c.Line]; dup {
			bad(at+"/line", "line %s already earns /certifications/%d", c.Line, j)
		} else {
			p.lineCert[c.Line] = i
		}
		if c.Anchor == "" {
			c.Anchor = AnchorReset
		}
		if c.Anchor != AnchorReset && c.Anchor != AnchorExtend {
			bad(at+"/renewal/anchor", "must be reset or extend, not %q", c.Anchor)
		}
		if c.Validity.Exact() {
			bad(at+"/validity", "must be counted in years, months or days")
		}
		if len(c.Paths) == 0 {
			// The default path is the certification's own line, already
			// checked above: it is not in the file to be reported again.
			c.Paths = []RenewalPath{{Line: c.Line, LatestOnly: true}}
		} else {
			for k, path := range c.Paths {
				if _, ok := p.lineExams[path.Line]; !ok {
					bad(fmt.Sprintf("%s/renewal/paths/%d/line", at, k), "renewal path names line %q, which no exam has", path.Line)
				}
			}
		}
		for k, r := range c.Reminders {
			if r < 0 {
				bad(fmt.Sprintf("%s/reminders/%d", at, k), "days before expiry cannot be negative")
			}
		}
	}
	p.examLine = make([]int32, len(p.Exams))
	p.examCert = make([]int32, len(p.Exams))
	lineNo := make(map[string]int32, len(p.lineExams))
	for i := range p.Exams {
		n, ok := lineNo[p.Exams[i].Line]
		if !ok {
			n = int32(len(lineNo))
			lineNo[p.Exams[i].Line] = n
		}
		p.examLine[i] = n
		p.examCert[i] = -1
		if ci, ok := p.lineCert[p.Exams[i].Line]; ok {
			p.examCert[i] = int32(ci)
		}
	}
	checkNotifications(&p.Notifications, bad)
	checkRetake("/retake", &p.Retake, bad)
	if p.Appointments.ChangeWindow.Exact() == false && !p.Appointments.ChangeWindow.IsZero() {
		bad("/appointments/change_window", "must be in hours (PT24H): it is an exact duration (T4)")
	}
	if p.Appointments.NoShowWait.Exact() == false && !p.Appointments.NoShowWait.IsZero() {
		bad("/appointments/no_show_wait", "must be in hours (PT24H): it is an exact duration (T4)")
	}
	checkCalendar(&p.Appointments, p.Exams, bad)
	if p.Vouchers.DiscountPercent < 0 || p.Vouchers.DiscountPercent > 100 {
		bad("/vouchers/discount_percent", "must be from 0 to 100")
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(a, b int) bool { return errs[a].Path < errs[b].Path })
		return errs
	}
	return nil
}

func checkRetake(at string, r *RetakePolicy, bad func(string, string, ...any)) {
	if r.MaxAttempts < 0 {
		bad(at+"/max_attempts", "cannot be negative")
	}
	if r.MaxAttempts > 0 && r.AttemptWindow.IsZero() {
		bad(at+"/attempt_window", "is required with max_attempts")
	}
	switch r.Lockout.Kind {
	case "":
		r.Lockout.Kind = LockoutNone
	case LockoutNone, LockoutUntilExpiry, LockoutUntilRenewal:
	case LockoutSpan:
		if r.Lockout.Span.IsZero() {
			bad(at+"/passed_lockout/span", "is required for a span lockout")
		}
	default:
		bad(at+"/passed_lockout/kind", "unknown lockout %q", r.Lockout.Kind)
	}
}

func checkForm(at string, f Form, e *Exam, bad func(string, string, ...any)) {
	if len(f.Points) < 2 {
		bad(at+"/table", "needs at least two points")
		return
	}
	for k, pt := range f.Points {
		where := fmt.Sprintf("%s/table/%d", at, k)
		if pt.Scaled < e.ScoreMin || pt.Scaled > e.ScoreMax {
			bad(where, "scaled score %d is outside the scale %d-%d", pt.Scaled, e.ScoreMin, e.ScoreMax)
		}
		if pt.Raw < 0 || (e.ScoredQuestions > 0 && pt.Raw > e.ScoredQuestions) {
			bad(where, "raw score %d is outside 0-%d", pt.Raw, e.ScoredQuestions)
		}
		if k > 0 && (pt.Raw <= f.Points[k-1].Raw || pt.Scaled < f.Points[k-1].Scaled) {
			bad(where, "raw scores must increase and scaled scores must not fall")
		}
	}
}

// Label is the program's id and version as every decision records them.
func (p *Program) Label() string { return p.label }

// Exam returns the exam with this series code.
func (p *Program) Exam(code string) (*Exam, bool) {
	i, ok := p.examIndex[code]
	if !ok {
		return nil, false
	}
	return &p.Exams[i], true
}

// Certification returns the certification with this id.
func (p *Program) Certification(id string) (*Certification, bool) {
	i, ok := p.certIndex[id]
	if !ok {
		return nil, false
	}
	return &p.Certifications[i], true
}

// CertificationFor returns the certification an exam's line earns.
func (p *Program) CertificationFor(line string) (*Certification, bool) {
	i, ok := p.lineCert[line]
	if !ok {
		return nil, false
	}
	return &p.Certifications[i], true
}

// Versions returns a line's exam versions, oldest first.
func (p *Program) Versions(line string) []*Exam {
	idx := p.lineExams[line]
	out := make([]*Exam, len(idx))
	for i, j := range idx {
		out[i] = &p.Exams[j]
	}
	return out
}

// RetakeFor returns the retake policy that applies to an exam.
func (p *Program) RetakeFor(e *Exam) *RetakePolicy {
	if e.Retake != nil {
		return e.Retake
	}
	return &p.Retake
}

// Rule returns the program's rule id for a reason code or rule kind, or ""
// when the program names none.
func (p *Program) Rule(kind string) string { return p.Rules[kind] }

// Offered reports whether the exam can be sat on date d (E2).
func (e *Exam) Offered(d Date) bool { return d >= e.FirstDate && d <= e.LastDate }

// Passes reports whether a scaled score passes (E3: at or above the line).
func (e *Exam) Passes(scaled int) bool { return scaled >= e.PassingScore }

// checkCalendar checks the booking horizon (R10), the slot grid (R11) and
// the late-change tiers: each tier's window is exact (T4), its costs are
// known kinds and a fee is in the currency the exams are priced in, since
// a cancel refunds what was paid less that fee.
func checkCalendar(a *AppointmentPolicy, exams []Exam, bad func(string, string, ...any)) {
	if g := a.SlotGrid; !g.IsZero() {
		if !g.Exact() || g.Minutes <= 0 || 60%g.Minutes != 0 {
			bad("/appointments/slot_grid", "must be a whole number of minutes that divides an hour (PT15M), not %s", g)
		}
	}
	for i := range a.LateChanges {
		t := &a.LateChanges[i]
		at := fmt.Sprintf("/appointments/late_changes/%d", i)
		if !t.Within.Exact() {
			bad(at+"/within", "must be in hours (PT72H): it is an exact duration (T4)")
		}
		charges := false
		for _, c := range []struct {
			name string
			cost *ChangeCost
		}{{"cancel", &t.Cancel}, {"reschedule", &t.Reschedule}} {
			switch c.cost.Kind {
			case "":
				c.cost.Kind = CostFree
			case CostFree, CostWholeFee, CostRefuse:
			case CostFee:
				charges = true
			default:
				bad(at+"/"+c.name, "unknown cost %q", c.cost.Kind)
			}
		}
		switch fee := t.Cancel.Fee; {
		case !charges:
		case fee.Currency == "" && t.Reschedule.Fee.Currency == "":
			bad(at+"/fee", "is required when cancel or reschedule is fee")
		default:
			if fee.Currency == "" {
				fee = t.Reschedule.Fee
			}
			for k := range exams {
				if cur := exams[k].Price.Currency; cur != fee.Currency {
					bad(at+"/fee/currency", "is %s, but /exams/%d is priced in %s: a cancel refunds what was paid less the fee", fee.Currency, k, cur)
					break
				}
			}
		}
	}
}
