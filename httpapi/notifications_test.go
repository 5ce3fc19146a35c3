package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/policy"
)

// skippedNotice runs the worker's notice job (what the queue would run)
// for a notice no history schedules, due in the past. The worker records
// it as skipped with the reason obsolete, so a notification exists without
// a mailer, a webhook poster or a queue.
func skippedNotice(t *testing.T, a *app.App, candidate, subject string, due time.Time) {
	t.Helper()
	job := app.Job{Kind: app.JobNotice, Notice: ledger.Notice{Candidate: candidate, Kind: string(policy.NoticeExpiry),
		Subject: subject, Due: due.UTC()}}
	if err := a.Work(context.Background(), job, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
		t.Fatalf("the notice job for %s: %v", candidate, err)
	}
}

// TestNotificationsByWhom: a candidate's token lists and reads only the
// candidate's own notifications, another's ?candidate= or id is 404;
// staff sees everyone's, filtered by candidate and state; a center
// reads none (403); a state that is not one is 400 naming state.
func TestNotificationsByWhom(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": "c2", "name": "Cee Two"}})
	c1, c2 := w.token("candidate", "c1"), w.token("candidate", "c2")
	center := w.token("center", "tc1")

	// Before any notice ran: empty pages, not errors.
	for _, tok := range []string{c1, w.admin} {
		p := w.must(200, req{Method: "GET", Path: "/v1/notifications", Token: tok})
		if len(p["items"].([]any)) != 0 || p["next"] != nil {
			t.Errorf("no notifications yet: %v", p)
		}
	}

	skippedNotice(t, w.app, "c1", "no-such-certification", t0.Add(-time.Hour))
	skippedNotice(t, w.app, "c2", "no-such-certification", t0.Add(-time.Hour))
	skippedNotice(t, w.app, "c2", "another-one", t0.Add(-2*time.Hour))

	ids := func(tok, query string) []string {
		t.Helper()
		p := w.must(200, req{Method: "GET", Path: "/v1/notifications" + query, Token: tok})
		var out []string
		for _, it := range p["items"].([]any) {
			n := it.(map[string]any)
			out = append(out, n["candidate"].(string)+":"+n["subject"].(string))
		}
		return out
	}
	if got := ids(c1, ""); len(got) != 1 || got[0] != "c1:no-such-certification" {
		t.Errorf("c1's own: %v", got)
	}
	if got := ids(c1, "?candidate=c1&state=skipped"); len(got) != 1 {
		t.Errorf("c1's own, skipped: %v", got)
	}
	if got := ids(c1, "?state=sent"); len(got) != 0 {
		t.Errorf("c1's sent: %v", got)
	}
	if got := ids(c2, ""); len(got) != 2 || got[0][:3] != "c2:" || got[1][:3] != "c2:" {
		t.Errorf("c2's own: %v", got)
	}
	if got := ids(w.admin, ""); len(got) != 3 {
		t.Errorf("staff, all: %v", got)
	}
	if got := ids(w.admin, "?candidate=c2"); len(got) != 2 {
		t.Errorf("staff, c2's: %v", got)
	}
	first := w.must(200, req{Method: "GET", Path: "/v1/notifications?limit=1", Token: w.admin})
	if next, _ := first["next"].(string); next == "" || len(first["items"].([]any)) != 1 {
		t.Errorf("a page of one of three has no next: %v", first)
	} else if rest := ids(w.admin, "?after="+next); len(rest) != 2 {
		t.Errorf("the pages after %s: %v", next, rest)
	}

	mine := w.must(200, req{Method: "GET", Path: "/v1/notifications", Token: c1})["items"].([]any)[0].(map[string]any)
	if mine["state"] != "skipped" || mine["reason"] != "obsolete" || mine["channel"] != nil || mine["kind"] != string(policy.NoticeExpiry) {
		t.Errorf("the skipped notice: %v", mine)
	}
	id := mine["id"].(string)
	if got := w.must(200, req{Method: "GET", Path: "/v1/notifications/" + id, Token: c1}); got["id"] != id {
		t.Errorf("c1 reads its own: %v", got)
	}
	w.must(200, req{Method: "GET", Path: "/v1/notifications/" + id, Token: w.admin})

	for _, c := range []struct {
		name, token, path string
		status            int
		field             string
	}{
		{"another candidate's list", c1, "/v1/notifications?candidate=c2", 404, ""},
		{"another candidate's notification", c2, "/v1/notifications/" + id, 404, ""},
		{"a center's list", center, "/v1/notifications", 403, ""},
		{"a center reading one", center, "/v1/notifications/" + id, 404, ""},
		{"no such notification", w.admin, "/v1/notifications/nt_nothing", 404, ""},
		{"a state that is not one", c1, "/v1/notifications?state=bogus", 400, "state"},
		{"staff, a state that is not one", w.admin, "/v1/notifications?state=bogus", 400, "state"},
		{"a bad limit", c1, "/v1/notifications?limit=0", 400, "limit"},
		{"no token", "", "/v1/notifications", 401, "Authorization"},
	} {
		r := w.do(req{Method: "GET", Path: c.path, Token: c.token})
		if r.Status != c.status || (c.field != "" && r.JSON(t)["field"] != c.field) {
			t.Errorf("%s: %d %s; want %d naming %q", c.name, r.Status, r.Body, c.status, c.field)
		}
	}
}
