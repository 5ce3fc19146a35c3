package definition

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/recert/recert/policy"
)

// decoder turns the plain values into a policy.Program. It runs even when
// the schema refused the document, so that one pass reports as much as it
// can; a value of the wrong type is then read as absent (the schema has
// already said why), and only values of the right type that still do not
// mean anything (2025-02-30, P1DT2H) are reported here.
type decoder struct {
	issue []problem
}

func (d *decoder) bad(path, format string, args ...any) {
	d.issue = append(d.issue, problem{path: path, msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) program(v any) *policy.Program {
	m := asMap(v)
	p := &policy.Program{
		ID:      str(m["id"]),
		Version: str(m["version"]),
		Name:    str(m["name"]),
	}
	if rules := asMap(m["rules"]); len(rules) > 0 {
		p.Rules = make(map[string]string, len(rules))
		for k, r := range rules {
			if s, ok := r.(string); ok {
				p.Rules[k] = s
			}
		}
	}
	p.Retake = d.retake(m["retake"], "/retake")
	p.Appointments = d.appointments(asMap(m["appointments"]), "/appointments")
	vm := asMap(m["vouchers"])
	p.Vouchers = policy.VoucherPolicy{
		IssuedOnPass:           isTrue(vm["issued_on_pass"]),
		DiscountPercent:        integer(vm["discount_percent"]),
		Validity:               d.span(vm["validity"], "/vouchers/validity"),
		SingleUse:              isTrue(vm["single_use"]),
		ReturnedOnTimelyCancel: isTrue(vm["returned_on_timely_cancel"]),
	}
	p.Notifications = d.notifications(m["notifications"], "/notifications")
	for i, e := range asSlice(m["exams"]) {
		p.Exams = append(p.Exams, d.exam(asMap(e), "/exams/"+strconv.Itoa(i)))
	}
	for i, c := range asSlice(m["certifications"]) {
		p.Certifications = append(p.Certifications, d.certification(asMap(c), "/certifications/"+strconv.Itoa(i)))
	}
	return p
}

func (d *decoder) retake(v any, at string) policy.RetakePolicy {
	m := asMap(v)
	r := policy.RetakePolicy{
		MaxAttempts:   integer(m["max_attempts"]),
		AttemptWindow: d.span(m["attempt_window"], at+"/attempt_window"),
	}
	for i, w := range asSlice(m["failure_waits"]) {
		r.FailureWaits = append(r.FailureWaits, d.span(w, at+"/failure_waits/"+strconv.Itoa(i)))
	}
	if lock := asMap(m["passed_lockout"]); lock != nil {
		r.Lockout = policy.Lockout{
			Kind: policy.LockoutKind(str(lock["kind"])),
			Span: d.span(lock["span"], at+"/passed_lockout/span"),
		}
	}
	return r
}

func (d *decoder) appointments(m map[string]any, at string) policy.AppointmentPolicy {
	a := policy.AppointmentPolicy{
		ChangeWindow:   d.span(m["change_window"], at+"/change_window"),
		MaxReschedules: -1, // omitted: unlimited
		NoShowWait:     d.span(m["no_show_wait"], at+"/no_show_wait"),
		OnePerExam:     isTrue(m["one_open_per_exam"]),
	}
	a.BookingHorizon = d.span(m["booking_horizon"], at+"/booking_horizon")
	a.SlotGrid = d.span(m["slot_grid"], at+"/slot_grid")
	for i, t := range asSlice(m["late_changes"]) {
		tm := asMap(t)
		where := at + "/late_changes/" + strconv.Itoa(i)
		tier := policy.ChangeTier{Within: d.span(tm["within"], where+"/within")}
		for _, v := range asSlice(tm["delivery"]) {
			if s, ok := v.(string); ok {
				tier.Delivery = append(tier.Delivery, s)
			}
		}
		var fee policy.Money
		if _, ok := tm["fee"]; ok {
			fee = d.money(tm["fee"], where+"/fee")
		}
		tier.Cancel = policy.ChangeCost{Kind: policy.CostKind(str(tm["cancel"])), Fee: fee}
		tier.Reschedule = policy.ChangeCost{Kind: policy.CostKind(str(tm["reschedule"])), Fee: fee}
		a.LateChanges = append(a.LateChanges, tier)
	}
	if _, ok := m["max_reschedules"].(json.Number); ok {
		a.MaxReschedules = integer(m["max_reschedules"])
	}
	fees := asMap(m["fees"])
	a.Fees = policy.FeeRules{
		TimelyCancel:     policy.FeeOutcome(str(fees["timely_cancel"])),
		NoShow:           policy.FeeOutcome(str(fees["no_show"])),
		MedicalException: policy.FeeOutcome(str(fees["medical_exception"])),
		RescheduleFee:    d.money(fees["reschedule_fee"], at+"/fees/reschedule_fee"),
	}
	return a
}

func (d *decoder) exam(m map[string]any, at string) policy.Exam {
	q := asMap(m["questions"])
	score := asMap(m["score"])
	e := policy.Exam{
		Code:              str(m["code"]),
		Line:              str(m["line"]),
		Name:              str(m["name"]),
		Level:             str(m["level"]),
		Kind:              policy.ExamKind(str(m["kind"])),
		DurationMinutes:   integer(m["duration_minutes"]),
		ScoredQuestions:   integer(q["scored"]),
		UnscoredQuestions: integer(q["unscored"]),
		Price:             d.money(m["price"], at+"/price"),
		ScoreMin:          integer(score["min"]),
		ScoreMax:          integer(score["max"]),
		PassingScore:      integer(score["passing"]),
		FirstDate:         d.date(m["first_test_date"], at+"/first_test_date", policy.OpenStart),
		LastDate:          d.date(m["last_test_date"], at+"/last_test_date", policy.NoDate),
	}
	for _, dm := range asSlice(m["domains"]) {
		dm := asMap(dm)
		e.Domains = append(e.Domains, policy.Domain{Name: str(dm["name"]), Weight: number(dm["weight"])})
	}
	for _, v := range asSlice(m["delivery"]) {
		if s, ok := v.(string); ok {
			e.Delivery = append(e.Delivery, s)
		}
	}
	for _, f := range asSlice(m["forms"]) {
		fm := asMap(f)
		form := policy.Form{ID: str(fm["id"])}
		for _, pt := range asSlice(fm["table"]) {
			pm := asMap(pt)
			form.Points = append(form.Points, policy.ScorePoint{Raw: integer(pm["raw"]), Scaled: integer(pm["scaled"])})
		}
		e.Forms = append(e.Forms, form)
	}
	if r, ok := m["retake"]; ok && r != nil {
		rp := d.retake(r, at+"/retake")
		e.Retake = &rp
	}
	return e
}

func (d *decoder) certification(m map[string]any, at string) policy.Certification {
	renewal := asMap(m["renewal"])
	prepare := asMap(m["prepare"])
	c := policy.Certification{
		ID:          str(m["id"]),
		Name:        str(m["name"]),
		Line:        str(m["line"]),
		Level:       str(m["level"]),
		Validity:    d.span(m["validity"], at+"/validity"),
		Anchor:      policy.Anchor(str(renewal["anchor"])),
		Window:      d.span(renewal["window"], at+"/renewal/window"),
		Grace:       d.span(renewal["grace"], at+"/renewal/grace"),
		PrepareFrom: d.span(prepare["from"], at+"/prepare/from"),
		PrepareBy:   d.span(prepare["by"], at+"/prepare/by"),
	}
	for _, p := range asSlice(renewal["paths"]) {
		pm := asMap(p)
		latest, set := pm["latest_only"].(bool)
		c.Paths = append(c.Paths, policy.RenewalPath{Line: str(pm["line"]), LatestOnly: latest || !set})
	}
	for _, r := range asSlice(m["reminders"]) {
		c.Reminders = append(c.Reminders, integer(r))
	}
	return c
}

// notifications reads the notifications section (N1-N5). What it leaves
// out keeps the reference program's value (policy.DefaultNotifications),
// so a program states only where it differs; a list it states replaces the
// default list whole.
func (d *decoder) notifications(v any, at string) policy.NotificationPolicy {
	n := policy.DefaultNotifications()
	m := asMap(v)
	if m == nil {
		return n
	}
	if s, ok := m["at"].(string); ok {
		n.At = d.timeOfDay(s, at+"/at", n.At)
	}
	if b, ok := m["retake"].(bool); ok {
		n.Retake = b
	}
	am := asMap(m["appointments"])
	if _, ok := am["before_change_deadline"].(string); ok {
		n.BeforeChangeDeadline = d.exact(am["before_change_deadline"], at+"/appointments/before_change_deadline", "PT24H")
	}
	if _, ok := am["before_sitting"].(string); ok {
		n.BeforeSitting = d.exact(am["before_sitting"], at+"/appointments/before_sitting", "PT3H")
	}
	if days, ok := asMap(m["vouchers"])["days_before"].([]any); ok {
		n.VoucherDays = make([]int, 0, len(days))
		for _, x := range days {
			n.VoucherDays = append(n.VoucherDays, integer(x))
		}
	}
	if kinds, ok := m["optional"].([]any); ok {
		n.Optional = make([]policy.NoticeKind, 0, len(kinds))
		for _, k := range kinds {
			if s, ok := k.(string); ok {
				n.Optional = append(n.Optional, policy.NoticeKind(s))
			}
		}
	}
	return n
}

// exact reads a span that must be an exact duration (T4): a reminder so
// many hours before an instant. PT0H is none.
func (d *decoder) exact(v any, at, example string) time.Duration {
	s := d.span(v, at)
	if !s.IsZero() && !s.Exact() {
		d.bad(at, "must be in hours or minutes (%s): it is an exact duration before an instant (T4)", example)
		return 0
	}
	return s.Duration()
}

// timeOfDay reads HH:MM as minutes after midnight; the schema has checked
// the form, this the range.
func (d *decoder) timeOfDay(s, at string, absent int) int {
	if len(s) != 5 || s[2] != ':' {
		return absent // the schema's pattern has refused it
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		d.bad(at, "time %q is not a time of day: write HH:MM from 00:00 to 23:59", s)
		return absent
	}
	return h*60 + m
}

// span reads an ISO 8601 span; absent or null is the zero span.
func (d *decoder) span(v any, at string) policy.Span {
	s, ok := v.(string)
	if !ok {
		return policy.Span{}
	}
	sp, err := policy.ParseSpan(s)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "span ") {
			msg = fmt.Sprintf("span %q: %s", s, msg)
		}
		d.bad(at, "%s", msg)
	}
	return sp
}

