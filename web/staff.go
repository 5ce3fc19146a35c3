package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
)

// staffZone is the zone staff pages show times in: the tz query parameter
// or cookie when it names a zone, else UTC. Staff work across centers, so
// no one zone is theirs; the zone is always named beside the time.
func staffZone(r *http.Request) *time.Location {
	name := r.URL.Query().Get("tz")
	if name == "" {
		if c, err := r.Cookie("tz"); err == nil {
			name = c.Value
		}
	}
	if name == "" || len(name) > 64 {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

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
