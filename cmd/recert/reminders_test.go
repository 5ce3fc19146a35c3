package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/mailpit"
	"github.com/recert/recert/internal/pgtest"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/notify/webhook"
	"github.com/recert/recert/queue"
)

// The three-year walk: one candidate of the reference program books, fails,
// books again, passes and lets the certification lapse, while the clock
// jumps from one moment to the next. At every moment the mail that has
// arrived in Mailpit must be exactly the reference program's messages due
// by then, in order, once each — with the worker in this process, in
// another process killed with SIGKILL halfway, and in two processes on one
// PostgreSQL database.

// clockFile is a clock that several processes share: the test writes the
// instant, every worker reads it.
type clockFile struct {
	path string
	now  atomic.Int64
}

func newClock(t *testing.T, at time.Time) *clockFile {
	c := &clockFile{path: filepath.Join(t.TempDir(), "clock")}
	c.set(t, at)
	return c
}

func (c *clockFile) set(t *testing.T, at time.Time) {
	c.now.Store(at.UnixNano())
	if err := os.WriteFile(c.path+".tmp", []byte(at.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(c.path+".tmp", c.path); err != nil {
		t.Fatal(err)
	}
}

func (c *clockFile) Now() time.Time { return time.Unix(0, c.now.Load()).UTC() }

// fileClock reads a clockFile from another process.
func fileClock(path string) func() time.Time {
	return func() time.Time {
		b, err := os.ReadFile(path)
		if err != nil {
			panic(fmt.Sprintf("reading the test clock: %v", err))
		}
		t, err := time.Parse(time.RFC3339Nano, string(b))
		if err != nil {
			panic(fmt.Sprintf("reading the test clock: %v", err))
		}
		return t
	}
}

// testWorkerEnv runs this test binary as a worker process (TestMain).
const testWorkerEnv = "RECERT_TEST_WORKER"

// runTestWorker is `recert worker` with the test's clock, until killed.
func runTestWorker() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f := workerFlags{smtp: os.Getenv("RECERT_TEST_SMTP"), from: "recert <recert@example.org>", workers: 4,
		sweepEvery: 24 * time.Hour, poll: 20 * time.Millisecond}
	err := runWorker(context.Background(), os.Getenv("RECERT_TEST_DB"), f, fileClock(os.Getenv("RECERT_TEST_CLOCK")), log,
		func(string) { fmt.Println("ready") })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// walker drives one walk.
type walker struct {
	t     *testing.T
	ctx   context.Context
	db    string
	clock *clockFile
	mp    *mailpit.Server
	hooks *hookReceiver
	a     *app.App     // the test's own App: the candidate's and staff's actions
	q     *queue.Queue // the test's queue: its workers when inProcess, else insert-only
	st    ledger.Store
	procs []*exec.Cmd
	zone  *time.Location
	// what the walk learned on the way
	apptFail, expires string
}

// expected is one message the reference program sends.
type expected struct {
	kind, subject string
	due           time.Time
}

func (e expected) String() string { return e.kind + " " + e.subject + " " + e.due.Format(time.RFC3339) }

// hookReceiver is a webhook endpoint that checks every signature.
type hookReceiver struct {
	srv    *httptest.Server
	secret atomic.Value
	mu     sync.Mutex
	ids    map[string]int
	bad    []string
	now    func() time.Time
}

func newHookReceiver(t *testing.T, now func() time.Time) *hookReceiver {
	h := &hookReceiver{ids: map[string]int{}, now: now}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		secret, _ := h.secret.Load().(string)
		h.mu.Lock()
		defer h.mu.Unlock()
		if err := webhook.Verify(secret, r.Header, body, h.now(), 5*time.Minute); err != nil {
			h.bad = append(h.bad, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		h.ids[r.Header.Get("webhook-id")]++
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// startWalk opens the store db, Mailpit and a webhook receiver, and the
// test's App. With inProcess the App's queue works the jobs here;
// otherwise workers are processes (startWorker) and the test's queue only
// inserts (and looks at the queue).
func startWalk(t *testing.T, db string, inProcess bool) *walker {
	ctx := context.Background()
	w := &walker{t: t, ctx: ctx, db: db, clock: newClock(t, time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC)), mp: mailpit.Start(t)}
	w.hooks = newHookReceiver(t, w.clock.Now)
	w.zone, _ = time.LoadLocation("America/New_York")
	st, _, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	w.open(!inProcess)
	if inProcess {
		if err := w.q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.q.Stop(context.Background()) })
		if err := w.a.StartSweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// open makes the test's App and queue over the walk's store, with the
// test clock and mail to Mailpit.
func (w *walker) open(insertOnly bool) {
	t := w.t
	f := workerFlags{smtp: "smtp://" + w.mp.SMTPAddr(), from: "recert <recert@example.org>", workers: 4,
		sweepEvery: 24 * time.Hour, poll: 20 * time.Millisecond}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := makeParts(f, w.clock.Now, quiet)
	if err != nil {
		t.Fatal(err)
	}
	w.a = app.New(w.st, append(p.opts, app.WithClock(w.clock.Now))...)
	if w.q, err = openQueue(w.st, w.a, w.clock.Now, f, nil, quiet, insertOnly); err != nil {
		t.Fatal(err)
	}
}

// startWorker starts a worker process on the walk's database.
func (w *walker) startWorker() *exec.Cmd {
	t := w.t
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), testWorkerEnv+"=1", "RECERT_TEST_DB="+w.db, "RECERT_TEST_CLOCK="+w.clock.path,
		"RECERT_TEST_SMTP=smtp://"+w.mp.SMTPAddr())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("worker process: %q, %v; want ready", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	w.procs = append(w.procs, cmd)
	return cmd
}

// kill ends a worker process with SIGKILL: no deferred code, no graceful
// stop, whatever it was doing.
func (w *walker) kill(cmd *exec.Cmd) {
	if err := cmd.Process.Kill(); err != nil {
		w.t.Fatal(err)
	}
	_ = cmd.Wait()
}

// settle makes the jobs due by the test clock run now and waits until no
// job is due or running (River's own scheduler looks only every 5 s).
func (w *walker) settle() {
	t := w.t
	deadline := time.Now().Add(60 * time.Second)
	for quiet := 0; quiet < 3; {
		if time.Now().After(deadline) {
			d, _ := w.q.Depth(w.ctx)
			t.Fatalf("at %s the queue did not settle: %v", w.clock.Now().Format(time.RFC3339), d)
		}
		n, err := w.q.RunDue(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		busy, err := w.q.Busy(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && !busy {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// local is a wall time in the candidate's zone.
func (w *walker) local(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, w.zone).UTC()
}

// at9 is 09:00 in the candidate's zone on a date (N1).
func (w *walker) at9(date string) time.Time {
	d, err := time.ParseInLocation("2006-01-02", date, w.zone)
	if err != nil {
		w.t.Fatal(err)
	}
	return d.Add(9 * time.Hour).UTC()
}

func (w *walker) addDays(date string, n int) string {
	d, _ := time.Parse("2006-01-02", date)
	return d.AddDate(0, 0, n).Format("2006-01-02")
}

// sent is the notifications the ledger says were sent by e-mail, oldest
// due first, and the messages in Mailpit.
func (w *walker) check(want []expected) {
	t := w.t
	now := w.clock.Now()
	var due []expected
	for _, e := range want {
		if !e.due.After(now) {
			due = append(due, e)
		}
	}
	recs, err := w.a.Notifications(w.ctx, app.System, ledger.NotificationFilter{Candidate: "ada", State: app.StateSent}, ledger.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var got []expected
	byID := map[string]ledger.Notification{}
	for _, r := range recs {
		if r.Channel == app.ChannelEmail {
			got = append(got, expected{r.Kind, r.Subject, r.Due.UTC()})
			byID[r.ID] = r
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i].due.Before(got[j].due) })
	if !slices.Equal(got, due) {
		t.Fatalf("at %s the ledger says these were mailed:\n%v\nwant:\n%v", now.Format(time.RFC3339), got, due)
	}
	msgs := w.mp.Messages(t)
	if len(msgs) != len(due) {
		t.Fatalf("at %s Mailpit has %d messages, want %d (%v)", now.Format(time.RFC3339), len(msgs), len(due), due)
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		full := w.mp.Message(t, m.ID)
		id := full.Header("X-Recert-Notification")
		r, ok := byID[id]
		if !ok || seen[id] {
			t.Fatalf("Mailpit message %q (notification %q): not a sent notification, or a second copy", full.Subject, id)
		}
		seen[id] = true
		if full.MessageID != strings.Trim(r.MessageID, "<>") || full.Subject != r.Title || len(full.To) != 1 || full.To[0].Address != "ada@example.com" {
			t.Fatalf("message %s: Message-ID %q, subject %q, to %q; want %q, %q, ada@example.com", id, full.MessageID, full.Subject, full.To, r.MessageID, r.Title)
		}
	}
	w.hooks.mu.Lock()
	defer w.hooks.mu.Unlock()
	if len(w.hooks.bad) > 0 {
		t.Fatalf("webhooks with bad signatures: %v", w.hooks.bad)
	}
	if len(w.hooks.ids) != len(due) {
		t.Fatalf("at %s the webhook receiver got %d notifications, want %d", now.Format(time.RFC3339), len(w.hooks.ids), len(due))
	}
}

// walk runs the certification's life. mid, when set, runs once halfway
// (after the 90-day reminder): the kill test kills a worker there.
func (w *walker) walk(mid func()) {
	t, ctx, a := w.t, w.ctx, w.a
	// Staff: a webhook endpoint, a test center in New York, the candidate.
	hook, err := a.CreateWebhook(ctx, app.System, app.WebhookInput{URL: w.hooks.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	w.hooks.secret.Store(hook.Secret)
	if _, err := a.CreateCenter(ctx, app.System, app.CenterInput{ID: "nyc", Name: "New York", TimeZone: "America/New_York", Seats: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateCandidate(ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com", TimeZone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	slot1 := w.local(2027, 1, 14, 14, 0) // the first sitting, which fails
	slot2 := w.local(2027, 2, 10, 14, 0) // the retake, which passes
	var want []expected
	var pass ledger.Appointment
	actions := []struct {
		at time.Time
		do func()
	}{
		{w.clock.Now(), func() {
			ap := w.book(slot1)
			// R7: changes up to 24 hours before the slot; N3: a reminder 24
			// hours before that, and one 3 hours before the sitting.
			want = append(want, expected{"change_deadline", ap.ID, slot1.Add(-48 * time.Hour)},
				expected{"sitting", ap.ID, slot1.Add(-3 * time.Hour)})
			w.apptFail = ap.ID
		}},
		{slot1.Add(2 * time.Hour), func() {
			w.result(w.apptFail, 610)
			// R1: a retake from 14 calendar days after the sitting; N1 and N2:
			// the notice at 09:00 on that day.
			want = append(want, expected{"retake_available", "AIF-C01", w.at9("2027-01-28")})
			w.checkCalendar("2027-01-28")
		}},
		{w.local(2027, 2, 1, 10, 0), func() {
			pass = w.book(slot2)
			want = append(want, expected{"change_deadline", pass.ID, slot2.Add(-48 * time.Hour)},
				expected{"sitting", pass.ID, slot2.Add(-3 * time.Hour)})
			w.checkCalendar("")
		}},
		{slot2.Add(2 * time.Hour), func() {
			w.result(pass.ID, 850)
			st, err := a.Standing(ctx, app.System, "ada")
			if err != nil || len(st.Certifications) != 1 {
				t.Fatalf("standing after the pass: %+v, %v", st, err)
			}
			exp := st.Certifications[0].ExpiresOn
			cert := st.Certifications[0].Certification.Certification
			// V1: three years from the pass; V4: reminders 180, 90, 30 and 7
			// days before and on the day, at 09:00 (N1); the expiry itself
			// when the day after the last valid day begins.
			for _, d := range []int{180, 90, 30, 7, 0} {
				want = append(want, expected{"expiry_reminder", cert, w.at9(w.addDays(exp, -d))})
			}
			w.checkCalendar("")
			end, _ := time.ParseInLocation("2006-01-02", w.addDays(exp, 1), w.zone)
			want = append(want, expected{"certification_expired", cert, end.UTC()})
			w.expires = exp
		}},
	}
	// The moments the clock stops at: every action, a minute after every
	// due time (known once the action that schedules it ran), and every
	// week in between, where nothing must be sent.
	end := w.local(2030, 3, 1, 12, 0)
	next, stops := 0, 0
	midDone := mid == nil
	for now := w.clock.Now(); !now.After(end); {
		for next < len(actions) && !actions[next].at.After(now) {
			actions[next].do()
			next++
		}
		w.settle()
		w.check(want)
		stops++
		if !midDone && len(want) > 6 && !now.Before(want[6].due) {
			mid()
			midDone = true
		}
		// The next stop.
		stop := now.Add(7 * 24 * time.Hour)
		if next < len(actions) && actions[next].at.Before(stop) {
			stop = actions[next].at
		}
		for _, e := range want {
			if m := e.due.Add(time.Minute); m.After(now) && m.Before(stop) {
				stop = m
			}
		}
		now = stop
		w.clock.set(t, now)
	}
	t.Logf("%d stops; mailed, each once, in order: %v", stops, want)
	if !midDone || len(want) != 11 {
		t.Fatalf("the walk ended with %d messages expected (mid ran: %v)", len(want), midDone)
	}
	// And the ledger recorded the expiry once.
	st, err := a.Standing(ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	h := st.Certifications[0].History
	if st.Certifications[0].State != "expired" || h[len(h)-1].Type != "certification_expired" || len(h) != 2 {
		t.Fatalf("after the walk: %+v; want expired, earned then expired once", st.Certifications[0])
	}
}

func (w *walker) book(slot time.Time) ledger.Appointment {
	ap, err := w.a.Book(w.ctx, app.System, app.BookInput{Candidate: "ada", Exam: "AIF-C01", Center: "nyc", Slot: slot})
	if err != nil {
		w.t.Fatalf("booking %s: %v", slot, err)
	}
	return ap
}

func (w *walker) result(appointment string, scaled int) {
	if _, err := w.a.RecordResult(w.ctx, app.System, app.ResultInput{Appointment: appointment, Scaled: &scaled}); err != nil {
		w.t.Fatalf("result %d for %s: %v", scaled, appointment, err)
	}
}

func TestReminderWalkSQLite(t *testing.T) {
	startWalk(t, filepath.Join(t.TempDir(), "walk.db"), true).walk(nil)
}

func TestReminderWalkPostgres(t *testing.T) {
	startWalk(t, pgtest.Server(t).NewDatabase(t), true).walk(nil)
}

// TestReminderWalkKill9: the worker is a process of its own, killed with
// SIGKILL halfway through and started again; nothing is sent twice and
// nothing is lost.
func TestReminderWalkKill9(t *testing.T) {
	w := startWalk(t, pgtest.Server(t).NewDatabase(t), false)
	p := w.startWorker()
	w.walk(func() {
		w.kill(p)
		w.startWorker()
	})
}

// TestReminderWalkTwoWorkers: two worker processes on one PostgreSQL
// database; one of them is killed halfway, the other carries on alone.
func TestReminderWalkTwoWorkers(t *testing.T) {
	w := startWalk(t, pgtest.Server(t).NewDatabase(t), false)
	p := w.startWorker()
	w.startWorker()
	w.walk(func() { w.kill(p) })
}

// restart stops the walk's in-process worker and starts a new App and
// queue on the same database, as a restarted `recert serve` would.
func (w *walker) restart() {
	t := w.t
	if err := w.q.Stop(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.open(false)
	if err := w.q.Start(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.q.Stop(context.Background()) })
	if err := w.a.StartSweep(w.ctx); err != nil {
		t.Fatal(err)
	}
}

// mailed is what the ledger says went out by mail, by kind and subject.
func (w *walker) mailed() []ledger.Notification {
	recs, err := w.a.Notifications(w.ctx, app.System, ledger.NotificationFilter{}, ledger.Page{Limit: 500})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []ledger.Notification
	for _, r := range recs {
		if r.Channel == app.ChannelEmail {
			out = append(out, r)
		}
	}
	return out
}

// TestImportedTenDaysBeforeExpiry: a certification imported ten days
// before it expires gets one reminder, "10 days", not the 180-, 90- and
// 30-day ones it missed; a restart sends nothing more.
func TestImportedTenDaysBeforeExpiry(t *testing.T) {
	w := startWalk(t, filepath.Join(t.TempDir(), "import.db"), true)
	now := w.clock.Now()
	sat := now.AddDate(-3, 0, 10) // CLF-C02 passed; valid three years (V1): ten days left
	rows := `{"kind":"candidate","id":"grace","name":"Grace Hopper","email":"grace@example.com","time_zone":"America/New_York"}` + "\n" +
		fmt.Sprintf(`{"kind":"result","candidate":"grace","exam":"CLF-C02","on":%q,"scaled_score":800}`, sat.Format(time.RFC3339)) + "\n"
	src, err := app.NewRowReader(strings.NewReader(rows), "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Import(w.ctx, app.System, "legacy.jsonl", src, app.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	w.settle()
	msgs := w.mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("Mailpit has %d messages after the import, want 1: %+v", len(msgs), msgs)
	}
	full := w.mp.Message(t, msgs[0].ID)
	if !strings.Contains(full.Text, "10 days") {
		t.Errorf("the reminder does not say 10 days:\n%s", full.Text)
	}
	got := w.mailed()
	if len(got) != 1 || got[0].Kind != "expiry_reminder" || got[0].State != app.StateSent {
		t.Fatalf("sent records: %+v; want one expiry_reminder, sent", got)
	}
	w.restart()
	w.clock.set(t, now.Add(time.Hour))
	w.settle()
	if n := len(w.mp.Messages(t)); n != 1 {
		t.Fatalf("after a restart Mailpit has %d messages, want still 1", n)
	}
}

// TestDowntimeSendsLatestOnly: the worker is down while the 90- and 30-day
// reminders fall due; back, it sends the 30-day one alone and records the
// 90-day one as superseded.
func TestDowntimeSendsLatestOnly(t *testing.T) {
	w := startWalk(t, filepath.Join(t.TempDir(), "down.db"), true)
	now := w.clock.Now()
	sat := now.AddDate(-3, 0, 200) // 200 days left: the 180-day reminder is next
	if _, err := w.a.CreateCandidate(w.ctx, app.System, app.CandidateInput{ID: "ada", Name: "Ada", Email: "ada@example.com", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	scaled := 800
	if _, err := w.a.RecordResult(w.ctx, app.System, app.ResultInput{Candidate: "ada", Exam: "CLF-C02", On: sat, Scaled: &scaled}); err != nil {
		t.Fatal(err)
	}
	w.clock.set(t, now.AddDate(0, 0, 21)) // 179 days left
	w.settle()
	if got := w.mailed(); len(got) != 1 || got[0].State != app.StateSent {
		t.Fatalf("at 179 days: %+v; want the 180-day reminder sent", got)
	}
	if err := w.q.Stop(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.set(t, now.AddDate(0, 0, 175)) // 25 days left: 90 and 30 passed while down
	w.restart()
	w.settle()
	// The sweep queued the 30-day reminder alone: the 90-day one was
	// superseded before any job for it existed, so it has no record.
	got := w.mailed()
	if len(got) != 2 || got[0].State != app.StateSent || got[1].State != app.StateSent || len(w.mp.Messages(t)) != 2 {
		t.Fatalf("after the downtime: %+v and %d in Mailpit; want the 180- and 30-day reminders sent, nothing else", got, len(w.mp.Messages(t)))
	}
	latest := got[0]
	if got[1].Due.After(latest.Due) {
		latest = got[1]
	}
	st, err := w.a.Standing(w.ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	exp := st.Certifications[0].ExpiresOn
	if want := w.addDays(exp, -30); latest.Due.Format("2006-01-02") != want {
		t.Errorf("the reminder sent after the downtime is due %s; want the 30-day one, on %s", latest.Due, want)
	}
	expDay, _ := time.Parse("2006-01-02", exp)
	left := int(expDay.Sub(w.clock.Now().Truncate(24*time.Hour)).Hours() / 24)
	var text string
	for _, m := range w.mp.Messages(t) {
		if full := w.mp.Message(t, m.ID); full.Header("X-Recert-Notification") == latest.ID {
			text = full.Text
		}
	}
	if !strings.Contains(text, fmt.Sprintf("expires in %d days", left)) {
		t.Errorf("the 30-day reminder sent %d days before does not say so:\n%s", left, text)
	}
}

// serveStoppable is serveOn with a stop: the test restarts the server.
func serveStoppable(t *testing.T, db string, flags ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	root := newRoot()
	out := newSyncBuffer()
	root.SetOut(out)
	root.SetErr(out)
	root.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, flags...))
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve ended with %v", err)
			}
		})
	}
	t.Cleanup(stop)
	re := regexp.MustCompile(`serving (http://\S+) `)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "reminders: ") {
			return m[1], out, stop
		}
		select {
		case err := <-done:
			done <- nil
			t.Fatalf("serve ended before it was serving (%v):\n%s", err, out.String())
		case <-out.changed:
		}
	}
}

// sweeps is how many sweeps a server's worker has finished, from /metrics.
func sweeps(t *testing.T, url string) int {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`recert_jobs_total\{kind="sweep",outcome="ok"\} (\d+)`).FindStringSubmatch(string(b))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestReadmeReminders runs the README's reminders block against `recert
// serve --smtp` and Mailpit, as the README says: one mail, and none more
// after a restart.
func TestReadmeReminders(t *testing.T) {
	block := readmeBlock(t, "reminders")
	mp := mailpit.Start(t)
	db := filepath.Join(t.TempDir(), "recert.db")
	smtp := "smtp://" + mp.SMTPAddr()
	url, out, stop := serveStoppable(t, db, "--smtp", smtp)
	token := regexp.MustCompile(`admin token \(shown once; keep it\): (rct_\S+)`).FindStringSubmatch(out.String())
	if token == nil {
		t.Fatalf("serve printed no admin token:\n%s", out.String())
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(block))
	cmd.Env = append(os.Environ(), "U="+url, "TOKEN="+token[1])
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's reminders block failed: %v\n%s", err, b)
	}
	msgs := mp.WaitFor(t, 1, 30*time.Second)
	if !strings.Contains(msgs[0].Subject, "expires in 10 days") {
		t.Errorf("the mail's subject is %q; want it to say the certification expires in 10 days", msgs[0].Subject)
	}
	stop()
	// Restarted with sweeps every second, so that one runs at once (with
	// the default 15 minutes the first server's chain would carry on).
	url, _, _ = serveStoppable(t, db, "--smtp", smtp, "--sweep-every", "1s")
	// The restarted worker's first sweep has run (and with it any job it
	// would have queued): still one mail.
	deadline := time.Now().Add(30 * time.Second)
	for sweeps(t, url) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the restarted server's worker finished no sweep in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("after a restart Mailpit has %d messages, want 1", n)
	}
}

// checkCalendar reads the candidate's feed and compares it with the
// standing: the expiry day is the certification's expires_on, each open
// appointment is an event at its slot with an alarm at its change
// deadline (R7: 24 hours before), and the retake day is the one the
// retake notice was due on.
func (w *walker) checkCalendar(retakeDate string) {
	t := w.t
	link, err := w.a.CreateCalendarFeed(w.ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(link.Path, "/calendar/"), ".ics")
	feed, err := w.a.CalendarFeed(w.ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	days := map[string]string{} // summary -> all-day date
	starts := map[time.Time]*ical.Event{}
	for _, ev := range cal.Events() {
		summary, _ := ev.Props.Text(ical.PropSummary)
		if p := ev.Props.Get(ical.PropDateTimeStart); p != nil && p.ValueType() == ical.ValueDate {
			days[summary] = p.Value[:4] + "-" + p.Value[4:6] + "-" + p.Value[6:8]
			continue
		}
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		starts[start.UTC()] = &ev
	}
	st, err := w.a.Standing(w.ctx, app.System, "ada")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st.Certifications {
		if got := days["AWS Certified AI Practitioner expires"]; got != c.ExpiresOn {
			t.Errorf("the feed's expiry is %q, the standing's %s:\n%s", got, c.ExpiresOn, feed)
		}
	}
	if retakeDate != "" && days["Retake of AIF-C01 possible"] != retakeDate {
		t.Errorf("the feed's retake day is %q, want %s:\n%s", days["Retake of AIF-C01 possible"], retakeDate, feed)
	}
	aps, err := w.a.ListAppointments(w.ctx, app.System, ledger.AppointmentFilter{Candidate: "ada", State: "open"}, ledger.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, ap := range aps {
		ev := starts[ap.Slot.UTC()]
		if ev == nil {
			t.Errorf("the feed has no event at %s for appointment %s:\n%s", ap.Slot, ap.ID, feed)
			continue
		}
		if len(ev.Children) != 1 || ev.Children[0].Name != ical.CompAlarm {
			t.Errorf("appointment %s has no alarm", ap.ID)
			continue
		}
		trig := ev.Children[0].Props.Get(ical.PropTrigger)
		if want := ap.Slot.Add(-24 * time.Hour).UTC().Format("20060102T150405Z"); trig == nil || trig.Value != want {
			t.Errorf("appointment %s's alarm is %v, want its change deadline %s", ap.ID, trig, want)
		}
	}
}
