package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recert/recert/notify/webhook"
)

// receiver is a webhook endpoint that checks signatures as a Standard
// Webhooks receiver would, then answers with status.
type receiver struct {
	secret   string
	status   int
	verified atomic.Int32
	header   atomic.Value // http.Header of the last request
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.header.Store(r.Header.Clone())
	if r.Method != http.MethodPost {
		http.Error(w, "want POST", http.StatusMethodNotAllowed)
		return
	}
	if err := webhook.Verify(rc.secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	rc.verified.Add(1)
	w.WriteHeader(rc.status)
	// A long answer: the poster reads a little of it and closes.
	_, _ = io.WriteString(w, strings.Repeat("x", 1<<20))
}

func newSecret(t *testing.T) string {
	t.Helper()
	s, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPostAccepted(t *testing.T) {
	secret := newSecret(t)
	rc := &receiver{secret: secret, status: http.StatusNoContent}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	p := webhook.NewPoster(webhook.Config{Timeout: 10 * time.Second})
	body := []byte(`{"type":"expiry_reminder","data":{}}`)
	status, err := p.Post(context.Background(), srv.URL+"/hook", secret, "msg_1", time.Now(), body)
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("Post = %d, %v", status, err)
	}
	if rc.verified.Load() != 1 {
		t.Error("the receiver did not verify the signature")
	}
	h := rc.header.Load().(http.Header)
	if h.Get("Content-Type") != "application/json" || h.Get("User-Agent") != webhook.DefaultUserAgent || h.Get(webhook.HeaderID) != "msg_1" {
		t.Errorf("headers %v", h)
	}
}

func TestPostWrongSecretIsRefused(t *testing.T) {
	rc := &receiver{secret: newSecret(t), status: http.StatusOK}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	status, err := webhook.NewPoster(webhook.Config{}).Post(context.Background(), srv.URL, newSecret(t), "msg_1", time.Now(), []byte("{}"))
	if status != http.StatusUnauthorized || err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Post = %d, %v; want the receiver's 401", status, err)
	}
}

func TestPostServerError(t *testing.T) {
	secret := newSecret(t)
	srv := httptest.NewServer(&receiver{secret: secret, status: http.StatusInternalServerError})
	defer srv.Close()
	status, err := webhook.NewPoster(webhook.Config{}).Post(context.Background(), srv.URL, secret, "msg_1", time.Now(), []byte("{}"))
	if status != http.StatusInternalServerError || err == nil || !strings.Contains(err.Error(), "status 500") {
		t.Errorf("Post = %d, %v; want 500 and an error naming it", status, err)
	}
}

func TestPostTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	p := webhook.NewPoster(webhook.Config{Timeout: 200 * time.Millisecond})
	status, err := p.Post(context.Background(), srv.URL, newSecret(t), "msg_1", time.Now(), []byte("{}"))
	if status != 0 || err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("Post = %d, %v; want no status and a timeout", status, err)
	}
}

func TestPostRedirectNotFollowed(t *testing.T) {
	var followed atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { followed.Store(true) })
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	status, err := webhook.NewPoster(webhook.Config{}).Post(context.Background(), srv.URL+"/hook", newSecret(t), "msg_1", time.Now(), []byte("{}"))
	if status != http.StatusTemporaryRedirect || err == nil || !strings.Contains(err.Error(), "307") || !strings.Contains(err.Error(), "not followed") {
		t.Errorf("Post = %d, %v; want 307 as a failure", status, err)
	}
	if followed.Load() {
		t.Error("the redirect was followed")
	}
}

func TestPostBadInput(t *testing.T) {
	p := webhook.NewPoster(webhook.Config{})
	for _, tt := range []struct{ url, secret, want string }{
		{"ftp://example.org/x", newSecret(t), "not an http(s) URL"},
		{"http://user:Secret-pw@/x", newSecret(t), "not an http(s) URL"},
		{"http://example.org/x", "whsec_***", "bad secret"},
	} {
		status, err := p.Post(context.Background(), tt.url, tt.secret, "msg_1", time.Now(), nil)
		if status != 0 || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %d, %v; want %q", tt.url, status, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "Secret-pw") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
