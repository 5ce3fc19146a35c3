package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/spf13/cobra"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/browser"
	"github.com/recert/recert/internal/mailpit"
)

// pagesSite is a real `recert serve` for the pages' browser flows: SQLite,
// a real Mailpit, the worker, a clock the test moves, and a public URL on
// localhost so that its did:web can be fetched by `recert verify`.
type pagesSite struct {
	url, adminToken, staffToken string
	mp                          *mailpit.Server
	clock                       *movableClock
	zone                        *time.Location
	today                       time.Time // the server's first day, in New York
}

// startPagesSite seeds two holders whose certifications lapse within 30
// and 180 days, and a candidate in New York, and starts serve on a clock
// ten days in the past: everything the flow does then lies before the
// real now, so the credential it ends with is valid for `recert verify`,
// which reads the real clock, and the worker (River, on the real clock)
// runs every job it is given at once.
func startPagesSite(t *testing.T) *pagesSite {
	t.Helper()
	mp := mailpit.Start(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().AddDate(0, 0, -10)
	start := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, time.UTC) // 07:00 or 08:00 in New York
	dir := t.TempDir()
	db := filepath.Join(dir, "recert.db")
	ctx, cancel := context.WithCancel(context.Background())
	seed := func(a *app.App) error {
		if _, err := a.CreateCenter(ctx, app.System, app.CenterInput{ID: "nyc", Name: "New York", TimeZone: "America/New_York", Seats: 5}); err != nil {
			return err
		}
		for _, c := range []app.CandidateInput{
			{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "America/New_York"},
			{ID: "grace", Name: "Grace Hopper", Email: "grace@example.com", TimeZone: "UTC"},
			{ID: "lin", Name: "Lin Chen", Email: "lin@example.com", TimeZone: "UTC"},
		} {
			if _, err := a.CreateCandidate(ctx, app.System, c); err != nil {
				return err
			}
		}
		// Three years' validity (V1): Grace's lapses about 20 days after
		// the server's first day, Lin's about 120.
		for _, r := range []struct {
			who, exam string
			days      int
		}{{"grace", "CLF-C02", 20}, {"lin", "SAA-C03", 120}} {
			score := 800
			if _, err := a.RecordResult(ctx, app.System, app.ResultInput{Candidate: r.who, Exam: r.exam,
				On: start.AddDate(-3, 0, r.days).Add(3 * time.Hour), Scaled: &score}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := withApp(ctx, db, seed); err != nil {
		t.Fatal(err)
	}
	// An admin who signs in by e-mail (uploading programs is an admin's).
	if out, err := run(t, "", "staff", "add", "margaret@example.com", "--role", "admin", "--name", "Margaret Hamilton", "--db", db); err != nil {
		t.Fatalf("staff add: %v\n%s", err, out)
	}
	port := freePort(t)
	base := "http://localhost:" + port
	clk := &movableClock{at: start}
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	cmd := &cobra.Command{}
	cmd.SetOut(out)
	cmd.SetErr(errs)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cmd, serveConfig{addr: "127.0.0.1:" + port, db: db, token: true, idemTTL: app.DefaultIdempotencyTTL,
			publicURL: base, clock: clk.Now,
			worker: workerFlags{smtp: "smtp://" + mp.SMTPAddr(), from: "recert <recert@example.org>", workers: 2, sweepEvery: time.Hour,
				poll: 20 * time.Millisecond}})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errs.String())
		}
	})
	token := regexp.MustCompile(`admin token \(shown once; keep it\): (\S+)`)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if k := token.FindStringSubmatch(out.String()); k != nil && strings.Contains(out.String(), "is serving") {
			s := &pagesSite{url: base, adminToken: k[1], mp: mp, clock: clk, zone: ny, today: start.In(ny)}
			var tok struct {
				Secret string `json:"secret"`
			}
			call(t, "POST", base+"/v1/tokens", s.adminToken, `{"role":"staff","name":"Browser test staff"}`, &tok)
			s.staffToken = tok.Secret
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s\n%s", err, out.String(), errs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errs.String())
		}
	}
}

// day is the server's first day plus n days, in New York, as a date.
func (s *pagesSite) day(n int) string { return s.today.AddDate(0, 0, n).Format(time.DateOnly) }

