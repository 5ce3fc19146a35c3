package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/ledger"
	"github.com/recert/recert/programs"
)

// The roles a request can come with. The center and candidate roles come
// twice: for their own records and for someone else's.
const (
	admin = iota
	staff
	centerOwn   // the center of the candidate's appointments
	centerOther // another center
	candSelf    // the candidate the records are about
	candOther   // another candidate
	anonymous   // no token
	nRoles
)

var roleNames = [nRoles]string{"admin", "staff", "center (own)", "center (other)", "candidate (self)", "candidate (other)", "no token"}

// fixture is the world every role case starts from: two centers, two
// candidates, a token per role, and three appointments of candidate A at
// center A, one open in the future, one whose slot has begun, one missed.
type fixture struct {
	tokens                      [nRoles]string
	candA, candB, tcA, tcB      string
	apOpen, apStarted, apMissed string
	spareToken                  string // the id of a token no case uses, to revoke
	result                      string // candidate A's result without an appointment
	feed                        string // the path of candidate A's calendar feed
	webhook                     string // an endpoint's id
	notification                string // a notification of candidate A (a skipped notice)
	credActive, credSuspended   string // candidate A's credentials, active and suspended by staff
	now                         time.Time
	db                          string // the database file, closed, to copy
}

func buildFixture(t *testing.T) *fixture {
	f := &fixture{candA: "cand-a", candB: "cand-b", tcA: "tc-a", tcB: "tc-b", db: filepath.Join(t.TempDir(), "fixture.db")}
	t.Run("fixture", func(t *testing.T) {
		w := newWorld(t, f.db, true)
		for _, c := range []string{f.tcA, f.tcB} {
			w.must(201, req{Method: "POST", Path: "/v1/centers", Token: w.admin, Body: map[string]any{"id": c, "name": c, "seats": 10}})
		}
		for _, c := range []string{f.candA, f.candB} {
			w.must(201, req{Method: "POST", Path: "/v1/candidates", Token: w.admin, Body: map[string]any{"id": c, "name": c}})
		}
		f.tokens = [nRoles]string{w.admin, w.token("staff", ""), w.token("center", f.tcA), w.token("center", f.tcB),
			w.token("candidate", f.candA), w.token("candidate", f.candB), ""}
		f.spareToken = w.must(201, req{Method: "POST", Path: "/v1/tokens", Token: w.admin, Body: map[string]string{"role": "staff", "name": "spare"}})["id"].(string)
		w.must(201, req{Method: "POST", Path: "/v1/programs", Token: w.admin, Body: programs.AWS, Header: map[string]string{"Content-Type": "application/yaml"}})
		bookA := func(exam string, slot time.Time) string {
			m := w.must(201, req{Method: "POST", Path: "/v1/appointments", Token: w.admin,
				Body: map[string]any{"candidate": f.candA, "exam": exam, "center": f.tcA, "slot": slot.Format(time.RFC3339)}})
			return m["id"].(string)
		}
		f.apOpen = bookA("CLF-C02", t0.Add(10*24*time.Hour))
		f.apStarted = bookA("SAA-C03", t0.Add(time.Hour))
		f.apMissed = bookA("DVA-C02", t0.Add(time.Hour))
		// Candidate A passed AI Practitioner a month ago: a certification to revoke.
		f.result = w.must(201, req{Method: "POST", Path: "/v1/results", Token: w.admin, Body: map[string]any{"candidate": f.candA,
			"exam": "AIF-C01", "on": t0.Add(-30 * 24 * time.Hour).Format(time.RFC3339), "scaled_score": 800}})["id"].(string)
		w.advance(2 * time.Hour)
		f.now = w.clock.Now()
		w.must(200, req{Method: "POST", Path: "/v1/appointments/" + f.apMissed + "/no-show", Token: w.admin})
		f.feed = feedPath(t, w.must(200, req{Method: "POST", Path: "/v1/candidates/" + f.candA + "/calendar", Token: w.admin}))
		f.webhook = w.must(201, req{Method: "POST", Path: "/v1/webhooks", Token: w.admin, Body: map[string]any{"url": "https://hooks.example.com/recert"}})["id"].(string)
		skippedNotice(t, w.app, f.candA, "no-such-certification", f.now.Add(-time.Hour))
		f.notification = w.must(200, req{Method: "GET", Path: "/v1/notifications", Token: w.admin})["items"].([]any)[0].(map[string]any)["id"].(string)
		f.credActive, f.credSuspended = "cred_active", "cred_suspended"
		seedCredential(t, w, f.credActive, f.candA, "ai-practitioner", ledger.CredentialActive, 1)
		seedCredential(t, w, f.credSuspended, f.candA, "ai-practitioner", ledger.CredentialSuspended, 2)
	}) // the subtest's cleanup closed the store: the file is whole
	if t.Failed() {
		t.FailNow()
	}
	return f
}

