package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/ledger"
)

// changeAppointment is what cancel and reschedule share: the appointment
// must be this candidate's, the change runs once under the form's key,
// and a refusal shows the appointment page again with its explanation.
func (s *server) changeAppointment(w http.ResponseWriter, r *http.Request, done string,
	do func(ctx context.Context, pr app.Principal, c app.Change, f url.Values) (ledger.Appointment, error)) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Code: app.CodeInvalid, Message: "The form could not be read.", Err: err}
	}
	ap, err := s.appointment(r, pr, v)
	if err != nil {
		return err
	}
	f := r.PostForm
	rev, _ := strconv.ParseInt(f.Get("rev"), 10, 64)
	c := app.Change{Appointment: ap.ID, IfMatch: rev}
	fields := map[string]string{"appointment": ap.ID, "rev": f.Get("rev"), "slot": f.Get("slot")}
	_, err = s.once(r, pr, "POST /me/appointments/"+done, fields, func(ctx context.Context, pr app.Principal) (ledger.Appointment, error) {
		return do(ctx, pr, c, f)
	})
	if err == nil {
		http.Redirect(w, r, v.Base+"/appointments/"+url.PathEscape(ap.ID)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	var e *app.Error
	if !errors.As(err, &e) || httpstatus.Of(e.Code).Status >= 500 || e.Code == app.CodeForbidden {
		return err
	}
	q := url.Values{"from": {f.Get("from")}, "slot": {f.Get("slot")}}
	av, ferr := s.appointmentForm(r, pr, v, q)
	if ferr != nil {
		return ferr
	}
	if e.Code == app.CodePrecondition {
		e = &app.Error{Code: e.Code, Message: "The appointment changed after this page was shown; here it is as it is now."}
	}
	av.Error, av.ErrorOnMove = refusalOf(e), done == "rescheduled"
	s.render(w, r, httpstatus.Of(e.Code).Status, "appointment", av)
	return nil
}
