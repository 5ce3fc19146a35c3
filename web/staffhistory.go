package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// historyPage is a candidate's whole stream with each decision.
type historyPage struct {
	Candidate ledger.Candidate
	Entries   []app.HistoryEntry
	Zone      *time.Location
}

// staffHistory is /staff/candidates/{id}/history: every event of the
// candidate, oldest first, with the decision that allowed it, the
// engine's explanation kept with it, and the program version that
// decided.
func staffHistory(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	c, hist, err := s.app.History(r.Context(), pr, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_history", historyPage{Candidate: c, Entries: hist, Zone: staffZone(r)})
	return nil
}
