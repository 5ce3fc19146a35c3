package web

import (
	"net/http"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// sessionsView is the sessions page: where the person is signed in.
type sessionsView struct {
	Sessions []ledger.Session
	Current  string // this browser's session id
	Zone     *time.Location
	Notice   string
}

// sessionsPage is GET /sessions: the person's own sessions, this one
// marked, each with a button that ends it.
func sessionsPage(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	list, err := s.app.Sessions(r.Context(), pr)
	if err != nil {
		return err
	}
	se, _ := sessionOf(r)
	v := sessionsView{Sessions: list, Current: se.ID, Zone: s.sessionsZone(r, pr)}
	if r.URL.Query().Get("revoked") == "1" {
		v.Notice = "The session has been ended."
	}
	s.render(w, r, http.StatusOK, "sessions", v)
	return nil
}

// sessionsZone is the zone the page shows times in: a candidate's own,
// from their record; for staff the one they asked for; else UTC.
func (s *server) sessionsZone(r *http.Request, pr app.Principal) *time.Location {
	if pr.Role != app.RoleCandidate {
		return viewerZone(r)
	}
	if c, err := s.app.Candidate(r.Context(), pr, pr.Subject); err == nil {
		return zoneOr(c.TimeZone, time.UTC)
	}
	return time.UTC
}

// sessionRevoke is POST /sessions/{id}/revoke: the person ends one of
// their sessions (app refuses anyone else's). Ending this one signs out.
func sessionRevoke(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, err := me(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.app.RevokeSession(r.Context(), pr, id); err != nil {
		return err
	}
	if se, _ := sessionOf(r); se.ID == id {
		s.clearSession(w, r)
		http.Redirect(w, r, "/signin?out=1", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/sessions?revoked=1", http.StatusSeeOther)
	return nil
}

// signout is POST /signout: this session ends, and the cookie with it.
func signout(s *server, w http.ResponseWriter, r *http.Request) error {
	if se, ok := sessionOf(r); ok {
		if err := s.app.RevokeSession(r.Context(), se.Principal, se.ID); err != nil && app.ErrorCode(err) != app.CodeNotFound {
			return err
		}
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/signin?out=1", http.StatusSeeOther)
	return nil
}
