package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/credential"
	"github.com/recert/recert/credential/keyring"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// verifyWorld is a world whose app issues and verifies credentials with
// real keys, as serve wires it. Ids are numbered, so answers are stable.
type verifyWorld struct {
	*world
	store ledger.Store
	keys  *credential.Keys
	jobs  *heldJobs
}

// heldJobs keeps what app queues; the test runs the jobs.
type heldJobs struct {
	mu   sync.Mutex
	jobs []app.Job
}

func (q *heldJobs) Enqueue(_ context.Context, _ ledger.Tx, jobs []app.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

func newVerifyWorld(t testing.TB) *verifyWorld { return newVerifyWorldCached(t, 0) }

// newVerifyWorldCached is newVerifyWorld with serve's caches: status lists
// asked for and verification contexts kept for cache (zero: none).
func newVerifyWorldCached(t testing.TB, cache time.Duration) *verifyWorld {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "verify.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	master := make([]byte, keyring.MasterKeySize)
	_, _ = rand.Read(master)
	ks, err := credential.OpenKeys(ctx, st, master, "https://recert.example.org", t0)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: t0}
	var mu sync.Mutex
	n := 0
	ids := func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s%04d", prefix, n)
	}
	var a *app.App
	v := credential.NewVerifier(ks, func(purpose string) ([]byte, error) {
		b, _, err := a.StatusList(ctx, purpose)
		return b, err
	})
	v.Refresh = cache
	a = app.New(st, app.WithClock(c.Now), app.WithIDs(ids), app.WithIssuer(ks), app.WithCredentials(ks), app.WithVerifier(v), app.WithVerificationCache(cache))
	q := &heldJobs{}
	a.UseQueue(q)
	tt, _ := t.(*testing.T)
	w := &world{t: tt, app: a, clock: c}
	w.server = newServer(a, Options{Logger: slog.New(slog.DiscardHandler), Now: c.Now})
	w.srv = httptest.NewServer(w.server)
	t.Cleanup(w.srv.Close)
	return &verifyWorld{world: w, store: st, keys: ks, jobs: q}
}

