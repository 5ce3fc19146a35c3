package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/programs"
)

// seed makes a center and a candidate for the tests that need one.
func seed(w *world) {
	w.must(201, req{Method: "POST", Path: "/v1/centers", Token: w.admin, Body: map[string]any{"id": "tc1", "name": "One", "seats": 30}})
	w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": "c1", "name": "Cee One"}})
}

var booking = map[string]any{"candidate": "c1", "exam": "CLF-C02", "center": "tc1", "slot": "2026-12-10T15:00:00Z"}

func countAppointments(w *world) int {
	m := w.must(200, req{Method: "GET", Path: "/v1/appointments?candidate=c1", Token: w.admin})
	return len(m["items"].([]any))
}

func TestIdempotencyKeyReplays(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	key := map[string]string{"Idempotency-Key": "book-1"}
	a := w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: booking, Header: key})
	b := w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: booking, Header: key})
	if a.Status != 201 || b.Status != 201 {
		t.Fatalf("statuses %d %d: %s %s", a.Status, b.Status, a.Body, b.Body)
	}
	if !bytes.Equal(a.Body, b.Body) {
		t.Fatalf("the replay differs:\n%s\n%s", a.Body, b.Body)
	}
	if a.Header.Get("Idempotent-Replayed") != "" || b.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("Idempotent-Replayed: first %q, second %q", a.Header.Get("Idempotent-Replayed"), b.Header.Get("Idempotent-Replayed"))
	}
	if n := countAppointments(w); n != 1 {
		t.Fatalf("%d appointments, want 1", n)
	}

	// The same key with another request is refused and does nothing.
	other := map[string]any{"candidate": "c1", "exam": "SAA-C03", "center": "tc1", "slot": "2026-12-10T15:00:00Z"}
	r := w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: other, Header: key})
	if r.Status != 422 || r.JSON(t)["code"] != "idempotency_key_reused" {
		t.Fatalf("reused key: %d %s", r.Status, r.Body)
	}
	if n := countAppointments(w); n != 1 {
		t.Fatalf("%d appointments after a reused key, want 1", n)
	}

	// Keys belong to a token: another token's same key is a new request.
	staff := w.token("staff", "")
	r = w.do(req{Method: "POST", Path: "/v1/appointments", Token: staff, Body: other, Header: key})
	if r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another token's key: %d %s", r.Status, r.Body)
	}

	// A question asked with a key is answered (decide stores nothing).
	d := w.must(200, req{Method: "POST", Path: "/v1/candidates/c1/decide", Token: w.admin, Header: map[string]string{"Idempotency-Key": "q"},
		Body: map[string]any{"ask": map[string]any{"action": "score", "exam": "CLF-C02", "scaled_score": 700}}})
	if d["passed"] != true {
		t.Fatalf("decide with a key: %v", d)
	}
}

// barrierStore holds the answers of read transactions until n of them
// have read, so that n requests truly are at the same step at once: over
// HTTP on two cores they otherwise arrive one after another.
type barrierStore struct {
	ledger.Store
	mu      sync.Mutex
	n, left int // group size; reads still to hold (0: disarmed)
	waiting int
	release chan struct{}
}

func (b *barrierStore) arm(n, reads int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n, b.left, b.waiting, b.release = n, reads, 0, make(chan struct{})
}

func (b *barrierStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	err := b.Store.View(ctx, fn) // read first: what matters is that all n have read
	b.mu.Lock()
	if b.left == 0 {
		b.mu.Unlock()
		return err
	}
	b.left--
	b.waiting++
	ch := b.release
	if b.waiting == b.n {
		close(ch)
		b.waiting, b.release = 0, make(chan struct{})
	}
	b.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(5 * time.Second): // a request that failed early must not hang the rest
	}
	return err
}

