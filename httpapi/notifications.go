package httpapi

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// notificationJSON is one notice's delivery on one channel with its state.
type notificationJSON struct {
	ID        string     `json:"id"`
	Candidate string     `json:"candidate"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Due       time.Time  `json:"due"`
	Channel   *string    `json:"channel"`
	State     string     `json:"state"`
	Reason    *string    `json:"reason"`
	Target    *string    `json:"target"`
	MessageID *string    `json:"message_id"`
	Title     *string    `json:"title"`
	Error     *string    `json:"error"`
	Attempts  int        `json:"attempts"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	SentAt    *time.Time `json:"sent_at"`
}

func notificationOut(n ledger.Notification) notificationJSON {
	return notificationJSON{ID: n.ID, Candidate: n.Candidate, Kind: n.Kind, Subject: n.Subject, Due: n.Due.UTC(),
		Channel: orNull(n.Channel), State: n.State, Reason: orNull(n.Reason), Target: orNull(n.Target),
		MessageID: orNull(n.MessageID), Title: orNull(n.Title), Error: orNull(n.Error), Attempts: n.Attempts,
		CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC(), SentAt: expiresOut(n.SentAt)}
}

// listNotifications: a candidate sees their own; staff everyone's, or one
// candidate's with ?candidate=, and one state's with ?state=.
func listNotifications(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := ledger.NotificationFilter{Candidate: q.Get("candidate"), State: q.Get("state")}
	switch f.State {
	case "", app.StateSending, app.StateSent, app.StateFailed, app.StateSkipped, app.StateUnconfirmed:
	default:
		return fail(app.CodeInvalid, "state", "state must be sending, sent, failed, skipped or unconfirmed")
	}
	if f.Candidate != "" {
		if err := checkParam("candidate", f.Candidate); err != nil {
			return err
		}
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Notification, error) {
		return s.app.Notifications(r.Context(), principal(r), f, p)
	}, notificationOut, func(n ledger.Notification) string { return n.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func getNotification(s *server, w http.ResponseWriter, r *http.Request) error {
	n, err := s.app.Notification(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationOut(n))
}
