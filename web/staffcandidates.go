package web

import (
	"net/http"
	"strings"

	"github.com/recert/recert/ledger"
)

// candidateSearchPage is the search form and its results.
type candidateSearchPage struct {
	Q          string
	Searched   bool
	Candidates []ledger.Candidate
}

// staffCandidates is /staff/candidates?q=: find candidates by id, name
// or e-mail address. With no query it shows the form and the first
// candidates by id, read through app's staff-only list.
func staffCandidates(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	p := candidateSearchPage{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if p.Q == "" {
		p.Candidates, err = s.app.ListCandidates(r.Context(), pr, ledger.Page{Limit: 50})
	} else {
		p.Searched = true
		p.Candidates, err = s.app.SearchCandidates(r.Context(), pr, p.Q)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_candidates", p)
	return nil
}