// TestIdempotencyKeyConcurrent sends one booking 20 times at once with one
// key: it books once, and every caller gets the same answer. The store
// holds each request's reads (authentication, then the key's lookup)
// until all 20 have made them, so all 20 find the key unused and run the
// booking: 19 lose the race inside the write and must still get the
// winner's answer.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	var gate *barrierStore
	w := newWorldOver(t, "", true, func(s ledger.Store) ledger.Store {
		gate = &barrierStore{Store: s}
		return gate
	})
	seed(w)
	const n = 20
	gate.arm(n, 2*n)
	out := make([]*resp, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: booking, Header: map[string]string{"Idempotency-Key": "race"}})
		}()
	}
	wg.Wait()
	firsts := 0
	for i, r := range out {
		if r.Status != 201 || !bytes.Equal(r.Body, out[0].Body) {
			t.Errorf("answer %d: %d %s (first: %s)", i, r.Status, r.Body, out[0].Body)
		}
		if r.Header.Get("Idempotent-Replayed") == "" {
			firsts++
		}
	}
	if firsts != 1 {
		t.Errorf("%d answers were not replays, want 1", firsts)
	}
	if got := countAppointments(w); got != 1 {
		t.Fatalf("%d appointments, want 1", got)
	}
}

func TestETagIfMatch(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	r := w.do(req{Method: "GET", Path: "/v1/candidates/c1", Token: w.admin})
	if r.Header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", r.Header.Get("ETag"))
	}
	patch := map[string]any{"email": "c1@example.com"}
	if r := w.do(req{Method: "PATCH", Path: "/v1/candidates/c1", Token: w.admin, Body: patch}); r.Status != 428 || r.JSON(t)["code"] != "precondition_required" {
		t.Fatalf("PATCH without If-Match: %d %s", r.Status, r.Body)
	}
	ok := w.do(req{Method: "PATCH", Path: "/v1/candidates/c1", Token: w.admin, Body: patch, Header: map[string]string{"If-Match": `"1"`}})
	if ok.Status != 200 || ok.Header.Get("ETag") != `"2"` || ok.JSON(t)["email"] != "c1@example.com" {
		t.Fatalf("PATCH: %d %s %v", ok.Status, ok.Body, ok.Header)
	}
	for _, tag := range []string{`"1"`, `W/"2"`, `2`, `"zz"`} {
		r := w.do(req{Method: "PATCH", Path: "/v1/candidates/c1", Token: w.admin, Body: patch, Header: map[string]string{"If-Match": tag}})
		if r.Status != 412 || r.JSON(t)["code"] != "precondition_failed" {
			t.Errorf("If-Match %s: %d %s", tag, r.Status, r.Body)
		}
	}

	c := w.do(req{Method: "GET", Path: "/v1/centers/tc1", Token: w.admin})
	if r := w.do(req{Method: "PATCH", Path: "/v1/centers/tc1", Token: w.admin, Body: map[string]any{"seats": 3}}); r.Status != 428 {
		t.Fatalf("center PATCH without If-Match: %d", r.Status)
	}
	w.must(200, req{Method: "PATCH", Path: "/v1/centers/tc1", Token: w.admin, Body: map[string]any{"seats": 3}, Header: map[string]string{"If-Match": c.Header.Get("ETag")}})
	if r := w.do(req{Method: "PATCH", Path: "/v1/centers/tc1", Token: w.admin, Body: map[string]any{"seats": 4}, Header: map[string]string{"If-Match": c.Header.Get("ETag")}}); r.Status != 412 {
		t.Fatalf("center PATCH with a stale ETag: %d", r.Status)
	}

	// Appointment actions take If-Match when sent: a reschedule moves the
	// appointment on, and a cancel that saw the old version is refused.
	ap := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: booking})
	path := "/v1/appointments/" + ap["id"].(string)
	old := w.do(req{Method: "GET", Path: path, Token: w.admin}).Header.Get("ETag")
	w.must(200, req{Method: "POST", Path: path + "/reschedule", Token: w.admin, Body: map[string]any{"slot": "2026-12-11T15:00:00Z"}, Header: map[string]string{"If-Match": old}})
	if r := w.do(req{Method: "POST", Path: path + "/cancel", Token: w.admin, Header: map[string]string{"If-Match": old}}); r.Status != 412 {
		t.Fatalf("cancel with a stale ETag: %d %s", r.Status, r.Body)
	}
	cur := w.do(req{Method: "GET", Path: path, Token: w.admin}).Header.Get("ETag")
	w.must(200, req{Method: "POST", Path: path + "/cancel", Token: w.admin, Header: map[string]string{"If-Match": cur}})
}

