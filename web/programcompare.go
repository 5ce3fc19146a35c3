package web

import (
	"net/http"

	"github.com/recert/recert/app"
)

// comparePage is the line diff of two versions of a program.
type comparePage struct {
	ID, From, To   string
	Lines          []diffLine
	Added, Removed int
}

// programCompare is /staff/programs/compare?program=&from=&to=: the two
// versions' sources diffed by line on the server, each changed line
// marked + or − in text.
func programCompare(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := comparePage{ID: q.Get("program"), From: q.Get("from"), To: q.Get("to")}
	if p.ID == "" || p.From == "" || p.To == "" {
		return &app.Error{Code: app.CodeInvalid, Message: "Choose a program and two of its versions to compare."}
	}
	a, err := s.app.ProgramVersionSource(r.Context(), pr, p.ID, p.From)
	if err != nil {
		return err
	}
	b, err := s.app.ProgramVersionSource(r.Context(), pr, p.ID, p.To)
	if err != nil {
		return err
	}
	p.Lines = lineDiff(string(a), string(b))
	for _, l := range p.Lines {
		switch l.Op {
		case added:
			p.Added++
		case removed:
			p.Removed++
		}
	}
	s.render(w, r, http.StatusOK, "program_compare", p)
	return nil
}
