package web

import (
	"net/http"
)

// meCalendar makes a new calendar feed URL (replacing, and so turning off,
// any earlier one) and shows it once: app keeps only its hash.
func meCalendar(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	link, err := s.app.CreateCalendarFeed(r.Context(), pr, v.ID)
	if err != nil {
		return err
	}
	sv, err := s.settingsForm(r, pr, v)
	if err != nil {
		return err
	}
	sv.FeedURL = s.publicBase(r) + link.Path
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "me_settings", sv)
	return nil
}
