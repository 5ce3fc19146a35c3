package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// historyPage is a candidate's whole stream with each decision.
type historyPage struct {
	Candidate ledger.Candidate
	Entries   []historyRow
	Zone      *time.Location
}

// historyRow is an entry with its amount as the engine writes money.
type historyRow struct {
	app.HistoryEntry
	Amount string
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
	p := historyPage{Candidate: c, Zone: viewerZone(r)}
	for _, h := range hist {
		row := historyRow{HistoryEntry: h}
		if h.Data.AmountMinor != 0 {
			row.Amount = policy.MoneyString(policy.Money{Minor: h.Data.AmountMinor, Currency: h.Data.Currency})
		}
		p.Entries = append(p.Entries, row)
	}
	s.render(w, r, http.StatusOK, "staff_history", p)
	return nil
}
