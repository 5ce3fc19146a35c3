package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/internal/ratelimit"
	"github.com/recert/recert/programs"
)

func programsAWS() []byte { return programs.AWS }

// direct sends a request straight to the world's handler, from the
// client address remote, and returns the recorded answer.
func (w *world) direct(method, path, token, remote string, body io.Reader, contentLength int64) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = remote
	r.ContentLength = contentLength
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	w.server.ServeHTTP(rec, r)
	return rec
}

// TestAuthFailureLimit: an address gets ten tokens that are not valid,
// then 429 with Retry-After for every request with a token (a valid one
// too: it is not looked at) until the bucket refills at one per six
// seconds; other addresses and requests without a token are unaffected.
// Checked: without the wait check in authenticate, the eleventh bad token
// is 401.
func TestAuthFailureLimit(t *testing.T) {
	w := newWorld(t, "", true)
	bad := req{Method: "GET", Path: "/v1/centers", Token: "rct_notavalidtokenatallnotavalidtoken"}
	for i := range 10 {
		if r := w.do(bad); r.Status != 401 {
			t.Fatalf("bad token %d: %d, want 401", i+1, r.Status)
		}
	}
	r := w.do(bad)
	if r.Status != 429 || r.Header.Get("Retry-After") != "6" || r.JSON(t)["code"] != "too_many_requests" {
		t.Fatalf("the eleventh bad token: %d Retry-After %q %s; want 429 after 6", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/centers", Token: w.admin}); r.Status != 429 {
		t.Errorf("a valid token from a blocked address: %d, want 429 (it is not looked up)", r.Status)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/centers"}); r.Status != 401 {
		t.Errorf("no token at all from a blocked address: %d, want 401 saying one is required", r.Status)
	}
	if rec := w.direct("GET", "/v1/centers", w.admin, "192.0.2.7:4000", nil, 0); rec.Code != 200 {
		t.Errorf("a valid token from another address: %d, want 200", rec.Code)
	}

	w.advance(3 * time.Second)
	if r := w.do(bad); r.Status != 429 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("half-way to a new attempt: %d Retry-After %q, want 429 after 3", r.Status, r.Header.Get("Retry-After"))
	}
	w.advance(3 * time.Second)
	if r := w.do(req{Method: "GET", Path: "/v1/centers", Token: w.admin}); r.Status != 200 {
		t.Errorf("after six seconds a valid token: %d, want 200", r.Status)
	}
	if r := w.do(bad); r.Status != 401 {
		t.Errorf("after six seconds one bad token: %d, want 401", r.Status)
	}
	if r := w.do(bad); r.Status != 429 {
		t.Errorf("and the next: %d, want 429", r.Status)
	}
	w.advance(time.Minute)
	for i := range 10 {
		if r := w.do(bad); r.Status != 401 {
			t.Fatalf("after a minute, bad token %d: %d, want 401 (the burst is back)", i+1, r.Status)
		}
	}
}

// TestAuthLimiterMemory: however many addresses fail, the limiter keeps
// at most maxClients buckets; IPv6 addresses count by /64.
func TestAuthLimiterMemory(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	l := ratelimit.New(func() time.Time { return now }, 3, time.Second, 100)
	for i := range 10_000 {
		l.Take(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32))
		if l.Size() > 100 {
			t.Fatalf("after %d addresses the limiter holds %d buckets, more than 100", i+1, l.Size())
		}
	}
	for _, c := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:443", "[2001:db8:1:2:ffff::9]:80"},
		{"192.0.2.1:1", "[::ffff:192.0.2.1]:2"},
	} {
		ra, rb := httptest.NewRequest("GET", "/", nil), httptest.NewRequest("GET", "/", nil)
		ra.RemoteAddr, rb.RemoteAddr = c.a, c.b
		if ratelimit.ClientOf(ra) != ratelimit.ClientOf(rb) {
			t.Errorf("%s and %s are different clients (%v, %v); want one", c.a, c.b, ratelimit.ClientOf(ra), ratelimit.ClientOf(rb))
		}
	}
	ra, rb := httptest.NewRequest("GET", "/", nil), httptest.NewRequest("GET", "/", nil)
	ra.RemoteAddr, rb.RemoteAddr = "[2001:db8:1:2::1]:443", "[2001:db8:1:3::1]:443"
	if ratelimit.ClientOf(ra) == ratelimit.ClientOf(rb) {
		t.Errorf("two /64s are one client")
	}
}

