// Package scenario reads and writes the decision scenarios of decide.md:
// one JSON object a line, a candidate's history, a moment and a question.
// It turns them into policy values and policy decisions back into JSON; it
// decides nothing itself.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/recert/recert/policy"
)

// Scenario is one parsed line, ready for the engine.
type Scenario struct {
	ID     json.RawMessage // echoed as given; null when the line had none
	At     time.Time
	Zone   *time.Location
	Events []policy.Event
	Ask    policy.Ask
	Expect json.RawMessage // only recert test reads it
}

// Error is a line that is not a valid scenario; decide answers it with
// code invalid_scenario and goes on to the next line.
type Error struct {
	Line int // from 1; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.Msg
}

type wireEvent struct {
	Type        string   `json:"type"`
	Appointment string   `json:"appointment"`
	Exam        string   `json:"exam"`
	Slot        string   `json:"slot"`
	At          string   `json:"at"`
	On          string   `json:"on"`
	ScaledScore *wireNum `json:"scaled_score"`
	Voucher     bool     `json:"voucher"`
	// Certification is what a revoked event withdraws (an extension of
	// decide.md's event types, for programs that revoke credentials).
	Certification string `json:"certification"`
	// Fee is what a booked or rescheduled event charged, or what a refunded
	// event paid back; Delivery is the mode of the center a booked or
	// rescheduled event chose. Both extend decide.md's events so that
	// refunds follow what was paid and late changes their mode's tier.
	Fee      *wireMoney `json:"fee"`
	Delivery string     `json:"delivery"`
}

// wireMoney is an amount in minor units, as consequences write it.
type wireMoney struct {
	AmountMinor *int64  `json:"amount_minor"`
	Currency    *string `json:"currency"`
}

type wireAsk struct {
	Action        string   `json:"action"`
	Exam          string   `json:"exam"`
	Certification string   `json:"certification"`
	Appointment   string   `json:"appointment"`
	Slot          string   `json:"slot"`
	ScaledScore   *wireNum `json:"scaled_score"`
	// Extensions of decide.md's asks: the delivery mode of the seat (book,
	// reschedule, cancel), paying with a voucher (book) and the sitting
	// instant of a result without an appointment (record_result).
	Delivery   string `json:"delivery"`
	UseVoucher bool   `json:"use_voucher"`
	On         string `json:"on"`
}

type wireScenario struct {
	ID       json.RawMessage `json:"id"`
	At       *string         `json:"at"`
	TimeZone *string         `json:"time_zone"`
	History  []wireEvent     `json:"history"`
	Ask      *wireAsk        `json:"ask"`
	Expect   json.RawMessage `json:"expect"`
}

// wireNum keeps a number's text so that 700.5 or 7e2 can be refused as
// not a whole number rather than silently rounded.
type wireNum struct{ text string }

func (n *wireNum) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] == '"' || b[0] == 'n' || b[0] == 't' || b[0] == 'f' || b[0] == '{' || b[0] == '[' {
		return fmt.Errorf("scaled_score must be a number, not %s", b)
	}
	n.text = string(b)
	return nil
}

// score reads a whole number. Whether it lies on the scale is the exam's
// to say (E3: AWS scores 100-1000, Microsoft 1-1000), so the engine checks
// the range against the exam named.
func (n *wireNum) score(where string) (int, error) {
	v, err := strconv.Atoi(n.text)
	if err != nil || v < -1_000_000 || v > 1_000_000 {
		if where != "" {
			where += ": "
		}
		return 0, fmt.Errorf("%sscaled_score %s is not a whole number on the exam's scale", where, n.text)
	}
	return v, nil
}

