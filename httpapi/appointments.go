package httpapi

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type bookIn struct {
	Candidate  string `json:"candidate"`
	Exam       string `json:"exam"`
	Center     string `json:"center"`
	Slot       string `json:"slot"`
	UseVoucher bool   `json:"use_voucher"`
}

// book makes an appointment. A retry with the same Idempotency-Key gets
// the first answer and books nothing twice.
func book(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in bookIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	slot, err := instant("slot", in.Slot, true)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(appointmentOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.Book(ctx, pr, app.BookInput{Candidate: in.Candidate, Exam: in.Exam, Center: in.Center,
			Slot: slot, UseVoucher: in.UseVoucher})
	})
}

var appointmentStates = map[string]bool{"": true, "open": true, "cancelled": true, "sat": true, "missed": true}

func listAppointments(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := ledger.AppointmentFilter{Candidate: q.Get("candidate"), Center: q.Get("center"), State: q.Get("state")}
	if !appointmentStates[f.State] {
		return fail(app.CodeInvalid, "state", "state must be open, cancelled, sat or missed")
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Appointment, error) {
		return s.app.ListAppointments(r.Context(), principal(r), f, p)
	}, appointmentOut, func(a ledger.Appointment) string { return a.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func getAppointment(s *server, w http.ResponseWriter, r *http.Request) error {
	a, err := s.app.Appointment(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(a.Rev))
	return writeJSON(w, http.StatusOK, appointmentOut(a))
}

// change reads what every appointment action shares: the appointment in
// the path, an optional If-Match, and a JSON body into in (which may be
// empty when every field is optional).
func change(w http.ResponseWriter, r *http.Request, in any, optional bool) (app.Change, []byte, error) {
	rev, err := ifMatch(r, false)
	if err != nil {
		return app.Change{}, nil, err
	}
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return app.Change{}, nil, err
	}
	if err := decodeJSON(body, in, optional); err != nil {
		return app.Change{}, nil, err
	}
	return app.Change{Appointment: r.PathValue("id"), IfMatch: rev}, body, nil
}

func cancel(s *server, w http.ResponseWriter, r *http.Request) error {
	c, body, err := change(w, r, &struct{}{}, true)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusOK, as(appointmentOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.Cancel(ctx, pr, c)
	})
}

type rescheduleIn struct {
	Slot   string `json:"slot"`
	Center string `json:"center"`
}

func reschedule(s *server, w http.ResponseWriter, r *http.Request) error {
	var in rescheduleIn
	c, body, err := change(w, r, &in, false)
	if err != nil {
		return err
	}
	slot, err := instant("slot", in.Slot, true)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusOK, as(appointmentOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.Reschedule(ctx, pr, app.RescheduleInput{Change: c, Slot: slot, Center: in.Center})
	})
}

func noShow(s *server, w http.ResponseWriter, r *http.Request) error {
	c, body, err := change(w, r, &struct{}{}, true)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusOK, as(appointmentOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.NoShow(ctx, pr, c)
	})
}

type medicalIn struct {
	Note string `json:"note"`
}

// medicalRefund refunds a missed appointment's fee. app.MedicalRefund does
// not compare If-Match, so it is compared here against a fresh read: not
// atomic with the refund, but a refund can happen only once anyway, and a
// caller who sent an ETag is told when it is stale.
func medicalRefund(s *server, w http.ResponseWriter, r *http.Request) error {
	var in medicalIn
	c, body, err := change(w, r, &in, true)
	if err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusOK, as(appointmentOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.MedicalRefund(ctx, pr, c, in.Note)
	})
}
