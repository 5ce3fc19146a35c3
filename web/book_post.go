package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
	"github.com/recert/recert/ledger"
)

// bookPost books the slot chosen in the picker through app.Book, once per
// rendered form (its idempotency key). A refusal shows the form again
// with the engine's explanation beside the picker and books nothing.
func bookPost(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Code: app.CodeInvalid, Message: "The form could not be read.", Err: err}
	}
	f := r.PostForm
	in := app.BookInput{Candidate: v.ID, Exam: f.Get("exam"), Center: f.Get("center"), UseVoucher: f.Get("use_voucher") != ""}
	slot, perr := time.Parse(time.RFC3339, f.Get("slot"))
	if perr != nil {
		err = &app.Error{Code: app.CodeInvalid, Field: "slot", Message: "Choose a date and time from the list."}
	} else {
		in.Slot = slot
		fields := map[string]string{"candidate": v.ID, "exam": in.Exam, "center": in.Center, "slot": f.Get("slot"), "use_voucher": f.Get("use_voucher")}
		var id string
		id, err = s.once(r, pr, "POST /me/book", fields, func(ctx context.Context, pr app.Principal) (ledger.Appointment, error) {
			return s.app.Book(ctx, pr, in)
		})
		if err == nil {
			http.Redirect(w, r, v.Base+"/appointments/"+url.PathEscape(id)+"?done=booked", http.StatusSeeOther)
			return nil
		}
	}
	var e *app.Error
	if !errors.As(err, &e) || httpstatus.Of(e.Code).Status >= 500 || e.Code == app.CodeForbidden {
		return err
	}
	bv, ferr := s.bookForm(r, pr, v, f)
	if ferr != nil {
		return ferr
	}
	bv.Error = refusalOf(e)
	s.render(w, r, httpstatus.Of(e.Code).Status, "book", bv)
	return nil
}