func TestPagination(t *testing.T) {
	w := newWorld(t, "", true)
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("p%d", i)
		want = append(want, id)
		w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": id, "name": "Page " + id}})
	}
	var got []string
	path, pages := "/v1/candidates?limit=3", 0
	for {
		m := w.must(200, req{Method: "GET", Path: path, Token: w.admin})
		pages++
		items := m["items"].([]any)
		if len(items) > 3 {
			t.Fatalf("page of %d", len(items))
		}
		for _, it := range items {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		if m["next"] == nil {
			break
		}
		path = "/v1/candidates?limit=3&after=" + m["next"].(string)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || pages != 3 {
		t.Fatalf("%d pages: %v, want %v", pages, got, want)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x"} {
		if r := w.do(req{Method: "GET", Path: "/v1/candidates?" + q, Token: w.admin}); r.Status != 400 || r.JSON(t)["field"] != "limit" {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := w.do(req{Method: "GET", Path: "/v1/candidates/p1/fees?after=abc", Token: w.admin}); r.Status != 400 {
		t.Errorf("fees with a bad cursor: %d %s", r.Status, r.Body)
	}
}

func TestRequestLimits(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	big := `{"name":"` + strings.Repeat("x", maxJSONBody) + `"}`
	if r := w.do(req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: big}); r.Status != 413 || r.JSON(t)["code"] != "too_large" {
		t.Fatalf("1 MiB JSON: %d %.200s", r.Status, r.Body)
	}
	yaml := map[string]string{"Content-Type": "application/yaml"}
	huge := "# " + strings.Repeat("x", maxProgramBody) + "\n"
	if r := w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: huge, Header: yaml}); r.Status != 413 {
		t.Fatalf("8 MiB program: %d %.200s", r.Status, r.Body)
	}
	// Between the limits: a definition may be larger than a JSON body.
	pad := "# " + strings.Repeat("x", 2<<20) + "\n"
	r := w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: pad + "id: [", Header: yaml})
	if r.Status != 400 || r.JSON(t)["field"] != "definition" {
		t.Fatalf("2 MiB broken program: %d %.300s", r.Status, r.Body)
	}

	r = w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: map[string]any{"candidate": "c1", "exam": "CLF-C02", "center": "tc1", "slot": "2026-12-10T15:00:00Z", "use_vocher": true}})
	if p := r.JSON(t); r.Status != 400 || p["field"] != "use_vocher" || !strings.Contains(p["detail"].(string), "use_vocher") {
		t.Fatalf("unknown field: %d %s", r.Status, r.Body)
	}
	for body, field := range map[string]string{
		`{"candidate":"c1","exam":"CLF-C02","center":"tc1","slot":"tomorrow"}`: "slot",
		`{"candidate":1}`:   "candidate",
		`{"candidate":"c1"`: "",
		`[]`:                "",
		`{} {}`:             "",
	} {
		r := w.do(req{Method: "POST", Path: "/v1/appointments", Token: w.admin, Body: body})
		if r.Status != 400 || (field != "" && r.JSON(t)["field"] != field) {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	if r := w.do(req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: `{"name":"x"}`, Header: map[string]string{"Content-Type": "text/plain"}}); r.Status != 415 {
		t.Errorf("text/plain: %d %s", r.Status, r.Body)
	}
	if r := w.do(req{Method: "DELETE", Path: "/v1/candidates/c1", Token: w.admin}); r.Status != 405 || r.Header.Get("Allow") == "" {
		t.Errorf("DELETE: %d %v %s", r.Status, r.Header, r.Body)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/nothing", Token: w.admin}); r.Status != 404 || r.JSON(t)["code"] != "not_found" {
		t.Errorf("no route: %d %s", r.Status, r.Body)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/candidates", Token: "rct_not-a-token"}); r.Status != 401 || r.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("bad token: %d %v", r.Status, r.Header)
	}
	if doc := w.do(req{Method: "GET", Path: "/openapi.json"}); doc.Status != 200 || !bytes.Equal(bytes.TrimSpace(doc.Body), bytes.TrimSpace(openAPIDocument)) {
		t.Errorf("openapi.json: %d", doc.Status)
	}
}

