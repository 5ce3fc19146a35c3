package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/recert/recert/app"
)

type calendarJSON struct {
	Candidate string    `json:"candidate"`
	URL       string    `json:"url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// createCalendar makes the candidate's secret feed URL, replacing (and so
// revoking) any earlier one; 200, not 201: the feed has no address of its
// own in the API, only the secret URL. The URL is shown once; a replay of the same
// Idempotency-Key answers without it.
func createCalendar(s *server, w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	if err := decodeJSON(body, &struct{}{}, true); err != nil {
		return err
	}
	id := r.PathValue("id")
	base := s.publicBase(r)
	return s.post(w, r, body, http.StatusOK, func(v any) any {
		l := v.(app.CalendarLink)
		out := calendarJSON{Candidate: l.Candidate, CreatedAt: l.CreatedAt.UTC()}
		if l.Path != "" {
			out.URL = base + l.Path
		}
		return out
	}, func(ctx context.Context, pr app.Principal) (any, error) {
		return s.app.CreateCalendarFeed(ctx, pr, id)
	})
}

func deleteCalendar(s *server, w http.ResponseWriter, r *http.Request) error {
	if err := s.app.RevokeCalendarFeed(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// calendarFeed serves a feed by its secret, with no token: calendar
// applications cannot send one. The answer is private (it is one person's
// dates) and revalidated with its ETag.
func calendarFeed(s *server, w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("secret")
	secret, ok := strings.CutSuffix(file, ".ics")
	if !ok {
		return fail(app.CodeNotFound, "", "no such calendar")
	}
	b, err := s.app.CalendarFeed(r.Context(), secret)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return nil
}

// publicBase is the scheme and host the links of a response start with.
func (s *server) publicBase(r *http.Request) string {
	if s.public != "" {
		return s.public
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
