package httpapi

import (
	"context"
	"net/http"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type centerIn struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
	Online   bool   `json:"online"`
	Seats    int    `json:"seats"`
}

func createCenter(s *server, w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in centerIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	return s.post(w, r, body, http.StatusCreated, as(centerOut), func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.CreateCenter(ctx, pr, app.CenterInput{ID: in.ID, Name: in.Name, TimeZone: in.TimeZone,
			Online: in.Online, Seats: in.Seats})
	})
}

func listCenters(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := pageParams(r)
	if err != nil {
		return err
	}
	out, err := fetchPage(p, func(p ledger.Page) ([]ledger.Center, error) {
		return s.app.ListCenters(r.Context(), principal(r), p)
	}, centerOut, func(c ledger.Center) string { return c.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func getCenter(s *server, w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.Center(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, centerOut(c))
}

// centerPatch is what may change. A center's zone and delivery are fixed:
// booked slots were read in them.
type centerPatch struct {
	Name  string `json:"name"`
	Seats int    `json:"seats"`
}

func patchCenter(s *server, w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r, true)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, maxJSONBody, "application/json", "application/merge-patch+json")
	if err != nil {
		return err
	}
	var in centerPatch
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	c, err := s.app.UpdateCenter(r.Context(), principal(r), app.CenterInput{ID: r.PathValue("id"), Name: in.Name,
		Seats: in.Seats, IfMatch: rev})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Rev))
	return writeJSON(w, http.StatusOK, centerOut(c))
}