// stalled is a request body that delivers nothing until released, and
// says whether anyone tried to read it.
type stalled struct {
	once    sync.Once
	touched chan struct{}
	anyRead chan struct{} // also told of the first read, when set
	pr      *io.PipeReader
	pw      *io.PipeWriter
}

func newStalled() *stalled {
	pr, pw := io.Pipe()
	return &stalled{touched: make(chan struct{}), pr: pr, pw: pw}
}

func (s *stalled) Read(p []byte) (int, error) {
	s.once.Do(func() {
		close(s.touched)
		if s.anyRead != nil {
			s.anyRead <- struct{}{}
		}
	})
	return s.pr.Read(p)
}

func (s *stalled) wasRead() bool {
	select {
	case <-s.touched:
		return true
	default:
		return false
	}
}

// TestBodyBudget: bodies in flight hold at most the budget; a request
// beyond it is 429 with Retry-After at once, its body unread, while
// requests without a body are served; the budget comes back as each
// handler returns. Checked: without the reserve in readBody the third
// upload is read (and would wait for its body).
func TestBodyBudget(t *testing.T) {
	const mib = 1 << 20
	w := newWorldOpts(t, "", true, nil, Options{BodyBudget: 2 * mib})
	w.server.budget.acquired = make(chan int64, 100)
	type done struct{ code int }
	start := func(body io.Reader, n int64) chan done {
		ch := make(chan done, 1)
		go func() {
			ch <- done{w.direct("POST", "/v1/candidates", w.admin, "192.0.2.1:1", body, n).Code}
		}()
		return ch
	}
	first, second := newStalled(), newStalled()
	firstDone := start(first, mib)
	secondDone := start(second, -1) // no Content-Length: the route's limit, 1 MiB, is reserved
	for range 2 {
		if n := <-w.server.budget.acquired; n != mib {
			t.Fatalf("a reservation of %d bytes, want %d", n, mib)
		}
	}
	third := newStalled()
	thirdDone := make(chan *httptest.ResponseRecorder, 1)
	go func() { thirdDone <- w.direct("POST", "/v1/candidates", w.admin, "192.0.2.1:1", third, mib) }()
	select {
	case rec := <-thirdDone:
		if rec.Code != 429 || rec.Header().Get("Retry-After") != "1" || third.wasRead() {
			t.Fatalf("an upload beyond the budget: %d Retry-After %q read %v; want 429 after 1, unread",
				rec.Code, rec.Header().Get("Retry-After"), third.wasRead())
		}
	case <-third.touched:
		t.Fatal("an upload beyond the budget is being read")
	}
	small := `{"id":"c1","name":"Ada","time_zone":"UTC"}`
	if rec := w.direct("POST", "/v1/candidates", w.admin, "192.0.2.1:1", strings.NewReader(small), int64(len(small))); rec.Code != 429 {
		t.Errorf("a small body with the budget spent: %d, want 429", rec.Code)
	}
	if rec := w.direct("GET", "/v1/candidates", w.admin, "192.0.2.1:1", nil, 0); rec.Code != 200 {
		t.Errorf("a GET with the budget spent: %d, want 200", rec.Code)
	}
	if got := w.server.budget.inUse(); got != 2*mib {
		t.Errorf("in use %d, want %d", got, 2*mib)
	}

	// The first upload ends (a body too short for its length is the
	// client's error, 400); its megabyte comes back.
	go func() { _, _ = first.pw.Write([]byte(`{"id":`)); first.pw.CloseWithError(io.ErrUnexpectedEOF) }()
	if d := <-firstDone; d.code != 400 {
		t.Errorf("the first upload: %d, want 400", d.code)
	}
	if rec := w.direct("POST", "/v1/candidates", w.admin, "192.0.2.1:1", strings.NewReader(small), int64(len(small))); rec.Code != 201 {
		t.Errorf("a small body once budget is back: %d %s, want 201", rec.Code, rec.Body)
	}
	<-w.server.budget.acquired
	go func() {
		_, _ = second.pw.Write([]byte(`{"id":"c2","name":"Bo","time_zone":"UTC"}`))
		second.pw.Close()
	}()
	if d := <-secondDone; d.code != 201 {
		t.Errorf("the second upload: %d, want 201", d.code)
	}
	if got := w.server.budget.inUse(); got != 0 {
		t.Errorf("in use %d after every request ended, want 0", got)
	}
}

