package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/ledger"
)

// webhooksPage lists the endpoints.
type webhooksPage struct {
	Endpoints []ledger.WebhookEndpoint
	Zone      *time.Location
}

// staffWebhooks is /staff/webhooks: every endpoint, enabled or not, each
// linking to its delivery log.
func staffWebhooks(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	eps, err := s.app.ListWebhooks(r.Context(), pr, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_webhooks", webhooksPage{Endpoints: eps, Zone: viewerZone(r)})
	return nil
}
