package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
	"github.com/recert/recert/web"
)

func TestFormsWithoutTheirTokenAreRefused(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	c := s.browser(t)
	_, body := do(t, c, "GET", s.srv.URL+"/signin", nil)
	tok := csrfIn(t, body)
	for name, form := range map[string]url.Values{
		"no token":    {"email": {"ada@example.com"}},
		"wrong token": {"email": {"ada@example.com"}, "csrf": {tok + "x"}},
		"empty token": {"email": {"ada@example.com"}, "csrf": {""}},
	} {
		res, body := do(t, c, "POST", s.srv.URL+"/signin", form)
		if res.StatusCode != 403 || !strings.Contains(body, "security token") {
			t.Errorf("%s: POST /signin = %d, want 403 with a page saying why:\n%.300s", name, res.StatusCode, body)
		}
	}
	// The token of another visitor is not this one's.
	_, other := do(t, s.browser(t), "GET", s.srv.URL+"/signin", nil)
	if res, _ := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"email": {"ada@example.com"}, "csrf": {csrfIn(t, other)}}); res.StatusCode != 403 {
		t.Errorf("another visitor's token: %d, want 403", res.StatusCode)
	}
	if links := s.mail.deliver(t, s.a); len(links) != 0 {
		t.Errorf("a refused form queued mail: %v", links)
	}
	// A cross-origin browser request is refused before any of it.
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		res, body := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"email": {"ada@example.com"}, "csrf": {tok}}, h...)
		if res.StatusCode != 403 || !strings.Contains(body, "came from another site") {
			t.Errorf("%s: %s = %d, want 403:\n%.300s", h[0], h[1], res.StatusCode, body)
		}
	}
	if res, _ := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"email": {"ada@example.com"}, "csrf": {tok}}, "Sec-Fetch-Site", "same-origin"); res.StatusCode != 200 {
		t.Errorf("a same-origin POST with its token = %d", res.StatusCode)
	}
}

func TestSessionFormsNeedTheSessionsToken(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	c := s.browser(t)
	if res := s.signIn(t, c, "ada@example.com", ""); res.StatusCode != 303 {
		t.Fatalf("sign-in = %d", res.StatusCode)
	}
	for _, tok := range []string{"", "nope", web.TestCSRF} {
		if res, _ := do(t, c, "POST", s.srv.URL+"/signout", url.Values{"csrf": {tok}}); res.StatusCode != 403 {
			t.Errorf("sign-out with csrf %q = %d, want 403", tok, res.StatusCode)
		}
		if res, _ := do(t, c, "POST", s.srv.URL+"/signout", nil, "X-CSRF-Token", tok); res.StatusCode != 403 {
			t.Errorf("sign-out with X-CSRF-Token %q = %d, want 403", tok, res.StatusCode)
		}
	}
	if res, _ := do(t, c, "GET", s.srv.URL+"/sessions", nil); res.StatusCode != 200 {
		t.Errorf("a refused sign-out signed out: GET /sessions = %d", res.StatusCode)
	}
}

func TestNoOpenRedirect(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	for next, want := range map[string]string{
		"//evil.example/x":     "/me",
		"https://evil.example": "/me",
		"/\\evil.example":      "/me",
		"/signout":             "/me",
		"/me/bookings?a=1":     "/me/bookings?a=1",
	} {
		res := s.signIn(t, s.browser(t), "ada@example.com", next)
		if got := res.Header.Get("Location"); res.StatusCode != 303 || got != want {
			t.Errorf("next %q: %d to %q, want %q", next, res.StatusCode, got, want)
		}
	}
	// The sign-in form does not carry a foreign next either.
	_, body := do(t, s.browser(t), "GET", s.srv.URL+"/signin?next=//evil.example", nil)
	if parse(t, body).Find(`input[name="next"]`).Length() != 0 || strings.Contains(body, "evil.example") {
		t.Errorf("the form carries a foreign next:\n%s", body)
	}
}

func TestCookieIsSecureOverTLS(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
		opts web.Options
	}{
		{"TLS", true, web.Options{}},
		{"https public URL behind a proxy", false, web.Options{PublicURL: "https://recert.example.org"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSigninSite(t, tc.tls, tc.opts)
			_, secret, err := s.a.CreateToken(context.Background(), app.System, app.TokenInput{Role: app.RoleStaff, Name: "t"})
			if err != nil {
				t.Fatal(err)
			}
			c := s.browser(t)
			res, body := do(t, c, "GET", s.srv.URL+"/signin/token", nil)
			if ck := cookieOf(res, "recert_csrf"); ck == nil || !ck.Secure || !ck.HttpOnly {
				t.Errorf("visitor CSRF cookie %+v: want Secure, HttpOnly", ck)
			}
			res, _ = do(t, c, "POST", s.srv.URL+"/signin/token", url.Values{"csrf": {csrfIn(t, body)}, "token": {secret}})
			ck := cookieOf(res, "recert_session")
			if res.StatusCode != 303 || ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Fatalf("token exchange = %d, cookie %+v: want Secure, HttpOnly, SameSite=Lax, Path=/", res.StatusCode, ck)
			}
		})
	}
}

