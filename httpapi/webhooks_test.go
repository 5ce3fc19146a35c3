package httpapi

import (
	"strings"
	"testing"
)

// TestWebhookLifecycle walks one endpoint through every webhook route as
// staff: made (the secret in that answer only), read and listed without
// it, changed under If-Match (a stale or missing one refused), its secret
// rotated (a new one, shown once), its empty delivery log read, removed.
func TestWebhookLifecycle(t *testing.T) {
	w := newWorld(t, "", true)
	staff := w.token("staff", "")

	created := w.do(req{Method: "POST", Path: "/v1/webhooks", Token: staff, Header: map[string]string{"Idempotency-Key": "hook-1"},
		Body: map[string]any{"url": "https://hooks.example.com/recert", "kinds": []string{"expiry_reminder", "retake_available"}}})
	if created.Status != 201 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	hook := created.JSON(t)
	id, _ := hook["id"].(string)
	secret, _ := hook["secret"].(string)
	if id == "" || !strings.HasPrefix(secret, "whsec_") || len(secret) < len("whsec_")+32 {
		t.Fatalf("create: id %q secret %q", id, secret)
	}
	if got := strs(hook["kinds"]); len(got) != 2 || got[0] != "expiry_reminder" || hook["disabled"] != false || hook["rev"] != 1.0 {
		t.Errorf("create: %s", created.Body)
	}
	if loc := created.Header.Get("Location"); loc != "/v1/webhooks/"+id {
		t.Errorf("create: Location %q", loc)
	}
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("create: Cache-Control %q; the answer holds a secret", cc)
	}

	// A retry of the create is the same endpoint, but the secret was not
	// kept for it: it is in the first answer only.
	again := w.do(req{Method: "POST", Path: "/v1/webhooks", Token: staff, Header: map[string]string{"Idempotency-Key": "hook-1"},
		Body: map[string]any{"url": "https://hooks.example.com/recert", "kinds": []string{"expiry_reminder", "retake_available"}}})
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || again.JSON(t)["id"] != id {
		t.Fatalf("replayed create: %d %s", again.Status, again.Body)
	}
	if strings.Contains(string(again.Body), secret) || strings.Contains(string(again.Body), `"secret"`) {
		t.Errorf("the replayed create shows the secret: %s", again.Body)
	}

	got := w.do(req{Method: "GET", Path: "/v1/webhooks/" + id, Token: staff})
	if got.Status != 200 || got.Header.Get("ETag") != `"1"` {
		t.Fatalf("get: %d ETag %q %s", got.Status, got.Header.Get("ETag"), got.Body)
	}
	list := w.must(200, req{Method: "GET", Path: "/v1/webhooks", Token: staff})
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id || list["next"] != nil {
		t.Errorf("list: %v", list)
	}
	listed := w.do(req{Method: "GET", Path: "/v1/webhooks", Token: staff})
	for _, b := range [][]byte{got.Body, listed.Body} {
		if strings.Contains(string(b), "whsec_") || strings.Contains(string(b), `"secret"`) {
			t.Errorf("a read shows the secret: %s", b)
		}
	}

	// PATCH needs the ETag read, and a stale one is refused.
	change := map[string]any{"url": "https://hooks.example.com/v2", "disabled": true}
	if r := w.do(req{Method: "PATCH", Path: "/v1/webhooks/" + id, Token: staff, Body: change}); r.Status != 428 {
		t.Errorf("patch without If-Match: %d %s", r.Status, r.Body)
	}
	patched := w.do(req{Method: "PATCH", Path: "/v1/webhooks/" + id, Token: staff, Body: change, Header: map[string]string{"If-Match": `"1"`}})
	if patched.Status != 200 || patched.Header.Get("ETag") != `"2"` {
		t.Fatalf("patch: %d ETag %q %s", patched.Status, patched.Header.Get("ETag"), patched.Body)
	}
	p := patched.JSON(t)
	if p["url"] != "https://hooks.example.com/v2" || p["disabled"] != true || len(strs(p["kinds"])) != 0 || p["secret"] != nil {
		t.Errorf("patch: %s", patched.Body)
	}
	if r := w.do(req{Method: "PATCH", Path: "/v1/webhooks/" + id, Token: staff, Body: change, Header: map[string]string{"If-Match": `"1"`}}); r.Status != 412 {
		t.Errorf("patch with the stale ETag: %d %s", r.Status, r.Body)
	}

	rotated := w.do(req{Method: "POST", Path: "/v1/webhooks/" + id + "/rotate-secret", Token: staff})
	if rotated.Status != 200 || rotated.Header.Get("Cache-Control") != "no-store" || rotated.Header.Get("ETag") != `"3"` {
		t.Fatalf("rotate: %d %v %s", rotated.Status, rotated.Header, rotated.Body)
	}
	if s, _ := rotated.JSON(t)["secret"].(string); !strings.HasPrefix(s, "whsec_") || s == secret {
		t.Errorf("rotate: the secret is %q, the old one %q", s, secret)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/webhooks/" + id, Token: staff}); strings.Contains(string(r.Body), "whsec_") {
		t.Errorf("a read after the rotation shows the secret: %s", r.Body)
	}

	log := w.must(200, req{Method: "GET", Path: "/v1/webhooks/" + id + "/deliveries", Token: staff})
	if items := log["items"].([]any); len(items) != 0 || log["next"] != nil {
		t.Errorf("deliveries of an endpoint nothing was sent to: %v", log)
	}
	if r := w.do(req{Method: "GET", Path: "/v1/webhooks/" + id + "/deliveries?after=not-a-cursor", Token: staff}); r.Status != 400 || r.JSON(t)["field"] != "after" {
		t.Errorf("deliveries after a cursor no page gave: %d %s", r.Status, r.Body)
	}

	w.must(204, req{Method: "DELETE", Path: "/v1/webhooks/" + id, Token: staff})
	for _, q := range []req{
		{Method: "GET", Path: "/v1/webhooks/" + id},
		{Method: "DELETE", Path: "/v1/webhooks/" + id},
		{Method: "POST", Path: "/v1/webhooks/" + id + "/rotate-secret"},
		{Method: "GET", Path: "/v1/webhooks/" + id + "/deliveries"},
	} {
		q.Token = staff
		if r := w.do(q); r.Status != 404 {
			t.Errorf("%s %s after the delete: %d %s", q.Method, q.Path, r.Status, r.Body)
		}
	}
}

