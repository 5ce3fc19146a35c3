package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestScrollingTablesAreTabStops: a table in a figure that scrolls
// sideways (at a phone's width, or a wide one at any width) can be
// scrolled from the keyboard only if the figure takes the focus, and a
// screen reader names the stop by the table's caption or its section's
// heading (axe-core's scrollable-region-focusable, found by the browser
// flows on the no-show report).
func TestScrollingTablesAreTabStops(t *testing.T) {
	s := newCandSite(t)
	res := s.failed(t)
	pages := map[string]string{
		"/me/results/" + res.ID:              "c1",
		"/staff/programs":                    "staff",
		"/staff/candidates":                  "staff",
		"/staff/reports/expiring":            "staff",
		"/staff/reports/pass-rates":          "staff",
		"/staff/reports/appointments":        "staff",
		"/staff/candidates?q=c":              "staff",
		"/staff/reports/expiring?within=180": "staff",
	}
	for path, who := range pages {
		pr := staff
		if who == "c1" {
			pr = c1
		}
		p := s.as(t, pr, "GET", path, nil)
		if p.status != 200 {
			t.Errorf("GET %s = %d", path, p.status)
			continue
		}
		figs := p.doc.Find(".scroll")
		if figs.Length() == 0 {
			t.Errorf("%s: no scrolling table", path)
		}
		figs.Each(func(_ int, f *goquery.Selection) {
			tab, _ := f.Attr("tabindex")
			by, _ := f.Attr("aria-labelledby")
			name := strings.TrimSpace(p.doc.Find("#" + by).Text())
			if tab != "0" || by == "" || name == "" {
				t.Errorf("%s: a scrolling figure with tabindex %q, labelled by %q (%q): want a tab stop named by its caption", path, tab, by, name)
			}
		})
	}
}
