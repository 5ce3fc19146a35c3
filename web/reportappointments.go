package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/recert/recert/app"
)

// appointmentsPage is the no-show and reschedule report.
type appointmentsPage struct {
	Rows                   []appointmentRow
	NoShowChart, MoveChart template.HTML
}

type appointmentRow struct {
	app.AppointmentRate
	NoShow, Moved string // the rates in words
}

// reportAppointments is /staff/reports/appointments (and
// appointments.csv): per exam, how many appointments were made, moved,
// sat, missed and cancelled, with the no-show rate (missed of those that
// came due) and the reschedule rate (moved of all made).
func reportAppointments(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	rates, err := s.app.AppointmentRates(r.Context(), pr)
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		rows := make([][]string, len(rates))
		for i, a := range rates {
			rows[i] = []string{a.Exam, strconv.Itoa(a.Booked), strconv.Itoa(a.Rescheduled), strconv.Itoa(a.Sat), strconv.Itoa(a.Missed),
				strconv.Itoa(a.Cancelled), fraction(a.NoShowRate), fraction(a.RescheduleRate)}
		}
		return writeCSV(w, "appointments.csv", []string{"exam", "booked", "rescheduled", "sat", "missed", "cancelled", "no_show_rate", "reschedule_rate"}, rows)
	}
	var p appointmentsPage
	ns := chart{ID: "chart-no-show", Title: "No-show rate per exam", Desc: "Of the appointments that came due (sat or missed), the share missed.", Max: 1}
	mv := chart{ID: "chart-reschedule", Title: "Reschedule rate per exam", Desc: "Of all appointments made, the share moved at least once.", Max: 1}
	for _, a := range rates {
		row := appointmentRow{AppointmentRate: a, NoShow: percent(a.NoShowRate), Moved: percent(a.RescheduleRate)}
		p.Rows = append(p.Rows, row)
		ns.Bars = append(ns.Bars, bar{Label: a.Exam, Value: a.NoShowRate, Text: row.NoShow + " (" + strconv.Itoa(a.Missed) + " of " + strconv.Itoa(a.Sat+a.Missed) + ")"})
		mv.Bars = append(mv.Bars, bar{Label: a.Exam, Value: a.RescheduleRate, Text: row.Moved + " (" + strconv.Itoa(a.Rescheduled) + " of " + strconv.Itoa(a.Booked) + ")"})
	}
	p.NoShowChart, p.MoveChart = ns.svg(), mv.svg()
	s.render(w, r, http.StatusOK, "report_appointments", p)
	return nil
}
