package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/browser"
	"github.com/recert/recert/internal/mailpit"
)

// lockedBuffer is serve's output, read while serve writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// movableClock is the server's clock, which the test moves forward.
type movableClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// servedSite is a real `recert serve` in this process on a fresh SQLite
// database, mailing through a real Mailpit.
type servedSite struct {
	url, adminToken string
	mp              *mailpit.Server
	clock           *movableClock
	log             *lockedBuffer // serve's log (its standard error)
}

// startServe runs serve; with mail, through a new Mailpit, else without
// --smtp, as the README's first start does.
func startServe(t *testing.T, mail bool, seed func(ctx context.Context, a *app.App) error) *servedSite {
	t.Helper()
	var mp *mailpit.Server
	smtp := ""
	if mail {
		mp = mailpit.Start(t)
		smtp = "smtp://" + mp.SMTPAddr()
	}
	db := filepath.Join(t.TempDir(), "recert.db")
	ctx, cancel := context.WithCancel(context.Background())
	if err := withApp(ctx, db, func(a *app.App) error { return seed(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	clk := &movableClock{at: time.Now().UTC()}
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	cmd := &cobra.Command{}
	cmd.SetOut(out)
	cmd.SetErr(errs)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cmd, serveConfig{addr: "127.0.0.1:0", db: db, token: true, idemTTL: app.DefaultIdempotencyTTL, clock: clk.Now,
			worker: workerFlags{smtp: smtp, from: "recert <recert@example.org>", workers: 2, sweepEvery: time.Hour,
				poll: 20 * time.Millisecond}})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errs.String())
		}
	})
	serving := regexp.MustCompile(`is serving (http://\S+) `)
	token := regexp.MustCompile(`admin token \(shown once; keep it\): (\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := out.String()
		if m, k := serving.FindStringSubmatch(s), token.FindStringSubmatch(s); m != nil && k != nil {
			return &servedSite{url: m[1], adminToken: k[1], mp: mp, clock: clk, log: errs}
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s\n%s", err, s, errs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", s, errs.String())
		}
	}
}

var signInLink = regexp.MustCompile(`Sign in: (\S+)`)

// mailedLink waits for the n-th message in Mailpit and returns its link.
func (s *servedSite) mailedLink(t *testing.T, n int, to string) string {
	t.Helper()
	msgs := s.mp.WaitFor(t, n, 30*time.Second)
	// Mailpit lists the newest first.
	m := s.mp.Message(t, msgs[0].ID)
	if len(m.To) != 1 || m.To[0].Address != to || m.Subject != "Your sign-in link for recert" {
		t.Fatalf("mail %+v: want the sign-in link to %s", m, to)
	}
	link := signInLink.FindStringSubmatch(m.Text)
	if link == nil || !strings.HasPrefix(link[1], s.url+"/signin/rcl_") || !strings.Contains(m.HTML, `href="`+link[1]+`"`) {
		t.Fatalf("no sign-in link on %s in the mail:\n%s", s.url, m.Text)
	}
	return link[1]
}

// TestSignInInTheBrowser: a candidate signs in through the link mailed to
// them, lands on the page they asked for, sees their sessions and signs
// out; the link does not work twice, nor once expired; a staff member
// signs in with an API token. Every page is checked with axe-core.
func TestSignInInTheBrowser(t *testing.T) {
	ctx := browser.New(t)
	site := startServe(t, true, func(ctx context.Context, a *app.App) error {
		_, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "Europe/London"})
		return err
	})
	checked := func(name string) {
		t.Helper()
		browser.CheckAccessibility(t, ctx)
		browser.Screenshot(t, ctx, name, browser.Desktop)
		browser.Screenshot(t, ctx, name, browser.Phone)
	}

	// A visitor asking for their sessions is sent to sign in, and back.
	browser.Visit(t, ctx, site.url+"/sessions")
	if u := browser.URL(t, ctx); u != site.url+"/signin?next=%2Fsessions" {
		t.Fatalf("a visitor at /sessions is at %s, want the sign-in page", u)
	}
	checked("signin")
	browser.Fill(t, ctx, "E-mail address", "ada@example.com")
	browser.ClickAndWait(t, ctx, "#signin-submit")
	if got := browser.Text(t, ctx, "#signin-sent"); !strings.Contains(got, "a sign-in link is on its way") {
		t.Fatalf("after asking: %q", got)
	}
	checked("signin-sent")
	link := site.mailedLink(t, 1, "ada@example.com")

	// The link shows a button; pressing it signs in and lands on /sessions.
	browser.Visit(t, ctx, link)
	checked("signin-confirm")
	browser.ClickAndWait(t, ctx, "#signin-confirm")
	if u := browser.URL(t, ctx); u != site.url+"/sessions" {
		t.Fatalf("after confirming, at %s: want /sessions, where the sign-in began", u)
	}
	if got := browser.Text(t, ctx, "#sessions .this-session"); got != "(this session)" {
		t.Errorf("the sessions page marks %q", got)
	}
	if n := browser.Count(t, ctx, "#sessions article.session"); n != 1 {
		t.Errorf("%d sessions listed, want 1", n)
	}
	checked("sessions")

	// Used once: the link is refused now, with a clear page.
	browser.Visit(t, ctx, link)
	if got := browser.Text(t, ctx, "#signin-refused"); !strings.Contains(got, "used already") {
		t.Errorf("the used link says %q", got)
	}
	checked("signin-refused")

	// Sign out, from the menu.
	browser.Visit(t, ctx, site.url+"/sessions")
	browser.ClickAndWait(t, ctx, "#signout")
	if got := browser.Text(t, ctx, "#signin-notice"); got != "You have signed out." {
		t.Errorf("after signing out: %q at %s", got, browser.URL(t, ctx))
	}
	browser.Visit(t, ctx, site.url+"/sessions")
	if u := browser.URL(t, ctx); !strings.HasPrefix(u, site.url+"/signin?") {
		t.Errorf("signed out, /sessions is at %s", u)
	}

	// A link past its 15 minutes is refused.
	browser.Fill(t, ctx, "E-mail address", "ada@example.com")
	browser.ClickAndWait(t, ctx, "#signin-submit")
	late := site.mailedLink(t, 2, "ada@example.com")
	site.clock.add(app.SignInLinkTTL + time.Second)
	browser.Visit(t, ctx, late)
	if got := browser.Text(t, ctx, "#signin-refused"); !strings.Contains(got, "expired") {
		t.Errorf("the expired link says %q", got)
	}

	// Staff sign in with an API token (serve's bootstrap admin token).
	browser.Visit(t, ctx, site.url+"/signin")
	browser.ClickAndWait(t, ctx, "#signin-token-link")
	checked("signin-token")
	browser.Fill(t, ctx, "API token", site.adminToken)
	browser.ClickAndWait(t, ctx, "#signin-token-submit")
	if u := browser.URL(t, ctx); u != site.url+"/staff" {
		t.Errorf("staff landed on %s, want /staff", u)
	}
	browser.Visit(t, ctx, site.url+"/sessions")
	if n := browser.Count(t, ctx, "#sessions article.session"); n != 1 {
		t.Errorf("staff sessions: %d, want 1", n)
	}
	browser.CheckAccessibility(t, ctx)
}

// TestSignInWithoutMail: serve without --smtp (the embedded default on a
// fresh machine) prints the sign-in link in its log, and the link works.
func TestSignInWithoutMail(t *testing.T) {
	site := startServe(t, false, func(ctx context.Context, a *app.App) error {
		_, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada", Email: "ada@example.com", TimeZone: "UTC"})
		return err
	})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	page := func(method, u string, form url.Values) (*http.Response, string) {
		t.Helper()
		var res *http.Response
		var err error
		if method == "GET" {
			res, err = c.Get(u)
		} else {
			res, err = c.PostForm(u, form)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	_, body := page("GET", site.url+"/signin", nil)
	m := csrf.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf in the sign-in page:\n%s", body)
	}
	if res, _ := page("POST", site.url+"/signin", url.Values{"csrf": {m[1]}, "email": {"ada@example.com"}}); res.StatusCode != 200 {
		t.Fatalf("POST /signin = %d", res.StatusCode)
	}
	logged := regexp.MustCompile(`msg="sign-in link \(printed because --smtp is not set; open it in a browser\)" to=ada@example.com link=(\S+)`)
	var link string
	deadline := time.Now().Add(30 * time.Second)
	for link == "" {
		if l := logged.FindStringSubmatch(site.log.String()); l != nil {
			link = l[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sign-in link in serve's log:\n%s", site.log.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the log until the deadline
	}
	_, body = page("GET", link, nil)
	m = csrf.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the logged link %s shows no confirm form:\n%s", link, body)
	}
	res, _ := page("POST", link, url.Values{"csrf": {m[1]}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/me" {
		t.Fatalf("confirming the logged link = %d to %q, want /me", res.StatusCode, res.Header.Get("Location"))
	}
}
