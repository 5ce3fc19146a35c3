package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// calendarPrefix marks calendar secrets, which are not API tokens: they
// open one candidate's feed and nothing else.
const calendarPrefix = "cal_"

// CalendarLink is a candidate's feed with its secret, shown once.
type CalendarLink struct {
	Candidate string
	Secret    string
	// Path is the feed's path on the server (/calendar/SECRET.ics).
	Path      string
	CreatedAt time.Time
}

// CreateCalendarFeed makes (or replaces, revoking the old URL) the secret
// URL of a candidate's calendar: the candidate or staff.
func (a *App) CreateCalendarFeed(ctx context.Context, pr Principal, candidate string) (CalendarLink, error) {
	if !pr.canSeeCandidate(candidate) || pr.Role == RoleCenter {
		return CalendarLink{}, hidden("candidate " + candidate)
	}
	secret := calendarPrefix + newSecret(tokenPrefix, 24)
	hash := secretHash(secret)
	link := CalendarLink{Candidate: candidate, Secret: secret, Path: "/calendar/" + secret + ".ics", CreatedAt: a.now().UTC()}
	v, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		if _, err := w.tx.Candidate(w.ctx, candidate); err != nil {
			return nil, storeErr(err, "candidate "+candidate)
		}
		return link, storeErr(w.tx.PutCalendarFeed(w.ctx, ledger.CalendarFeed{Candidate: candidate, Hash: hash, CreatedAt: link.CreatedAt}), "calendar feed")
	}, stored: func(v any) any {
		l := v.(CalendarLink)
		l.Secret, l.Path = "", ""
		return l
	}})
	out, _ := v.(CalendarLink)
	return out, err
}

// RevokeCalendarFeed turns a candidate's calendar URL off.
func (a *App) RevokeCalendarFeed(ctx context.Context, pr Principal, candidate string) error {
	if !pr.canSeeCandidate(candidate) || pr.Role == RoleCenter {
		return hidden("candidate " + candidate)
	}
	_, err := a.write(ctx, pr, op{decide: func(w *locked) (any, error) {
		return nil, storeErr(w.tx.DeleteCalendarFeed(w.ctx, candidate), "calendar feed of "+candidate)
	}})
	return err
}

// CalendarFeed is the iCalendar feed that a secret opens. It needs no
// token: the secret is the permission, and revoking or replacing the feed
// ends it. A wrong secret is not found, like any unknown URL.
func (a *App) CalendarFeed(ctx context.Context, secret string) ([]byte, error) {
	if a.calendar == nil {
		return nil, &Error{Code: CodeNotFound, Message: "calendar feeds are not served here"}
	}
	if !strings.HasPrefix(secret, calendarPrefix) || len(secret) > 200 {
		return nil, &Error{Code: CodeNotFound, Message: "no such calendar"}
	}
	sum := sha256.Sum256([]byte(secret))
	var name string
	var items []CalendarItem
	err := a.store.View(ctx, func(tx ledger.Tx) error {
		f, err := tx.CalendarFeedByHash(ctx, sum[:])
		if errors.Is(err, ledger.ErrNotFound) {
			return &Error{Code: CodeNotFound, Message: "no such calendar"}
		}
		if err != nil {
			return storeErr(err, "calendar feed")
		}
		s, err := a.load(ctx, tx, f.Candidate)
		if err != nil {
			return err
		}
		name = "recert: " + s.cand.Name
		items = calendarItems(s, a.now())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.calendar.Encode(name, items)
}

// calendarItems are the dates a candidate should not miss, as the engine
// reports them at instant at: expiries, when to start preparing and when
// renewal opens, earliest retakes and appointments with their change
// deadline as an alarm.
func calendarItems(s *subject, at time.Time) []CalendarItem {
	p, h, c := s.prog, s.hist, s.cand.ID
	r := p.Report(h, at)
	var out []CalendarItem
	// Stamped with the time of the last event, so an unchanged history
	// gives the same bytes (and ETag) on every fetch.
	var mod time.Time
	if n := len(s.events); n > 0 {
		mod = s.events[n-1].RecordedAt.UTC()
	}
	day := func(uid, summary, desc string, d policy.Date) {
		if d == policy.NoDate {
			return
		}
		out = append(out, CalendarItem{UID: uid + "@recert", Summary: summary, Description: desc, Date: d.String(), Modified: mod})
	}
	for _, cr := range r.Certifications {
		if cr.Term.Revoked || cr.Expires == policy.NoDate {
			continue
		}
		day(c+"-expiry-"+cr.ID+"-"+cr.Expires.String(), cr.Name+" expires", "The last day "+cr.Name+" ("+cr.ID+") is valid.", cr.Expires)
		plan, err := p.Plan(h, at, cr.ID)
		if err != nil {
			continue
		}
		day(c+"-prepare-"+cr.ID+"-"+cr.Expires.String(), "Start preparing to renew "+cr.Name, "Advised start of preparation for the renewal of "+cr.ID+".", plan.PrepareFrom)
		first := policy.NoDate
		exam := ""
		for _, o := range plan.Options {
			if o.Earliest < first {
				first, exam = o.Earliest, o.Exam
			}
		}
		day(c+"-renewal-"+cr.ID+"-"+cr.Expires.String(), "Renewal of "+cr.Name+" opens", "The earliest date "+exam+" renews "+cr.ID+".", first)
	}
	for _, n := range p.Notices(h) {
		if n.Kind == policy.NoticeRetake {
			day(c+"-retake-"+n.Subject+"-"+n.Date.String(), "Retake of "+n.Subject+" possible", "The first date a retake of "+n.Subject+" can be sat.", n.Date)
		}
	}
	for _, ap := range r.Appointments {
		minutes := 120
		if x, ok := p.Exam(ap.Exam); ok && x.DurationMinutes > 0 {
			minutes = x.DurationMinutes
		}
		out = append(out, CalendarItem{UID: c + "-appointment-" + ap.ID + "@recert", Summary: ap.Exam + " exam",
			Description: "Appointment " + ap.ID + " for " + ap.Exam + ". It can be cancelled or rescheduled until " +
				ap.ChangeUntil.In(h.Zone()).Format("2006-01-02 15:04 MST") + ".",
			Start: ap.Slot.UTC(), End: ap.Slot.Add(time.Duration(minutes) * time.Minute).UTC(),
			AlarmAt: ap.ChangeUntil.UTC(), AlarmSummary: "Last moment to cancel or reschedule " + ap.Exam, Modified: mod})
	}
	return out
}
