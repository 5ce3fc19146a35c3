package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// appointmentView is one appointment with what can still be done to it:
// the change deadline (R7) in the candidate's zone, the reschedules left
// (R9), a cancel the engine would allow or refuses with its reason, and a
// slot picker to move it.
type appointmentView struct {
	C      candidateView
	Title  string
	Ap     ledger.Appointment
	Exam   string
	Center ledger.Center
	State  string
	Class  string
	Fee    string
	Done   string // booked, cancelled, rescheduled: what the last post did
	Result string // the result's id once sat
	Open   bool
	// Deadline is the last instant a change is free of the window (zero:
	// none); Window says it in words ("24 hours").
	Deadline time.Time
	Window   string
	Late     bool
	// Left is the reschedules left; Unlimited when the program sets none.
	Left, Used int
	Unlimited  bool
	// Cancel is the engine's answer to a cancel now.
	CancelOK    bool
	CancelWhy   []string
	Picker      *picker
	From        string
	CancelKey   string
	MoveKey     string
	Error       *refusal
	ErrorOnMove bool
}

// appointmentPage shows one of the candidate's appointments.
func appointmentPage(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	av, err := s.appointmentForm(r, pr, v, r.URL.Query())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "appointment", av)
	return nil
}

// appointment reads the appointment in the path, which must be this
// candidate's: app decides whether the principal may see it at all.
func (s *server) appointment(r *http.Request, pr app.Principal, v candidateView) (ledger.Appointment, error) {
	ap, err := s.app.Appointment(r.Context(), pr, r.PathValue("ap"))
	if err == nil && ap.Candidate != v.ID {
		err = &app.Error{Code: app.CodeNotFound, Message: "appointment " + r.PathValue("ap") + " not found"}
	}
	return ap, err
}

func (s *server) appointmentForm(r *http.Request, pr app.Principal, v candidateView, q url.Values) (appointmentView, error) {
	ctx := r.Context()
	ap, err := s.appointment(r, pr, v)
	if err != nil {
		return appointmentView{}, err
	}
	av := appointmentView{C: v, Title: "Appointment for " + ap.Exam, Ap: ap, Exam: examName(v.Program, ap.Exam), Done: q.Get("done"),
		Open: ap.State == "open", Used: ap.Reschedules, CancelKey: newFormKey(), MoveKey: newFormKey()}
	av.State, av.Class = stateOf(ap.State)
	if ap.FeeMinor != 0 {
		av.Fee = policy.MoneyString(policy.Money{Minor: ap.FeeMinor, Currency: ap.Currency})
	}
	if av.Center, err = s.app.Center(ctx, pr, ap.Center); err != nil {
		return av, err
	}
	pol := v.Program.Appointments
	switch {
	case pol.MaxReschedules < 0:
		av.Unlimited = true
	default:
		av.Left = max(pol.MaxReschedules-ap.Reschedules, 0)
	}
	if w := pol.ChangeWindow; w.Exact() {
		av.Deadline, av.Window = ap.Slot.Add(-w.Duration()), w.Words()
	} else if !w.IsZero() {
		av.Deadline, av.Window = w.SubFrom(policy.DateIn(ap.Slot, v.Zone)).Start(v.Zone), w.Words()
	} else {
		av.Deadline, av.Window = ap.Slot, "until the slot begins"
	}
	av.Late = !v.Now.Before(av.Deadline)
	if ap.State == "sat" {
		st, err := s.app.Standing(ctx, pr, v.ID)
		if err != nil {
			return av, err
		}
		for _, res := range st.Results {
			if res.Appointment == ap.ID {
				av.Result = res.ID
			}
		}
	}
	if !av.Open {
		return av, nil
	}
	ans, err := s.app.Ask(ctx, pr, v.ID, policy.Ask{Action: policy.Cancel, Appointment: ap.ID, Delivery: deliveryOf(av.Center)})
	if err != nil {
		return av, err
	}
	av.CancelOK, av.CancelWhy = ans.Decision.Allowed, ans.Explanation
	from := pickFrom(q, v)
	av.From = from.Format(time.DateOnly)
	base := v.Base + "/appointments/" + url.PathEscape(ap.ID)
	link := func(from string) string { return base + "?" + url.Values{"from": {from}}.Encode() + "#picker" }
	av.Picker, err = s.pick(ctx, pr, v, app.SlotsInput{Candidate: v.ID, Appointment: ap.ID, Center: ap.Center}, av.Center, from, link, q.Get("slot"))
	return av, err
}

// deliveryOf is how a center delivers, as the engine names it.
func deliveryOf(c ledger.Center) string {
	if c.Online {
		return "online"
	}
	return "test_center"
}
