package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/mailpit"
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
