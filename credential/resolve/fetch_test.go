package resolve_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recert/recert/credential/resolve"
)

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://recert.example.org/status/revocation", true},
		{"http://localhost:8080/status/revocation", true},
		{"http://127.0.0.1:9/x", true},
		{"http://[::1]:9/x", true},
		{"http://LOCALHOST/x", true},
		{"http://recert.example.org/status/revocation", false},
		{"http://localhost.example.org/x", false},
		{"http://127.0.0.2/x", false},
		{"ftp://recert.example.org/x", false},
		{"file:///etc/passwd", false},
		{"https://user@recert.example.org/x", false},
		{"/status/revocation", false},
		{"", false},
	} {
		if _, err := resolve.CheckURL(c.url); (err == nil) != c.ok {
			t.Errorf("CheckURL(%q): %v; want ok=%v", c.url, err, c.ok)
		}
	}
}

func TestDocumentURL(t *testing.T) {
	for _, c := range []struct{ did, url string }{
		{"did:web:recert.example.org", "https://recert.example.org/.well-known/did.json"},
		{"did:web:recert.example.org%3A8443", "https://recert.example.org:8443/.well-known/did.json"},
		{"did:web:localhost%3A8080", "http://localhost:8080/.well-known/did.json"},
		{"did:web:localhost", "http://localhost/.well-known/did.json"},
		{"did:web:example.org:issuers:aws", "https://example.org/issuers/aws/did.json"},
		{"did:web:", ""},
		{"did:key:z6Mk", ""},
		{"did:web:example.org:..", ""},
		{"did:web:evil.example%2Fx", ""},
		{"did:web:a@b", ""},
	} {
		got, err := resolve.DocumentURL(c.did)
		if c.url == "" {
			if err == nil {
				t.Errorf("DocumentURL(%q) = %q; want an error", c.did, got)
			}
			continue
		}
		if err != nil || got != c.url {
			t.Errorf("DocumentURL(%q) = %q, %v; want %q", c.did, got, err, c.url)
		}
	}
}

// TestFetchBounds: a body over the limit is refused, with or without a
// Content-Length; a redirect to another host is not followed, one on the
// same host is; an error status is an error; a server that never answers
// ends at the timeout.
func TestFetchBounds(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("elsewhere")) }))
	t.Cleanup(other.Close)
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat("x", 200)))
		case "/big-chunked":
			for range 10 {
				_, _ = w.Write([]byte(strings.Repeat("x", 50)))
				w.(http.Flusher).Flush()
			}
		case "/small":
			w.Header().Set("Cache-Control", "public, max-age=60")
			_, _ = w.Write([]byte("ok"))
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/small", http.StatusFound)
		case "/hang":
			<-hang
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hang) })
	f := &resolve.Fetcher{MaxBytes: 100, Timeout: 200 * time.Millisecond}
	ctx := context.Background()
	for path, want := range map[string]string{"/big": "more than", "/big-chunked": "more than", "/away": "another host", "/missing": "404", "/hang": "GET"} {
		if _, err := f.Get(ctx, srv.URL+path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("GET %s: %v; want an error saying %q", path, err, want)
		}
	}
	for _, path := range []string{"/small", "/here"} {
		got, err := f.Get(ctx, srv.URL+path)
		if err != nil || string(got.Body) != "ok" || got.MaxAge != time.Minute {
			t.Errorf("GET %s: %q max-age %s, %v; want ok, 1m", path, got.Body, got.MaxAge, err)
		}
	}
	if _, err := f.Get(ctx, "http://recert.example.org/status/revocation"); err == nil || !strings.Contains(err.Error(), "only for localhost") {
		t.Errorf("plain http to another host: %v; want refused before any request", err)
	}
}

// TestCache: an entry read back is the one written; Stale is past
// FetchedAt+TTL; a missing entry is ErrNotCached; a file holding another
// id is refused.
func TestCache(t *testing.T) {
	c := resolve.Cache{Dir: t.TempDir()}
	at := time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)
	e := resolve.Entry{Kind: resolve.KindDID, ID: "did:web:localhost%3A8080", URL: "http://localhost:8080/.well-known/did.json", FetchedAt: at, TTLSeconds: 300, Body: "{\"id\":\"x\"}\n"}
	if _, err := c.Get(e.Kind, e.ID); !errors.Is(err, resolve.ErrNotCached) {
		t.Fatalf("empty cache: %v; want ErrNotCached", err)
	}
	if err := c.Put(e); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(e.Kind, e.ID)
	if err != nil || got != e {
		t.Fatalf("read back %+v, %v; want %+v", got, err, e)
	}
	if got.Stale(at.Add(299*time.Second)) || !got.Stale(at.Add(300*time.Second)) {
		t.Errorf("stale within the ttl, or fresh after it")
	}
	if _, err := c.Get(resolve.KindStatusList, e.ID); !errors.Is(err, resolve.ErrNotCached) {
		t.Errorf("another kind with the same id: %v; want ErrNotCached", err)
	}
	// A file edited to hold another id is not taken for this one.
	files, _ := filepath.Glob(filepath.Join(c.Dir, "did", "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v; want one entry file", files)
	}
	b, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], []byte(strings.Replace(string(b), "8080\"", "9090\"", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(e.Kind, e.ID); err == nil || !strings.Contains(err.Error(), "holds") {
		t.Errorf("an entry file holding another id: %v; want refused", err)
	}
	if err := c.Put(resolve.Entry{Kind: "other", ID: "x"}); err == nil {
		t.Error("an unknown kind was cached")
	}
}