// TestStalledUploads is the case of the issue: 500 uploads of 1 MiB that
// send nothing after their headers. With the default budget of 64 MiB,
// 64 are being read and 436 are answered 429 at once; what the bodies
// hold is 64 MiB, not 500.
func TestStalledUploads(t *testing.T) {
	const mib, n = 1 << 20, 500
	w := newWorld(t, "", true)
	w.server.budget.acquired = make(chan int64, n)
	bodies := make([]*stalled, n)
	codes := make(chan int, n)
	anyRead := make(chan struct{}, n)
	for i := range bodies {
		bodies[i] = newStalled()
		bodies[i].anyRead = anyRead
		go func() {
			codes <- w.direct("POST", "/v1/candidates", w.admin, fmt.Sprintf("192.0.2.%d:1", i%250), bodies[i], mib).Code
		}()
	}
	want := int(defaultBodyBudget / mib)
	for reserved, refused, read := 0, 0, 0; reserved < want || refused < n-want; {
		select {
		case <-w.server.budget.acquired:
			reserved++
		case code := <-codes:
			if code != 429 {
				t.Fatalf("an upload beyond the budget: %d, want 429", code)
			}
			refused++
		case <-anyRead:
			if read++; read > want {
				t.Fatalf("%d stalled bodies are being read, more than the %d the budget holds", read, want)
			}
		}
	}
	if got := w.server.budget.inUse(); got != defaultBodyBudget {
		t.Errorf("bodies hold %d bytes, want the budget, %d", got, defaultBodyBudget)
	}
	read := 0
	for _, b := range bodies {
		if b.wasRead() {
			read++
		}
		b.pw.CloseWithError(io.ErrUnexpectedEOF)
	}
	if read > want {
		t.Errorf("%d bodies were read, want at most %d", read, want)
	}
	for range want {
		if code := <-codes; code != 400 {
			t.Errorf("a cut-off upload: %d, want 400", code)
		}
	}
}

// TestReadAtMost: the buffer never grows past what was reserved.
func TestReadAtMost(t *testing.T) {
	for _, c := range []struct {
		size, limit int
		over        bool
	}{{0, 10, false}, {10, 10, false}, {11, 10, true}, {100_000, 100_000, false}, {100_001, 100_000, true}} {
		b, over, err := readAtMost(bytes.NewReader(bytes.Repeat([]byte("x"), c.size)), int64(c.limit))
		if err != nil || over != c.over || !over && (len(b) != c.size || cap(b) > c.limit+1) {
			t.Errorf("size %d limit %d: len %d cap %d over %v err %v", c.size, c.limit, len(b), cap(b), over, err)
		}
	}
	if got := ratelimit.RetryAfter(1500 * time.Millisecond); got != "2" {
		t.Errorf("ratelimit.RetryAfter(1.5s) = %s", got)
	}
	if got := ratelimit.RetryAfter(0); got != strconv.Itoa(1) {
		t.Errorf("ratelimit.RetryAfter(0) = %s", got)
	}
	_ = http.StatusOK
}

