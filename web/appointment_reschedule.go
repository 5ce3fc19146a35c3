package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// appointmentReschedule moves the appointment to the slot chosen in its
// picker through app.Reschedule, once per rendered form.
func appointmentReschedule(s *server, w http.ResponseWriter, r *http.Request) error {
	return s.changeAppointment(w, r, "rescheduled", func(ctx context.Context, pr app.Principal, c app.Change, f url.Values) (ledger.Appointment, error) {
		slot, err := time.Parse(time.RFC3339, f.Get("slot"))
		if err != nil {
			return ledger.Appointment{}, &app.Error{Code: app.CodeInvalid, Field: "slot", Message: "Choose a new date and time from the list."}
		}
		return s.app.Reschedule(ctx, pr, app.RescheduleInput{Change: c, Slot: slot})
	})
}
