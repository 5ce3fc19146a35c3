package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/policy"
)

// The engine's answers: a candidate's standing, a renewal plan, the
// recertification options and any decide question. Their JSON follows
// recert decide's answer lines and recert plan --json, so a client that
// knows the command line knows these.

type optionJSON struct {
	Exam     string  `json:"exam"`
	Earliest *string `json:"earliest_date"`
	InTime   bool    `json:"in_time"`
}

// decisionJSON is one answer. Which members are present depends on the
// action, as in decide.md: allowed and earliest_date for book, cancel and
// reschedule; state and expires_on for status and recertify_options;
// passed for score. reasons and explanation are always there.
type decisionJSON struct {
	Action      string          `json:"action"`
	Subject     string          `json:"subject"`
	Allowed     bool            `json:"allowed"`
	Reasons     []string        `json:"reasons"`
	Earliest    json.RawMessage `json:"earliest_date,omitempty"` // null: no date ever satisfies the rules
	RetryAt     *time.Time      `json:"retry_at,omitempty"`
	State       string          `json:"state,omitempty"`
	ExpiresOn   json.RawMessage `json:"expires_on,omitempty"` // null: none, or never expires
	Options     []optionJSON    `json:"options,omitempty"`
	Passed      *bool           `json:"passed,omitempty"`
	Score       *int            `json:"scaled_score,omitempty"`
	Program     string          `json:"program"`
	At          time.Time       `json:"at"`
	Explanation []string        `json:"explanation"`
}

func decisionOut(d policy.Decision, why []string) decisionJSON {
	out := decisionJSON{Action: d.Action.String(), Subject: d.Subject, Allowed: d.Allowed, Reasons: reasonCodes(d),
		Program: d.Program, At: d.At.UTC(), Explanation: why}
	if out.Explanation == nil {
		out.Explanation = []string{}
	}
	unknown := d.Has(policy.UnknownCertification) || d.Has(policy.UnknownExam)
	switch d.Action {
	case policy.Book, policy.Cancel, policy.Reschedule:
		if d.HasEarliest {
			out.Earliest = rawDate(d.Earliest)
		}
		if !d.RetryAt.IsZero() {
			t := d.RetryAt.UTC()
			out.RetryAt = &t
		}
	case policy.Status, policy.RecertifyOptions:
		if !unknown {
			out.State, out.ExpiresOn = string(d.State), rawDate(d.ExpiresOn)
		}
		if d.Action == policy.RecertifyOptions && !unknown {
			out.Options = []optionJSON{}
			for _, o := range d.Options {
				out.Options = append(out.Options, optionJSON{o.Exam, date(o.Earliest), o.InTime})
			}
		}
	case policy.Score:
		if len(d.Reasons) == 0 {
			out.Passed, out.Score = &d.Passed, &d.Score
		}
	}
	return out
}

// rawDate is a date that is present but may be null, which a pointer
// with omitempty cannot say.
func rawDate(d policy.Date) json.RawMessage {
	if d == policy.NoDate {
		return json.RawMessage("null")
	}
	return json.RawMessage(`"` + d.String() + `"`)
}

func reasonCodes(d policy.Decision) []string {
	out := make([]string, 0, len(d.Reasons))
	for _, r := range d.Reasons {
		out = append(out, string(r.Code))
	}
	return out
}

func standing(s *server, w http.ResponseWriter, r *http.Request) error {
	st, err := s.app.Standing(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, standingOut(st))
}

type planOptionJSON struct {
	Exam           string  `json:"exam"`
	Earliest       *string `json:"earliest_date"`
	InTime         bool    `json:"in_time"`
	LastAttempt    *string `json:"last_attempt"`
	WithOneRetake  *string `json:"last_attempt_with_one_retake"`
	WithTwoRetakes *string `json:"last_attempt_with_two_retakes"`
}

// planJSON is recert plan --json's document.
type planJSON struct {
	Program       string           `json:"program"`
	Certification string           `json:"certification"`
	Name          string           `json:"name"`
	Date          string           `json:"date"`
	State         string           `json:"state"`
	ExpiresOn     *string          `json:"expires_on"`
	PrepareFrom   *string          `json:"prepare_from"`
	PrepareBy     *string          `json:"prepare_by"`
	Reminders     []string         `json:"reminders"`
	Options       []planOptionJSON `json:"options"`
	EarnAnew      *planOptionJSON  `json:"earn_anew"`
}

