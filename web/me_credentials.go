package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/ledger"
)

// credentialsView lists a candidate's verifiable credentials with their
// state, a download of each as a VC-JWT and the public link that
// verifies it, to share with an employer.
type credentialsView struct {
	C     candidateView
	Title string
	Creds []credRow
}

type credRow struct {
	ID, Cert, State, Class, Reason string
	Issued, ValidFrom, ValidUntil  time.Time
	Download, Share                string
	Superseded                     bool
}

// meCredentials lists the credentials.
func meCredentials(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	creds, err := s.app.Credentials(r.Context(), pr, v.ID, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	cv := credentialsView{C: v, Title: "Credentials"}
	superseded := map[string]bool{}
	for _, c := range creds {
		superseded[c.Supersedes] = true
	}
	base := s.publicBase(r)
	for i := len(creds) - 1; i >= 0; i-- { // newest first
		c := creds[i]
		row := credRow{ID: c.ID, Cert: certName(v.Program, c.Certification), Reason: c.Reason, Issued: c.IssuedAt,
			ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Superseded: superseded[c.ID],
			Download: v.Base + "/credentials/" + url.PathEscape(c.ID) + ".jwt",
			Share:    base + "/credentials/" + url.PathEscape(c.ID)}
		row.State, row.Class = stateOf(c.Status)
		cv.Creds = append(cv.Creds, row)
	}
	s.render(w, r, http.StatusOK, "me_credentials", cv)
	return nil
}

// publicBase is the server's address as others reach it: the configured
// public URL, or the request's own scheme and host.
func (s *server) publicBase(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
