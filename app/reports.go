package app

import (
	"context"
	"time"

	"github.com/recert/recert/ledger"
)

// ReportWindows are the expiring report's horizons in days: what staff
// chase this month, this quarter and this half-year.
var ReportWindows = []int{30, 90, 180}

// ExpiringCertification is one certification about to lapse, with its
// holder and the days left counted from today (UTC).
type ExpiringCertification struct {
	Candidate, Name, Email string
	Certification          string
	ExpiresOn              string // YYYY-MM-DD
	DaysLeft               int
	Renewed                bool
}

// ExpiringWindow is the certifications expiring from today through
// Through, Days days ahead. The windows are cumulative: the 90-day window
// holds the 30-day one's rows too.
type ExpiringWindow struct {
	Days           int
	Through        string // YYYY-MM-DD
	Certifications []ExpiringCertification
}

// ExpiringReport is the expiring-certifications report on Today.
type ExpiringReport struct {
	Today   string
	Windows []ExpiringWindow // one per ReportWindows, in that order
}

// Window is the report's window of days, and whether there is one.
func (r ExpiringReport) Window(days int) (ExpiringWindow, bool) {
	for _, w := range r.Windows {
		if w.Days == days {
			return w, true
		}
	}
	return ExpiringWindow{}, false
}

// ExpiringReport lists the certifications expiring within each of
// ReportWindows. Staff only. It is one indexed query for the widest
// window, with the holders' names joined in; the narrower windows are its
// leading rows, since the rows come by expiry day.
func (a *App) ExpiringReport(ctx context.Context, pr Principal) (ExpiringReport, error) {
	if err := pr.mustBeStaff("read reports"); err != nil {
		return ExpiringReport{}, err
	}
	today := a.now().UTC()
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	widest := ReportWindows[len(ReportWindows)-1]
	var rows []ledger.Expiring
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		var err error
		rows, err = tx.ExpiringCertifications(ctx, today.Format(time.DateOnly), today.AddDate(0, 0, widest).Format(time.DateOnly), 0)
		return storeErr(err, "expiring certifications")
	})
	if err != nil {
		return ExpiringReport{}, err
	}
	rep := ExpiringReport{Today: today.Format(time.DateOnly)}
	for _, days := range ReportWindows {
		through := today.AddDate(0, 0, days).Format(time.DateOnly)
		w := ExpiringWindow{Days: days, Through: through, Certifications: []ExpiringCertification{}}
		for _, r := range rows {
			if r.ExpiresOn > through {
				break
			}
			w.Certifications = append(w.Certifications, ExpiringCertification{Candidate: r.Candidate, Name: r.Name, Email: r.Email,
				Certification: r.Certification.Certification, ExpiresOn: r.ExpiresOn, DaysLeft: daysBetween(today, r.ExpiresOn), Renewed: r.Renewed})
		}
		rep.Windows = append(rep.Windows, w)
	}
	return rep, nil
}

func daysBetween(today time.Time, day string) int {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0 // the store keeps dates it was given as YYYY-MM-DD
	}
	return int(d.Sub(today).Hours() / 24)
}

// PassRate is how one exam's sittings went. Rate is Passed/Sittings.
type PassRate struct {
	Exam             string
	Sittings, Passed int
	Rate             float64
}

// DomainRate is how one domain of one exam went: of the score reports
// that graded it, how many met its standard. Rate is Meeting/Graded.
type DomainRate struct {
	Exam, Domain    string
	Graded, Meeting int
	Rate            float64
}

// PassRates is the pass-rates report.
type PassRates struct {
	Exams   []PassRate
	Domains []DomainRate
}

// PassRates reports pass rates per exam and per domain. Staff only. Two
// aggregate queries over the results, whatever their number.
func (a *App) PassRates(ctx context.Context, pr Principal) (PassRates, error) {
	if err := pr.mustBeStaff("read reports"); err != nil {
		return PassRates{}, err
	}
	var out PassRates
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		exams, err := tx.ExamPasses(ctx)
		if err != nil {
			return storeErr(err, "pass rates per exam")
		}
		domains, err := tx.DomainPasses(ctx)
		if err != nil {
			return storeErr(err, "pass rates per domain")
		}
		for _, e := range exams {
			out.Exams = append(out.Exams, PassRate{Exam: e.Exam, Sittings: e.Sittings, Passed: e.Passed, Rate: ratio(e.Passed, e.Sittings)})
		}
		for _, d := range domains {
			out.Domains = append(out.Domains, DomainRate{Exam: d.Exam, Domain: d.Domain, Graded: d.Graded, Meeting: d.Meeting, Rate: ratio(d.Meeting, d.Graded)})
		}
		return nil
	})
	return out, err
}

// AppointmentRate is one exam's no-show and reschedule rates. A no-show
// is counted against the sittings that came due (sat or missed), a
// reschedule against every appointment made.
type AppointmentRate struct {
	ledger.ExamAppointments
	NoShowRate, RescheduleRate float64
}

// AppointmentRates reports no-show and reschedule rates per exam. Staff
// only; one aggregate query over the appointments.
func (a *App) AppointmentRates(ctx context.Context, pr Principal) ([]AppointmentRate, error) {
	if err := pr.mustBeStaff("read reports"); err != nil {
		return nil, err
	}
	var out []AppointmentRate
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		rows, err := tx.ExamAppointments(ctx)
		if err != nil {
			return storeErr(err, "appointment rates per exam")
		}
		for _, r := range rows {
			out = append(out, AppointmentRate{ExamAppointments: r, NoShowRate: ratio(r.Missed, r.Sat+r.Missed), RescheduleRate: ratio(r.Rescheduled, r.Booked)})
		}
		return nil
	})
	return out, err
}

// ratio is n/of, and 0 when there is nothing to divide by.
func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
