package httpapi

import (
	"slices"
	"testing"

	"github.com/recert/recert/definition"
	"github.com/recert/recert/policy"
)

// TestPreferencesRoundTrip: a candidate's own token reads the defaults
// (every channel, nothing opted out, rev 0), writes with the ETag it read,
// reads back what it wrote, and a write with the ETag of an older version
// is refused.
func TestPreferencesRoundTrip(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	me := w.token("candidate", "c1")
	path := "/v1/candidates/c1/preferences"

	def := w.do(req{Method: "GET", Path: path, Token: me})
	if def.Status != 200 {
		t.Fatalf("defaults: %d %s", def.Status, def.Body)
	}
	d := def.JSON(t)
	if !slices.Equal(strs(d["channels"]), []string{"email", "webhook"}) || len(d["opt_out"].([]any)) != 0 || d["rev"] != 0.0 || d["candidate"] != "c1" {
		t.Errorf("defaults: %s", def.Body)
	}

	put := w.do(req{Method: "PUT", Path: path, Token: me, Body: map[string]any{"channels": []string{"email"}},
		Header: map[string]string{"If-Match": def.Header.Get("ETag")}})
	if put.Status != 200 || put.Header.Get("ETag") != `"1"` {
		t.Fatalf("put with the defaults' ETag %s: %d %s", def.Header.Get("ETag"), put.Status, put.Body)
	}
	got := w.do(req{Method: "GET", Path: path, Token: me})
	if string(got.Body) != string(put.Body) || got.Header.Get("ETag") != `"1"` {
		t.Errorf("read back: %s, written %s", got.Body, put.Body)
	}
	if p := got.JSON(t); !slices.Equal(strs(p["channels"]), []string{"email"}) || len(p["opt_out"].([]any)) != 0 {
		t.Errorf("read back: %s", got.Body)
	}

	// Staff writes without If-Match; the candidate's next write with the
	// ETag it read before that is stale.
	w.must(200, req{Method: "PUT", Path: path, Token: w.admin, Body: map[string]any{"channels": []string{}}})
	for _, tag := range []string{`"1"`, `"0"`} {
		if r := w.do(req{Method: "PUT", Path: path, Token: me, Body: map[string]any{"channels": []string{"webhook"}},
			Header: map[string]string{"If-Match": tag}}); r.Status != 412 {
			t.Errorf("put with the stale ETag %s: %d %s", tag, r.Status, r.Body)
		}
	}
	if p := w.must(200, req{Method: "GET", Path: path, Token: me}); len(p["channels"].([]any)) != 0 || p["rev"] != 2.0 {
		t.Errorf("after staff's write and the refused ones: %v", p)
	}

	if r := w.do(req{Method: "GET", Path: "/v1/candidates/nobody/preferences", Token: w.admin}); r.Status != 404 {
		t.Errorf("preferences of no candidate: %d %s", r.Status, r.Body)
	}
}

// TestPreferencesRefused: what is not a channel, what cannot be opted out
// of (the expiry reminders and the expiry itself, whatever the program,
// and anything that is not a notice kind) and an unknown member are 400
// naming the field, and nothing is stored.
func TestPreferencesRefused(t *testing.T) {
	w := newWorld(t, "", true)
	seed(w)
	me := w.token("candidate", "c1")
	path := "/v1/candidates/c1/preferences"
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"a channel that is not one", map[string]any{"channels": []string{"email", "sms"}}, "channels"},
		{"opting out of expiry reminders", map[string]any{"channels": []string{"email"}, "opt_out": []string{string(policy.NoticeExpiry)}}, "opt_out"},
		{"opting out of the expiry", map[string]any{"opt_out": []string{string(policy.NoticeExpired)}}, "opt_out"},
		{"opting out of no kind", map[string]any{"opt_out": []string{"newsletter"}}, "opt_out"},
		{"an unknown member", map[string]any{"channels": []string{"email"}, "quiet_hours": "22-07"}, "quiet_hours"},
		{"channels not a list", map[string]any{"channels": "email"}, "channels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do(req{Method: "PUT", Path: path, Token: me, Body: c.body})
			if r.Status != 400 || r.JSON(t)["field"] != c.field {
				t.Errorf("%d %s; want 400 naming %s", r.Status, r.Body, c.field)
			}
		})
	}
	if p := w.must(200, req{Method: "GET", Path: path, Token: me}); p["rev"] != 0.0 {
		t.Errorf("a refused write was stored: %v", p)
	}
	if r := w.do(req{Method: "PUT", Path: path, Token: me}); r.Status != 400 {
		t.Errorf("put without a body: %d %s", r.Status, r.Body)
	}

	// The kinds the program calls optional can be opted out of. They come
	// from the definition's notifications section.
	t.Run("an optional kind", func(t *testing.T) {
		optional := definition.AWS().Notifications.Optional
		if len(optional) == 0 {
			t.Fatal("the AWS program lists no optional notice kinds (its notifications section's optional)")
		}
		kind := string(optional[0])
		p := w.must(200, req{Method: "PUT", Path: path, Token: me, Body: map[string]any{"channels": []string{"email"}, "opt_out": []string{kind}}})
		if !slices.Equal(strs(p["opt_out"]), []string{kind}) {
			t.Errorf("opted out of %s: %v", kind, p)
		}
		if r := w.do(req{Method: "PUT", Path: path, Token: me, Body: map[string]any{"opt_out": []string{kind, string(policy.NoticeExpiry)}}}); r.Status != 400 || r.JSON(t)["field"] != "opt_out" {
			t.Errorf("an optional kind with expiry_reminder: %d %s", r.Status, r.Body)
		}
	})
}