// world copies the fixture's database for one case, so that every case
// starts from the same state whatever the cases before it changed.
func (f *fixture) world(t *testing.T) *world {
	t.Helper()
	path := filepath.Join(t.TempDir(), "case.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(f.db + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorld(t, path, false)
	w.clock.Set(f.now)
	return w
}

// roleCase is one route tried by every role: the request (without a
// token) and the status each role must get.
type roleCase struct {
	req  func(f *fixture) req
	want [nRoles]int
}

func all(status int) [nRoles]int {
	var out [nRoles]int
	for i := range out {
		out[i] = status
	}
	out[anonymous] = 401
	return out
}

var (
	adminOnly = func(ok int) [nRoles]int { return [nRoles]int{ok, 403, 403, 403, 403, 403, 401} }
	staffOnly = func(ok int) [nRoles]int { return [nRoles]int{ok, ok, 403, 403, 403, 403, 401} }
	// candidate's own records: others see nothing (404), not "forbidden",
	// so ids do not leak.
	candidateRecords = func(ok int) [nRoles]int { return [nRoles]int{ok, ok, 404, 404, ok, 404, 401} }
	// an appointment of candidate A at center A.
	appointmentRecords = func(ok int) [nRoles]int { return [nRoles]int{ok, ok, ok, 404, ok, 404, 401} }
	// a route without a token: every role is served alike.
	public = func(ok int) [nRoles]int { return [nRoles]int{ok, ok, ok, ok, ok, ok, ok} }
)

func get(path func(f *fixture) string) func(f *fixture) req {
	return func(f *fixture) req { return req{Method: "GET", Path: path(f)} }
}

func post(path func(f *fixture) string, body func(f *fixture) any) func(f *fixture) req {
	return func(f *fixture) req { return req{Method: "POST", Path: path(f), Body: body(f)} }
}

func fixed(s string) func(*fixture) string { return func(*fixture) string { return s } }
func none(*fixture) any                    { return nil }

// roleTable has a row for every route; TestRoles fails for a route
// without one, so a new route is tried by every role before it ships.
var roleTable = map[string]roleCase{
	"GET /healthz":      {get(fixed("/healthz")), [nRoles]int{200, 200, 200, 200, 200, 200, 200}},
	"GET /openapi.json": {get(fixed("/openapi.json")), [nRoles]int{200, 200, 200, 200, 200, 200, 200}},
	// The role fixture issues no credentials: the same 404 for everyone
	// (internal/apiclient's walk and credential's tests read them served).
	"GET /.well-known/did.json":  {get(fixed("/.well-known/did.json")), [nRoles]int{404, 404, 404, 404, 404, 404, 404}},
	"GET /.well-known/jwks.json": {get(fixed("/.well-known/jwks.json")), [nRoles]int{404, 404, 404, 404, 404, 404, 404}},
	"GET /status/{purpose}":      {get(fixed("/status/revocation")), [nRoles]int{404, 404, 404, 404, 404, 404, 404}},
	// Public verification: no token, and here no issuer keys, so the same
	// 404 for everyone (verify_test.go verifies with keys).
	"POST /v1/verify":       {post(fixed("/v1/verify"), func(*fixture) any { return map[string]string{"id": "cred_1"} }), public(404)},
	"POST /v1/verify/batch": {post(fixed("/v1/verify/batch"), func(*fixture) any { return map[string]any{"credentials": []string{"a.b.c"}} }), public(404)},
	"POST /v1/verify/roster": {func(*fixture) req {
		return req{Method: "POST", Path: "/v1/verify/roster", Body: "name,credential\nAda,cred_1\n", Header: map[string]string{"Content-Type": "text/csv"}}
	}, public(404)},

	"POST /v1/programs": {func(f *fixture) req {
		return req{Method: "POST", Path: "/v1/programs", Body: bytes.Replace(programs.AWS, []byte(`version: "2026.11.1"`), []byte(`version: "2027.1.0"`), 1),
			Header: map[string]string{"Content-Type": "application/yaml"}}
	}, adminOnly(201)},
	"GET /v1/programs": {get(fixed("/v1/programs")), all(200)},
	"POST /v1/programs/{id}/versions/{version}/activate": {post(fixed("/v1/programs/aws/versions/2026.11.1/activate"), none), adminOnly(200)},
	"GET /v1/programs/{id}/definition":                   {get(fixed("/v1/programs/aws/definition")), all(200)},
	"GET /v1/programs/{id}/versions/{version}":           {get(fixed("/v1/programs/aws/versions/2026.11.1")), all(200)},

	"POST /v1/candidates":     {post(fixed("/v1/candidates"), func(*fixture) any { return map[string]any{"name": "New"} }), staffOnly(201)},
	"GET /v1/candidates":      {get(fixed("/v1/candidates")), staffOnly(200)},
	"GET /v1/candidates/{id}": {get(func(f *fixture) string { return "/v1/candidates/" + f.candA }), candidateRecords(200)},
	"PATCH /v1/candidates/{id}": {func(f *fixture) req {
		return req{Method: "PATCH", Path: "/v1/candidates/" + f.candA, Body: map[string]any{"email": "a@example.com"}, Header: map[string]string{"If-Match": `"1"`}}
	}, candidateRecords(200)},
	"GET /v1/candidates/{id}/standing": {get(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/standing" }), candidateRecords(200)},
	"GET /v1/candidates/{id}/fees":     {get(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/fees" }), candidateRecords(200)},
	"GET /v1/candidates/{id}/certifications/{cert}/plan": {get(func(f *fixture) string {
		return "/v1/candidates/" + f.candA + "/certifications/cloud-practitioner/plan"
	}), candidateRecords(200)},
	"GET /v1/candidates/{id}/certifications/{cert}/options": {get(func(f *fixture) string {
		return "/v1/candidates/" + f.candA + "/certifications/cloud-practitioner/options"
	}), candidateRecords(200)},
	"POST /v1/candidates/{id}/decide": {post(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/decide" },
		func(*fixture) any {
			return map[string]any{"ask": map[string]any{"action": "status", "certification": "cloud-practitioner"}}
		}),
		candidateRecords(200)},
	"POST /v1/candidates/{id}/certifications/{cert}/revoke": {post(func(f *fixture) string {
		return "/v1/candidates/" + f.candA + "/certifications/ai-practitioner/revoke"
	}, func(*fixture) any { return map[string]any{"reason": "results invalidated by a security review"} }), staffOnly(200)},
	// Preferences and calendar feeds are the candidate's own: a center
	// sees them not even for its own candidates (app refuses RoleCenter).
	"GET /v1/candidates/{id}/credentials": {get(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/credentials" }), candidateRecords(200)},
	"GET /v1/credentials/{id}":            {get(func(f *fixture) string { return "/v1/credentials/" + f.credActive }), candidateRecords(200)},
	"GET /v1/credentials/{id}/jwt":        {get(func(f *fixture) string { return "/v1/credentials/" + f.credActive + "/jwt" }), candidateRecords(200)},
	"POST /v1/credentials/{id}/revoke": {post(func(f *fixture) string { return "/v1/credentials/" + f.credActive + "/revoke" },
		func(*fixture) any { return map[string]any{"reason": "issued in error"} }), staffOnly(200)},
	"POST /v1/credentials/{id}/suspend": {post(func(f *fixture) string { return "/v1/credentials/" + f.credActive + "/suspend" },
		func(*fixture) any { return map[string]any{"reason": "under investigation"} }), staffOnly(200)},
	"POST /v1/credentials/{id}/reinstate": {post(func(f *fixture) string { return "/v1/credentials/" + f.credSuspended + "/reinstate" },
		func(*fixture) any { return map[string]any{"reason": "cleared"} }), staffOnly(200)},
	"GET /v1/candidates/{id}/preferences": {get(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/preferences" }), candidateRecords(200)},
	"PUT /v1/candidates/{id}/preferences": {func(f *fixture) req {
		return req{Method: "PUT", Path: "/v1/candidates/" + f.candA + "/preferences", Body: map[string]any{"channels": []string{"email"}}}
	}, candidateRecords(200)},
	"POST /v1/candidates/{id}/calendar": {post(func(f *fixture) string { return "/v1/candidates/" + f.candA + "/calendar" }, none), candidateRecords(200)},
	"DELETE /v1/candidates/{id}/calendar": {func(f *fixture) req { return req{Method: "DELETE", Path: "/v1/candidates/" + f.candA + "/calendar"} },
		candidateRecords(204)},
	// The feed's secret is the permission: a token, anyone's, changes nothing.
	"GET /calendar/{secret}": {get(func(f *fixture) string { return f.feed }), public(200)},

	// A candidate lists their own (candidate B's list is empty, not
	// refused); centers read no notifications.
	"GET /v1/notifications":      {get(fixed("/v1/notifications")), [nRoles]int{200, 200, 403, 403, 200, 200, 401}},
	"GET /v1/notifications/{id}": {get(func(f *fixture) string { return "/v1/notifications/" + f.notification }), candidateRecords(200)},

	// Webhook endpoints and their secrets are staff's alone.
	"POST /v1/webhooks":     {post(fixed("/v1/webhooks"), func(*fixture) any { return map[string]any{"url": "https://hooks.example.com/new"} }), staffOnly(201)},
	"GET /v1/webhooks":      {get(fixed("/v1/webhooks")), staffOnly(200)},
	"GET /v1/webhooks/{id}": {get(func(f *fixture) string { return "/v1/webhooks/" + f.webhook }), staffOnly(200)},
	"PATCH /v1/webhooks/{id}": {func(f *fixture) req {
		return req{Method: "PATCH", Path: "/v1/webhooks/" + f.webhook, Body: map[string]any{"url": "https://hooks.example.com/v2"}, Header: map[string]string{"If-Match": `"1"`}}
	}, staffOnly(200)},
	"DELETE /v1/webhooks/{id}": {func(f *fixture) req { return req{Method: "DELETE", Path: "/v1/webhooks/" + f.webhook} }, staffOnly(204)},
	"POST /v1/webhooks/{id}/rotate-secret": {post(func(f *fixture) string { return "/v1/webhooks/" + f.webhook + "/rotate-secret" }, none),
		staffOnly(200)},
	"GET /v1/webhooks/{id}/deliveries": {get(func(f *fixture) string { return "/v1/webhooks/" + f.webhook + "/deliveries" }), staffOnly(200)},

	"POST /v1/centers":     {post(fixed("/v1/centers"), func(*fixture) any { return map[string]any{"name": "New", "seats": 1} }), staffOnly(201)},
	"GET /v1/centers":      {get(fixed("/v1/centers")), all(200)},
	"GET /v1/centers/{id}": {get(func(f *fixture) string { return "/v1/centers/" + f.tcA }), all(200)},
	"PATCH /v1/centers/{id}": {func(f *fixture) req {
		return req{Method: "PATCH", Path: "/v1/centers/" + f.tcA, Body: map[string]any{"seats": 12}, Header: map[string]string{"If-Match": `"1"`}}
	}, [nRoles]int{200, 200, 200, 403, 403, 403, 401}},

	"POST /v1/appointments": {post(fixed("/v1/appointments"), func(f *fixture) any {
		return map[string]any{"candidate": f.candA, "exam": "SOA-C03", "center": f.tcA, "slot": f.now.Add(5 * 24 * time.Hour).Format(time.RFC3339)}
	}), [nRoles]int{201, 201, 201, 403, 201, 403, 401}},
	"GET /v1/appointments":      {get(fixed("/v1/appointments")), all(200)},
	"GET /v1/appointments/{id}": {get(func(f *fixture) string { return "/v1/appointments/" + f.apOpen }), appointmentRecords(200)},
	"POST /v1/appointments/{id}/cancel": {post(func(f *fixture) string { return "/v1/appointments/" + f.apOpen + "/cancel" }, none),
		appointmentRecords(200)},
	"POST /v1/appointments/{id}/reschedule": {post(func(f *fixture) string { return "/v1/appointments/" + f.apOpen + "/reschedule" },
		func(f *fixture) any {
			return map[string]any{"slot": f.now.Add(12 * 24 * time.Hour).Format(time.RFC3339)}
		}),
		appointmentRecords(200)},
	"POST /v1/appointments/{id}/no-show": {post(func(f *fixture) string { return "/v1/appointments/" + f.apStarted + "/no-show" }, none),
		[nRoles]int{200, 200, 200, 404, 403, 403, 401}},
	"POST /v1/appointments/{id}/medical-refund": {post(func(f *fixture) string { return "/v1/appointments/" + f.apMissed + "/medical-refund" },
		func(*fixture) any { return map[string]any{"note": "hospital letter"} }), staffOnly(200)},

	// a result without an appointment: no center's to see.
	"GET /v1/results/{id}": {get(func(f *fixture) string { return "/v1/results/" + f.result }), candidateRecords(200)},
	"POST /v1/results": {post(fixed("/v1/results"), func(f *fixture) any { return map[string]any{"appointment": f.apStarted, "scaled_score": 800} }),
		[nRoles]int{201, 201, 201, 404, 403, 403, 401}},

	"POST /v1/tokens": {post(fixed("/v1/tokens"), func(*fixture) any { return map[string]any{"role": "staff", "name": "new"} }), adminOnly(201)},
	"GET /v1/tokens":  {get(fixed("/v1/tokens")), adminOnly(200)},
	"DELETE /v1/tokens/{id}": {func(f *fixture) req { return req{Method: "DELETE", Path: "/v1/tokens/" + f.spareToken} },
		adminOnly(204)},
	"GET /v1/tokens/{id}": {func(f *fixture) req { return req{Method: "GET", Path: "/v1/tokens/" + f.spareToken} }, adminOnly(200)},
}

// TestRoles tries every route with every role, each from a fresh copy of
// the fixture, and checks who is refused (401, 403, or 404 where app hides
// what the caller may not see) and who is served.
func TestRoles(t *testing.T) {
	served := map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.path
		served[key] = true
		if _, ok := roleTable[key]; !ok {
			t.Errorf("route %s has no row in roleTable: say which roles may use it", key)
		}
	}
	for key := range roleTable {
		if !served[key] {
			t.Errorf("roleTable has %s, which is not a route", key)
		}
	}
	if t.Failed() {
		return
	}
	f := buildFixture(t)
	for _, rt := range routes {
		key := rt.method + " " + rt.path
		c := roleTable[key]
		for role := range nRoles {
			t.Run(strings.ReplaceAll(key, "/", "_")+"/"+roleNames[role], func(t *testing.T) {
				t.Parallel()
				q := c.req(f)
				r, _ := http.NewRequest(q.Method, q.Path, nil)
				if _, pattern := routeMux().Handler(r); pattern != key {
					t.Fatalf("the case for %s requests %s %s, which is %s", key, q.Method, q.Path, pattern)
				}
				q.Token = f.tokens[role]
				if q.Method == "POST" && role != staff {
					// Writes with and without a key render differently
					// (app's stored value or the use case's result): staff
					// goes without, every other role with one.
					if q.Header == nil {
						q.Header = map[string]string{}
					}
					q.Header["Idempotency-Key"] = "k-" + key
				}
				w := f.world(t)
				res := w.do(q)
				if res.Status != c.want[role] {
					t.Errorf("%s as %s: %d, want %d\n%s", key, roleNames[role], res.Status, c.want[role], trim(res.Body))
				}
			})
		}
	}
}

func trim(b []byte) string {
	s, _ := io.ReadAll(io.LimitReader(bytes.NewReader(b), 400))
	return string(s)
}
