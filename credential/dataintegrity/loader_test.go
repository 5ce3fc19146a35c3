package dataintegrity

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoaderServesOnlyPinnedContexts(t *testing.T) {
	for _, u := range Contexts() {
		rd, err := Loader{}.LoadDocument(u)
		if err != nil {
			t.Fatalf("LoadDocument(%s) = %v", u, err)
		}
		m, ok := rd.Document.(map[string]any)
		if _, has := m["@context"]; !ok || !has || rd.DocumentURL != u {
			t.Errorf("LoadDocument(%s) = %+v, want a context document", u, rd)
		}
	}
	if len(Contexts()) != 3 {
		t.Errorf("Contexts() = %v, want the three pinned", Contexts())
	}
	for _, u := range []string{
		"https://www.w3.org/2018/credentials/v1",
		"https://www.w3.org/ns/credentials/v2/",
		"http://www.w3.org/ns/credentials/v2",
		"contexts/credentials-v2.jsonld",
		"file:///etc/passwd",
	} {
		_, err := Loader{}.LoadDocument(u)
		if !errors.Is(err, ErrUnknownContext) || !strings.Contains(err.Error(), u) {
			t.Errorf("LoadDocument(%s) = %v, want an unknown-context error naming it", u, err)
		}
	}
}

// The embedded contexts are the standards' own bytes: where the shared
// copies are present beside the module, they must be the same.
func TestContextsAreTheStandardsCopies(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "standards")
	for _, name := range pinned {
		ours, err := contextFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := os.ReadFile(filepath.Join(shared, filepath.Base(name)))
		if errors.Is(err, os.ErrNotExist) && os.Getenv("CI") != "true" {
			t.Skipf("no shared standards folder at %s to compare with", shared)
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(theirs) {
			t.Errorf("%s differs from the shared standards copy", name)
		}
	}
}
