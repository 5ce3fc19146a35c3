package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// meView is the candidate's overview: each certification held with its
// state, expiry and days left and the renewal plan; what they are working
// towards (the first date its exam can be sat again); appointments coming
// up; results; vouchers.
type meView struct {
	C         candidateView
	Title     string
	Certs     []certRow
	Pursuits  []pursuitRow
	Upcoming  []apRow
	Results   []resultRow
	Vouchers  []voucherRow
	StateDate time.Time
}

type certRow struct {
	ID, Name, State, Class string
	Earned, Expires        time.Time
	DaysLeft               int
	Expiring               bool // has an expiry not yet past
	Renewed                bool
	PrepareFrom, PrepareBy time.Time
	Options                []planRow
	EarnAnew               *planRow
}

// planRow is one exam that would renew (or earn anew) a certification.
type planRow struct {
	Exam, ExamName            string
	Earliest, Last, OneRetake time.Time
	InTime                    bool
	BookURL                   string
}

type pursuitRow struct {
	Cert, CertName string
	Next           planRow
}

type apRow struct {
	ID, Exam, Center, State, Class string
	Slot                           time.Time
}

type resultRow struct {
	ID, Exam string
	SatAt    time.Time
	Scaled   int
	Passed   bool
}

type voucherRow struct {
	ID, FromExam, State, Class string
	Discount                   int
	Issued, Expires            time.Time
}

// meDashboard is the candidate's overview page.
func meDashboard(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.app.Standing(ctx, pr, v.ID)
	if err != nil {
		return err
	}
	mv := meView{C: v, Title: "Your certifications", StateDate: date(st.Date)}
	if v.Staff {
		mv.Title = "Certifications of " + v.Name
	}
	p := v.Program
	held := map[string]bool{}
	for _, c := range st.Certifications {
		row := certRow{ID: c.Certification.Certification, Name: certName(p, c.Certification.Certification), Earned: date(c.EarnedOn), Expires: date(c.ExpiresOn), Renewed: c.Renewed}
		row.State, row.Class = stateOf(c.State)
		if !row.Expires.IsZero() && !row.Expires.Before(mv.StateDate) {
			row.Expiring, row.DaysLeft = true, int(row.Expires.Sub(mv.StateDate).Hours()/24)
		}
		plan, err := s.app.Plan(ctx, pr, v.ID, c.Certification.Certification)
		if err != nil {
			return err
		}
		row.PrepareFrom, row.PrepareBy = pdate(plan.PrepareFrom), pdate(plan.PrepareBy)
		for _, o := range plan.Options {
			row.Options = append(row.Options, s.planRow(v, o))
		}
		if plan.EarnAnew != nil {
			pr := s.planRow(v, *plan.EarnAnew)
			row.EarnAnew = &pr
		}
		held[c.Certification.Certification] = c.State == "active" || c.State == "grace"
		mv.Certs = append(mv.Certs, row)
	}
	// Working towards: a certification whose exam the candidate has sat
	// or booked, not held now.
	seen := map[string]bool{}
	towards := func(exam string) error {
		e, ok := p.Exam(exam)
		if !ok {
			return nil
		}
		cert, ok := p.CertificationFor(e.Line)
		if !ok || held[cert.ID] || seen[cert.ID] {
			return nil
		}
		seen[cert.ID] = true
		plan, err := s.app.Plan(ctx, pr, v.ID, cert.ID)
		if err != nil || plan.EarnAnew == nil {
			return err
		}
		mv.Pursuits = append(mv.Pursuits, pursuitRow{Cert: cert.ID, CertName: cert.Name, Next: s.planRow(v, *plan.EarnAnew)})
		return nil
	}
	for i := len(st.Results) - 1; i >= 0; i-- {
		res := st.Results[i]
		if err := towards(res.Exam); err != nil {
			return err
		}
		mv.Results = append(mv.Results, resultRow{ID: res.ID, Exam: examName(p, res.Exam), SatAt: res.SatAt, Scaled: res.Scaled, Passed: res.Passed})
	}
	aps, err := s.app.ListAppointments(ctx, pr, ledger.AppointmentFilter{Candidate: v.ID, State: "open"}, ledger.Page{Limit: 100})
	if err != nil {
		return err
	}
	for _, ap := range aps {
		if err := towards(ap.Exam); err != nil {
			return err
		}
		row := apRow{ID: ap.ID, Exam: examName(p, ap.Exam), Center: ap.Center, Slot: ap.Slot}
		if c, err := s.app.Center(ctx, pr, ap.Center); err == nil {
			row.Center = c.Name
		}
		row.State, row.Class = stateOf(ap.State)
		mv.Upcoming = append(mv.Upcoming, row)
	}
	for _, vo := range st.Vouchers {
		row := voucherRow{ID: vo.ID, FromExam: vo.FromExam, Discount: vo.Discount, Issued: date(vo.IssuedOn), Expires: date(vo.ExpiresOn)}
		row.State, row.Class = stateOf(vo.State)
		mv.Vouchers = append(mv.Vouchers, row)
	}
	s.render(w, r, http.StatusOK, "me", mv)
	return nil
}

// planRow is a plan option as the overview shows it, with a link that
// opens the booking page on its earliest date.
func (s *server) planRow(v candidateView, o policy.PlanOption) planRow {
	row := planRow{Exam: o.Exam, ExamName: examName(v.Program, o.Exam), Earliest: pdate(o.Earliest), Last: pdate(o.LastAttempt),
		OneRetake: pdate(o.WithOneRetake), InTime: o.InTime}
	q := url.Values{"exam": {o.Exam}}
	if !row.Earliest.IsZero() && row.Earliest.After(v.Today) {
		q.Set("from", o.Earliest.String())
	}
	row.BookURL = v.Base + "/book?" + q.Encode() + "#picker"
	return row
}
