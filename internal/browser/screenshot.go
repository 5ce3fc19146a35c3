package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Widths of the README's screenshots.
const (
	Desktop = 1280
	Phone   = 375
)

// Screenshot writes what a screen width CSS pixels wide (and 900 high)
// shows of the page, to docs/screenshots/NAME-WIDTH.png, only when
// RECERT_SCREENSHOTS=1: CI runs the tests without it, so that it does not
// change the committed images. The viewport, not the whole page, keeps
// each image small in the repository and shows what a person sees first.
// With near (a CSS selector), the page is scrolled to put that element at
// the top first, for a page whose point is below its form. The window is
// put back to desktop width after.
func Screenshot(t testing.TB, ctx context.Context, name string, width int, near ...string) {
	t.Helper()
	if os.Getenv("RECERT_SCREENSHOTS") != "1" {
		return
	}
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	do(t, ctx, "set the width to "+fmt.Sprint(width), chromedp.EmulateViewport(int64(width), 900, opts...))
	for _, sel := range near {
		do(t, ctx, "scroll to "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"})`, sel)))
	}
	png := get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	do(t, ctx, "reset the width", chromedp.ResetViewport())
	dir := filepath.Join(Root(t), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}