// TestWebhookInputRefused: a URL that is not an absolute http(s) URL and
// a kind that is not a notice kind are 400 naming the field, on create
// and on change alike; so is a member the API does not know.
func TestWebhookInputRefused(t *testing.T) {
	w := newWorld(t, "", true)
	id := w.must(201, req{Method: "POST", Path: "/v1/webhooks", Token: w.admin, Body: map[string]any{"url": "http://127.0.0.1:9/hook"}})["id"].(string)
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no url", map[string]any{"kinds": []string{"sitting"}}, "url"},
		{"relative url", map[string]any{"url": "/hook"}, "url"},
		{"another scheme", map[string]any{"url": "ftp://hooks.example.com/x"}, "url"},
		{"no host", map[string]any{"url": "https:///x"}, "url"},
		{"a fragment", map[string]any{"url": "https://hooks.example.com/x#frag"}, "url"},
		{"not a URL", map[string]any{"url": "https://exa mple.com/%zz"}, "url"},
		{"an unknown kind", map[string]any{"url": "https://hooks.example.com/x", "kinds": []string{"sitting", "birthday"}}, "kinds"},
		{"kinds not a list", map[string]any{"url": "https://hooks.example.com/x", "kinds": "sitting"}, "kinds"},
		{"an unknown member", map[string]any{"url": "https://hooks.example.com/x", "secret": "whsec_mine"}, "secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, q := range []req{
				{Method: "POST", Path: "/v1/webhooks"},
				{Method: "PATCH", Path: "/v1/webhooks/" + id, Header: map[string]string{"If-Match": `"1"`}},
			} {
				q.Token, q.Body = w.admin, c.body
				r := w.do(q)
				if r.Status != 400 || r.JSON(t)["field"] != c.field {
					t.Errorf("%s: %d %s; want 400 naming %s", q.Method, r.Status, r.Body, c.field)
				}
			}
		})
	}
	// Nothing was made or changed by the refusals.
	list := w.must(200, req{Method: "GET", Path: "/v1/webhooks", Token: w.admin})
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["rev"] != 1.0 {
		t.Errorf("after the refusals: %v", list)
	}
	// rotate-secret takes no members either.
	if r := w.do(req{Method: "POST", Path: "/v1/webhooks/" + id + "/rotate-secret", Token: w.admin, Body: map[string]any{"secret": "whsec_mine"}}); r.Status != 400 || r.JSON(t)["field"] != "secret" {
		t.Errorf("rotate with a member: %d %s", r.Status, r.Body)
	}
}
