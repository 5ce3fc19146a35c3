package web

import (
	"net/http"

	"github.com/recert/recert/app"
)

// staffHomePage is the staff desk's front page: where to go, and the one
// figure staff act on first.
type staffHomePage struct {
	Expiring30 int
	Today      string
}

// staffHome is /staff. Its figure comes from the expiring report, which
// app lets only staff read: a candidate is refused here as on every staff
// page.
func staffHome(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	rep, err := s.app.ExpiringReport(r.Context(), pr)
	if err != nil {
		return err
	}
	p := staffHomePage{Today: rep.Today}
	if win, ok := rep.Window(app.ReportWindows[0]); ok {
		p.Expiring30 = len(win.Certifications)
	}
	s.render(w, r, http.StatusOK, "staff", p)
	return nil
}
