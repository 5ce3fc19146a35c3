package browser

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download clicks sel, a link the server answers with an attachment, lets
// the browser save the file as a person's would (its suggested name, in a
// directory of t's), and returns that name and the bytes saved. A link
// whose answer the browser shows instead of saving fails the test: that
// is what a person would see go wrong.
func Download(t testing.TB, ctx context.Context, sel string) (name string, body []byte) {
	t.Helper()
	dir := t.TempDir()
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(wait, cdpbrowser.DownloadProgress)
	do(t, ctx, "allow downloads", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: ptr(true)})
		return err
	}))
	Click(t, ctx, sel)
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("browser: no download after clicking %s: %v (at %s)", sel, err, location(ctx))
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatalf("browser: the download of %s was cancelled (at %s)", sel, location(ctx))
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			break
		}
	}
	files, err := os.ReadDir(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("browser: after downloading %s the directory holds %v (%v), want one file", sel, files, err)
	}
	body, err = os.ReadFile(filepath.Join(dir, files[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return files[0].Name(), body
}

func ptr[T any](v T) *T { return &v }
