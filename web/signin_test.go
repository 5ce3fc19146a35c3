package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/web"
)

// mailbox is the sign-in mail the app sends; the queue keeps the jobs the
// writes queue, and deliver runs them (the real queue and Mailpit are in
// cmd/recert's browser test).
type mailbox struct {
	mu   sync.Mutex
	jobs []app.Job
	sent []app.Message
}

func (m *mailbox) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.jobs = append(m.jobs, jobs...)
	return nil
}

func (m *mailbox) Send(_ context.Context, msg app.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

// deliver runs the queued jobs and returns the links mailed by them.
func (m *mailbox) deliver(t *testing.T, a *app.App) []string {
	t.Helper()
	m.mu.Lock()
	jobs, n := m.jobs, len(m.sent)
	m.jobs = nil
	m.mu.Unlock()
	for _, j := range jobs {
		if err := a.Work(context.Background(), j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var links []string
	for _, msg := range m.sent[n:] {
		links = append(links, msg.Facts.Link)
	}
	return links
}

type signinSite struct {
	srv  *httptest.Server
	a    *app.App
	mail *mailbox
}

func newSigninSite(t *testing.T, tls bool, opts web.Options) *signinSite {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mb := &mailbox{}
	a := app.New(st, app.WithMailer(mb))
	a.UseQueue(mb)
	if _, err := a.CreateCandidate(context.Background(), app.System, app.CandidateInput{ID: "ada", Name: "Ada", Email: "ada@example.com", TimeZone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	h := web.New(a, opts)
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return &signinSite{srv: srv, a: a, mail: mb}
}

// browser is a client with cookies that does not follow redirects, so a
// test sees each one.
func (s *signinSite) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *s.srv.Client() // a copy: the server's client is shared
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// csrfIn is the CSRF token of the first form of a page.
func csrfIn(t *testing.T, body string) string {
	t.Helper()
	v, ok := parse(t, body).Find(`form input[name="csrf"]`).First().Attr("value")
	if !ok || v == "" {
		t.Fatalf("no csrf field in the page:\n%.600s", body)
	}
	return v
}

func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signIn asks for a link for email with next and confirms it; it returns
// the confirmation's response.
func (s *signinSite) signIn(t *testing.T, c *http.Client, email, next string) *http.Response {
	t.Helper()
	_, body := do(t, c, "GET", s.srv.URL+"/signin", nil)
	res, _ := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {csrfIn(t, body)}, "email": {email}, "next": {next}})
	if res.StatusCode != 200 {
		t.Fatalf("POST /signin = %d", res.StatusCode)
	}
	links := s.mail.deliver(t, s.a)
	if len(links) != 1 {
		t.Fatalf("links mailed: %v", links)
	}
	res, body = do(t, c, "GET", links[0], nil)
	if res.StatusCode != 200 || parse(t, body).Find("#signin-confirm").Length() != 1 {
		t.Fatalf("GET the link = %d:\n%.500s", res.StatusCode, body)
	}
	res, _ = do(t, c, "POST", links[0], url.Values{"csrf": {csrfIn(t, body)}})
	return res
}

func TestSignInByMailLink(t *testing.T) {
	s := newSigninSite(t, false, web.Options{})
	c := s.browser(t)
	_, body := do(t, c, "GET", s.srv.URL+"/signin?next=/me/bookings", nil)
	d := parse(t, body)
	if d.Find(`label[for="signin-email"]`).Length() != 1 || d.Find(`input#signin-email[name="email"]`).Length() != 1 {
		t.Fatalf("the sign-in form lacks its labelled field:\n%s", body)
	}
	if v, _ := d.Find(`input[name="next"]`).Attr("value"); v != "/me/bookings" {
		t.Errorf("next carried as %q", v)
	}
	tok := csrfIn(t, body)

	// Known and unknown addresses get the same page.
	pages := map[string]string{}
	for _, addr := range []string{"ada@example.com", "nobody@example.com"} {
		res, body := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {tok}, "email": {addr}})
		if res.StatusCode != 200 {
			t.Fatalf("POST /signin %s = %d", addr, res.StatusCode)
		}
		pages[addr] = strings.ReplaceAll(body, addr, "ADDRESS")
	}
	if pages["ada@example.com"] != pages["nobody@example.com"] {
		t.Errorf("a known address gets another page than an unknown one")
	}
	if !strings.Contains(pages["nobody@example.com"], "If ADDRESS is an address recert knows, a sign-in link is on its way") {
		t.Errorf("the answer page: %s", pages["nobody@example.com"])
	}
	res, body := do(t, c, "POST", s.srv.URL+"/signin", url.Values{"csrf": {tok}, "email": {"not an address"}})
	if res.StatusCode != 400 || parse(t, body).Find("#signin-email-error").Length() != 1 {
		t.Errorf("a malformed address: %d, want 400 with the error by the field", res.StatusCode)
	}

	links := s.mail.deliver(t, s.a)
	if len(links) != 1 || !strings.HasPrefix(links[0], s.srv.URL+"/signin/rcl_") {
		t.Fatalf("links %v: want one for the known address, on this site", links)
	}
	// Fetching the link (a mail scanner does) uses nothing up.
	for range 2 {
		res, body = do(t, http.DefaultClient, "GET", links[0], nil)
		if res.StatusCode != 200 || parse(t, body).Find("form#signin-confirm-form button#signin-confirm").Length() != 1 {
			t.Fatalf("GET the link = %d", res.StatusCode)
		}
		if cookieOf(res, "recert_session") != nil || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("GET the link set a session, or leaks it by Referer")
		}
	}
	_, body = do(t, c, "GET", links[0], nil)
	res, _ = do(t, c, "POST", links[0], url.Values{"csrf": {csrfIn(t, body)}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/me" {
		t.Fatalf("confirm = %d to %q, want 303 to /me", res.StatusCode, res.Header.Get("Location"))
	}
	ck := cookieOf(res, "recert_session")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" || ck.MaxAge <= 0 {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP, with a lifetime", ck)
	}
	// Used once: a second confirm, or even a view, is refused clearly.
	other := s.browser(t)
	_, body = do(t, other, "GET", s.srv.URL+"/signin", nil)
	otherTok := csrfIn(t, body)
	for _, m := range []string{"GET", "POST"} {
		res, body = do(t, other, m, links[0], url.Values{"csrf": {otherTok}})
		if res.StatusCode != 410 || !strings.Contains(parse(t, body).Find("#signin-refused").Text(), "used already") {
			t.Errorf("%s of a used link = %d: %.300s", m, res.StatusCode, body)
		}
	}

	// Signed in: the sessions page lists this one, marked.
	res, body = do(t, c, "GET", s.srv.URL+"/sessions", nil)
	d = parse(t, body)
	if res.StatusCode != 200 || d.Find("#sessions article.session").Length() != 1 || !strings.Contains(d.Find(".this-session").Text(), "this session") {
		t.Fatalf("GET /sessions = %d:\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, "(Europe/Paris)") {
		t.Errorf("sessions page does not show times in the candidate's zone")
	}
	sessionTok := csrfIn(t, body)
	if sessionTok == tok {
		t.Errorf("the session's CSRF token is the visitor's")
	}
	// Sign out needs the session's token.
	if res, _ = do(t, c, "POST", s.srv.URL+"/signout", url.Values{"csrf": {tok}}); res.StatusCode != 403 {
		t.Errorf("sign-out with the visitor's token = %d, want 403", res.StatusCode)
	}
	res, _ = do(t, c, "POST", s.srv.URL+"/signout", nil, "X-CSRF-Token", sessionTok)
	old := ck.Value
	if res.StatusCode != 303 || res.Header.Get("Location") != "/signin?out=1" {
		t.Fatalf("sign-out by htmx header = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if ck := cookieOf(res, "recert_session"); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("sign-out does not clear the cookie: %+v", ck)
	}
	// The old cookie no longer signs in, even if a browser kept it.
	res, _ = do(t, s.browser(t), "GET", s.srv.URL+"/sessions", nil, "Cookie", "recert_session="+old)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/signin?next=%2Fsessions" {
		t.Errorf("the old cookie after sign-out: GET /sessions = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}