// brokenStore fails every read, as a database that went away would.
type brokenStore struct {
	ledger.Store
	broken atomic.Bool
}

func (b *brokenStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	if b.broken.Load() {
		return errors.New("disk I/O error: /var/lib/recert/recert.db")
	}
	return b.Store.View(ctx, fn)
}

func (b *brokenStore) Ready(ctx context.Context) error {
	if b.broken.Load() {
		return errors.New("database is locked")
	}
	return b.Store.Ready(ctx)
}

// TestInternalErrors: a failure inside is 500 with a generic detail (the
// cause, which may name files, goes to the log only), and /healthz says
// 503 until the store answers.
func TestInternalErrors(t *testing.T) {
	var store *brokenStore
	w := newWorldOver(t, "", true, func(s ledger.Store) ledger.Store {
		store = &brokenStore{Store: s}
		return store
	})
	seed(w)
	tok := w.admin
	store.broken.Store(true)
	r := w.do(req{Method: "GET", Path: "/v1/centers", Token: tok})
	if r.Status != 500 || strings.Contains(string(r.Body), "disk") || r.JSON(t)["code"] != "internal" {
		t.Fatalf("store failure: %d %s", r.Status, r.Body)
	}
	if r := w.do(req{Method: "GET", Path: "/healthz"}); r.Status != 503 || r.JSON(t)["code"] != "unavailable" {
		t.Fatalf("healthz, store down: %d %s", r.Status, r.Body)
	}
	store.broken.Store(false)
	if m := w.must(200, req{Method: "GET", Path: "/healthz"}); m["status"] != "ok" {
		t.Fatalf("healthz: %v", m)
	}
}

// TestResultWithoutAppointment records an imported sitting with a raw
// score on a form and domain results, and reads them back in snake_case.
func TestResultWithoutAppointment(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	m := w.must(201, req{Method: "POST", Path: "/v1/results", Token: w.admin, Body: map[string]any{
		"candidate": "c1", "exam": "AIF-C01", "on": "2026-11-20T14:00:00Z", "raw_score": 40, "form": "illustrative",
		"domains": []map[string]any{{"domain": "Fundamentals of AI and ML", "meets": true}, {"domain": "Guidelines for Responsible AI", "meets": false}}}})
	if m["passed"] != true || m["raw_score"] != float64(40) || m["appointment"] != nil || m["sat_at"] != "2026-11-20T14:00:00Z" {
		t.Fatalf("result: %v", m)
	}
	if d := m["domains"].([]any); len(d) != 2 || d[0].(map[string]any)["domain"] != "Fundamentals of AI and ML" {
		t.Fatalf("domains: %v", m["domains"])
	}
	if w := m["weak_domains"].([]any); len(w) != 1 || w[0] != "Guidelines for Responsible AI" {
		t.Fatalf("weak_domains: %v, want the one domain that needs improvement (E4)", m["weak_domains"])
	}
	r := w.do(req{Method: "POST", Path: "/v1/results", Token: w.admin, Body: map[string]any{"candidate": "c1", "exam": "AIF-C01", "on": "2026-11-20T14:00:00Z"}})
	if r.Status != 400 || r.JSON(t)["field"] != "scaled_score" {
		t.Fatalf("no score: %d %s", r.Status, r.Body)
	}
}

