package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/recert/recert/app"
	"github.com/recert/recert/ledger/sqlite"
	"github.com/recert/recert/web"
)

// newSite is the pages over an app on a fresh SQLite file.
func newSite(t *testing.T) (*httptest.Server, *app.App) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := app.New(st)
	srv := httptest.NewServer(web.New(a, web.Options{}))
	t.Cleanup(srv.Close)
	return srv, a
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHomeLinksOnlyEmbeddedAssets(t *testing.T) {
	srv, _ := newSite(t)
	res, body := get(t, srv.URL+"/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	refs := regexp.MustCompile(`(?:href|src)="([^"]+)"`).FindAllStringSubmatch(body, -1)
	var assets int
	for _, m := range refs {
		u := m[1]
		if strings.Contains(u, "//") {
			t.Errorf("the page links %s on another origin", u)
		}
		if !strings.HasPrefix(u, "/static/") {
			continue
		}
		assets++
		ar, ab := get(t, srv.URL+strings.ReplaceAll(u, "&amp;", "&"))
		if ar.StatusCode != 200 || len(ab) < 100 {
			t.Errorf("GET %s = %d, %d bytes", u, ar.StatusCode, len(ab))
		}
		if cc := ar.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable for the versioned URL", u, cc)
		}
	}
	if assets != 3 {
		t.Errorf("the layout links %d assets, want Pico, htmx and recert.css", assets)
	}
	// An unversioned or stale URL is served, but not cached for good.
	res, _ = get(t, srv.URL+"/static/recert.css?v=old")
	if cc := res.Header.Get("Cache-Control"); res.StatusCode != 200 || strings.Contains(cc, "immutable") {
		t.Errorf("stale version: %d %q", res.StatusCode, cc)
	}
}

func TestUnknownPagesAreNotFoundPages(t *testing.T) {
	srv, _ := newSite(t)
	for _, p := range []string{"/nope", "/static/nope.css", "/static/..%2fweb.go"} {
		res, body := get(t, srv.URL+p)
		if res.StatusCode != 404 || !strings.Contains(body, "<h1>Not Found</h1>") {
			t.Errorf("GET %s = %d: %.200s", p, res.StatusCode, body)
		}
	}
}

// parse is body as a document to query (goquery: CSS selectors).
func parse(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPagesAreAccessibleInShape(t *testing.T) {
	srv, _ := newSite(t)
	_, body := get(t, srv.URL+"/")
	d := parse(t, body)
	if lang, _ := d.Find("html").Attr("lang"); lang != "en" {
		t.Errorf("html lang %q", lang)
	}
	if d.Find("h1").Length() != 1 || d.Find("main").Length() != 1 {
		t.Errorf("want one h1 and one main, got %d and %d", d.Find("h1").Length(), d.Find("main").Length())
	}
	if v, _ := d.Find(`meta[name="viewport"]`).Attr("content"); !strings.Contains(v, "width=device-width") {
		t.Errorf("viewport %q: the pages must fit a phone", v)
	}
}
