package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/recert/recert/app"
)

// expiringPage is the expiring report for one window.
type expiringPage struct {
	Report  app.ExpiringReport
	Window  app.ExpiringWindow
	Windows []int
	Chart   template.HTML
}

// reportExpiring is /staff/reports/expiring?within=30|90|180, and as CSV
// at /staff/reports/expiring.csv (or ?format=csv): the certifications
// expiring within the window, a chart of the three windows' counts
// beside the table, and the same rows in the CSV.
func reportExpiring(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	rep, err := s.app.ExpiringReport(r.Context(), pr)
	if err != nil {
		return err
	}
	days := app.ReportWindows[0]
	if v := r.URL.Query().Get("within"); v != "" {
		if days, err = strconv.Atoi(v); err != nil {
			days = -1
		}
	}
	win, ok := rep.Window(days)
	if !ok {
		return &app.Error{Code: app.CodeInvalid, Field: "within", Message: fmt.Sprintf("The report covers %v days; choose one of them.", app.ReportWindows)}
	}
	if wantsCSV(r) {
		rows := make([][]string, len(win.Certifications))
		for i, c := range win.Certifications {
			rows[i] = []string{c.Candidate, c.Name, c.Email, c.Certification, c.ExpiresOn, strconv.Itoa(c.DaysLeft)}
		}
		return writeCSV(w, fmt.Sprintf("expiring-within-%d-days-%s.csv", days, rep.Today),
			[]string{"candidate", "name", "email", "certification", "expires_on", "days_left"}, rows)
	}
	c := chart{ID: "chart-expiring", Title: "Certifications expiring, by window",
		Desc: "How many certifications expire within each window from " + rep.Today + "; the windows include each other."}
	for _, w := range rep.Windows {
		n := len(w.Certifications)
		c.Bars = append(c.Bars, bar{Label: fmt.Sprintf("Within %d days (to %s)", w.Days, w.Through), Value: float64(n), Text: plural(n, "certification")})
	}
	s.render(w, r, http.StatusOK, "report_expiring", expiringPage{Report: rep, Window: win, Windows: app.ReportWindows, Chart: c.svg()})
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
