package queue

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
)

func TestWebhookBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{5, 160 * time.Second},
		{11, 10240 * time.Second},
		{12, 3 * time.Hour},
		{50, 3 * time.Hour},
	} {
		if got := webhookBackoff(tc.attempt); got != tc.want {
			t.Errorf("webhookBackoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}

func TestInsertParams(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	due := time.Date(2027, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name      string
		job       app.Job
		err       string
		attempts  int
		scheduled time.Time
		key       string
	}{
		{name: "notice now", job: app.Job{Kind: app.JobNotice, Notice: ledger.Notice{Candidate: "c1", Kind: "expiry", Subject: "x", Due: due}},
			attempts: otherAttempts, key: "notice\x00c1\x00expiry\x00x\x00" + itoa(due.UnixNano())},
		{name: "notice later", job: app.Job{Kind: app.JobNotice, At: now.Add(time.Hour), Notice: ledger.Notice{Candidate: "c1", Kind: "expiry", Due: due}},
			attempts: otherAttempts, scheduled: now.Add(time.Hour), key: "notice\x00c1\x00expiry\x00\x00" + itoa(due.UnixNano())},
		{name: "notice past At is available now", job: app.Job{Kind: app.JobNotice, At: now.Add(-time.Hour), Notice: ledger.Notice{Candidate: "c1", Kind: "expiry", Due: due}},
			attempts: otherAttempts, key: "notice\x00c1\x00expiry\x00\x00" + itoa(due.UnixNano())},
		{name: "webhook", job: app.Job{Kind: app.JobWebhook, Notification: "n", Endpoint: "e"}, attempts: webhookAttempts, key: "webhook\x00n\x00e"},
		{name: "sweep", job: app.Job{Kind: app.JobSweep, At: now.Add(time.Minute)}, attempts: otherAttempts, scheduled: now.Add(time.Minute), key: "sweep\x00" + itoa(now.Add(time.Minute).UnixNano())},
		{name: "credential status at a grace's end", job: app.Job{Kind: app.JobCredentialStatus, Candidate: "c1", Certification: "ace", Term: "2027-02-28", At: now.Add(24 * time.Hour)},
			attempts: otherAttempts, scheduled: now.Add(24 * time.Hour), key: "credential_status\x00c1\x00ace\x002027-02-28"},
		{name: "credential status without At", job: app.Job{Kind: app.JobCredentialStatus, Candidate: "c1", Certification: "ace", Term: "2027-02-28"}, err: "credential status job without"},
		{name: "notice without due", job: app.Job{Kind: app.JobNotice, Notice: ledger.Notice{Candidate: "c1", Kind: "expiry"}}, err: "without candidate, kind or due"},
		{name: "webhook without endpoint", job: app.Job{Kind: app.JobWebhook, Notification: "n"}, err: "without notification or endpoint"},
		{name: "sign-in", job: app.Job{Kind: app.JobSignIn, SignIn: "sil_1"}, attempts: otherAttempts, key: "signin\x00sil_1"},
		{name: "sign-in without link", job: app.Job{Kind: app.JobSignIn}, err: "sign-in job without a link"},
		{name: "sweep without At", job: app.Job{Kind: app.JobSweep}, err: "sweep job without At"},
		{name: "unknown kind", job: app.Job{Kind: "mystery"}, err: `unknown job kind "mystery"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := insertParams(tc.job, now)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.InsertOpts.MaxAttempts != tc.attempts || !p.InsertOpts.ScheduledAt.Equal(tc.scheduled) {
				t.Errorf("opts = %+v, want %d attempts, scheduled %v", p.InsertOpts, tc.attempts, tc.scheduled)
			}
			if !p.InsertOpts.UniqueOpts.ByArgs || len(p.InsertOpts.UniqueOpts.ByState) != 8 {
				t.Errorf("unique opts = %+v, want by args in all 8 states", p.InsertOpts.UniqueOpts)
			}
			a := p.Args.(jobArgs)
			if a.key() != tc.key {
				t.Errorf("key = %q, want %q", a.key(), tc.key)
			}
			back := a.job()
			if back.Kind != tc.job.Kind || back.Notice.Candidate != tc.job.Notice.Candidate || !back.Notice.Due.Equal(tc.job.Notice.Due) ||
				back.Notification != tc.job.Notification || back.Endpoint != tc.job.Endpoint || !back.At.Equal(tc.job.At) ||
				back.Candidate != tc.job.Candidate || back.Certification != tc.job.Certification || back.Term != tc.job.Term {
				t.Errorf("job() = %+v, want %+v", back, tc.job)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
