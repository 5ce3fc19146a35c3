package web

import "net/http"

// reportsPage lists the reports.
type reportsPage struct{ Windows []int }

// reports is /staff/reports: the reports, each a chart, a table and a CSV
// file. Its figure (the 30-day count) comes from app, which refuses any
// caller but staff.
func reports(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	if _, err := s.app.ExpiringReport(r.Context(), pr); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "reports", reportsPage{})
	return nil
}
