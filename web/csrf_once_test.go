package web_test

import (
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestPublicFormsCarryTheTokenOnce: each form of the pages a visitor
// posts carries the CSRF token once (the verification forms had it twice,
// found by the browser flows).
func TestPublicFormsCarryTheTokenOnce(t *testing.T) {
	s := newVerifySite(t)
	for _, path := range []string{"/verify", "/verify/roster", "/signin", "/signin/token"} {
		res, body := get(t, s.srv.URL+path)
		if res.StatusCode != 200 {
			t.Errorf("GET %s = %d", path, res.StatusCode)
			continue
		}
		forms := parse(t, body).Find(`form[method="post"]`)
		if forms.Length() == 0 {
			t.Errorf("%s: no form", path)
		}
		forms.Each(func(_ int, f *goquery.Selection) {
			if n := f.Find(`input[name="csrf"]`).Length(); n != 1 {
				id, _ := f.Attr("id")
				t.Errorf("%s: form %s carries the token %d times", path, id, n)
			}
		})
	}
}
