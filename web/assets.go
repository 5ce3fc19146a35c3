package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/recert/recert/app"
)

// The embedded assets: Pico CSS and htmx, copied unchanged from the npm
// packages tools/web/package.json pins (assets_test.go compares them byte
// for byte), and recert's own stylesheet. Nothing is fetched at run time
// and nothing needs Node.js to build.
//
//go:embed static
var staticFS embed.FS

// asset is one embedded file and its content hash, which versions its URL:
// a page links /static/NAME?v=HASH, so a browser may cache it for a year
// and still gets a new release's file at once.
type asset struct {
	body []byte
	hash string
	mime string
}

var assets = loadAssets()

func loadAssets() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = asset{body: b, hash: hex.EncodeToString(sum[:6]), mime: mimeOf(e.Name())}
	}
	return out
}

func mimeOf(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

// assetURL is the versioned URL of an embedded asset, for the templates.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("web: no embedded asset " + name) // a template names a file that is not embedded: caught by the page tests
	}
	return "/static/" + name + "?v=" + a.hash
}

// static serves an embedded asset. A request with the current version may
// be cached for good; any other gets a short lifetime.
func static(s *server, w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	a, ok := assets[name]
	if !ok || strings.Contains(name, "/") {
		return &app.Error{Code: app.CodeNotFound, Message: "There is no file " + name + "."}
	}
	w.Header().Set("Content-Type", a.mime)
	if r.URL.Query().Get("v") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("ETag", `"`+a.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+a.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, _ = w.Write(a.body)
	return nil
}