// Parse reads one scenario line. The returned Scenario carries the id even
// when err is not nil, so the answer can name the line it belongs to.
func Parse(line []byte) (Scenario, error) {
	var s Scenario
	var w wireScenario
	if len(bytes.TrimSpace(line)) == 0 {
		s.ID = json.RawMessage("null")
		return s, errors.New("the line is empty; a scenario is a JSON object")
	}
	if err := jsonv2.Unmarshal(line, &w); err != nil {
		s.ID, s.Expect = probe(line)
		return s, fmt.Errorf("%s", jsonErr(err))
	}
	s.ID, s.Expect = w.ID, w.Expect
	if len(s.ID) == 0 {
		s.ID = json.RawMessage("null")
	}
	if w.At == nil {
		return s, fmt.Errorf("at is missing")
	}
	var err error
	if s.At, err = parseInstant("at", *w.At); err != nil {
		return s, err
	}
	zone := "UTC"
	if w.TimeZone != nil {
		zone = *w.TimeZone
	}
	if s.Zone, err = Zone(zone); err != nil {
		return s, err
	}
	if s.Events, err = events(w.History, s.Events); err != nil {
		return s, err
	}
	if w.Ask == nil {
		return s, fmt.Errorf("ask is missing")
	}
	s.Ask, err = ask(w.Ask)
	return s, err
}

func events(in []wireEvent, out []policy.Event) ([]policy.Event, error) {
	out = out[:0]
	for i := range in {
		w := &in[i]
		kind, ok := policy.ParseEventKind(w.Type)
		if !ok {
			return nil, fmt.Errorf("history[%d]: unknown event type %q", i, w.Type)
		}
		ev := policy.Event{Kind: kind, Appointment: w.Appointment, Exam: w.Exam, Voucher: w.Voucher, Certified: w.Certification, Delivery: w.Delivery}
		if w.Fee != nil {
			if w.Fee.AmountMinor == nil || w.Fee.Currency == nil || *w.Fee.AmountMinor < 0 || !currency(*w.Fee.Currency) {
				return nil, fmt.Errorf("history[%d] (%s): fee must be {\"amount_minor\": a whole number of at least 0, \"currency\": an ISO 4217 code such as \"USD\"}", i, w.Type)
			}
			ev.Fee = policy.Money{Minor: *w.Fee.AmountMinor, Currency: *w.Fee.Currency}
		}
		// The place is spelled out only when something is wrong: building it
		// for every event would cost more than deciding.
		var missing string
		instant := func(name, v string, t *time.Time) bool {
			if v == "" {
				missing = name
				return false
			}
			var err error
			*t, err = time.Parse(time.RFC3339, v)
			if err != nil {
				missing = "!" + name
				return false
			}
			return true
		}
		switch kind {
		case policy.Booked:
			_ = need(&missing, "appointment", w.Appointment) && need(&missing, "exam", w.Exam) &&
				instant("slot", w.Slot, &ev.Slot) && instant("at", w.At, &ev.At)
		case policy.Rescheduled:
			_ = need(&missing, "appointment", w.Appointment) && instant("slot", w.Slot, &ev.Slot) && instant("at", w.At, &ev.At)
		case policy.Cancelled:
			_ = need(&missing, "appointment", w.Appointment) && instant("at", w.At, &ev.At)
		case policy.NoShow, policy.Sat:
			need(&missing, "appointment", w.Appointment)
		case policy.Result:
			_ = need(&missing, "exam", w.Exam) && instant("on", w.On, &ev.Slot)
		case policy.Revoked:
			_ = need(&missing, "certification", w.Certification) && instant("at", w.At, &ev.At)
		case policy.Refunded:
			_ = need(&missing, "appointment", w.Appointment) && instant("at", w.At, &ev.At)
		}
		where := func() string { return fmt.Sprintf("history[%d] (%s)", i, w.Type) }
		if missing != "" {
			if missing[0] == '!' {
				name := missing[1:]
				v := map[string]string{"slot": w.Slot, "at": w.At, "on": w.On}[name]
				return nil, fmt.Errorf("%s.%s: %q is not an RFC 3339 instant (T1)", where(), name, v)
			}
			return nil, fmt.Errorf("%s: %s is missing", where(), missing)
		}
		if kind == policy.Sat || kind == policy.Result {
			if w.ScaledScore == nil {
				return nil, fmt.Errorf("%s: scaled_score is missing", where())
			}
			var err error
			if ev.Score, err = w.ScaledScore.score(""); err != nil {
				return nil, fmt.Errorf("%s: %w", where(), err)
			}
		}
		out = append(out, ev)
	}
	return out, nil
}

