package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// notificationStates are the states a notification can be in, for the
// filter (ledger.Notification.State).
var notificationStates = []string{"sending", "sent", "failed", "skipped", "unconfirmed"}

// notificationsPage is a page of the notification log.
type notificationsPage struct {
	States        []string
	State         string
	Candidate     string
	Notifications []ledger.Notification
	Next          string // the cursor of the next page, if there may be one
	Zone          *time.Location
}

const notificationsPerPage = 50

// staffNotifications is /staff/notifications?state=&candidate=&after=:
// every notice's delivery on every channel, with its state in words,
// newest pages by id.
func staffNotifications(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := notificationsPage{States: notificationStates, State: q.Get("state"), Candidate: q.Get("candidate"), Zone: viewerZone(r)}
	if p.State != "" && !slices.Contains(notificationStates, p.State) {
		return &app.Error{Code: app.CodeInvalid, Field: "state", Message: "There is no notification state " + p.State + "."}
	}
	p.Notifications, err = s.app.NotificationLog(r.Context(), pr, ledger.NotificationFilter{Candidate: p.Candidate, State: p.State},
		ledger.Page{After: q.Get("after"), Limit: notificationsPerPage})
	if err != nil {
		return err
	}
	if len(p.Notifications) == notificationsPerPage {
		p.Next = p.Notifications[len(p.Notifications)-1].ID
	}
	s.render(w, r, http.StatusOK, "staff_notifications", p)
	return nil
}
