package web

import (
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// resultView is a score report: the scaled score against the passing
// score on the exam's scale, and each content domain with its weight and
// whether it met the standard, weak domains said in words.
type resultView struct {
	C                  candidateView
	Title              string
	R                  ledger.Result
	Exam               string
	Min, Max, Passing  int
	Domains            []domainRow
	Weak               []string
	HasDomainBreakdown bool
}

type domainRow struct {
	Name     string
	Weight   float64
	Reported bool // the report says how it went
	Meets    bool
}

// meResult shows one score report.
func meResult(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	res, err := s.app.Result(r.Context(), pr, r.PathValue("result"))
	if err != nil {
		return err
	}
	if res.Candidate != v.ID {
		return &app.Error{Code: app.CodeNotFound, Message: "result " + r.PathValue("result") + " not found"}
	}
	rv := resultView{C: v, Title: "Score report: " + res.Exam, R: res, Exam: examName(v.Program, res.Exam)}
	got, err := app.ResultDomains(res)
	if err != nil {
		return err
	}
	meets := map[string]bool{}
	for _, d := range got {
		meets[d.Domain] = d.Meets
	}
	if e, ok := v.Program.Exam(res.Exam); ok {
		rv.Min, rv.Max, rv.Passing = e.ScoreMin, e.ScoreMax, e.PassingScore
		for _, d := range e.Domains {
			m, reported := meets[d.Name]
			rv.Domains = append(rv.Domains, domainRow{Name: d.Name, Weight: d.Weight, Reported: reported, Meets: m})
			if reported && !m {
				rv.Weak = append(rv.Weak, d.Name)
			}
		}
	}
	rv.HasDomainBreakdown = len(got) > 0
	s.render(w, r, http.StatusOK, "me_result", rv)
	return nil
}
