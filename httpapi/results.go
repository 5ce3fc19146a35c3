package httpapi

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/policy"
)

// resultIn is a sitting's result: for an appointment, or (imported
// history) for a candidate's exam on a date; a scaled score, or a raw one
// with the form it was taken on.
type resultIn struct {
	Appointment string       `json:"appointment"`
	Candidate   string       `json:"candidate"`
	Exam        string       `json:"exam"`
	On          string       `json:"on"`
	ScaledScore *int         `json:"scaled_score"`
	RawScore    *int         `json:"raw_score"`
	Form        string       `json:"form"`
	Domains     []domainJSON `json:"domains"`
}

func recordResult(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in resultIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	on, err := instant("on", in.On, false)
	if err != nil {
		return err
	}
	var domains []policy.DomainResult
	for _, d := range in.Domains {
		domains = append(domains, policy.DomainResult{Domain: d.Domain, Meets: d.Meets})
	}
	return s.post(w, r, body, http.StatusCreated, as(resultOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.RecordResult(ctx, pr, app.ResultInput{Candidate: in.Candidate, Appointment: in.Appointment,
			Exam: in.Exam, On: on, Scaled: in.ScaledScore, Raw: in.RawScore, Form: in.Form, Domains: domains})
	})
}

// getResult is one result: where a recorded result's Location points.
func getResult(s *server, w http.ResponseWriter, r *http.Request) error {
	res, err := s.app.Result(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resultOut(res))
}
