package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// delivery is one attempt with its state told in a word.
type delivery struct {
	ledger.WebhookDelivery
	State string // delivered (a 2xx answer) or failed
}

func deliveryState(d ledger.WebhookDelivery) string {
	if d.Status >= 200 && d.Status < 300 {
		return "delivered"
	}
	return "failed"
}

// deliveriesPage is a page of one endpoint's log, maybe filtered.
type deliveriesPage struct {
	Endpoint   ledger.WebhookEndpoint
	State      string
	Deliveries []delivery
	Next       string
	Zone       *time.Location
}

const (
	deliveriesPerPage = 50
	// deliveryScan bounds how many log pages one filtered page reads, so
	// a filter matching nothing in a long log still answers quickly.
	deliveryScan = 20
)

// staffDeliveries is /staff/webhooks/{id}/deliveries?state=&after=: an
// endpoint's attempts, newest first, with the HTTP status and error of
// each, narrowed to those delivered or failed.
func staffDeliveries(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := deliveriesPage{State: q.Get("state"), Zone: viewerZone(r)}
	if p.State != "" && p.State != "delivered" && p.State != "failed" {
		return &app.Error{Code: app.CodeInvalid, Field: "state", Message: "A delivery is delivered or failed, not " + p.State + "."}
	}
	if p.Endpoint, err = s.app.Webhook(r.Context(), pr, r.PathValue("id")); err != nil {
		return err
	}
	after := q.Get("after")
	for i := range deliveryScan {
		page, err := s.app.WebhookDeliveries(r.Context(), pr, p.Endpoint.ID, ledger.Page{After: after, Limit: deliveriesPerPage})
		if err != nil {
			return err
		}
		full := false
		for _, d := range page {
			after = ledger.DeliveryCursor(d)
			if st := deliveryState(d); p.State == "" || st == p.State {
				p.Deliveries = append(p.Deliveries, delivery{WebhookDelivery: d, State: st})
				if full = len(p.Deliveries) == deliveriesPerPage; full {
					break
				}
			}
		}
		if len(page) < deliveriesPerPage && !full {
			break // the end of the log
		}
		if full || i == deliveryScan-1 {
			p.Next = after // the next page goes on from here
			break
		}
	}
	s.render(w, r, http.StatusOK, "staff_deliveries", p)
	return nil
}