func planOption(o policy.PlanOption) planOptionJSON {
	return planOptionJSON{o.Exam, date(o.Earliest), o.InTime, date(o.LastAttempt), date(o.WithOneRetake), date(o.WithTwoRetakes)}
}

func plan(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := s.app.Plan(r.Context(), principal(r), r.PathValue("id"), r.PathValue("cert"))
	if err != nil {
		return err
	}
	out := planJSON{Program: p.Program, Certification: p.Certification, Name: p.Name, Date: p.Date.String(), State: string(p.State),
		ExpiresOn: date(p.Expires), PrepareFrom: date(p.PrepareFrom), PrepareBy: date(p.PrepareBy),
		Reminders: mapAll(p.Reminders, policy.Date.String), Options: mapAll(p.Options, planOption)}
	if p.EarnAnew != nil {
		o := planOption(*p.EarnAnew)
		out.EarnAnew = &o
	}
	return writeJSON(w, http.StatusOK, out)
}

// recertifyOptions is app.Ask with recertify_options. An unknown
// certification is 404 here, as for the plan: the URL names a resource.
func recertifyOptions(s *server, w http.ResponseWriter, r *http.Request) error {
	ask := policy.Ask{Action: policy.RecertifyOptions, Certification: r.PathValue("cert")}
	d, why, err := s.app.Ask(r.Context(), principal(r), r.PathValue("id"), ask)
	if err != nil {
		return err
	}
	if d.Has(policy.UnknownCertification) {
		return &app.Error{Code: app.CodeNotFound, Message: first(why, "unknown certification"), Reasons: reasonCodes(d),
			Explanation: why, Program: d.Program}
	}
	return writeJSON(w, http.StatusOK, decisionOut(d, why))
}

func first(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// askJSON is a decide question, as the scenario format writes "ask".
type askJSON struct {
	Action        string `json:"action"`
	Exam          string `json:"exam"`
	Certification string `json:"certification"`
	Appointment   string `json:"appointment"`
	Slot          string `json:"slot"`
	ScaledScore   *int   `json:"scaled_score"`
}

// toAsk checks what each action needs, naming the missing member.
func (a askJSON) toAsk() (policy.Ask, error) {
	act, ok := policy.ParseAction(a.Action)
	if !ok {
		return policy.Ask{}, fail(app.CodeInvalid, "ask.action", "action must be book, cancel, reschedule, status, recertify_options or score")
	}
	ask := policy.Ask{Action: act, Exam: a.Exam, Certification: a.Certification, Appointment: a.Appointment}
	need := func(field, v string) error {
		if v == "" {
			return fail(app.CodeInvalid, "ask."+field, "ask."+field+" is required for "+a.Action)
		}
		return nil
	}
	var err error
	switch act {
	case policy.Book, policy.Score:
		err = need("exam", a.Exam)
	case policy.Cancel, policy.Reschedule:
		err = need("appointment", a.Appointment)
	case policy.Status, policy.RecertifyOptions:
		err = need("certification", a.Certification)
	}
	if err != nil {
		return ask, err
	}
	if act == policy.Book || act == policy.Reschedule {
		if ask.Slot, err = instant("ask.slot", a.Slot, true); err != nil {
			return ask, err
		}
	}
	if act == policy.Score {
		if a.ScaledScore == nil {
			return ask, fail(app.CodeInvalid, "ask.scaled_score", "ask.scaled_score is required for score")
		}
		ask.Score = *a.ScaledScore
	}
	return ask, nil
}

// decide answers one question about a candidate, now, with the
// explanation. It is a POST because the question is a document, not
// because it changes anything: it stores nothing.
func decide(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in struct {
		Ask *askJSON `json:"ask"`
	}
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	if in.Ask == nil {
		return fail(app.CodeInvalid, "ask", "ask is required")
	}
	ask, err := in.Ask.toAsk()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	return s.post(w, r, body, http.StatusOK, as(func(v answer) decisionJSON { return decisionOut(v.d, v.why) }),
		func(ctx context.Context, pr app.Principal) (any, error) {
			d, why, err := s.app.Ask(ctx, pr, id, ask)
			return answer{d, why}, err
		})
}

type answer struct {
	d   policy.Decision
	why []string
}
