package web

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestAssetsArePinnedPackages checks that each embedded third-party asset
// is the file of the npm package tools/web/package.json pins, byte for
// byte: the pin says which version is served, and an edit by hand fails.
// It needs `npm ci --prefix tools/web` (CI runs it); on a developer's
// machine without it the test skips and says so.
func TestAssetsArePinnedPackages(t *testing.T) {
	modules := filepath.Join("..", "tools", "web", "node_modules")
	if _, err := os.Stat(modules); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI must run npm ci --prefix tools/web", modules)
		}
		t.Skip("run `npm ci --prefix tools/web` to check the embedded assets against their pinned packages")
	}
	for name, pkgFile := range map[string]string{
		"pico.classless.min.css": "@picocss/pico/css/pico.classless.min.css",
		"htmx.min.js":            "htmx.org/dist/htmx.min.js",
	} {
		want, err := os.ReadFile(filepath.Join(modules, pkgFile))
		if err != nil {
			t.Fatal(err)
		}
		if got := assets[name].body; !bytes.Equal(got, want) {
			t.Errorf("static/%s differs from %s (%d bytes, want %d): copy the pinned package's file", name, pkgFile, len(got), len(want))
		}
	}
}
