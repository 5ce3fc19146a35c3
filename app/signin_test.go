package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

// jobList is a queue that keeps the jobs it is given, in the transaction
// (a rolled-back write keeps none: it appends only when tx commits would
// be too clever; the tests check committed writes).
type jobList struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *jobList) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func (q *jobList) take() []app.Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.jobs
	q.jobs = nil
	return j
}

type signInFixture struct {
	*fixture
	a      *app.App
	q      *jobList
	mailer *countingMailer
}

func newSignIn(t *testing.T, st ledger.Store) *signInFixture {
	f := newFixture(t, st)
	s := &signInFixture{fixture: f, q: &jobList{}, mailer: &countingMailer{}}
	s.a = app.New(st, app.WithClock(f.clk.now), app.WithMailer(s.mailer))
	s.a.UseQueue(s.q)
	if _, err := s.a.CreateCandidate(f.ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada", Email: "Ada@Example.com", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// request asks for a link and runs the jobs it queued; it returns the
// links mailed.
func (s *signInFixture) request(t *testing.T, email, next string) (app.SignInAnswer, []string) {
	t.Helper()
	ans, err := s.a.RequestSignIn(s.ctx, app.SignInRequest{Email: email, Next: next, Base: "https://recert.example.org"})
	if err != nil {
		t.Fatalf("RequestSignIn(%s): %v", email, err)
	}
	before := len(s.mailer.sent)
	for _, j := range s.q.take() {
		if j.Kind != app.JobSignIn || j.SignIn == "" || strings.Contains(j.SignIn, "rcl_") {
			t.Fatalf("queued %+v: want a sign-in job naming the link, not its secret", j)
		}
		if err := s.a.Work(s.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
			t.Fatalf("sign-in job: %v", err)
		}
	}
	var links []string
	for _, m := range s.mailer.sent[before:] {
		if m.Kind != app.KindSignIn || !strings.HasPrefix(m.Facts.Link, "https://recert.example.org/signin/rcl_") {
			t.Fatalf("mailed %+v: want a sign-in message with its link", m)
		}
		links = append(links, strings.TrimPrefix(m.Facts.Link, "https://recert.example.org/signin/"))
	}
	return ans, links
}

func refusedFor(t *testing.T, err error, reason string) {
	t.Helper()
	e := mustCode(t, err, app.CodeRefused)
	if len(e.Reasons) != 1 || e.Reasons[0] != reason {
		t.Fatalf("refusal %v: want reason %s", err, reason)
	}
}

func TestSignInByLink(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		_, links := s.request(t, "ada@example.com", "/me/bookings?x=1")
		if len(links) != 1 || s.mailer.sent[0].Candidate.Email != "Ada@Example.com" {
			t.Fatalf("links %v to %+v: want one, to the candidate's address", links, s.mailer.sent)
		}
		if err := s.a.CheckSignInLink(s.ctx, links[0]); err != nil {
			t.Fatalf("CheckSignInLink of a fresh link: %v", err)
		}
		ns, err := s.a.SignInWithLink(s.ctx, links[0], "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0")
		if err != nil {
			t.Fatal(err)
		}
		if ns.Principal.Role != app.RoleCandidate || ns.Principal.Subject != "ada" || ns.Next != "/me/bookings?x=1" || ns.UserAgent != "Firefox on Linux" {
			t.Fatalf("session %+v", ns)
		}
		refusedFor(t, func() error { _, err := s.a.SignInWithLink(s.ctx, links[0], ""); return err }(), app.ReasonLinkUsed)
		refusedFor(t, s.a.CheckSignInLink(s.ctx, links[0]), app.ReasonLinkUsed)
		refusedFor(t, s.a.CheckSignInLink(s.ctx, "rcl_guess"), app.ReasonLinkUnknown)

		got, err := s.a.Session(s.ctx, ns.Secret)
		if err != nil || got.Principal != ns.Principal {
			t.Fatalf("Session: %+v %v, want %+v", got.Principal, err, ns.Principal)
		}
		// The candidate may read their own record with it, as with a token.
		if _, err := s.a.Candidate(s.ctx, got.Principal, "ada"); err != nil {
			t.Fatalf("the session's principal reads its own record: %v", err)
		}
		list, err := s.a.Sessions(s.ctx, got.Principal)
		if err != nil || len(list) != 1 || list[0].ID != ns.ID {
			t.Fatalf("Sessions: %+v %v", list, err)
		}
		if err := s.a.RevokeSession(s.ctx, app.Principal{TokenID: "candidate:bob", Role: app.RoleCandidate, Subject: "bob"}, ns.ID); app.ErrorCode(err) != app.CodeNotFound {
			t.Fatalf("another person revoking the session: %v, want not found", err)
		}
		if err := s.a.RevokeSession(s.ctx, got.Principal, ns.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, func() error { _, err := s.a.Session(s.ctx, ns.Secret); return err }(), app.CodeUnauthenticated)
	})
}