// at is the instant of hh:mm in New York on day(n).
func (s *pagesSite) at(n, hh, mm int) time.Time {
	d := s.today.AddDate(0, 0, n)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, s.zone)
}

// slotID is the picker's radio for an instant.
func slotID(at time.Time) string { return "slot-" + at.UTC().Format("20060102T150405Z") }

// signIn asks for a link for email on the sign-in page shown, reads it
// from Mailpit (other mail, such as reminders, may arrive meanwhile),
// confirms it and returns where the browser landed.
func (s *pagesSite) signIn(t *testing.T, ctx context.Context, email string, check func(string, ...string)) string {
	t.Helper()
	s.mp.DeleteAll(t)
	browser.Fill(t, ctx, "E-mail address", email)
	browser.ClickAndWait(t, ctx, "#signin-submit")
	var link string
	for deadline := time.Now().Add(30 * time.Second); link == ""; {
		for _, m := range s.mp.Messages(t) {
			if m.Subject == "Your sign-in link for recert" && len(m.To) == 1 && m.To[0].Address == email {
				if l := signInLink.FindStringSubmatch(s.mp.Message(t, m.ID).Text); l != nil {
					link = l[1]
				}
			}
		}
		if link == "" && time.Now().After(deadline) {
			t.Fatalf("no sign-in link mailed to %s within 30 s", email)
		}
		time.Sleep(20 * time.Millisecond) // polling Mailpit until the deadline
	}
	if !strings.HasPrefix(link, s.url+"/signin/rcl_") {
		t.Fatalf("the mailed link %s is not on %s", link, s.url)
	}
	browser.Visit(t, ctx, link)
	check("")
	browser.ClickAndWait(t, ctx, "#signin-confirm")
	return browser.URL(t, ctx)
}

// domains is a score report's domains; weak is the one that needs
// improvement.
func domains(weak string) string {
	var ds []string
	for _, d := range []string{"Fundamentals of AI and ML", "Fundamentals of Generative AI", "Applications of Foundation Models",
		"Guidelines for Responsible AI", "Security, Compliance, and Governance for AI Solutions"} {
		ds = append(ds, fmt.Sprintf(`{"domain":%q,"meets":%v}`, d, d != weak))
	}
	return "[" + strings.Join(ds, ",") + "]"
}

// TestPagesInTheBrowser drives the pages as people do, in one Chromium:
// a candidate and then a member of staff, each through the flows of issue
// 9. Every page visited is checked with axe-core (no serious or critical
// violation; the main pages also in dark colours and at a phone's width)
// and for fitting a 375 px phone; with RECERT_SCREENSHOTS=1
// the main pages are written to docs/screenshots/.
func TestPagesInTheBrowser(t *testing.T) {
	ctx := browser.New(t)
	site := startPagesSite(t)
	// check is every page's check. A main page, named, is also checked
	// in dark colours and at a phone's width, and has its screenshots
	// taken (scrolled to near when given).
	check := func(t *testing.T) func(name string, near ...string) {
		return func(name string, near ...string) {
			t.Helper()
			browser.CheckAccessibility(t, ctx)
			browser.FitsWidth(t, ctx, browser.Phone)
			if name != "" {
				browser.CheckAccessibilityDark(t, ctx)
				browser.AtWidth(t, ctx, browser.Phone, func() { browser.CheckAccessibility(t, ctx) })
				browser.Screenshot(t, ctx, name, browser.Desktop, near...)
				browser.Screenshot(t, ctx, name, browser.Phone, near...)
			}
		}
	}
	t.Run("candidate", func(t *testing.T) { candidateFlow(t, ctx, site, check(t)) })
	t.Run("staff", func(t *testing.T) { staffFlow(t, ctx, site, check(t)) })
}