func TestTokenExchange(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	ctx := context.Background()
	_, staff, _ := s.a.CreateToken(ctx, app.System, app.TokenInput{Role: app.RoleStaff, Name: "desk"})
	_, cand, _ := s.a.CreateToken(ctx, app.System, app.TokenInput{Role: app.RoleCandidate, Subject: "ada", Name: "ada"})
	c := s.browser(t)
	_, body := do(t, c, "GET", s.srv.URL+"/signin/token?next=/staff/reports", nil)
	d := parse(t, body)
	if d.Find(`label[for="signin-token"]`).Length() != 1 || d.Find(`input#signin-token[type="password"]`).Length() != 1 {
		t.Fatalf("token form:\n%s", body)
	}
	tok := csrfIn(t, body)
	for secret, want := range map[string]int{"rct_wrong": 401, "not-a-token": 401, cand: 403} {
		res, body := do(t, c, "POST", s.srv.URL+"/signin/token", url.Values{"csrf": {tok}, "token": {secret}})
		d := parse(t, body)
		if res.StatusCode != want || d.Find("#signin-token-error").Length() != 1 || cookieOf(res, "recert_session") != nil {
			t.Errorf("token %.12s: %d, want %d with the error by the field and no session", secret, res.StatusCode, want)
		}
		if strings.Contains(body, secret) {
			t.Errorf("the refused token is shown again")
		}
	}
	res, _ := do(t, c, "POST", s.srv.URL+"/signin/token", url.Values{"csrf": {tok}, "token": {staff}, "next": {"/staff/reports"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/staff/reports" {
		t.Fatalf("staff token = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = do(t, c, "GET", s.srv.URL+"/signin", nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/staff" {
		t.Errorf("signed-in staff on /signin: %d %q, want on to /staff", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestRevokeAnotherSession(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	phone, laptop := s.browser(t), s.browser(t)
	s.signIn(t, phone, "ada@example.com", "")
	s.signIn(t, laptop, "ada@example.com", "")
	_, body := do(t, laptop, "GET", s.srv.URL+"/sessions", nil)
	d := parse(t, body)
	if n := d.Find("#sessions article.session").Length(); n != 2 {
		t.Fatalf("%d sessions listed, want 2", n)
	}
	// The row not marked as this session is the phone's.
	var action string
	d.Find("#sessions article.session").Each(func(_ int, row *goquery.Selection) {
		if row.Find(".this-session").Length() == 0 {
			action, _ = row.Find("form").Attr("action")
		}
	})
	if !strings.HasPrefix(action, "/sessions/ses_") {
		t.Fatalf("no revoke form for the other session:\n%s", body)
	}
	tok := csrfIn(t, body)
	// The phone cannot use the laptop's token, nor revoke without its own.
	if res, _ := do(t, phone, "POST", s.srv.URL+action, url.Values{"csrf": {tok}}); res.StatusCode != 403 {
		t.Errorf("revoke with another session's token = %d, want 403", res.StatusCode)
	}
	res, _ := do(t, laptop, "POST", s.srv.URL+action, url.Values{"csrf": {tok}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/sessions?revoked=1" {
		t.Fatalf("revoke = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := do(t, phone, "GET", s.srv.URL+"/sessions", nil); res.StatusCode != 303 {
		t.Errorf("the revoked phone still signed in: %d", res.StatusCode)
	}
	_, body = do(t, laptop, "GET", s.srv.URL+"/sessions?revoked=1", nil)
	if d := parse(t, body); d.Find("#sessions article.session").Length() != 1 || d.Find("#sessions-notice").Length() != 1 {
		t.Errorf("after revoking, the list:\n%s", body)
	}
	// Revoking a session that is not yours is not found.
	if res, _ := do(t, laptop, "POST", s.srv.URL+"/sessions/ses_someone/revoke", url.Values{"csrf": {tok}}); res.StatusCode != 404 {
		t.Errorf("revoking an unknown session = %d, want 404", res.StatusCode)
	}
}

func TestLinksNeedAPublicURLOffThisMachine(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	get, body := do(t, http.DefaultClient, "GET", s.srv.URL+"/signin", nil)
	req, _ := http.NewRequest("POST", s.srv.URL+"/signin", strings.NewReader(url.Values{"csrf": {csrfIn(t, body)}, "email": {"ada@example.com"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookieOf(get, "recert_csrf"))
	req.Host = "evil.example" // the Host header a poisoner sends
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 503 {
		b, _ := io.ReadAll(res.Body)
		t.Errorf("a sign-in through Host evil.example = %d, want 503 (set --public-url): %s", res.StatusCode, b)
	}
	if links := s.mail.deliver(t, s.a); len(links) != 0 {
		t.Errorf("mailed %v with a link built from the Host header", links)
	}
	// With a public URL the link is on it, whatever the Host header says.
	s = newSigninSite(t, false, web.Options{PublicURL: "https://recert.example.org/"})
	c := s.browser(t)
	_, body = do(t, c, "GET", s.srv.URL+"/signin", nil)
	do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {csrfIn(t, body)}, "email": {"ada@example.com"}})
	if links := s.mail.deliver(t, s.a); len(links) != 1 || !strings.HasPrefix(links[0], "https://recert.example.org/signin/rcl_") {
		t.Errorf("links %v, want one on the public URL", links)
	}
}

func TestSignInRateLimitTellsNothing(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	c := s.browser(t)
	_, body := do(t, c, "GET", s.srv.URL+"/signin", nil)
	tok := csrfIn(t, body)
	for _, addr := range []string{"ada@example.com", "nobody@example.com"} {
		for i := 0; i < app.SignInRateLimit; i++ {
			do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {tok}, "email": {addr}})
		}
		res, body := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {tok}, "email": {addr}})
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || parse(t, body).Find("#signin-limited").Length() != 1 {
			t.Errorf("%s after %d requests: %d, want 429 with Retry-After", addr, app.SignInRateLimit, res.StatusCode)
		}
	}
}

// Page tests of other parts post with web.TestCSRF through AsPrincipal:
// the middleware keeps that session and checks that token.
func TestAsPrincipalSessionsPassTheCheck(t *testing.T) {
	_, a := newSite(t)
	h := web.AsPrincipal(web.New(a, web.Options{}), app.Principal{TokenID: "candidate:ada", Role: app.RoleCandidate, Subject: "ada"})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, _ := do(t, c, "POST", srv.URL+"/signout", url.Values{"csrf": {"wrong"}}); res.StatusCode != 403 {
		t.Errorf("AsPrincipal with a wrong token = %d, want 403", res.StatusCode)
	}
	if res, _ := do(t, c, "POST", srv.URL+"/signout", url.Values{"csrf": {web.TestCSRF}}); res.StatusCode != 303 {
		t.Errorf("AsPrincipal with web.TestCSRF = %d, want 303", res.StatusCode)
	}
	_, body := do(t, c, "GET", srv.URL+"/", nil)
	if v, _ := parse(t, body).Find(`form[action="/signout"] input[name=csrf]`).Attr("value"); v != web.TestCSRF {
		t.Errorf("the layout's sign-out form carries %q", v)
	}
	if !strings.Contains(body, `hx-headers='{"X-CSRF-Token": "`+web.TestCSRF+`"}'`) {
		t.Errorf("the body does not give htmx the token")
	}
}

// AsVisitor gives a visitor's forms web.TestCSRF, for page tests of the
// public forms; any other token is still refused.
func TestAsVisitorFormsPassTheCheck(t *testing.T) {
	_, a := newSite(t)
	srv := httptest.NewServer(web.AsVisitor(web.New(a, web.Options{})))
	t.Cleanup(srv.Close)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, _ := do(t, c, "POST", srv.URL+"/signin", url.Values{"csrf": {"wrong"}, "email": {"ada@example.com"}}); res.StatusCode != 403 {
		t.Errorf("AsVisitor with a wrong token = %d, want 403", res.StatusCode)
	}
	res, body := do(t, c, "POST", srv.URL+"/signin", url.Values{"csrf": {web.TestCSRF}, "email": {"ada@example.com"}})
	if res.StatusCode != 200 || parse(t, body).Find("#signin-sent").Length() != 1 {
		t.Errorf("AsVisitor with web.TestCSRF = %d", res.StatusCode)
	}
	if v, _ := parse(t, body).Find(`input[name=csrf]`).Attr("value"); v != web.TestCSRF && parse(t, body).Find(`input[name=csrf]`).Length() > 0 {
		t.Errorf("a visitor's form carries %q", v)
	}
}