func TestSignInLinkExpires(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		_, links := s.request(t, "ada@example.com", "")
		s.clk.set("2026-02-01T09:15:00Z") // 15 minutes after the request
		refusedFor(t, s.a.CheckSignInLink(s.ctx, links[0]), app.ReasonLinkExpired)
		_, err := s.a.SignInWithLink(s.ctx, links[0], "")
		refusedFor(t, err, app.ReasonLinkExpired)
		// A job that runs after the link expired sends nothing.
		s.clk.set("2026-02-01T09:00:00Z")
		if _, err := s.a.RequestSignIn(s.ctx, app.SignInRequest{Email: "ada@example.com", Base: "http://localhost:8080"}); err != nil {
			t.Fatal(err)
		}
		s.clk.set("2026-02-01T09:20:00Z")
		n := len(s.mailer.sent)
		for _, j := range s.q.take() {
			if err := s.a.Work(s.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if len(s.mailer.sent) != n {
			t.Errorf("an expired link was mailed")
		}
	})
}

func TestSignInTellsNoAddresses(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		for i := 0; i < app.SignInRateLimit; i++ {
			for _, addr := range []string{"ada@example.com", "nobody@example.com"} {
				ans, links := s.request(t, addr, "")
				if ans.Limited {
					t.Fatalf("request %d for %s limited", i+1, addr)
				}
				if want := map[string]int{"ada@example.com": 1, "nobody@example.com": 0}[addr]; len(links) != want {
					t.Fatalf("%s: %d links, want %d", addr, len(links), want)
				}
			}
		}
		// Known or not, the next request is limited alike, and sends nothing.
		for _, addr := range []string{"ADA@example.com", "nobody@example.com"} {
			ans, links := s.request(t, addr, "")
			if !ans.Limited || len(links) != 0 {
				t.Errorf("%s after %d requests: limited %v, %d links", addr, app.SignInRateLimit, ans.Limited, len(links))
			}
		}
		s.clk.set("2026-02-01T10:00:01Z")
		if ans, links := s.request(t, "ada@example.com", ""); ans.Limited || len(links) != 1 {
			t.Errorf("an hour later: limited %v, %d links", ans.Limited, len(links))
		}
		_, err := s.a.RequestSignIn(s.ctx, app.SignInRequest{Email: "not an address", Base: "http://x.test"})
		mustCode(t, err, app.CodeInvalid)
		_, err = s.a.RequestSignIn(s.ctx, app.SignInRequest{Email: "ada@example.com", Next: "//evil.example", Base: "http://x.test"})
		mustCode(t, err, app.CodeInvalid)
	})
}

func TestStaffSignIn(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		if _, err := s.a.CreateStaffUser(s.ctx, app.Principal{TokenID: "tok_s", Role: app.RoleStaff}, app.StaffInput{Email: "x@example.com", Role: app.RoleStaff}); app.ErrorCode(err) != app.CodeForbidden {
			t.Fatalf("staff adding staff: %v, want forbidden", err)
		}
		u, err := s.a.CreateStaffUser(s.ctx, app.System, app.StaffInput{Email: "Grace@Example.com", Name: "Grace", Role: app.RoleAdmin})
		if err != nil || u.Email != "grace@example.com" {
			t.Fatalf("CreateStaffUser: %+v %v", u, err)
		}
		_, err = s.a.CreateStaffUser(s.ctx, app.System, app.StaffInput{Email: "grace@example.com", Role: app.RoleStaff})
		mustCode(t, err, app.CodeExists)
		_, links := s.request(t, "grace@EXAMPLE.com", "")
		if len(links) != 1 {
			t.Fatalf("links %v", links)
		}
		ns, err := s.a.SignInWithLink(s.ctx, links[0], "")
		if err != nil || ns.Principal.Role != app.RoleAdmin || ns.Principal.TokenID != "staff:"+u.ID {
			t.Fatalf("staff session %+v %v", ns.Principal, err)
		}
		if _, err := s.a.RemoveStaffUser(s.ctx, app.System, "grace@example.com"); err != nil {
			t.Fatal(err)
		}
		mustCode(t, func() error { _, err := s.a.Session(s.ctx, ns.Secret); return err }(), app.CodeUnauthenticated)
	})
}

