package browser

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// media sets the prefers-color-scheme and prefers-reduced-motion the page
// sees ("" for the browser's own: light, and motion, in headless
// Chromium).
func media(scheme, motion string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}, {Name: "prefers-reduced-motion", Value: motion}}})
		return err
	})
}

// CheckAccessibilityDark is CheckAccessibility with the page in its dark
// colours: Pico and recert.css follow the system's scheme, and a colour
// chosen for a light background (a red warning, a link) may lack
// contrast on a dark one. The scheme is put back after. Motion is reduced
// while the scheme changes, either way: Pico's links fade to a new colour
// over 0.2 s, and axe reading colours mid-fade (here or in the next
// check) would report contrast the page never settles on.
func CheckAccessibilityDark(t testing.TB, ctx context.Context) {
	t.Helper()
	do(t, ctx, "switch to the dark scheme", media("dark", "reduce"), settle)
	defer do(t, ctx, "switch back from the dark scheme", media("", "reduce"), settle, media("", ""), settle)
	CheckAccessibility(t, ctx)
}

// settle makes the page restyle now (Chromium applies emulated media at
// its next style update, which would otherwise come after the next
// change) and waits until no transition runs.
var settle = chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
		getComputedStyle(document.body).color;
		for (const a of document.querySelectorAll("a")) getComputedStyle(a).color;
		while (document.getAnimations().some(a => a.playState === "running")) await new Promise(r => requestAnimationFrame(r));
		return true;
	})()`, chromedp.EvalAwaitPromise))
	return err
})
