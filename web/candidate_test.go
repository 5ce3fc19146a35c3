package web_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/policy"
	"github.com/recert/recert/programs"
	"github.com/recert/recert/web"
)

// candSite is the pages over a real app on SQLite with a clock the test
// moves, the AWS program uploaded and activated, a test center, an online
// pool and two candidates in New York.
type candSite struct {
	a   *app.App
	h   http.Handler
	ctx context.Context
	mu  sync.Mutex
	now time.Time
	n   int
	q   *jobs
}

// jobs is a queue the test runs by hand: issue runs the credential jobs
// a pass queued, as the worker would.
type jobs struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *jobs) Enqueue(_ context.Context, _ ledger.Tx, js []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, js...)
	return nil
}

// issue runs the queued credential jobs.
func (s *candSite) issue(t *testing.T) {
	t.Helper()
	s.q.mu.Lock()
	js := s.q.jobs
	s.q.jobs = nil
	s.q.mu.Unlock()
	for _, j := range js {
		if j.Kind != app.JobCredential {
			continue
		}
		if err := s.a.Work(s.ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	c1    = app.Principal{TokenID: "tok-c1", Role: app.RoleCandidate, Subject: "c1"}
	c2    = app.Principal{TokenID: "tok-c2", Role: app.RoleCandidate, Subject: "c2"}
	staff = app.Principal{TokenID: "tok-staff", Role: app.RoleStaff}
)

func newCandSite(t *testing.T) *candSite {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &candSite{ctx: context.Background()}
	s.set("2026-02-01T09:00:00Z")
	master := make([]byte, keyring.MasterKeySize)
	if _, err := rand.Read(master); err != nil {
		t.Fatal(err)
	}
	keys, err := credential.OpenKeys(s.ctx, st, master, "https://recert.example", s.clock())
	if err != nil {
		t.Fatal(err)
	}
	s.a = app.New(st, app.WithClock(s.clock), app.WithIssuer(keys), app.WithCredentials(keys), app.WithIDs(func(p string) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.n++
		return fmt.Sprintf("%s%04d", p, s.n)
	}))
	s.q = &jobs{}
	s.a.UseQueue(s.q)
	s.h = web.New(s.a, web.Options{Now: s.clock, PublicURL: "https://recert.example"})
	admin := app.Principal{TokenID: "tok-admin", Role: app.RoleAdmin}
	info, err := s.a.UploadProgram(s.ctx, admin, "aws.yaml", programs.AWS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.ActivateProgram(s.ctx, admin, info.ID, info.Version); err != nil {
		t.Fatal(err)
	}
	for _, c := range []app.CenterInput{
		{ID: "tc1", Name: "Seattle", TimeZone: "America/New_York", Seats: 10},
		{ID: "tiny", Name: "Tiny", TimeZone: "America/New_York", Seats: 1},
		{ID: "online", Name: "Online proctoring", Online: true, Seats: 100},
	} {
		if _, err := s.a.CreateCenter(s.ctx, admin, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"c1", "c2"} {
		if _, err := s.a.CreateCandidate(s.ctx, admin, app.CandidateInput{ID: id, Name: "Ada " + id, TimeZone: "America/New_York"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *candSite) clock() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return s.now }

func (s *candSite) set(rfc3339 string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = at(rfc3339)
}

func at(rfc3339 string) time.Time {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		panic(err)
	}
	return t
}

// book makes an appointment through app, as staff would.
func (s *candSite) book(t *testing.T, cand, exam, center, slot string) ledger.Appointment {
	t.Helper()
	ap, err := s.a.Book(s.ctx, app.System, app.BookInput{Candidate: cand, Exam: exam, Center: center, Slot: at(slot)})
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

// result records a sitting's scaled score, with domain results.
func (s *candSite) result(t *testing.T, ap string, scaled int, domains ...policy.DomainResult) ledger.Result {
	t.Helper()
	r, err := s.a.RecordResult(s.ctx, app.System, app.ResultInput{Appointment: ap, Scaled: &scaled, Domains: domains})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// page is one answer of the pages.
type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

// as serves one request as pr; a form is posted with the test session's
// CSRF token.
func (s *candSite) as(t *testing.T, pr app.Principal, method, path string, form url.Values) page {
	t.Helper()
	var req *http.Request
	if form != nil {
		form.Set("csrf", web.TestCSRF)
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	rec := httptest.NewRecorder()
	web.AsPrincipal(s.h, pr).ServeHTTP(rec, req)
	p := page{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
	p.doc = parse(t, p.body)
	return p
}

// text is the whitespace-collapsed text of the elements sel matches.
func (p page) text(sel string) string {
	return strings.Join(strings.Fields(p.doc.Find(sel).Text()), " ")
}

func (s *candSite) appointments(t *testing.T, cand string) []ledger.Appointment {
	t.Helper()
	aps, err := s.a.ListAppointments(s.ctx, app.System, ledger.AppointmentFilter{Candidate: cand}, ledger.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return aps
}

// failed is c1 having failed AIF-C01 on 1 March 2026 (a retake from 15
// March, R1), on 2 March.
func (s *candSite) failed(t *testing.T) ledger.Result {
	t.Helper()
	ap := s.book(t, "c1", "AIF-C01", "tc1", "2026-03-01T14:00:00Z")
	s.set("2026-03-02T10:00:00Z")
	return s.result(t, ap.ID, 640,
		policy.DomainResult{Domain: "Fundamentals of AI and ML", Meets: true},
		policy.DomainResult{Domain: "Guidelines for Responsible AI", Meets: false})
}

func ledgerPage() ledger.Page { return ledger.Page{Limit: 100} }

func appChange(ap string) app.Change { return app.Change{Appointment: ap} }

// TestLayoutMenuLinksHomeOnce: a candidate's own pages carry their menu
// (Overview first), so the layout's link home is left out there and shown
// on the pages outside it; staff always have theirs.
func TestLayoutMenuLinksHomeOnce(t *testing.T) {
	s := newCandSite(t)
	for _, c := range []struct {
		pr   app.Principal
		path string
		home int
	}{{c1, "/me", 0}, {c1, "/me/timeline", 0}, {c1, "/sessions", 1}, {staff, "/staff", 1}} {
		p := s.as(t, c.pr, "GET", c.path, nil)
		if n := p.doc.Find("#nav-home").Length(); p.status != 200 || n != c.home {
			t.Errorf("%s as %s: %d, %d links home; want %d", c.path, c.pr.Role, p.status, n, c.home)
		}
		if c.path == "/me" && p.doc.Find(`a[href="/me"]`).Length() != 1 {
			t.Errorf("/me links itself %d times, want once (Overview)", p.doc.Find(`a[href="/me"]`).Length())
		}
	}
}