func TestSignInWithToken(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		tok, secret, err := s.a.CreateToken(s.ctx, app.System, app.TokenInput{Role: app.RoleStaff, Name: "desk", ExpiresAt: s.clk.now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ns, err := s.a.SignInWithToken(s.ctx, " "+secret+" ", "")
		if err != nil || ns.Principal.TokenID != tok.ID || ns.Principal.Role != app.RoleStaff {
			t.Fatalf("SignInWithToken: %+v %v", ns.Principal, err)
		}
		if !ns.ExpiresAt.Equal(tok.ExpiresAt) {
			t.Errorf("session ends %v, want the token's expiry %v", ns.ExpiresAt, tok.ExpiresAt)
		}
		_, cand, _ := s.a.CreateToken(s.ctx, app.System, app.TokenInput{Role: app.RoleCandidate, Subject: "ada", Name: "c"})
		_, err = s.a.SignInWithToken(s.ctx, cand, "")
		mustCode(t, err, app.CodeForbidden)
		_, err = s.a.SignInWithToken(s.ctx, "rct_nope", "")
		mustCode(t, err, app.CodeUnauthenticated)
		if err := s.a.RevokeToken(s.ctx, app.System, tok.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, func() error { _, err := s.a.Session(s.ctx, ns.Secret); return err }(), app.CodeUnauthenticated)
	})
}

func TestSessionLifetimes(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		_, links := s.request(t, "ada@example.com", "")
		ns, err := s.a.SignInWithLink(s.ctx, links[0], "")
		if err != nil {
			t.Fatal(err)
		}
		start := s.clk.now()
		at := func(d time.Duration) error {
			s.clk.mu.Lock()
			s.clk.t = start.Add(d)
			s.clk.mu.Unlock()
			_, err := s.a.Session(s.ctx, ns.Secret)
			return err
		}
		// Used every 11 hours, it lives until its 30 days are up.
		var d time.Duration
		for d = 11 * time.Hour; d < app.SessionLifetime; d += 11 * time.Hour {
			if err := at(d); err != nil {
				t.Fatalf("after %v of use every 11 h: %v", d, err)
			}
		}
		mustCode(t, at(app.SessionLifetime), app.CodeUnauthenticated)

		_, links = s.request(t, "ada@example.com", "")
		ns, err = s.a.SignInWithLink(s.ctx, links[0], "")
		if err != nil {
			t.Fatal(err)
		}
		start = s.clk.now()
		mustCode(t, at(app.SessionIdle), app.CodeUnauthenticated)
	})
}

func TestSignInLinkUsedOnceUnderRace(t *testing.T) {
	eachStore(t, func(t *testing.T, st ledger.Store) {
		s := newSignIn(t, st)
		_, links := s.request(t, "ada@example.com", "")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.a.SignInWithLink(s.ctx, links[0], "")
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				refusedFor(t, err, app.ReasonLinkUsed)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of 4 concurrent uses signed in, want 1", ok)
		}
	})
}

func TestLocalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/me": true, "/me/bookings?x=1#top": true, "/staff/%2F%2Fx": true,
		"": false, "me": false, "//evil.example": false, "/\\evil.example": false, "https://evil.example/": false,
		"/\x00": false, "/a\nb": false, "/a\\b": false, "javascript:alert(1)": false,
	} {
		if got := app.LocalPath(p); got != want {
			t.Errorf("LocalPath(%q) = %v, want %v", p, got, want)
		}
	}
}