// TestPrograms uploads a new version of the reference program, activates
// it and reads it back; a definition that does not load is 400 with its
// position.
func TestPrograms(t *testing.T) {
	w := newWorld(t, "", true)
	yaml := map[string]string{"Content-Type": "application/yaml"}
	src := bytes.Replace(programs.AWS, []byte(`version: "2026.11.1"`), []byte(`version: "2027.1.0"`), 1)
	up := w.must(201, req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: src, Header: yaml})
	if up["id"] != "aws" || up["version"] != "2027.1.0" || up["active"] != false {
		t.Fatalf("upload: %v", up)
	}
	if r := w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: src, Header: yaml}); r.Status != 409 {
		t.Fatalf("second upload: %d %s", r.Status, r.Body)
	}
	act := w.must(200, req{Method: "POST", Path: "/v1/programs/aws/versions/2027.1.0/activate", Token: w.admin})
	if act["active"] != true {
		t.Fatalf("activate: %v", act)
	}
	src2 := bytes.Replace(src, []byte(`version: "2027.1.0"`), []byte(`version: "2027.2.0"`), 1)
	w.must(201, req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: src2, Header: yaml})
	list := w.must(200, req{Method: "GET", Path: "/v1/programs?limit=1", Token: w.admin})
	if items := list["items"].([]any); len(items) != 1 || list["next"] != "aws@2027.1.0" {
		t.Fatalf("programs page: %v", list)
	}
	list = w.must(200, req{Method: "GET", Path: "/v1/programs?limit=1&after=aws@2027.1.0", Token: w.admin})
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["version"] != "2027.2.0" || list["next"] != nil {
		t.Fatalf("programs page 2: %v", list)
	}
	def := w.do(req{Method: "GET", Path: "/v1/programs/aws/definition", Token: w.admin})
	if def.Status != 200 || def.Header.Get("Content-Type") != "application/yaml" || !bytes.Equal(def.Body, src) {
		t.Fatalf("definition: %d %s", def.Status, def.Header)
	}
	if r := w.do(req{Method: "POST", Path: "/v1/programs/aws/versions/9.9/activate", Token: w.admin}); r.Status != 404 {
		t.Fatalf("activate an unknown version: %d %s", r.Status, r.Body)
	}
	bad := w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: "id: aws\nversion: 1\n", Header: yaml})
	if p := bad.JSON(t); bad.Status != 400 || !strings.Contains(p["detail"].(string), ":") {
		t.Fatalf("bad definition: %d %s", bad.Status, bad.Body)
	}
	if r := w.do(req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: src}); r.Status != 415 {
		t.Fatalf("definition sent as JSON: %d %s", r.Status, r.Body)
	}
}

// TestRevokeToken: a revoked token stops working at once, and listing
// tokens never shows a secret or a hash.
func TestRevokeToken(t *testing.T) {
	w := newWorld(t, "", true)
	m := w.must(201, req{Method: "POST", Path: "/v1/tokens", Token: w.admin, Body: map[string]string{"role": "staff", "name": "temp"}})
	id, secret := m["id"].(string), m["secret"].(string)
	w.must(200, req{Method: "GET", Path: "/v1/centers", Token: secret})
	list := w.must(200, req{Method: "GET", Path: "/v1/tokens", Token: w.admin})
	for _, it := range list["items"].([]any) {
		if _, leak := it.(map[string]any)["secret"]; leak {
			t.Fatalf("a listed token shows a secret: %v", it)
		}
	}
	if r := w.do(req{Method: "DELETE", Path: "/v1/tokens/" + id, Token: w.admin}); r.Status != 204 {
		t.Fatalf("DELETE: %d %s", r.Status, r.Body)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/centers", Token: secret}); r.Status != 401 {
		t.Fatalf("a revoked token: %d, want 401", r.Status)
	}
	if r := w.do(req{Method: "DELETE", Path: "/v1/tokens/" + id, Token: w.admin}); r.Status != 404 {
		t.Fatalf("revoking it again: %d, want 404", r.Status)
	}
}
