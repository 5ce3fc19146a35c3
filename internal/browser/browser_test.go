package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps what a helper reported instead of
// ending the test, so a test can check that the helper fails (or skips)
// when it should. Fatal and Skip end only the goroutine it runs in.
type recorder struct {
	testing.TB
	mu             sync.Mutex
	errors, skips  []string
	fatal, skipped bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.mu.Lock()
	r.skips, r.skipped = append(r.skips, fmt.Sprint(args...)), true
	r.mu.Unlock()
	runtime.Goexit()
}

// in runs f with r in a goroutine of its own and waits for it.
func (r *recorder) in(f func()) {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	<-done
}

const page = `<!doctype html><html lang="en"><head><title>Form</title></head><body><main>
<h1>A form</h1>
<form method="get" action="/done"><label for="who">Your name</label><input id="who" name="who">
<button type="submit" id="go">Send</button></form>
<p id="out">waiting</p>
</main></body></html>`

func site(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Done</title></head><body><main><h1 id="hello">Hello, %s</h1></main></body></html>`,
			strings.ReplaceAll(r.URL.Query().Get("who"), "<", "&lt;"))
	})
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		fmt.Fprint(w, `<!doctype html><html><head><title>Bad</title></head><body><main><img src="/x.png"><input id="q"></main></body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFillClickRead(t *testing.T) {
	srv := site(t)
	ctx := New(t)
	Visit(t, ctx, srv.URL+"/")
	if got := Text(t, ctx, "#out"); got != "waiting" {
		t.Errorf("Text = %q", got)
	}
	Fill(t, ctx, "Your name", "Ada")
	Fill(t, ctx, "who", "Grace") // by id, replacing what it held
	ClickAndWait(t, ctx, "#go")
	if got := Text(t, ctx, "#hello"); got != "Hello, Grace" {
		t.Errorf("after the form: %q at %s", got, URL(t, ctx))
	}
	if n := Count(t, ctx, "h1"); n != 1 {
		t.Errorf("Count(h1) = %d", n)
	}
	// Under the page's CSP, axe still runs: it is injected through DevTools.
	CheckAccessibility(t, ctx)
}

func TestAccessibilityFailsOnSeriousViolations(t *testing.T) {
	srv := site(t)
	ctx := New(t)
	Visit(t, ctx, srv.URL+"/bad")
	r := &recorder{TB: t}
	r.in(func() { CheckAccessibility(r, ctx) })
	all := strings.Join(r.errors, "\n")
	// An image without alt text is critical, an input without a label too.
	for _, want := range []string{"image-alt (critical) at img", "label (critical) at #q", "https://dequeuniversity.com/"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q:\n%s", want, all)
		}
	}
}

func TestNoChromiumSkipsOrFailsUnderCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{TB: t}
		r.in(func() { New(r) })
		switch {
		case ci == "" && (!r.skipped || !strings.Contains(strings.Join(r.skips, ""), "apt-get install chromium")):
			t.Errorf("without CI: skipped %v %v, want a skip saying apt-get install chromium", r.skipped, r.skips)
		case ci == "true" && (!r.fatal || !strings.Contains(strings.Join(r.errors, ""), "apt-get install chromium")):
			t.Errorf("under CI: fatal %v %v, want a failure", r.fatal, r.errors)
		}
	}
}
