package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/recert/recert/app"
)

// TestTokenExpiry: a token made with expires_at works until that instant
// and from then on answers 401 "the token is not valid", like any other
// bad token; an expiry in the past is refused by name.
func TestTokenExpiry(t *testing.T) {
	w := newWorld(t, "", true)
	expires := t0.Add(time.Hour).Format(time.RFC3339)
	m := w.must(201, req{Method: "POST", Path: "/v1/tokens", Token: w.admin,
		Body: map[string]string{"role": "staff", "name": "an hour", "expires_at": expires}})
	if m["expires_at"] != expires {
		t.Errorf("created expires_at = %v, want %s", m["expires_at"], expires)
	}
	secret := m["secret"].(string)
	w.must(200, req{Method: "GET", Path: "/v1/centers", Token: secret})
	list := w.must(200, req{Method: "GET", Path: "/v1/tokens", Token: w.admin})
	byID := map[string]any{}
	for _, it := range list["items"].([]any) {
		byID[it.(map[string]any)["id"].(string)] = it.(map[string]any)["expires_at"]
	}
	if byID[m["id"].(string)] != expires {
		t.Errorf("listed expires_at = %v, want %s", byID[m["id"].(string)], expires)
	}
	for id, e := range byID {
		if id != m["id"] && e != nil {
			t.Errorf("token %s never expires but lists expires_at %v", id, e)
		}
	}

	w.advance(time.Hour)
	r := w.do(req{Method: "GET", Path: "/v1/centers", Token: secret})
	if r.Status != 401 || r.JSON(t)["detail"] != "the token is not valid" {
		t.Fatalf("an expired token: %d %s, want 401 the token is not valid", r.Status, r.Body)
	}
	w.must(200, req{Method: "GET", Path: "/v1/centers", Token: w.admin}) // the bootstrap one never expires

	r = w.do(req{Method: "POST", Path: "/v1/tokens", Token: w.admin,
		Body: map[string]string{"role": "staff", "expires_at": t0.Format(time.RFC3339)}})
	if r.Status != 400 || r.JSON(t)["field"] != "expires_at" {
		t.Fatalf("an expiry in the past: %d %s, want 400 naming expires_at", r.Status, r.Body)
	}
}

// TestTokenResponsesAreNotStored: every answer about tokens, the one with
// the secret above all, carries Cache-Control: no-store (checked by
// removing noStore from each handler in turn).
func TestTokenResponsesAreNotStored(t *testing.T) {
	w := newWorld(t, "", true)
	created := w.do(req{Method: "POST", Path: "/v1/tokens", Token: w.admin, Body: map[string]string{"role": "staff"}})
	listed := w.do(req{Method: "GET", Path: "/v1/tokens", Token: w.admin})
	revoked := w.do(req{Method: "DELETE", Path: "/v1/tokens/" + created.JSON(t)["id"].(string), Token: w.admin})
	refused := w.do(req{Method: "POST", Path: "/v1/tokens", Token: w.admin, Body: map[string]string{"role": "root"}})
	for name, r := range map[string]*resp{"POST": created, "GET": listed, "DELETE": revoked, "refused POST": refused} {
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s /v1/tokens (%d): Cache-Control %q, want no-store", name, r.Status, got)
		}
	}
}

// TestBadTokens: a request without a token is told one is required; a
// token that was sent but is not one (the README's placeholder, a
// stranger's guess) is told it is not valid.
func TestBadTokens(t *testing.T) {
	w := newWorld(t, "", true)
	for _, c := range []struct{ name, header, want string }{
		{"no header", "", "send Authorization: Bearer <token>"},
		{"no token after the scheme", "Bearer ", "send Authorization: Bearer <token>"},
		{"the README's placeholder", "Bearer paste-the-admin-token-here", "the token is not valid"},
		{"an unknown recert token", "Bearer rct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "the token is not valid"},
	} {
		q := req{Method: "GET", Path: "/v1/centers"}
		if c.header != "" {
			q.Header = map[string]string{"Authorization": c.header}
		}
		r := w.do(q)
		if r.Status != 401 || r.JSON(t)["detail"] != c.want {
			t.Errorf("%s: %d %s, want 401 %q", c.name, r.Status, r.Body, c.want)
		}
	}
}

// TestBootstrapAdminIfNone: serve's start makes an admin token only while
// the database has none that works: not on a restart, again once every
// admin token has expired.
func TestBootstrapAdminIfNone(t *testing.T) {
	w := newWorld(t, "", false)
	ctx := context.Background()
	_, _, err := w.app.CreateToken(ctx, app.System, app.TokenInput{Role: app.RoleStaff, Name: "not an admin"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := w.app.BootstrapAdminIfNone(ctx)
	if err != nil || first == "" {
		t.Fatalf("on a database with no admin token: %q, %v; want a new secret", first, err)
	}
	w.must(200, req{Method: "GET", Path: "/v1/tokens", Token: first})
	if again, err := w.app.BootstrapAdminIfNone(ctx); err != nil || again != "" {
		t.Fatalf("with an admin token: %q, %v; want none", again, err)
	}

	// Only an expiring admin token left: none is made until it expires.
	w2 := newWorld(t, "", false)
	if _, _, err := w2.app.CreateToken(ctx, app.System, app.TokenInput{Role: app.RoleAdmin, ExpiresAt: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if s, err := w2.app.BootstrapAdminIfNone(ctx); err != nil || s != "" {
		t.Fatalf("with an unexpired admin token: %q, %v; want none", s, err)
	}
	w2.advance(24 * time.Hour)
	if s, err := w2.app.BootstrapAdminIfNone(ctx); err != nil || s == "" {
		t.Fatalf("once the admin token has expired: %q, %v; want a new secret", s, err)
	}
}
