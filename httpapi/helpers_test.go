package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/calendar"
	"github.com/recert/recert/ledger"
	"github.com/recert/recert/ledger/sqlite"
)

// clock is the fixed clock the tests advance by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// t0 is when every test world starts: a Tuesday, well inside the AWS
// program's catalogue.
var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// world is one server over a fresh SQLite database.
type world struct {
	t      *testing.T
	app    *app.App
	clock  *clock
	srv    *httptest.Server
	server *server // the handler srv serves, for tests that call it directly
	admin  string  // the bootstrap admin's secret
	store  ledger.Store
}

// newWorld serves the API over the SQLite database at path (created when
// new) and, when bootstrap is set, makes an admin token.
func newWorld(t *testing.T, path string, bootstrap bool) *world {
	t.Helper()
	return newWorldOver(t, path, bootstrap, nil)
}

// newWorldOver is newWorld with the store wrapped, for tests that need to
// steer the store's timing.
func newWorldOver(t *testing.T, path string, bootstrap bool, wrap func(ledger.Store) ledger.Store) *world {
	t.Helper()
	return newWorldOpts(t, path, bootstrap, wrap, Options{})
}

// newWorldOpts is newWorldOver with the server's options; the server's
// clock is the world's unless opts has one.
func newWorldOpts(t *testing.T, path string, bootstrap bool, wrap func(ledger.Store) ledger.Store, opts Options) *world {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "recert.db")
	}
	store, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: t0}
	var st ledger.Store = store
	if wrap != nil {
		st = wrap(store)
	}
	// The calendar adapter is wired as serve wires it, so a feed's URL
	// answers the real iCalendar document rather than "not served here".
	a := app.New(st, app.WithClock(c.Now), app.WithCalendar(calendar.Encoder{}))
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	w := &world{t: t, app: a, clock: c, store: st}
	w.server = newServer(a, opts)
	srv := httptest.NewServer(w.server)
	w.srv = srv
	t.Cleanup(func() {
		srv.Close()
		_ = store.Close()
	})
	if bootstrap {
		if w.admin, err = a.BootstrapAdmin(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// testWriter sends the server's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// resp is one answer, read whole.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r *resp) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// req is a request to make. Body is sent as is when it is a string or
// []byte, as JSON otherwise.
type req struct {
	Method, Path, Token string
	Body                any
	Header              map[string]string
}

// do sends a request and checks the answer against openapi.json: its
// status must be documented for the operation, and a JSON body must be
// valid against the documented schema. Every test goes through here, so
// the document cannot drift from what the server sends.
func (w *world) do(q req) *resp {
	w.t.Helper()
	var body io.Reader
	switch b := q.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	r, err := http.NewRequest(q.Method, w.srv.URL+q.Path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if q.Token != "" {
		r.Header.Set("Authorization", "Bearer "+q.Token)
	}
	for k, v := range q.Header {
		r.Header.Set(k, v)
	}
	res, err := w.srv.Client().Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	out := &resp{Status: res.StatusCode, Header: res.Header, Body: b}
	checkDocumented(w.t, r, out)
	checkHeaders(w.t, r, out)
	return out
}

// checkHeaders holds every answer to what describe promises: a success
// whose body is a record with a rev carries it as its ETag, and a 201
// says in Location where the new resource is.
func checkHeaders(t *testing.T, r *http.Request, res *resp) {
	t.Helper()
	if res.Status < 200 || res.Status > 299 || len(res.Body) == 0 || res.Body[0] != '{' {
		return
	}
	var m struct {
		Rev *int64 `json:"rev"`
	}
	if json.Unmarshal(res.Body, &m) == nil && m.Rev != nil {
		if want := `"` + strconv.FormatInt(*m.Rev, 10) + `"`; res.Header.Get("ETag") != want {
			t.Errorf("%s %s: %d with rev %d has ETag %q, want %s", r.Method, r.URL.Path, res.Status, *m.Rev, res.Header.Get("ETag"), want)
		}
	}
	if res.Status == http.StatusCreated && res.Header.Get("Location") == "" {
		t.Errorf("%s %s: 201 without Location", r.Method, r.URL.Path)
	}
}

// must sends a request and fails the test unless the status is want.
func (w *world) must(want int, q req) map[string]any {
	w.t.Helper()
	r := w.do(q)
	if r.Status != want {
		w.t.Fatalf("%s %s: status %d, want %d\n%s", q.Method, q.Path, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 || r.Body[0] != '{' {
		return nil
	}
	return r.JSON(w.t)
}

// token makes a token for a role and returns its secret.
func (w *world) token(role, subject string) string {
	w.t.Helper()
	m := w.must(201, req{Method: "POST", Path: "/v1/tokens", Token: w.admin, Body: map[string]string{"role": role, "subject": subject, "name": role + " " + subject}})
	return m["secret"].(string)
}

// advance moves the clock on.
func (w *world) advance(d time.Duration) { w.clock.Set(w.clock.Now().Add(d)) }

// strs reads a JSON array of strings.
func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
