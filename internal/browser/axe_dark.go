package browser

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// colorScheme sets the prefers-color-scheme the page sees ("" for the
// browser's own, light in headless Chromium). Motion is reduced with it:
// Pico's links fade to their new colour over 0.2 s, and axe reading the
// colours mid-fade would report contrast the page never settles on.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	motion := ""
	if scheme != "" {
		motion = "reduce"
	}
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}, {Name: "prefers-reduced-motion", Value: motion}}})
		return err
	})
}

// CheckAccessibilityDark is CheckAccessibility with the page in its dark
// colours: Pico and recert.css follow the system's scheme, and a colour
// chosen for a light background (a red warning, a link) may lack
// contrast on a dark one. The scheme is put back after.
func CheckAccessibilityDark(t testing.TB, ctx context.Context) {
	t.Helper()
	do(t, ctx, "switch to the dark scheme", colorScheme("dark"))
	defer do(t, ctx, "switch back from the dark scheme", colorScheme(""))
	CheckAccessibility(t, ctx)
}
