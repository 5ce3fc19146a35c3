package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/web"
)

// TestSignInLimitPerClient: one client address may ask for 20 sign-in
// links at once, whatever the addresses, then one every 30 seconds; the
// 21st is 429 with Retry-After, another client is not held back, an IPv6
// address of the same /64 is the same client, and the bucket refills.
func TestSignInLimitPerClient(t *testing.T) {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/limit.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	h := web.AsVisitor(web.New(app.New(st, app.WithClock(clock)), web.Options{PublicURL: "https://recert.example.org", Now: clock}))
	ask := func(client string, i int) *httptest.ResponseRecorder {
		form := url.Values{"email": {fmt.Sprintf("person%d@example.com", i)}, "csrf": {web.TestCSRF}}
		r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = net.JoinHostPort(client, "4242")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	for i := range 20 {
		if rec := ask("198.51.100.7", i); rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := ask("198.51.100.7", 20)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("the 21st request from one client: %d, Retry-After %q; want 429 with it", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := ask("203.0.113.9", 21); rec.Code != http.StatusOK {
		t.Errorf("another client: %d", rec.Code)
	}
	for i := range 20 {
		if rec := ask("2001:db8:1:2::1", 100+i); rec.Code != http.StatusOK {
			t.Fatalf("IPv6 request %d: %d", i+1, rec.Code)
		}
	}
	if rec := ask("2001:db8:1:2:ffff::9", 200); rec.Code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429 (one subscriber)", rec.Code)
	}
	now = now.Add(10 * time.Minute)
	if rec := ask("198.51.100.7", 22); rec.Code != http.StatusOK {
		t.Errorf("after the window: %d", rec.Code)
	}
}