// earn makes a candidate and a pass, runs the credential job and returns
// the credential issued.
func (w *verifyWorld) earn(t testing.TB, id, name, email string) ledger.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	if _, err := w.app.CreateCandidate(ctx, app.System, app.CandidateInput{ID: id, Name: name, Email: email, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	score := 800
	if _, err := w.app.RecordResult(ctx, app.System, app.ResultInput{Candidate: id, Exam: "AIF-C01", On: w.clock.Now().Add(-time.Hour), Scaled: &score}); err != nil {
		t.Fatal(err)
	}
	w.jobs.mu.Lock()
	jobs := w.jobs.jobs
	w.jobs.jobs = nil
	w.jobs.mu.Unlock()
	for _, j := range jobs {
		if j.Kind != app.JobCredential {
			continue
		}
		if err := w.app.Work(ctx, j, 1, func(context.Context, ledger.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var got []ledger.IssuedCredential
	err := w.store.View(ctx, func(tx ledger.Tx) (err error) {
		got, err = tx.ListCredentials(ctx, ledger.CredentialFilter{Candidate: id}, ledger.Page{Limit: 10})
		return err
	})
	if err != nil || len(got) != 1 {
		t.Fatalf("credentials of %s: %d, %v", id, len(got), err)
	}
	return got[0]
}

func (w *verifyWorld) setStatus(t *testing.T, c ledger.IssuedCredential, status, reason string) {
	t.Helper()
	ctx := context.Background()
	err := w.store.Update(ctx, func(tx ledger.Tx) error {
		cur, err := tx.Credential(ctx, c.ID)
		if err != nil {
			return err
		}
		cur.Status, cur.Reason, cur.ChangedAt = status, reason, w.clock.Now()
		_, err = tx.SetCredentialStatus(ctx, cur)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVerifyAPI: every way of sending a credential verifies it as active
// with its holder, never the e-mail; a changed byte is a 200 that names
// the signature; an unreadable request is 4xx; a revocation in the ledger
// shows on the next call, with its reason, whatever Idempotency-Key says.
func TestVerifyAPI(t *testing.T) {
	w := newVerifyWorld(t)
	c := w.earn(t, "ada", "Ada Lovelace", "ada@example.com")
	url := w.keys.CredentialURL(c.ID)
	ct := func(v string) map[string]string { return map[string]string{"Content-Type": v} }
	ok := []req{
		{Body: c.JWT, Header: ct("application/vc+jwt")},
		{Body: c.JWT + "\n", Header: ct("text/plain; charset=utf-8")},
		{Body: c.Document, Header: ct("application/vc")},
		{Body: c.Document, Header: ct("application/vc+ld+json")},
		{Body: c.Document, Header: ct("application/ld+json")},
		{Body: c.Document},
		{Body: map[string]any{"credential": c.JWT}},
		{Body: `{"credential": ` + string(c.Document) + `}`},
		{Body: map[string]any{"id": c.ID}},
		{Body: map[string]any{"url": url}},
	}
	for i, q := range ok {
		q.Method, q.Path = "POST", "/v1/verify"
		res := w.do(q)
		m := res.JSON(t)
		if res.Status != 200 || m["state"] != "active" || m["holder"] != "Ada Lovelace" || m["id"] != c.ID || m["known"] != true ||
			m["certification"] != "ai-practitioner" || m["failed_check"] != nil || len(m["history"].([]any)) != 1 {
			t.Errorf("case %d: %d %s", i, res.Status, res.Body)
		}
		if strings.Contains(strings.ToLower(string(res.Body)), "ada@example.com") {
			t.Errorf("case %d: the answer shows the holder's e-mail", i)
		}
	}

	parts := strings.Split(c.JWT, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "Ada", "Eve", 1)))
	res := w.do(req{Method: "POST", Path: "/v1/verify", Body: strings.Join(parts, "."), Header: ct("application/vc+jwt")})
	if m := res.JSON(t); res.Status != 200 || m["state"] != "invalid" || m["failed_check"] != "signature" || m["holder"] != nil || m["known"] != false {
		t.Errorf("tampered: %d %s", res.Status, res.Body)
	}
	res = w.do(req{Method: "POST", Path: "/v1/verify", Body: "hello", Header: ct("text/plain")})
	if m := res.JSON(t); res.Status != 200 || m["failed_check"] != "format" {
		t.Errorf("not a credential: %d %s", res.Status, res.Body)
	}

	bad := []struct {
		q    req
		want int
		says string
	}{
		{req{Body: ""}, 400, "empty"},
		{req{Body: "{}"}, 400, "exactly one"},
		{req{Body: map[string]any{"id": c.ID, "url": url}}, 400, "exactly one"},
		{req{Body: map[string]any{"nope": 1}}, 400, "nope"},
		{req{Body: map[string]any{"credential": 42}}, 400, "credential"},
		{req{Body: map[string]any{"id": "../etc"}}, 400, "id"},
		{req{Body: map[string]any{"id": "cred_9999"}}, 404, "cred_9999"},
		{req{Body: map[string]any{"url": "https://elsewhere.example/credentials/" + c.ID}}, 404, "not a credential of this issuer"},
		{req{Body: "x", Header: ct("image/png")}, 415, "image/png"},
		{req{Body: strings.Repeat("a", maxVerifyBody+1), Header: ct("text/plain")}, 413, "65536"},
	}
	for _, b := range bad {
		b.q.Method, b.q.Path = "POST", "/v1/verify"
		res := w.do(b.q)
		if res.Status != b.want || !strings.Contains(string(res.Body), b.says) {
			t.Errorf("%v: %d %s; want %d saying %q", b.q.Body, res.Status, res.Body, b.want, b.says)
		}
	}

	key := map[string]string{"Idempotency-Key": "same", "Content-Type": "application/vc+jwt"}
	first := w.do(req{Method: "POST", Path: "/v1/verify", Body: c.JWT, Header: key})
	w.setStatus(t, c, ledger.CredentialRevoked, "a proxy sat the exam")
	second := w.do(req{Method: "POST", Path: "/v1/verify", Body: c.JWT, Header: key})
	if m := second.JSON(t); first.JSON(t)["state"] != "active" || m["state"] != "revoked" || m["reason"] != "a proxy sat the exam" ||
		second.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("after revocation, same key: %s (replayed %q)", second.Body, second.Header.Get("Idempotent-Replayed"))
	}
}

// TestVerifyWithoutKeys: a server that issues no credentials says so, as
// a 404, not a 5xx.
func TestVerifyWithoutKeys(t *testing.T) {
	w := newWorld(t, "", false)
	for _, q := range []req{
		{Method: "POST", Path: "/v1/verify", Body: "a.b.c", Header: map[string]string{"Content-Type": "application/vc+jwt"}},
		{Method: "POST", Path: "/v1/verify/roster", Body: "name,credential\nAda,cred_1\n", Header: map[string]string{"Content-Type": "text/csv"}},
	} {
		if res := w.do(q); res.Status != 404 || !strings.Contains(string(res.Body), "issues no credentials") {
			t.Errorf("%s: %d %s", q.Path, res.Status, res.Body)
		}
	}
}
