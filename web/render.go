package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/recert/recert/app"
)

//go:embed all:templates
var templateFS embed.FS

// pages holds one template set per page: the layout with that page's
// blocks, so two pages may each define "content".
type pages struct{ set map[string]*template.Template }

// funcs are the helpers every template may call.
var funcs = template.FuncMap{
	"asset":     assetURL,
	"hasPrefix": strings.HasPrefix,
	// when shows an instant in a zone, naming the zone: a time without
	// its zone is a question, not an answer.
	"when": func(t time.Time, loc *time.Location) string {
		if t.IsZero() {
			return ""
		}
		if loc == nil {
			loc = time.UTC
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST") + zoneName(loc)
	},
	// day shows a date as people read it.
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 January 2006")
	},
}

// zoneName is " (Europe/Paris)" for a named zone whose abbreviation does
// not already say it.
func zoneName(loc *time.Location) string {
	if n := loc.String(); n != "UTC" && n != "Local" && !strings.HasPrefix(n, "+") {
		return " (" + n + ")"
	}
	return ""
}

func mustParsePages() *pages {
	p := &pages{set: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		// Partials (_name.html) are shared by every page.
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n))
		p.set[base] = t
	}
	return p
}

// view is what the layout reads; Data is the page's own. Me is the
// signed-in principal (nil for a visitor) and CSRF the token every form
// carries ({{template "csrf" .}} inside the form).
type view struct {
	// Path is the page's path: the layout leaves out a link to the
	// section the page is in (a candidate's pages have their own menu).
	Path string
	Me   *app.Principal
	CSRF string
	Data any
}

// render writes page name with status. It renders into a buffer first, so
// a template error becomes an error page rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages.set[name]
	if !ok {
		s.log.Error("no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	v := view{Path: r.URL.Path, Data: data}
	if se, ok := sessionOf(r); ok {
		v.Me = &se.Principal
	}
	v.CSRF = csrfOf(r) // the session's token, or a visitor's double-submit one
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.ErrorContext(r.Context(), "rendering a page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
