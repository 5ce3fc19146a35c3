package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// appointmentCancel cancels through app.Cancel, once per rendered form;
// the form carries the appointment's revision, so a page older than the
// appointment's last change is refused rather than acted on unseen.
func appointmentCancel(s *server, w http.ResponseWriter, r *http.Request) error {
	return s.changeAppointment(w, r, "cancelled", func(ctx context.Context, pr app.Principal, c app.Change, _ url.Values) (ledger.Appointment, error) {
		return s.app.Cancel(ctx, pr, c)
	})
}
