package httpapi

import (
	"net/http"
	"strings"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

type preferencesJSON struct {
	Candidate string   `json:"candidate"`
	Channels  []string `json:"channels"`
	OptOut    []string `json:"opt_out"`
	Rev       int64    `json:"rev"`
}

type preferencesIn struct {
	Channels []string `json:"channels"`
	OptOut   []string `json:"opt_out"`
}

func preferencesOut(p ledger.Preferences) preferencesJSON {
	ch, oo := p.Channels, p.OptOut
	if ch == nil {
		ch = []string{}
	}
	if oo == nil {
		oo = []string{}
	}
	return preferencesJSON{p.Candidate, ch, oo, p.Rev}
}

func getPreferences(s *server, w http.ResponseWriter, r *http.Request) error {
	p, err := s.app.Preferences(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Rev))
	return writeJSON(w, http.StatusOK, preferencesOut(p))
}

// putPreferences replaces the candidate's preferences. If-Match is
// optional: preferences are one person's own choice, rarely edited by two
// at once. The defaults are version 0 (ETag "0"), which ifMatch, made for
// records that start at 1, would call a version that cannot exist.
func putPreferences(s *server, w http.ResponseWriter, r *http.Request) error {
	var want *int64
	if strings.TrimSpace(r.Header.Get("If-Match")) == etag(0) {
		want = new(int64)
	} else {
		rev, err := ifMatch(r, false)
		if err != nil {
			return err
		}
		if rev != 0 {
			want = &rev
		}
	}
	body, err := readBody(w, r, maxJSONBody, "application/json")
	if err != nil {
		return err
	}
	var in preferencesIn
	if err := decodeJSON(body, &in, false); err != nil {
		return err
	}
	p, err := s.app.SetPreferences(r.Context(), principal(r), r.PathValue("id"),
		app.PreferencesInput{Channels: in.Channels, OptOut: in.OptOut}, want)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Rev))
	return writeJSON(w, http.StatusOK, preferencesOut(p))
}