// currency reports whether s reads as an ISO 4217 code: three capitals.
func currency(s string) bool {
	return len(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z'
}

func need(missing *string, name, v string) bool {
	if v == "" {
		*missing = name
		return false
	}
	return true
}

func parseInstant(where, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("%s: %q is not an RFC 3339 instant (T1)", where, v)
	}
	return t, nil
}

var zones sync.Map // name -> *time.Location; loading a zone reads a file, so it is done once

// Zone returns the IANA time zone of that name (T1). "Local" is refused:
// a decision must never depend on the host's zone.
func Zone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time_zone: %q is not an IANA time zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time_zone: %q is not an IANA time zone name", name)
	}
	zones.Store(name, loc)
	return loc, nil
}

// probe digs the id and the expect object out of a line that did not
// parse as a scenario, so that its error answer still names it and recert
// test can still check that the line is refused (a field of the wrong
// JSON type is such a line). It reads the line as strictly as Parse does
// (names match case-sensitively, UTF-8 is checked), and gives a null id
// and no expect when the line is not valid JSON: echoing bytes from a
// broken line could make the answer itself invalid.
func probe(line []byte) (id, expect json.RawMessage) {
	var p struct{ ID, Expect jsontext.Value }
	// Only the first JSON value counts, so trailing junk does not hide an
	// otherwise readable id.
	id = json.RawMessage("null")
	v, err := jsontext.NewDecoder(bytes.NewReader(line)).ReadValue()
	if err != nil || v.Kind() != '{' {
		return id, nil
	}
	// Each member on its own: a wrong type elsewhere in the object (the
	// very fault being reported) must not hide the id or the expectation.
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	if _, err := dec.ReadToken(); err != nil {
		return id, nil
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return id, expect
		}
		name := tok.String() // before the next read voids tok
		val, err := dec.ReadValue()
		if err != nil {
			return id, expect
		}
		switch name {
		case "id":
			p.ID = val.Clone()
		case "expect":
			if val.Kind() == '{' {
				p.Expect = val.Clone()
			}
		}
	}
	if len(p.ID) > 0 {
		id = json.RawMessage(p.ID)
	}
	if len(p.Expect) > 0 {
		expect = json.RawMessage(p.Expect)
	}
	return id, expect
}

func jsonErr(err error) string {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return fmt.Sprintf("not valid JSON at byte %d: %v", syn.ByteOffset, syn.Err)
	}
	var sem *jsonv2.SemanticError
	if errors.As(err, &sem) {
		where := string(sem.JSONPointer)
		if where == "" {
			return "a scenario is a JSON object, not " + kindName(sem.JSONKind)
		}
		if sem.Err != nil {
			return fmt.Sprintf("%s: %v", where, sem.Err)
		}
		want := "a different type"
		if sem.GoType != nil {
			want = goKindName(sem.GoType.Kind().String())
		}
		return fmt.Sprintf("%s must be %s, not %s", where, want, kindName(sem.JSONKind))
	}
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("not valid JSON: %v (byte %d)", se, se.Offset)
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		if te.Field == "" {
			return "a scenario is a JSON object, not " + te.Value
		}
		return fmt.Sprintf("%s must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}

// Candidate is a history file as recert status and recert plan read it: a
// candidate's zone and events, in the scenario format without an ask.
type Candidate struct {
	Zone   *time.Location
	Events []policy.Event
}

// ParseCandidate reads a history file: {"time_zone": ..., "history": [...]}.
func ParseCandidate(data []byte) (Candidate, error) {
	var c Candidate
	var w struct {
		TimeZone *string     `json:"time_zone"`
		History  []wireEvent `json:"history"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return c, fmt.Errorf("%s", jsonErr(err))
	}
	zone := "UTC"
	if w.TimeZone != nil {
		zone = *w.TimeZone
	}
	var err error
	if c.Zone, err = Zone(zone); err != nil {
		return c, err
	}
	c.Events, err = events(w.History, nil)
	return c, err
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "that"
}

func goKindName(k string) string {
	switch k {
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	}
	return "a " + k
}
