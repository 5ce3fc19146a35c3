package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowing names a few elements that reach past the viewport's right
// edge, the deepest first, so a failure says what to fix.
const overflowing = `(function(w) {
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.right > w + 0.5 && r.width > 0 && ![...el.children].some(c => c.getBoundingClientRect().right > w + 0.5)) {
			out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " (" + Math.round(r.right) + " px)");
			if (out.length === 5) break;
		}
	}
	return out;
})(%d)`

// FitsWidth checks the page shown on a phone width CSS pixels wide (a
// mobile viewport, as Screenshot uses): it fails t when the document is
// wider than the screen, so that it would scroll sideways, naming the
// elements that stick out. The window is put back to desktop width after.
func FitsWidth(t testing.TB, ctx context.Context, width int) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("set the width to %d", width), chromedp.EmulateViewport(int64(width), 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	got := get(t, ctx, "read the document's width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	var wide []string
	if got > width {
		wide = get(t, ctx, "find what overflows", chromedp.Evaluate[[]string](fmt.Sprintf(overflowing, width)))
	}
	do(t, ctx, "reset the width", chromedp.ResetViewport())
	if got > width {
		t.Errorf("at %d px wide, %s is %d px wide (it scrolls sideways); past the edge: %s", width, location(ctx), got, strings.Join(wide, ", "))
	}
}

// AtWidth runs fn with the page shown on a phone width CSS pixels wide,
// as FitsWidth does (for CheckAccessibility at a phone's width: a table
// that scrolls there must be reachable by keyboard), and puts the window
// back to desktop width after.
func AtWidth(t testing.TB, ctx context.Context, width int, fn func()) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("set the width to %d", width), chromedp.EmulateViewport(int64(width), 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	defer do(t, ctx, "reset the width", chromedp.ResetViewport())
	fn()
}