// candidateFlow: Ada fails AI Practitioner, sees when she may sit it
// again, cannot book a day of the retake wait and is told why, books the
// first day that works, moves it, passes, sees the certification active
// and downloads its credential, which `recert verify` finds active.
func candidateFlow(t *testing.T, ctx context.Context, site *pagesSite, check func(string, ...string)) {
	var failed struct {
		ID string `json:"id"`
	}
	call(t, "POST", site.url+"/v1/results", site.staffToken, `{"candidate":"ada","exam":"AIF-C01","on":"`+
		site.at(-12, 10, 0).UTC().Format(time.RFC3339)+`","scaled_score":610,"domains":`+domains("Guidelines for Responsible AI")+`}`, &failed)

	// Signing in from the overview's address comes back to it.
	browser.Visit(t, ctx, site.url+"/me")
	if u := browser.URL(t, ctx); u != site.url+"/signin?next=%2Fme" {
		t.Fatalf("a visitor at /me is at %s, want the sign-in page", u)
	}
	check("")
	if u := site.signIn(t, ctx, "ada@example.com", check); u != site.url+"/me" {
		t.Fatalf("signed in, at %s: want /me", u)
	}
	check("")

	// The retake date: 14 days after the failed sitting (R1).
	retake := pageDate(site.day(2))
	if got := browser.Text(t, ctx, "#next-ai-practitioner .next-date"); got != retake {
		t.Errorf("the overview's retake date is %q, want %q", got, retake)
	}
	browser.ClickAndWait(t, ctx, "#result-"+failed.ID)
	if got := browser.Text(t, ctx, "#outcome"); !strings.Contains(got, "failed") {
		t.Errorf("the failed score report says %q", got)
	}
	if n := browser.Count(t, ctx, "#domains tr.weak"); n != 1 || !strings.Contains(browser.Text(t, ctx, "#weak"), "Guidelines for Responsible AI") {
		t.Errorf("%d weak domains marked, %q", n, browser.Text(t, ctx, "#weak"))
	}
	check("score-report")

	// Booking from the overview's link shows the dates from the retake
	// date; the earlier ones are greyed with their reason.
	browser.Visit(t, ctx, site.url+"/me")
	browser.ClickAndWait(t, ctx, "#next-ai-practitioner a")
	if u := browser.URL(t, ctx); !strings.Contains(u, "from="+site.day(2)) {
		t.Errorf("the overview's booking link opens %s, want the dates from %s", u, site.day(2))
	}
	browser.ClickAndWait(t, ctx, "#earlier")
	refusedDay := "#day-" + site.day(1)
	if n, off := browser.Count(t, ctx, refusedDay+" input[name=slot]"), browser.Count(t, ctx, refusedDay+" input[name=slot][disabled]"); n == 0 || n != off {
		t.Fatalf("%s: %d slots, %d disabled; want all greyed by the retake wait\n%s\n%s", site.day(1), n, off, browser.URL(t, ctx), browser.Eval[string](t, ctx, "document.querySelector('main').innerText"))
	}
	refused := slotID(site.at(1, 9, 0))
	if got := browser.Text(t, ctx, `label[for="`+refused+`"]`); !strings.Contains(got, "not available: retake wait") {
		t.Errorf("the refused slot's label is %q", got)
	}
	if got := browser.Text(t, ctx, "#why-"+site.day(1)); !strings.Contains(got, site.day(2)) || !strings.Contains(got, "(R1)") {
		t.Errorf("the day's reasons are %q: want the retake date and the rule", got)
	}
	first := slotID(site.at(2, 9, 0))
	if got := browser.Text(t, ctx, "#earliest"); !strings.Contains(got, site.at(2, 9, 0).Format("Mon 2 Jan 2006, 15:04")) {
		t.Errorf("the earliest slot is %q, want %s 09:00", got, site.day(2))
	}
	check("book-refused", refusedDay)

	// A click on the greyed time does not choose it.
	browser.Click(t, ctx, `label[for="`+refused+`"]`)
	if browser.Eval[bool](t, ctx, `document.getElementById("`+refused+`").checked`) {
		t.Fatalf("a refused slot could be chosen")
	}
	// Sent anyway (the page changed under the form): refused with why.
	browser.Eval[chromedp.Void](t, ctx, `(() => { const r = document.getElementById("`+refused+`"); r.disabled = false; r.checked = true; })()`)
	browser.ClickAndWait(t, ctx, "#book-submit")
	if got := browser.Text(t, ctx, "#refusal-reasons"); !strings.Contains(got, "(R1)") {
		t.Errorf("booking a refused slot: reasons %q", got)
	}
	if got := browser.Text(t, ctx, "#refusal-earliest"); !strings.Contains(got, retake) {
		t.Errorf("booking a refused slot: earliest %q, want %s", got, retake)
	}
	check("")

	// The first slot that works books.
	browser.Click(t, ctx, `label[for="`+first+`"]`)
	browser.ClickAndWait(t, ctx, "#book-submit")
	if got := browser.Text(t, ctx, "#done"); !strings.HasPrefix(got, "Booked") {
		t.Fatalf("after booking: %q at %s", got, browser.URL(t, ctx))
	}
	ap := strings.TrimPrefix(strings.SplitN(browser.URL(t, ctx), "?", 2)[0], site.url+"/me/appointments/")
	if !strings.HasPrefix(ap, "ap_") {
		t.Fatalf("booked, at %s", browser.URL(t, ctx))
	}
	if got := browser.Text(t, ctx, "#ap-slot"); !strings.Contains(got, site.at(2, 9, 0).Format("Mon 2 Jan 2006, 15:04")) {
		t.Errorf("the appointment's time is %q", got)
	}
	if got := browser.Text(t, ctx, "#ap-reschedules"); !strings.HasPrefix(got, "0 used") {
		t.Errorf("reschedules before moving: %q", got)
	}
	check("appointment")

	// Moved a day later, to 11:00.
	moved := site.at(3, 11, 0)
	browser.Click(t, ctx, `#reschedule-form label[for="`+slotID(moved)+`"]`)
	browser.ClickAndWait(t, ctx, "#reschedule-submit")
	if got := browser.Text(t, ctx, "#done"); !strings.HasPrefix(got, "Rescheduled") {
		t.Fatalf("after moving: %q", got)
	}
	if got := browser.Text(t, ctx, "#ap-slot"); !strings.Contains(got, moved.Format("Mon 2 Jan 2006, 15:04")) {
		t.Errorf("the moved appointment's time is %q", got)
	}
	if got := browser.Text(t, ctx, "#ap-reschedules"); !strings.HasPrefix(got, "1 used") {
		t.Errorf("reschedules after moving: %q", got)
	}
	check("")

	// She sits it and passes; the result arrives three hours later.
	site.clock.add(moved.Add(3 * time.Hour).Sub(site.clock.Now()))
	var passed struct {
		ID string `json:"id"`
	}
	call(t, "POST", site.url+"/v1/results", site.staffToken, `{"appointment":"`+ap+`","scaled_score":850,"domains":`+domains("Guidelines for Responsible AI")+`}`, &passed)

	// Three days on, her session has ended (12 hours idle): she signs in again.
	browser.Visit(t, ctx, site.url+"/me")
	if u := browser.URL(t, ctx); u != site.url+"/signin?next=%2Fme" {
		t.Fatalf("after three days idle, /me is at %s: want the sign-in page", u)
	}
	if u := site.signIn(t, ctx, "ada@example.com", check); u != site.url+"/me" {
		t.Fatalf("signed in again, at %s", u)
	}
	if got := browser.Text(t, ctx, "#cert-ai-practitioner .cert-state"); !strings.Contains(got, "State: Active") || !strings.Contains(got, "days left") {
		t.Errorf("the certification reads %q, want active with its days left", got)
	}
	check("dashboard")
	browser.Visit(t, ctx, site.url+"/me/appointments/"+ap)
	if got := browser.Text(t, ctx, "#ap-state"); got != "Sat" {
		t.Errorf("the sat appointment's state: %q", got)
	}
	browser.ClickAndWait(t, ctx, "#ap-result")
	if got := browser.Text(t, ctx, "#outcome"); !strings.Contains(got, "passed") || !strings.Contains(browser.URL(t, ctx), passed.ID) {
		t.Errorf("the pass's score report at %s says %q", browser.URL(t, ctx), got)
	}
	check("")

	// The timeline has both sittings; the settings make a calendar link.
	browser.ClickAndWait(t, ctx, "#nav-timeline")
	if n := browser.Count(t, ctx, "#timeline li"); n < 3 {
		t.Errorf("the timeline lists %d items, want the failed sitting, the booking and the pass at least", n)
	}
	check("timeline")
	browser.ClickAndWait(t, ctx, "#nav-settings")
	check("")
	browser.ClickAndWait(t, ctx, "#calendar-submit")
	if u, _ := browser.Eval[string](t, ctx, `document.getElementById("calendar-url").value`), 0; !strings.Contains(u, "/calendar/cal_") {
		t.Errorf("the calendar link is %q", u)
	}
	check("settings")

	// The credential: issued by the worker, downloaded from the page.
	var creds struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	for deadline := time.Now().Add(30 * time.Second); len(creds.Items) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no credential issued within 30 s")
		}
		call(t, "GET", site.url+"/v1/candidates/ada/credentials", site.staffToken, "", &creds)
	}
	cred := creds.Items[0].ID
	browser.Visit(t, ctx, site.url+"/me")
	browser.ClickAndWait(t, ctx, "#nav-credentials")
	if got := browser.Text(t, ctx, "#cred-"+cred+" .cred-state"); !strings.Contains(got, "State: Active") {
		t.Errorf("the credential reads %q", got)
	}
	check("credentials")
	name, jwt := browser.Download(t, ctx, "#download-"+cred)
	if !strings.HasSuffix(name, ".jwt") {
		t.Errorf("the credential was saved as %q, want a .jwt file", name)
	}
	parts := strings.Split(strings.TrimSpace(string(jwt)), ".")
	head, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h struct {
		Typ string `json:"typ"`
	}
	if len(parts) != 3 || json.Unmarshal(head, &h) != nil || h.Typ != "vc+jwt" {
		t.Fatalf("the download is not a VC-JWT: header %s, %d parts", head, len(parts))
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, jwt, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := run(t, "", "verify", "--cache", filepath.Join(t.TempDir(), "cache"), "--fetch", file)
	if code := exitCode(t, err); code != 0 || !strings.Contains(got, file+": active") || !strings.Contains(got, "holder:        Ada Lovelace") {
		t.Errorf("recert verify --fetch of the downloaded credential: exit %d\n%s", code, got)
	}
	// And POST /v1/verify, as an employer's system would.
	if v := (&flowSite{url: site.url}).api(t, jwt, "application/vc+jwt"); v.State != "active" || v.Form != "vc+jwt" {
		t.Errorf("POST /v1/verify of the downloaded credential: %+v", v)
	}

	// The link she shares opens its verification page; the file she
	// downloaded verifies on /verify.
	browser.Visit(t, ctx, site.url+"/me/credentials")
	browser.ClickAndWait(t, ctx, "#verify-"+cred)
	if got := browser.Text(t, ctx, "#verify-state"); !strings.Contains(strings.ToLower(got), "active") {
		t.Errorf("the shared link's page says %q", got)
	}
	check("")
	browser.Visit(t, ctx, site.url+"/verify")
	check("")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	browser.ClickAndWait(t, ctx, "#verify-submit")
	if got := browser.Text(t, ctx, "#verify-state"); !strings.Contains(strings.ToLower(got), "active") {
		t.Errorf("the uploaded file verifies as %q", got)
	}
	if got := browser.Text(t, ctx, "#verify-holder"); got != "Ada Lovelace" {
		t.Errorf("the verification page's holder: %q", got)
	}
	check("verify")
}