// TestLocationAndETag: every route that creates answers 201 with a
// Location a GET can follow; a replay carries the same Location and ETag
// as the first answer; a change of an appointment returns its new ETag,
// which the next If-Match can use. Checked: without describe, checkHeaders
// fails every 201 and every appointment change in the suite.
func TestLocationAndETag(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	src := bytes.Replace(programsAWS(), []byte(`version: "2026.11.1"`), []byte(`version: "2027.1.0"`), 1)
	creates := []req{
		{Method: "POST", Path: "/v1/candidates", Body: map[string]any{"id": "c2", "name": "Bo"}},
		{Method: "POST", Path: "/v1/centers", Body: map[string]any{"id": "tc2", "name": "Two", "seats": 3}},
		{Method: "POST", Path: "/v1/appointments", Body: booking},
		{Method: "POST", Path: "/v1/results", Body: map[string]any{"candidate": "c1", "exam": "AIF-C01", "on": "2026-11-30T10:00:00Z", "scaled_score": 800}},
		{Method: "POST", Path: "/v1/programs", Body: src, Header: map[string]string{"Content-Type": "application/yaml"}},
		{Method: "POST", Path: "/v1/tokens", Body: map[string]any{"role": "staff"}},
		{Method: "POST", Path: "/v1/webhooks", Body: map[string]any{"url": "https://hooks.example.com/recert"}},
	}
	covered := map[string]bool{}
	for i, q := range creates {
		q.Token = w.admin
		if q.Header == nil {
			q.Header = map[string]string{}
		}
		q.Header["Idempotency-Key"] = "create-" + strconv.Itoa(i)
		first := w.do(q)
		if first.Status != 201 {
			t.Fatalf("%s: %d %s", q.Path, first.Status, first.Body)
		}
		covered["POST "+q.Path] = true
		loc := first.Header.Get("Location")
		got := w.do(req{Method: "GET", Path: loc, Token: w.admin})
		if got.Status != 200 {
			t.Errorf("%s: Location %s answers %d", q.Path, loc, got.Status)
		}
		if id, _ := first.JSON(t)["id"].(string); id != "" && !bytes.Contains(got.Body, []byte(`"`+id+`"`)) {
			t.Errorf("%s: Location %s does not show %s:\n%s", q.Path, loc, id, got.Body)
		}
		again := w.do(q)
		if again.Header.Get("Idempotent-Replayed") != "true" || again.Header.Get("Location") != loc || again.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Errorf("%s: the replay has Location %q ETag %q, the first %q %q", q.Path,
				again.Header.Get("Location"), again.Header.Get("ETag"), loc, first.Header.Get("ETag"))
		}
	}
	for _, rt := range routes {
		if _, ok := locations[rt.method+" "+rt.path]; ok && !covered[rt.method+" "+rt.path] {
			t.Errorf("%s %s creates but is not tried here", rt.method, rt.path)
		}
	}

	appts := w.must(200, req{Method: "GET", Path: "/v1/appointments?candidate=c1", Token: w.admin})
	id := appts["items"].([]any)[0].(map[string]any)["id"].(string)
	r := w.do(req{Method: "POST", Path: "/v1/appointments/" + id + "/reschedule", Token: w.admin,
		Body: map[string]any{"slot": "2026-12-11T15:00:00Z"}})
	if r.Status != 200 || r.Header.Get("ETag") == "" {
		t.Fatalf("reschedule: %d ETag %q %s", r.Status, r.Header.Get("ETag"), r.Body)
	}
	w.must(200, req{Method: "POST", Path: "/v1/appointments/" + id + "/cancel", Token: w.admin,
		Header: map[string]string{"If-Match": r.Header.Get("ETag")}})
}
