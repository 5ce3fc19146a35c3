package web

import "net/http"

// reportsPage lists the reports.
type reportsPage struct{ Windows []int }

// reports is /staff/reports: the list of reports, each a chart, a table
// and a CSV file; app says who may read them (staff).
func reports(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	if err := s.app.MayReadReports(pr); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "reports", reportsPage{})
	return nil
}
