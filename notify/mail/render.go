package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/recert/recert/app"
)

// The templates are compiled into the binary, so a server sends the mail
// its version was tested with, whatever the working directory holds.
//
//go:embed templates/*.txt templates/*.html
var templateFS embed.FS

// kinds are the notice kinds with a template of their own (policy's
// NoticeKind values); any other kind gets the default, which shows the
// explanation lines only.
var kinds = []string{
	"expiry_reminder",
	"certification_expired",
	"retake_available",
	"change_deadline",
	"sitting",
	"voucher_expiring",
}

const defaultKind = "default"

// standalone are the kinds whose file is the whole message, with a
// "layout" of its own: a sign-in link is not about certifications, and the
// layout's footer (preferences, opting out) does not apply to it.
var standalone = []string{app.KindSignIn}

type templates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// parsed holds every template, parsed once: each kind's file defines the
// "facts" block of the shared layout.
var parsed = sync.OnceValues(func() (*templates, error) {
	ts := &templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, k := range append([]string{defaultKind}, kinds...) {
		tt, err := texttemplate.New(k).Option("missingkey=error").ParseFS(templateFS, "templates/layout.txt", "templates/"+k+".txt")
		if err != nil {
			return nil, fmt.Errorf("mail: text template %s: %w", k, err)
		}
		ht, err := htmltemplate.New(k).Option("missingkey=error").ParseFS(templateFS, "templates/layout.html", "templates/"+k+".html")
		if err != nil {
			return nil, fmt.Errorf("mail: HTML template %s: %w", k, err)
		}
		ts.text[k], ts.html[k] = tt, ht
	}
	for _, k := range standalone {
		tt, err := texttemplate.New(k).Option("missingkey=error").ParseFS(templateFS, "templates/"+k+".txt")
		if err != nil {
			return nil, fmt.Errorf("mail: text template %s: %w", k, err)
		}
		ht, err := htmltemplate.New(k).Option("missingkey=error").ParseFS(templateFS, "templates/"+k+".html")
		if err != nil {
			return nil, fmt.Errorf("mail: HTML template %s: %w", k, err)
		}
		ts.text[k], ts.html[k] = tt, ht
	}
	return ts, nil
})

// Render returns a message's plain-text and HTML bodies.
func Render(m app.Message) (text, html string, err error) {
	ts, err := parsed()
	if err != nil {
		return "", "", err
	}
	k := m.Kind
	if _, ok := ts.text[k]; !ok {
		k = defaultKind
	}
	v := view{Message: m, zone: zone(m.Candidate.TimeZone)}
	var tb, hb bytes.Buffer
	if err := ts.text[k].ExecuteTemplate(&tb, "layout", v); err != nil {
		return "", "", fmt.Errorf("mail: render %s text: %w", k, err)
	}
	if err := ts.html[k].ExecuteTemplate(&hb, "layout", v); err != nil {
		return "", "", fmt.Errorf("mail: render %s HTML: %w", k, err)
	}
	return tb.String(), hb.String(), nil
}

// view is what the templates see: the message, and helpers that show its
// dates the way the candidate reads them.
type view struct {
	app.Message
	zone *time.Location
}

// zone is the candidate's time zone; UTC when it is unknown, so that a bad
// zone name costs the reader a conversion, not the reminder.
func zone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// When shows an instant in the candidate's zone, with the zone named.
func (v view) When(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(v.zone).Format("Monday 2 January 2006, 15:04 MST")
}

// Day shows a YYYY-MM-DD date with its weekday; anything else as it is.
func (v view) Day(date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return d.Format("Monday 2 January 2006")
}

// DaysLeft says how far off Facts.Date is.
func (v view) DaysLeft() string {
	switch d := v.Facts.Days; {
	case d == 0:
		return "today"
	case d == 1:
		return "tomorrow"
	case d < 0:
		return fmt.Sprintf("%d days ago", -d)
	default:
		return fmt.Sprintf("in %d days", d)
	}
}

// oneLine makes a header value of a string: a line break in a title must
// not start a header of its own.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
