// Package browser drives a real Chromium for the pages' browser tests
// (chromedp): a test visits pages, fills fields by their label or id,
// clicks, reads text, checks each page with axe-core, and may take
// screenshots for the README.
//
// Real parts, not mocks: a test needs Debian's chromium and the axe-core
// npm package tools/web pins. On a developer's machine without them the
// test skips and says how to install them; under CI (CI=true) it fails.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds one browser test, so that a page that never shows what
// a helper waits for fails the test instead of hanging it.
const Timeout = 2 * time.Minute

// need skips the test, or fails it under CI, when a real part is missing.
func need(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI must provide it)", msg)
	}
	t.Skip(msg)
}

// chromium finds Debian's browser.
func chromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH")
}

// New starts a headless Chromium for t and returns the context the other
// helpers take; it is closed when t ends. The window is 1280 px wide.
func New(t testing.TB) context.Context {
	t.Helper()
	bin, err := chromium()
	if err != nil {
		need(t, "browser tests need Chromium: apt-get install chromium (%v)", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-GB"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	return ctx
}

// do runs steps, failing t with what was being done and where.
func do(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %s: %v (at %s)", what, err, location(ctx))
	}
}

// get runs one action and returns its value.
func get[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %s: %v (at %s)", what, err, location(ctx))
	}
	return v
}

func location(ctx context.Context) string {
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// Visit opens url and waits for its body.
func Visit(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, "visit "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// URL is the address of the page shown.
func URL(t testing.TB, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, "read the URL", chromedp.Location())
}

// findField is the id of the field a label names (its text, trimmed and
// compared without case), or the id itself when an element has it.
const findField = `(function(key) {
	if (document.getElementById(key)) return key;
	const want = key.trim().toLowerCase();
	for (const l of document.querySelectorAll("label")) {
		if (l.textContent.trim().toLowerCase() === want && l.htmlFor) return l.htmlFor;
	}
	return "";
})(%q)`

// Fill types value into the field labelled label (or with that id),
// replacing what it held.
func Fill(t testing.TB, ctx context.Context, label, value string) {
	t.Helper()
	id := get(t, ctx, "find the field "+label, chromedp.Evaluate[string](fmt.Sprintf(findField, label)))
	if id == "" {
		t.Fatalf("browser: no field labelled or with the id %q at %s", label, location(ctx))
	}
	sel := chromedp.CSS("#" + cssEscape(id))
	do(t, ctx, "fill "+label, chromedp.WaitVisible(sel),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = ""`, id)),
		chromedp.SendKeys(sel, value))
}

// cssEscape makes an id a CSS selector's (the pages' ids are plain).
func cssEscape(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\%x ", r)
		}
	}
	return b.String()
}

// Click clicks the element sel (a CSS selector) and does not wait: use
// ClickAndWait for a link or a button that loads another page.
func Click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// ClickAndWait clicks sel and waits until another document has loaded
// (a form's answer, a link's page, after any redirects).
func ClickAndWait(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__recertOld = true`))
	Click(t, ctx, sel)
	// Poll until the deadline: an evaluation may fail while the old page
	// goes away, which is what is awaited.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__recertOld === undefined && document.readyState === "complete"`))
		if err == nil && done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("browser: no new page after clicking %s: %v (at %s)", sel, ctx.Err(), location(ctx))
		case <-tick.C:
		}
	}
}

// Text is the visible text of the first element sel matches, trimmed.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// Count is how many elements sel matches now, without waiting.
func Count(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	return get(t, ctx, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// Eval evaluates js in the page (awaiting a promise) and returns its
// value as T (chromedp.Void to drop it).
func Eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	return get(t, ctx, "evaluate", chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// Root is the module's root directory (where go.mod is), found from the
// test's working directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("browser: no go.mod above the working directory")
		}
		dir = up
	}
}
