package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestCandidatePagesAreAccessibleInShape visits every candidate page: one
// h1, headings that never skip a level, a label for every input, table
// headers with a scope, the candidate's navigation, and forms that post
// with the CSRF token.
func TestCandidatePagesAreAccessibleInShape(t *testing.T) {
	s := newCandSite(t)
	res := s.failed(t)
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-20T13:00:00Z")
	paths := []string{"/me", "/me/timeline", "/me/book", "/me/book?delivery=online", "/me/appointments/" + ap.ID,
		"/me/results/" + res.ID, "/me/credentials", "/me/settings"}
	for _, path := range paths {
		p := s.as(t, c1, "GET", path, nil)
		if p.status != 200 {
			t.Errorf("GET %s = %d", path, p.status)
			continue
		}
		d := p.doc
		if n := d.Find("h1").Length(); n != 1 {
			t.Errorf("%s: %d h1", path, n)
		}
		level := 1
		d.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
			l := int(goquery.NodeName(h)[1] - '0')
			if l > level+1 {
				t.Errorf("%s: %s %q skips a level after h%d", path, goquery.NodeName(h), h.Text(), level)
			}
			level = l
		})
		d.Find("input, select, textarea, meter").Each(func(_ int, in *goquery.Selection) {
			if typ, _ := in.Attr("type"); typ == "hidden" {
				return
			}
			id, _ := in.Attr("id")
			_, aria := in.Attr("aria-label")
			if !aria && (id == "" || d.Find(`label[for="`+id+`"]`).Length() == 0) {
				t.Errorf("%s: %s#%s has no label", path, goquery.NodeName(in), id)
			}
		})
		d.Find("th").Each(func(_ int, th *goquery.Selection) {
			if _, ok := th.Attr("scope"); !ok {
				t.Errorf("%s: th %q without scope", path, th.Text())
			}
		})
		d.Find(`form[method="post"]`).Each(func(_ int, f *goquery.Selection) {
			if f.Find(`input[name="csrf"]`).Length() != 1 {
				id, _ := f.Attr("id")
				t.Errorf("%s: form %s without the CSRF token", path, id)
			}
		})
		if d.Find(`nav a[href="/me/book"]`).Length() != 1 {
			t.Errorf("%s: no candidate navigation", path)
		}
		if strings.Contains(p.body, "style=") {
			t.Errorf("%s: inline style (the CSP forbids it)", path)
		}
	}
}

// TestAnotherCandidatesPagesAreNotThere: every page of c2 is not found
// for c1 (app hides who exists), and there for staff.
func TestAnotherCandidatesPagesAreNotThere(t *testing.T) {
	s := newCandSite(t)
	ap := s.book(t, "c2", "AIF-C01", "tc1", "2026-03-20T13:00:00Z")
	base := "/staff/candidates/c2"
	for _, sub := range []string{"/overview", "/timeline", "/book", "/appointments/" + ap.ID, "/credentials", "/settings"} {
		if p := s.as(t, c1, "GET", base+sub, nil); p.status != 404 {
			t.Errorf("c1 GET %s = %d, want 404", base+sub, p.status)
		}
		p := s.as(t, staff, "GET", base+sub, nil)
		if p.status != 200 {
			t.Errorf("staff GET %s = %d", base+sub, p.status)
			continue
		}
		if href, _ := p.doc.Find("#nav-book").Attr("href"); href != base+"/book" {
			t.Errorf("staff at %s: the navigation leads to %q, want c2's pages", sub, href)
		}
	}
	if p := s.as(t, c1, "GET", "/me/appointments/"+ap.ID, nil); p.status != 404 {
		t.Errorf("c1 opening c2's appointment under /me = %d", p.status)
	}
}
