package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/policy"
)

// candidateView is what every candidate page shares: whose pages they
// are, where they live (/me for the candidate, /staff/candidates/ID for
// staff looking at them) and the zone times are shown in.
type candidateView struct {
	ID   string
	Name string
	// Base is the prefix of this candidate's pages: links stay on /me for
	// a candidate and under /staff for staff.
	Base string
	Zone *time.Location
	// Staff is set when someone other than the candidate is looking.
	Staff   bool
	Program *policy.Program
	Today   time.Time // the day in the candidate's zone, as a date (UTC midnight)
	Now     time.Time
}

// candidatePage reads who a candidate page is about. A candidate's pages
// are /me...; the same handlers serve staff at /staff/candidates/{cid}...,
// and app decides whether the principal may see that candidate (a
// candidate asking for another is answered not found).
func (s *server) candidatePage(r *http.Request) (app.Principal, candidateView, error) {
	pr, err := me(r)
	if err != nil {
		return pr, candidateView{}, err
	}
	id, base := r.PathValue("cid"), ""
	switch {
	case id != "":
		base = "/staff/candidates/" + url.PathEscape(id)
	case pr.Role == app.RoleCandidate:
		id, base = pr.Subject, "/me"
	default:
		return pr, candidateView{}, &app.Error{Code: app.CodeNotFound,
			Message: "These pages are a candidate's own; staff find a candidate under /staff."}
	}
	en, err := s.app.Enrolment(r.Context(), pr, id)
	if err != nil {
		return pr, candidateView{}, err
	}
	v := candidateView{ID: id, Name: en.Candidate.Name, Base: base, Zone: en.Zone, Staff: pr.Role != app.RoleCandidate, Program: en.Program}
	if v.Staff {
		v.Zone = viewerZone(r)
	}
	v.Now = s.app.Now()
	y, m, d := v.Now.In(en.Zone).Date()
	v.Today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return pr, v, nil
}

// viewerZone is the zone a viewer asked to see times in (the tz query or
// cookie) when it names one, else UTC. Staff work across centers, so no
// one zone is theirs; the zone is always named beside the time.
func viewerZone(r *http.Request) *time.Location {
	name := r.URL.Query().Get("tz")
	if name == "" {
		if c, err := r.Cookie("tz"); err == nil {
			name = c.Value
		}
	}
	return zoneOr(name, time.UTC)
}

// zoneOr is the zone name names, or fallback when it names none.
func zoneOr(name string, fallback *time.Location) *time.Location {
	if len(name) > 64 {
		return fallback
	}
	if loc, err := app.LoadZone(name); err == nil {
		return loc
	}
	return fallback
}

// date is a YYYY-MM-DD date as the `day` template func reads it (UTC
// midnight); the zero time for "" or a bad date.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// pdate is a policy date as the `day` func reads it; zero for NoDate.
func pdate(d policy.Date) time.Time {
	if d == policy.NoDate {
		return time.Time{}
	}
	return date(d.String())
}

// examName is "AIF-C01 AWS Certified AI Practitioner", or the code alone.
func examName(p *policy.Program, code string) string {
	if e, ok := p.Exam(code); ok && e.Name != "" {
		return code + " " + e.Name
	}
	return code
}

// certName is a certification's name, or its id.
func certName(p *policy.Program, id string) string {
	if c, ok := p.Certification(id); ok && c.Name != "" {
		return c.Name
	}
	return id
}