// pageDate is a date as the pages write it.
func pageDate(d string) string {
	t, _ := time.Parse(time.DateOnly, d)
	return t.Format("2 January 2006")
}

// staffFlow: an admin signs in by the link mailed to her, uploads a
// definition with an error and sees it at its line, opens the expiring
// report and exports it.
func staffFlow(t *testing.T, ctx context.Context, site *pagesSite, check func(string, ...string)) {
	browser.Visit(t, ctx, site.url+"/me")
	if browser.Count(t, ctx, "#signout") == 1 {
		browser.ClickAndWait(t, ctx, "#signout")
	}
	browser.Visit(t, ctx, site.url+"/signin")
	if u := site.signIn(t, ctx, "margaret@example.com", check); u != site.url+"/staff" {
		t.Fatalf("staff landed on %s, want /staff", u)
	}
	if got := browser.Text(t, ctx, "#expiring-summary"); !strings.HasPrefix(got, "1 certification expire") {
		t.Errorf("the staff desk says %q: want Grace's one within 30 days", got)
	}
	check("staff")

	// A definition with an error, chosen as a file.
	src, err := os.ReadFile(filepath.Join(browser.Root(t), "programs", "aws.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "weight: 20}", "weight: twenty}", 1)
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "weight: twenty") {
			line = i + 1
			break
		}
	}
	file := filepath.Join(t.TempDir(), "aws-next.yaml")
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	browser.Visit(t, ctx, site.url+"/staff/programs")
	check("")
	browser.ClickAndWait(t, ctx, "#upload-link")
	check("")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#definition-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	browser.ClickAndWait(t, ctx, "#upload-submit")
	anchor := fmt.Sprintf("#L%d", line)
	if got := browser.Text(t, ctx, "#problems h2"); !strings.Contains(got, "nothing was stored") {
		t.Errorf("the problems' heading: %q", got)
	}
	if n := browser.Count(t, ctx, `#problem-list li a[href="`+anchor+`"]`); n != 1 {
		t.Fatalf("no problem links to line %d: %q", line, browser.Text(t, ctx, "#problem-list"))
	}
	if got := browser.Text(t, ctx, "tr"+anchor+" .line-problem"); !strings.Contains(got, "weight") {
		t.Errorf("under line %d: %q", line, got)
	}
	browser.Click(t, ctx, `#problem-list li a[href="`+anchor+`"]`)
	if got := browser.Eval[string](t, ctx, `document.querySelector(":target") ? document.querySelector(":target").id : ""`); got != anchor[1:] {
		t.Errorf("following the problem's link targets %q, want its line %s", got, anchor)
	}
	check("program-upload-error", "#problems")
	// And the error under its line, a few lines above in view.
	browser.Screenshot(t, ctx, "program-upload-line", browser.Desktop, fmt.Sprintf("#L%d", line-3))
	browser.Screenshot(t, ctx, "program-upload-line", browser.Phone, fmt.Sprintf("#L%d", line-3))

	// The expiring report, from the desk's summary.
	browser.Visit(t, ctx, site.url+"/staff")
	browser.ClickAndWait(t, ctx, "#expiring-summary a")
	if got := browser.Text(t, ctx, "#expiring tbody"); !strings.Contains(got, "Grace Hopper") || strings.Contains(got, "Lin Chen") {
		t.Errorf("within 30 days: %q, want Grace alone", got)
	}
	if n := browser.Count(t, ctx, "svg#chart-expiring"); n != 1 {
		t.Errorf("%d expiring charts", n)
	}
	check("")
	browser.ClickAndWait(t, ctx, "#window-180")
	if got := browser.Text(t, ctx, "#expiring tbody"); !strings.Contains(got, "Grace Hopper") || !strings.Contains(got, "Lin Chen") {
		t.Errorf("within 180 days: %q, want Grace and Lin", got)
	}
	check("report-expiring")
	name, csv := browser.Download(t, ctx, "#export-csv")
	rows := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if !strings.HasSuffix(name, ".csv") || len(rows) != 3 || !strings.Contains(rows[1]+rows[2], "grace@example.com") || !strings.Contains(rows[1]+rows[2], "lin@example.com") {
		t.Errorf("the export %q: %q, want a header and Grace's and Lin's rows", name, rows)
	}

	// Every other staff page, from the menu and the reports' list.
	for _, link := range []string{`nav a[href="/staff/candidates"]`, `nav a[href="/staff/calendar"]`, `nav a[href="/staff/notifications"]`,
		`nav a[href="/staff/webhooks"]`, `nav a[href="/staff/reports"]`, "#report-pass-rates", "#nav-sessions"} {
		if link == "#report-pass-rates" {
			check("")
		}
		browser.ClickAndWait(t, ctx, link)
		if n := browser.Count(t, ctx, "h1"); n != 1 {
			t.Errorf("%s has %d h1", browser.URL(t, ctx), n)
		}
		check("")
		if link == "#report-pass-rates" {
			browser.Visit(t, ctx, site.url+"/staff/reports")
			browser.ClickAndWait(t, ctx, "#report-appointments")
			check("")
		}
	}
	// The staff users page, from the desk: the admin is listed.
	browser.Visit(t, ctx, site.url+"/staff")
	browser.ClickAndWait(t, ctx, "#staff-users-link")
	if n := browser.Count(t, ctx, "#staff-users tbody tr"); n < 1 {
		t.Errorf("the staff users page lists %d users", n)
	}
	check("")
	// Ada's history, found by name.
	browser.Visit(t, ctx, site.url+"/staff/candidates?q=ada")
	browser.ClickAndWait(t, ctx, `#candidates a[href^="/staff/candidates/ada"]`)
	check("")
}
