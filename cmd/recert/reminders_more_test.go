package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/mailpit"
)

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

// TestImportedPastMailsNobody: an imported history of years, with a
// certification that expired long ago and a failed sitting long past,
// mails nothing: its notices lapsed before it reached the ledger (N5).
func TestImportedPastMailsNobody(t *testing.T) {
	w := startWalk(t, filepath.Join(t.TempDir(), "past.db"), true)
	now := w.clock.Now()
	rows := `{"kind":"candidate","id":"kay","name":"Kay","email":"kay@example.com","time_zone":"Europe/Paris"}` + "\n" +
		fmt.Sprintf(`{"kind":"result","candidate":"kay","exam":"CLF-C02","on":%q,"scaled_score":800}`, now.AddDate(-5, 0, 0).Format(time.RFC3339)) + "\n" +
		fmt.Sprintf(`{"kind":"result","candidate":"kay","exam":"SAA-C03","on":%q,"scaled_score":600}`, now.AddDate(-4, 0, 0).Format(time.RFC3339)) + "\n"
	src, err := app.NewRowReader(strings.NewReader(rows), "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Import(w.ctx, app.System, "old.jsonl", src, app.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	w.clock.set(t, now.Add(25*time.Hour)) // past a whole sweep
	w.settle()
	if msgs := w.mp.Messages(t); len(msgs) != 0 {
		t.Fatalf("an old history mailed %d messages (first: %q); want none", len(msgs), msgs[0].Subject)
	}
}
