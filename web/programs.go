package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
)

// programGroup is one program's versions on the list page.
type programGroup struct {
	ID       string
	Versions []app.ProgramVersion
}

// programsPage is the program list.
type programsPage struct {
	Programs  []programGroup
	Zone      *time.Location
	Activated string // id@version just activated, to confirm it
}

// programs is /staff/programs: every program's versions, which one is
// active, and the forms to compare and activate.
func programs(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	cat, err := s.app.ProgramCatalog(r.Context(), pr)
	if err != nil {
		return err
	}
	p := programsPage{Zone: viewerZone(r)}
	activated := r.URL.Query().Get("activated")
	for _, v := range cat {
		// The confirmation is shown only for a version that is active: a
		// link cannot make the page claim what did not happen.
		if v.Active && activated == v.ID+"@"+v.Version {
			p.Activated = activated
		}
		if n := len(p.Programs); n == 0 || p.Programs[n-1].ID != v.ID {
			p.Programs = append(p.Programs, programGroup{ID: v.ID})
		}
		g := &p.Programs[len(p.Programs)-1]
		g.Versions = append(g.Versions, v)
	}
	s.render(w, r, http.StatusOK, "programs", p)
	return nil
}
