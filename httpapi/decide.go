package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

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
	ans, err := s.app.Ask(r.Context(), principal(r), r.PathValue("id"), ask)
	if err != nil {
		return err
	}
	if d := ans.Decision; d.Has(policy.UnknownCertification) {
		return &app.Error{Code: app.CodeNotFound, Message: first(ans.Explanation, "unknown certification"), Reasons: reasonCodes(d),
			Explanation: ans.Explanation, Program: d.Program, Decision: ans.JSON}
	}
	writeRaw(w, http.StatusOK, ans.JSON)
	return nil
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
	// The answer is the engine's own encoding of the decision, the same
	// bytes recert decide writes and the ledger keeps beside an event.
	return s.post(w, r, body, http.StatusOK, as(func(v app.Answer) json.RawMessage { return v.JSON }),
		func(ctx context.Context, pr app.Principal) (any, error) {
			return s.app.Ask(ctx, pr, id, ask)
		})
}