// date reads YYYY-MM-DD; absent is the open bound the caller names.
func (d *decoder) date(v any, at string, absent policy.Date) policy.Date {
	s, ok := v.(string)
	if !ok {
		return absent
	}
	day, err := policy.ParseDate(s)
	if err != nil {
		d.bad(at, "%s", err.Error())
		return absent
	}
	return day
}

// maxMinor bounds amounts (10^9 in major units) so that minor units fit
// any integer arithmetic the engine does.
var maxMinor = big.NewRat(100_000_000_000, 1)

// money reads {amount, currency}. The amount is decimal text, so 0.1 and
// "100.00" are exact: it is parsed as a rational, never as a float.
func (d *decoder) money(v any, at string) policy.Money {
	m := asMap(v)
	out := policy.Money{Currency: str(m["currency"])}
	var text string
	switch a := m["amount"].(type) {
	case json.Number: // bounded by scalar: no huge exponents
		text = string(a)
	case string:
		text = a
		if len(text) > 40 || strings.ContainsAny(text, "eE/") {
			return out // the schema's pattern has refused it
		}
	default:
		return out
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return out // the schema's pattern has refused it
	}
	r.Mul(r, big.NewRat(100, 1))
	switch {
	case r.Sign() < 0:
		d.bad(at+"/amount", "amount %s cannot be negative", text)
	case !r.IsInt():
		d.bad(at+"/amount", "amount %s has more than two decimals", text)
	case r.Cmp(maxMinor) > 0:
		d.bad(at+"/amount", "amount %s is too large", text)
	default:
		out.Minor = r.Num().Int64()
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func isTrue(v any) bool {
	b, _ := v.(bool)
	return b
}

// integer reads a whole number; anything else (which the schema refuses)
// reads as 0 rather than overflowing.
func integer(v any) int {
	f := number(v)
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0
	}
	return int(f)
}

func number(v any) float64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	return f
}
